#!/bin/sh
# deps.sh - install what exmta needs on Debian 12 (or 13/sid), and nothing
# that is already there. Needs root (or sudo) only when something is missing.
#   tools/deps.sh          build + run: tshark, Wireshark dev files, cmake, gcc,
#                          GNU parallel + python3-pcapy (exmta-fileset)
#   tools/deps.sh --test   also what the tests use (clang/libFuzzer, valgrind,
#                          mmdebstrap for the 4.4/4.6 roots, GNU parallel, time)
#   tools/deps.sh --gui    also wireshark-qt, xvfb, imagemagick (GUI test)
set -eu
pkgs="tshark libwireshark-dev wireshark-dev cmake make gcc pkgconf libglib2.0-dev python3 util-linux parallel python3-pcapy"
for a in "$@"; do
    case $a in
        --test) pkgs="$pkgs clang libclang-rt-14-dev valgrind mmdebstrap parallel time openssh-server" ;;
        --gui)  pkgs="$pkgs wireshark-qt xvfb xauth imagemagick xdotool" ;;
        *) echo "deps.sh: unknown option $a" >&2; exit 2 ;;
    esac
done
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
        echo "deps.sh: missing:$missing; install them as root: apt-get install$missing" >&2; exit 1; }
    SUDO=sudo
fi
echo "deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# wireshark-common asks whether non-root users may capture: keep the default (no)
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null
