#!/bin/sh
# demo.sh - the main job: install what is missing, build, decode every sample
# capture with tshark and the plugin, and show what exmta finds in each: the
# endpoint summary and exmta's expert information. Where exmta finds nothing,
# one line says why.
#
# Usage: tools/demo.sh [--no-build]
#   --no-build   use the plugin already built in build/plugins (or
#                EXMTA_PLUGIN_ROOT): no package check, no build
# Works as root (tshark then runs as user 65534, tools/as-nobody) and as an
# ordinary user; root is needed only when tools/deps.sh has packages to install.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
case ${1:-} in
    --no-build) build=0 ;;
    "") build=1 ;;
    *) echo "usage: tools/demo.sh [--no-build]" >&2; exit 2 ;;
esac
if [ $build = 1 ]; then
    tools/deps.sh
    tools/build.sh >/dev/null
fi
T=tools/exmta-tshark
echo "exmta $(sed -n 's/^project(exmta VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt) with $(tshark --version 2>/dev/null | head -n 1)"
# the plugin must be loaded, or every capture below would show nothing
$T --check-load || { echo "demo.sh: stopped: without the plugin there is nothing to show" >&2; exit 1; }

# every exmta expert info this plugin registers (a list written here would
# miss the ones added later)
experts=$($T -G fields | awk -F '\t' '$1 == "F" && $3 ~ /^exmta\.expert\./ { printf "%s%s", sep, $3; sep = " || " }')
[ -n "$experts" ] || { echo "demo.sh: tshark -G fields lists no exmta.expert field" >&2; exit 1; }

# with_option CAPTURE: the preference that makes exmta find something in a
# capture that shows nothing with the defaults (the capture is shown both ways)
with_option() {
    case $1 in
        conn-refused-10102.pcap) echo "-o exmta.tcp.port:102,10102" ;;
        rpc-static-port.pcap) echo "-o exmta.rpc_static_ports:5001" ;;
    esac
}

# why_nothing CAPTURE: why exmta finds nothing in it with the default preferences
why_nothing() {
    case $1 in
        conn-refused-10102.pcap)
            echo "a SYN to 10102 answered by RST carries no payload for the heuristic: exmta reports it only when 10102 is in exmta.tcp.port (the MTA's 'RFC1006 Port Number'); shown again below with $(with_option "$1")" ;;
        rpc-static-port.pcap)
            echo "the RPC session goes to a static port, with no endpoint-mapper lookup to learn it from: exmta flags it only when the port is in exmta.rpc_static_ports ('TCP/IP port for RPC listens'); shown again below with $(with_option "$1")" ;;
        tpkt-lookalike.pcap)
            echo "as meant: six TCP sessions whose payload starts like a TPKT header (HTTP, DNS over TCP, binary protocols) but is not RFC1006; the heuristic rightly refuses every one (sample-pcaps/README.md)" ;;
        *)
            echo "not expected for this capture: see sample-pcaps/README.md for what it should show" ;;
    esac
}

# show CAPTURE [TSHARK-OPTIONS...]: the endpoint summary, the X.400
# associations and transfers, and the expert lines of one capture (one tshark
# run: the taps see every frame, -Y only picks the frames printed), or the
# line that says why there is nothing
show() {
    f=$1; shift
    out=$($T -r "$f" "$@" -Y "$experts" -T fields -e frame.number -e _ws.expert.message \
        -E separator=' ' -E occurrence=a -E aggregator=' | ' -z exmta,endpoints \
        -z exmta,associations -z exmta,messages)
    rows=$(printf '%s\n' "$out" | sed -n 's/^Exchange MTA endpoints (exmta): \([0-9]*\)$/\1/p')
    notes=$(printf '%s\n' "$out" | sed '/^===*$/,$d' | grep -v '^[0-9]* *$' | sed 's/^/  frame /' || true)
    if [ "${rows:-0}" = 0 ] && [ -z "$notes" ]; then
        echo "  exmta finds nothing here: $(why_nothing "$(basename "$f")")"
        return
    fi
    # the taps' tables, without the X.400 ones that have no row
    printf '%s\n' "$out" | sed -n '/^===*$/,$p' | awk '
        /^=+$/ { if (keep) printf "%s", block; block = ""; keep = 1; next }
        /^Exchange MTA X\.400 .*: 0$/ { keep = 0 }
        { block = block $0 "\n" }
        END { if (keep) printf "%s", block }'
    printf '%s\n' "${notes:-  (no exmta expert information)}"
}

for f in sample-pcaps/*.pcap; do
    name=$(basename "$f")
    echo
    echo "=== $name"
    show "$f"
    opt=$(with_option "$name")
    if [ -n "$opt" ]; then
        echo
        echo "=== $name   ($opt)"
        # shellcheck disable=SC2086
        show "$f" $opt
    fi
done
