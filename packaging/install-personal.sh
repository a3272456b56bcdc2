#!/bin/sh
# install-personal.sh - install the exmta plugin from this tarball into your
# personal Wireshark plugin folder, ~/.local/lib/wireshark/plugins/<ver>/epan,
# and check that tshark loads it. No root needed (and tshark run as root
# ignores personal plugin folders: run this as the user who runs Wireshark).
#
# Usage: ./install-personal.sh [--uninstall]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
want=$(cat "$here/WIRESHARK_VERSION" 2>/dev/null || true)
if [ -z "$want" ] || [ ! -f "$here/exmta.so" ]; then
    echo "install-personal.sh: run it from the unpacked exmta tarball (exmta.so, WIRESHARK_VERSION)" >&2
    exit 2
fi
dest=${XDG_LIB_HOME:-$HOME/.local/lib}/wireshark/plugins/$want/epan

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$dest/exmta.so" "$HOME/.local/bin/exmta-fileset"
    echo "removed $dest/exmta.so"
    exit 0
fi

if command -v tshark >/dev/null 2>&1; then
    have=$(tshark --version 2>/dev/null | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\)\..*/\1/p')
    if [ -n "$have" ] && [ "$have" != "$want" ]; then
        echo "install-personal.sh: this exmta is for Wireshark $want, the installed tshark is $have:" >&2
        echo "  Wireshark loads a plugin only into the release it was built for; use the $have package" >&2
        exit 1
    fi
else
    echo "install-personal.sh: tshark not found; installing without checking" >&2
fi

mkdir -p "$dest"
cp "$here/exmta.so" "$dest/exmta.so.tmp.$$"
chmod 0644 "$dest/exmta.so.tmp.$$"
mv -f "$dest/exmta.so.tmp.$$" "$dest/exmta.so"
echo "installed $dest/exmta.so"
if [ -f "$here/exmta-fileset" ]; then
    mkdir -p "$HOME/.local/bin"
    cp "$here/exmta-fileset" "$HOME/.local/bin/exmta-fileset"
    chmod 0755 "$HOME/.local/bin/exmta-fileset"
    echo "installed $HOME/.local/bin/exmta-fileset"
fi

if [ "$(id -u)" = 0 ]; then
    echo "note: tshark/Wireshark run as root ignore personal plugin folders; check as the user who runs them:" >&2
    echo "  tshark -G plugins | grep exmta" >&2
    exit 0
fi
if command -v tshark >/dev/null 2>&1; then
    if tshark -G plugins 2>/dev/null | grep -q '^exmta\.so'; then
        tshark -G plugins 2>/dev/null | grep '^exmta\.so'
        echo "exmta is loaded by tshark (restart Wireshark to load it there)"
    else
        echo "install-personal.sh: tshark -G plugins does not list exmta.so" >&2
        exit 1
    fi
fi
