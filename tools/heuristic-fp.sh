#!/bin/sh
# heuristic-fp.sh - false-positive rate of exmta's RFC1006 heuristic against
# stock's tpkt_tcp heuristic on generated near misses: TCP sessions whose
# payload is a valid TPKT header (03 00 + the right length) and random bytes
# (tools/gen_nearmiss.py, seeded). Prints a markdown table.
#   tools/heuristic-fp.sh [SESSIONS] [SEEDS...]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
# a count of 0 claimed by exmta means nothing unless the plugin was loaded
"$here/tools/exmta-tshark" --check-load >/dev/null || exit 1
n=${1:-5000}; shift 2>/dev/null || true
seeds=${*:-1 2 3}
tmp=$(mktemp -d); chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
echo "| seed | near-miss payloads | claimed by stock tpkt_tcp | claimed by exmta_tcp |"
echo "|---|---|---|---|"
for s in $seeds; do
    f=$tmp/nearmiss-$s.pcap
    /usr/bin/python3 "$here/tools/gen_nearmiss.py" "$f" "$n" "$s" >/dev/null
    chmod 644 "$f"
    total=$("$here/tools/exmta-tshark" --stock -r "$f" -Y "tcp.len > 0" | wc -l)
    stock=$("$here/tools/exmta-tshark" --stock -r "$f" --enable-heuristic tpkt_tcp -Y tpkt | wc -l)
    mine=$("$here/tools/exmta-tshark" -r "$f" -Y "exmta.rfc1006" | wc -l)
    printf '| %s | %s | %s (%.2f%%) | %s (%.4f%%) |\n' "$s" "$total" "$stock" \
        "$(echo "100*$stock/$total" | bc -l)" "$mine" "$(echo "100*$mine/$total" | bc -l)"
done
