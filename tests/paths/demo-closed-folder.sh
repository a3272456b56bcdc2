#!/bin/bash
# demo-closed-folder.sh - README's first command, tools/demo.sh, from a clone in
# a folder that only its owner may enter (Debian 12 makes /root and every new
# home folder 0700), with the plugin already built (demo.sh --no-build: no
# package installs, no build). The clone's own folder has a space in its name
# ("ex mta"), as a home folder's "My Projects" would.
#
# As root, three runs side by side, each on its own copy of the repository
# (the tracked and untracked-but-not-ignored files, plus the built plugin in
# build/plugins):
#   root   the copy in a 0700 folder owned by root, run as root (a clone in /root)
#   sudo   the copy in a 0700 home of a plain user, owned by that user, run as
#          root (`sudo tools/demo.sh` from ~/exmta)
#   user   the same home, run as that user (a uid no account uses, through setpriv)
# As an ordinary user: the "user" run only, in a 0700 folder of its own.
# Each run must exit 0, say that the plugin loaded from the copy's build/plugins,
# show x400-bind-refused.pcap's bind refusal in the endpoint table, and say
# why exmta finds nothing in tpkt-lookalike.pcap.
#
# Env: EXMTA_SOURCE_DIR (the repository), EXMTA_PLUGIN_ROOT (the built plugin,
# default build/plugins). Exit 0 pass, 1 fail, 77 skipped (no tshark / no plugin).
set -uo pipefail
src=${EXMTA_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
plugins=${EXMTA_PLUGIN_ROOT:-$src/build/plugins}
command -v tshark >/dev/null || { echo "demo-closed-folder: tshark is not installed: skipped"; exit 77; }
so=$(ls "$plugins"/*/epan/exmta.so 2>/dev/null | head -n 1)
[ -n "$so" ] || { echo "demo-closed-folder: no exmta.so under $plugins (build first): skipped"; exit 77; }
unset EXMTA_PLUGIN_ROOT EXMTA_CONFIG_DIR EXMTA_KEEP_HOME

work=$(mktemp -d "${TMPDIR:-/tmp}/exmta-closed.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

# copy_repo DEST: the repository's files (as git sees them, else all but
# build*/ and .git) and the built plugin, into DEST
copy_repo() {
    local dest=$1
    mkdir -p "$dest/build"
    if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
        (cd "$src" && git ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
            tar --null -T - -cf -) | tar -C "$dest" -xf -
    else
        tar -C "$src" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$dest" -xf -
    fi
    cp -a "$plugins" "$dest/build/plugins"
}

# a uid no account uses, for the plain user
uid=45678
while getent passwd "$uid" >/dev/null || getent group "$uid" >/dev/null; do uid=$((uid + 1)); done

runs=()
if [ "$(id -u)" = 0 ]; then
    mkdir -m 700 "$work/root"
    copy_repo "$work/root/ex mta"
    mkdir -m 700 "$work/home"
    copy_repo "$work/home/ex mta"
    chown -R "$uid:$uid" "$work/home"
    (cd "$work/root/ex mta" && tools/demo.sh --no-build) > "$work/out.root" 2>&1 &
    runs+=("root:$!:$work/root/ex mta")
    (cd "$work/home/ex mta" && tools/demo.sh --no-build) > "$work/out.sudo" 2>&1 &
    runs+=("sudo:$!:$work/home/ex mta")
    (cd "$work/home/ex mta" && setpriv --reuid="$uid" --regid="$uid" --clear-groups \
        env HOME="$work/home" tools/demo.sh --no-build) > "$work/out.user" 2>&1 &
    runs+=("user:$!:$work/home/ex mta")
else
    mkdir -m 700 "$work/home"
    copy_repo "$work/home/ex mta"
    (cd "$work/home/ex mta" && tools/demo.sh --no-build) > "$work/out.user" 2>&1 &
    runs+=("user:$!:$work/home/ex mta")
fi

fail=0
check() { # check RUN OUTPUT DESCRIPTION REGEX: the output has a line matching REGEX
    if ! grep -qE -- "$4" "$2"; then
        echo "FAIL ($1): $3: no line matches /$4/"
        rfail=1
    fi
}
for r in "${runs[@]}"; do
    IFS=: read -r name pid dir <<< "$r"
    rc=0; wait "$pid" || rc=$?
    rfail=0
    out=$work/out.$name
    echo "=== $name: tools/demo.sh --no-build in $dir (folder above it: mode $(stat -c %a "$(dirname "$dir")"), owner uid $(stat -c %u "$dir")), exit $rc"
    [ "$rc" = 0 ] || { echo "FAIL ($name): demo.sh exited $rc"; rfail=1; }
    check "$name" "$out" "the plugin loaded from the copy" \
        "^exmta-tshark: exmta\.so [0-9.]+ loaded from $dir/build/plugins/[0-9.]+/epan/exmta\.so"
    # the endpoint table of x400-bind-refused.pcap, and nothing else, holds the refusal
    sed -n '/^=== x400-bind-refused\.pcap$/,/^$/p' "$out" > "$work/refused.$name"
    check "$name" "$work/refused.$name" "x400-bind-refused.pcap's endpoint table" \
        '^192\.0\.2\.20 +102 +X\.400 over RFC1006 +port preference +1 +4 +599 +4 +7 +X\.400 bind refused: authentication-error$'
    sed -n '/^=== tpkt-lookalike\.pcap$/,/^$/p' "$out" > "$work/lookalike.$name"
    check "$name" "$work/lookalike.$name" "why tpkt-lookalike.pcap shows nothing" \
        '^  exmta finds nothing here: as meant: .*the heuristic rightly refuses'
    sed -n '/^=== x400-refused-session-ssel\.pcap$/,/^$/p' "$out" > "$work/ssel.$name"
    check "$name" "$work/ssel.$name" "x400-refused-session-ssel.pcap's association and its refusal" \
        '^  frame 7 \[Connector\] Session refused: called SSAP not recognised \(0x81\)'
    # every exmta expert info shows, those registered last too (a list of
    # them written into demo.sh missed the newer ones)
    sed -n '/^=== x400-interleaved\.pcap$/,/^$/p' "$out" > "$work/interleaved.$name"
    check "$name" "$work/interleaved.$name" "x400-interleaved.pcap's lost and late transfers" \
        '^  frame 25 \[Capture\] Wireshark shows here the transfer that ended in frame 21'
    sed -n '/^=== rpc-dcom-activation-nobind\.pcap$/,/^$/p' "$out" > "$work/dcom.$name"
    check "$name" "$work/dcom.$name" "rpc-dcom-activation-nobind.pcap's opnum 3 not learned from" \
        '^  frame 6 .*\[Endpoint mapper\] Opnum 3 on TCP 135 without a bind in the capture'
    check "$name" "$out" "conn-refused-10102.pcap run with exmta.tcp.port" \
        '^192\.0\.2\.20 +10102 +RFC1006 \(not X\.400\) +port preference .*connection refused$'
    if [ $rfail = 1 ]; then
        fail=1
        echo "--- demo.sh output ($name), first 40 lines:"; head -n 40 "$out"
    fi
done
[ $fail = 0 ] && echo "demo-closed-folder: PASS (${#runs[@]} runs)"
exit $fail
