#!/bin/bash
# fileset.sh - exmta-fileset on a ring-buffer-like set against one sequential
# tshark over the whole capture, same machine, same run.
#
# The set: bench/gen_workloads.py's mixed traffic (FILESET_MIXED frames) and
# EPM-heavy traffic (1,000,000 frames: ept_map lookups, then sessions to the
# learned ports), merged in time order and cut with `editcap -c` into files of
# FILESET_PER_FILE frames (defaults: about 5,000,000 frames in 51 files).
# Built once into $BENCH_DIR (fileset-whole.pcap, fileset/) and reused.
# Both sides produce the endpoint summary: the sequential one is
#   tools/exmta-tshark -r whole.pcap -q -z exmta,endpoints,json
# the parallel one
#   tools/exmta-fileset --jobs $(nproc) DIR
# Prints wall times (median of FILESET_RUNS, alternating) and the ratio, and
# fails unless both summaries agree in endpoints, kinds, session counts and
# outcomes.
#
# Environment: BENCH_DIR=/var/tmp/exmta-bench, FILESET_MIXED=4000000,
# FILESET_PER_FILE=100000, FILESET_RUNS=3.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
DIR=${BENCH_DIR:-/var/tmp/exmta-bench}
MIXED=${FILESET_MIXED:-4000000}
PER_FILE=${FILESET_PER_FILE:-100000}
RUNS=${FILESET_RUNS:-3}
PY=/usr/bin/python3
mkdir -p "$DIR/fileset-src" "$DIR/fileset"
chmod 755 "$DIR" "$DIR/fileset-src" "$DIR/fileset"

if [ ! -s "$DIR/fileset-whole.pcap" ] || [ "$(cat "$DIR/fileset.version" 2>/dev/null)" != 2 ]; then
    [ -s "$DIR/fileset-src/mixed.pcap" ] || $PY "$repo/bench/gen_workloads.py" "$DIR/fileset-src" --only mixed --frames "$MIXED" >&2
    [ -s "$DIR/fileset-src/epm-heavy.pcap" ] || $PY "$repo/bench/gen_workloads.py" "$DIR/fileset-src" --only epm-heavy --frames 1000000 >&2
    # merged in time order, as one capture is: the two workloads cover the same
    # period, and a ring buffer's files follow each other in time
    mergecap -F pcap -w "$DIR/fileset-whole.pcap" "$DIR/fileset-src/epm-heavy.pcap" "$DIR/fileset-src/mixed.pcap"
    chmod 644 "$DIR/fileset-whole.pcap"
    rm -f "$DIR"/fileset/*
    editcap -c "$PER_FILE" "$DIR/fileset-whole.pcap" "$DIR/fileset/ring.pcap"
    chmod 644 "$DIR"/fileset/*
    echo 2 > "$DIR/fileset.version"
fi
frames=$(capinfos -c -M -T -r "$DIR/fileset-whole.pcap" | cut -f2)
files=$(ls "$DIR"/fileset/*.pcap | wc -l)
echo "set: $files files, $frames frames ($(du -sh "$DIR/fileset" | cut -f1)); $(nproc) cores" >&2

seq_times=() par_times=()
for i in $(seq 1 "$RUNS"); do
    t0=$(date +%s.%N)
    "$repo/tools/exmta-tshark" -r "$DIR/fileset-whole.pcap" -q -z exmta,endpoints,json > "$DIR/fileset-seq.json"
    t1=$(date +%s.%N)
    "$repo/tools/exmta-fileset" --progress none --jobs "$(nproc)" --json "$DIR/fileset-par.json" \
        "$DIR/fileset" > "$DIR/fileset-par.txt"
    t2=$(date +%s.%N)
    seq_times+=("$(echo "$t1 - $t0" | bc)")
    par_times+=("$(echo "$t2 - $t1" | bc)")
    echo "run $i: sequential ${seq_times[-1]} s, exmta-fileset ${par_times[-1]} s" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms=$(median "${seq_times[@]}"); mp=$(median "${par_times[@]}")
# the two summaries must agree: endpoints, kinds, session counts, outcomes
# (frames/bytes of a session whose PDU a file boundary cuts may differ: README)
$PY - "$DIR/fileset-seq.json" "$DIR/fileset-par.json" >&2 <<'PYEOF'
import json, sys
seq = json.load(open(sys.argv[1]))
par = json.load(open(sys.argv[2]))["endpoints"]
key = lambda r: (str(r["host"]), str(r["port"]), r["kind"], int(r["sessions"]), r["outcome"])
a, b = sorted(map(key, seq)), sorted(map(key, par))
fb = lambda rows: sorted((str(r["host"]), str(r["port"]), int(r["frames"]), int(r["bytes"])) for r in rows)
same_fb = sum(1 for x, y in zip(fb(seq), fb(par)) if x == y)
print("summaries: %d rows sequential, %d rows exmta-fileset; endpoints/kinds/sessions/outcomes %s; "
      "frames+bytes equal in %d of %d rows" % (len(a), len(b), "EQUAL" if a == b else "DIFFER", same_fb, len(a)))
if a != b:
    for x in sorted(set(a) ^ set(b))[:10]:
        print("  differs:", x, "(sequential)" if x in a else "(exmta-fileset)")
    sys.exit(1)
PYEOF
echo "| files | frames | cores | sequential tshark -z exmta,endpoints (s) | exmta-fileset (s) | ratio |"
echo "|---|---|---|---|---|---|"
printf '| %s | %s | %s | %.1f | %.1f | %.2fx |\n' "$files" "$frames" "$(nproc)" "$ms" "$mp" "$(echo "$mp / $ms" | bc -l)"
