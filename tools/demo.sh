#!/bin/sh
# demo.sh - the main job: install what is missing, build, decode every sample
# capture with tshark and the plugin, and show what exmta finds in each: the
# endpoint summary and exmta's expert information.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
tools/deps.sh
tools/build.sh >/dev/null
T=tools/exmta-tshark
echo "exmta $(sed -n 's/^project(exmta VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt) with $(tshark --version 2>/dev/null | head -n 1)"
$T -G plugins | grep -q exmta.so || { echo "demo.sh: the plugin did not load" >&2; exit 1; }
experts="exmta.expert.nonstandard_port || exmta.expert.rfc1006_refused || exmta.expert.tpkt_reserved_nonzero || exmta.expert.cotp_disconnect || exmta.expert.epm_not_registered || exmta.expert.epm_lookup_failed || exmta.expert.rpc_first_session || exmta.expert.rpc_refused || exmta.expert.rpc_port_changed || exmta.expert.rpc_interface_changed || exmta.expert.rpc_static_port || exmta.expert.endpoint_table_full"
for f in sample-pcaps/*.pcap; do
    name=$(basename "$f")
    extra=""
    case $name in rpc-static-port.pcap) extra="-o exmta.rpc_static_ports:5001" ;; esac
    echo
    echo "=== $name${extra:+   ($extra)}"
    if $T -z help 2>&1 | grep -q '^ *exmta,endpoints'; then
        $T -r "$f" $extra -q -z exmta,endpoints | sed '/^=*$/d'
    fi
    $T -r "$f" $extra -Y "$experts" -T fields -e frame.number -e _ws.expert.message \
        -E separator=' ' -E occurrence=a -E aggregator=' | ' |
        sed 's/^/  frame /' | grep -v '^  frame [0-9]* *$' || echo "  (no exmta expert information)"
done
