#!/bin/bash
# fuzz-captures.sh - Wireshark fuzz-test style robustness run of tshark + exmta.
#
# For every capture in sample-pcaps/ (and ../shared/captures/wiki/ when it is
# there), for seeds 1, 2, ... : `editcap -E RATE -o OFFSET --seed SEED`
# mutates the packet bytes after OFFSET, then tshark with the built plugin
# dissects the result in one pass (-V) and in two passes (-2 -V, with the
# associations, messages and endpoints reports: their taps' paths too), with
#   WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 WIRESHARK_DEBUG_WMEM_OVERRIDE=strict
# A run fails when tshark exits non-zero (>= 128: killed by a signal, e.g. an
# abort on a dissector bug), hits the per-run timeout (a hang), or writes
# "dissector bug" / "Unhandled exception" / "wmem" canary messages to stderr.
# Every failing mutated file is kept under tests/robustness/crashes/ (or
# FUZZ_CRASHES) and re-run without the plugin (--stock): a failure that
# stock tshark shows as well is a Wireshark bug, reported but only fatal
# with FUZZ_STRICT=1.
#
# Usage (from anywhere; works as root):  tests/robustness/fuzz-captures.sh
#   FUZZ_SECONDS   total time budget in seconds         (default 180)
#   FUZZ_SEEDS     highest seed (K)                     (default 100000: time-bound)
#   FUZZ_RATE      editcap -E error probability          (default 0.02, as fuzz-test.sh)
#   FUZZ_OFFSET    editcap -o: bytes kept intact          (default 54 = Ethernet 14 +
#                  IPv4 20 + TCP 20; 42 would also mutate TCP seq/ack/flags)
#   FUZZ_TIMEOUT   seconds per tshark run (hang = fail)   (default 60)
#   FUZZ_JOBS      parallel jobs with GNU parallel        (default 2)
#   FUZZ_STRICT=1  also fail on failures stock tshark reproduces
#   FUZZ_CRASHES   where failing mutated files are kept   (default tests/robustness/crashes)
#   EXMTA_PLUGIN_ROOT  plugin tree (default build/plugins)
# Exit: 0 clean, 1 failures or the plugin does not load, 77 tshark/editcap missing.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
wrapper=$root/tools/exmta-tshark
export EXMTA_PLUGIN_ROOT=${EXMTA_PLUGIN_ROOT:-$root/build/plugins}

# known_stock_assertion MUTATED FAILURE-TEXT: prints why the failure is a
# known assertion of a stock dissector (stock-assertions.txt), or nothing.
# Every failing pass must be an abort on such an assertion, and a run without
# the abort variable must end with exit 0, naming a protocol that is not one
# of exmta's (EXMTA, MTA, MTA QAdmin).
known_stock_assertion() {
    local mut=$1 out=$2 pass passes asserts a file expr ok rc mode args
    # every pass that failed: killed by signal 6 (abort), and only assertions
    IFS='|' read -ra passes <<< "${out#|}"
    for pass in "${passes[@]}"; do
        case $pass in *"killed by signal 6"*) ;; *) return 0 ;; esac
        case $pass in *timeout*|*wmem*|*canary*|*CRITICAL*|*"** ERROR"*|*"Unhandled exception"*) return 0 ;; esac
        asserts=$(grep -oE '[A-Za-z0-9_./-]+\.c:[0-9]+: failed assertion "[^"]*"' <<< "$pass" \
                  | sed -E 's|^.*/||; s|:[0-9]+:|:|' | sort -u)
        [ -n "$asserts" ] || return 0
        while IFS= read -r a; do
            ok=""
            while IFS=$'\t' read -r file expr; do
                case $file in ''|'#'*) continue ;; esac
                case $a in "$file: failed assertion \"$expr"*) ok=1; break ;; esac
            done < "$here/stock-assertions.txt"
            [ -n "$ok" ] || return 0
        done <<< "$asserts"
    done
    for mode in 1 2; do
        args=(-nr "$mut" -V); [ $mode = 2 ] && args+=(-2)
        WIRESHARK_DEBUG_WMEM_OVERRIDE=strict timeout -k 5 "$FUZZ_TIMEOUT" "$wrapper" "${args[@]}" \
            >/dev/null 2>"$mut.kerr"
        rc=$?
        if [ $rc != 0 ] || ! grep -q 'Dissector bug, protocol ' "$mut.kerr" \
           || grep -qE 'Dissector bug, protocol (EXMTA|MTA|MTA QAdmin)[,:]' "$mut.kerr"; then
            rm -f "$mut.kerr"; return 0
        fi
        rm -f "$mut.kerr"
    done
    echo "known stock assertion ($(tr '\n' ';' <<< "$asserts")); without the abort variable: exit 0, stock's Dissector bug item"
}

# ---- worker: one capture, one seed (called by parallel or the loop) ----
if [ "${1:-}" = "--one" ]; then
    cap=$2 seed=$3 idx=$4 work=$5 deadline=$6
    res=$work/res/$seed-$idx
    # past the budget: exit 3 tells GNU parallel (--halt soon,fail=1) to
    # start no more of the jobs it has queued
    if [ "$(date +%s)" -ge "$deadline" ]; then exit 3; fi
    base=$(basename "$cap"); base=${base%.gz}
    mut=$work/mut/$seed-$idx-$base
    case "$mut" in *.pcapng|*.pcap|*.cap) ;; *) mut=$mut.pcap ;; esac
    if ! editcap -E "$FUZZ_RATE" -o "$FUZZ_OFFSET" --seed "$seed" "$cap" "$mut" >/dev/null 2>"$mut.editcap"; then
        echo "EDITCAP $cap $seed $(head -c 300 "$mut.editcap")" > "$res"; rm -f "$mut" "$mut.editcap"; exit 0
    fi
    rm -f "$mut.editcap"
    chmod 644 "$mut"
    out=""
    for mode in 1 2; do
        args=(-nr "$mut" -V)
        [ $mode = 2 ] && args+=(-2 -z exmta,associations,csv -z exmta,messages,csv -z exmta,endpoints,csv)
        err=$mut.err$mode
        WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 WIRESHARK_DEBUG_WMEM_OVERRIDE=strict \
            timeout -k 5 "$FUZZ_TIMEOUT" "$wrapper" "${args[@]}" >/dev/null 2>"$err"
        rc=$?
        why=""
        if [ $rc = 124 ] || [ $rc = 137 ]; then why="timeout ${FUZZ_TIMEOUT}s (hang)"
        elif [ $rc -ge 128 ]; then why="killed by signal $((rc - 128))"
        elif [ $rc != 0 ]; then why="exit $rc"
        fi
        if grep -qiE 'dissector bug|unhandled exception|wmem|canary|assertion|CRITICAL|\*\* ERROR' "$err"; then
            why="${why:+$why; }stderr: $(grep -iE 'dissector bug|unhandled exception|wmem|canary|assertion|CRITICAL|\*\* ERROR' "$err" | head -3 | tr '\n' ' ')"
        fi
        if [ -n "$why" ]; then
            out="$out|pass$mode: $why; stderr: $(head -c 400 "$err" | tr '\n' ' ')"
        fi
        rm -f "$err"
    done
    if [ -n "$out" ]; then
        # does stock tshark (no plugin) fail on the same file too?
        stockfail=""
        for mode in 1 2; do
            args=(-nr "$mut" -V); [ $mode = 2 ] && args+=(-2)
            WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 WIRESHARK_DEBUG_WMEM_OVERRIDE=strict \
                timeout -k 5 "$FUZZ_TIMEOUT" "$wrapper" --stock "${args[@]}" >/dev/null 2>"$mut.serr"
            src=$?
            if [ $src != 0 ] || grep -qiE 'dissector bug|unhandled exception' "$mut.serr"; then stockfail="$stockfail pass$mode"; fi
            rm -f "$mut.serr"
        done
        known=""
        [ -z "$stockfail" ] && known=$(known_stock_assertion "$mut" "$out")
        mkdir -p "$work/fail"
        mv "$mut" "$work/fail/"
        if [ -n "$stockfail" ]; then tag=STOCKFAIL; elif [ -n "$known" ]; then tag=KNOWNSTOCK; out="$out |$known"; else tag=FAIL; fi
        echo "$tag $(basename "$mut") from $cap seed $seed${stockfail:+ (stock fails too:$stockfail)} $out" > "$res"
    else
        echo "OK $(cat "$work/frames/$idx")" > "$res"
        rm -f "$mut"
    fi
    exit 0
fi

# ---- driver ----
FUZZ_SECONDS=${FUZZ_SECONDS:-180}
FUZZ_SEEDS=${FUZZ_SEEDS:-100000}
FUZZ_RATE=${FUZZ_RATE:-0.02}
FUZZ_OFFSET=${FUZZ_OFFSET:-54}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-60}
FUZZ_JOBS=${FUZZ_JOBS:-2}
export FUZZ_RATE FUZZ_OFFSET FUZZ_TIMEOUT

for t in tshark editcap capinfos timeout; do
    command -v $t >/dev/null || { echo "fuzz-captures: $t is not installed: skipped"; exit 77; }
done
# a run without the plugin would pass every seed: prove it loads first
"$wrapper" --check-load || { echo "fuzz-captures: FAILED: tshark does not load the plugin (line above)"; exit 1; }

caps=()
for f in "$root"/sample-pcaps/*.pcap "$root"/sample-pcaps/*.pcapng; do [ -f "$f" ] && caps+=("$f"); done
wiki=$root/../shared/captures/wiki
if [ -d "$wiki" ]; then
    for f in "$wiki"/*.pcap "$wiki"/*.pcap.gz "$wiki"/*.pcapng "$wiki"/*.cap; do [ -f "$f" ] && caps+=("$f"); done
else
    echo "fuzz-captures: ../shared/captures/wiki is not here: sample-pcaps/ only"
fi
[ ${#caps[@]} -gt 0 ] || { echo "fuzz-captures: no captures"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/exmta-fuzzcap.XXXXXX")
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$work/mut" "$work/res" "$work/frames"
chmod 777 "$work/mut"

i=0
for c in "${caps[@]}"; do
    capinfos -M -c -T "$c" 2>/dev/null | awk -F'\t' 'NR==2{print $2}' > "$work/frames/$i"
    [ -s "$work/frames/$i" ] || echo 0 > "$work/frames/$i"
    i=$((i + 1))
done

start=$(date +%s)
deadline=$((start + FUZZ_SECONDS))
echo "fuzz-captures: ${#caps[@]} captures, editcap -E $FUZZ_RATE -o $FUZZ_OFFSET --seed 1..$FUZZ_SEEDS," \
     "tshark -V and -2 -V, ${FUZZ_SECONDS}s budget, ${FUZZ_TIMEOUT}s per run"

jobs_gen() {
    local s i
    for ((s = 1; s <= FUZZ_SEEDS; s++)); do
        [ "$(date +%s)" -ge "$deadline" ] && return 0
        for ((i = 0; i < ${#caps[@]}; i++)); do
            printf '%s\t%s\t%s\n' "${caps[$i]}" "$s" "$i"
        done
    done
}

if command -v parallel >/dev/null && [ "$FUZZ_JOBS" -gt 1 ]; then
    echo "fuzz-captures: GNU parallel, $FUZZ_JOBS jobs"
    # jobs_gen queues seeds far ahead of the runs: without --halt every
    # queued job would still start a shell after the deadline, only to exit
    jobs_gen | parallel --will-cite --halt soon,fail=1 -j "$FUZZ_JOBS" --colsep '\t' \
        "$0" --one {1} {2} {3} "$work" "$deadline" 2> "$work/parallel.err"
    # its own words on that halt are not news; anything else is
    grep -vE '^parallel: (This job failed:|Starting no more jobs)|--one .* [0-9]+$' "$work/parallel.err" >&2
else
    echo "fuzz-captures: sequential (GNU parallel not installed or FUZZ_JOBS=1)"
    jobs_gen | while IFS=$'\t' read -r c s i; do
        [ "$(date +%s)" -ge "$deadline" ] && break
        "$0" --one "$c" "$s" "$i" "$work" "$deadline"
    done
fi
elapsed=$(( $(date +%s) - start ))

runs=0 frames=0 fails=0 stockfails=0 knownstock=0 files=0
maxseed=0
for r in "$work"/res/*; do
    [ -f "$r" ] || continue
    files=$((files + 1))
    s=$(basename "$r"); s=${s%%-*}; [ "$s" -gt "$maxseed" ] && maxseed=$s
    read -r tag n rest < "$r"
    case $tag in
        OK) runs=$((runs + 2)); frames=$((frames + 2 * n)) ;;
        FAIL) runs=$((runs + 2)); fails=$((fails + 1)); echo "FAIL: $n $rest" ;;
        STOCKFAIL) runs=$((runs + 2)); stockfails=$((stockfails + 1)); echo "STOCK-ALSO-FAILS: $n $rest" ;;
        KNOWNSTOCK) runs=$((runs + 2)); knownstock=$((knownstock + 1)); echo "KNOWN-STOCK-ASSERTION: $n $rest" ;;
        EDITCAP) echo "editcap failed: $n $rest" ;;
    esac
done
if [ -d "$work/fail" ]; then
    crashes=${FUZZ_CRASHES:-$here/crashes}
    mkdir -p "$crashes"
    cp "$work"/fail/* "$crashes/"
    echo "fuzz-captures: failing mutated files kept in $crashes/"
fi
echo "fuzz-captures: $files mutated files (seeds 1..$maxseed over ${#caps[@]} captures), $runs tshark runs" \
     "(1-pass and 2-pass), $frames frames dissected, ${elapsed}s"
echo "fuzz-captures: $fails failure(s) with exmta only, $stockfails that stock tshark reproduces," \
     "$knownstock on a known stock assertion (stock-assertions.txt)"
if [ $fails -gt 0 ] || { [ "${FUZZ_STRICT:-0}" = 1 ] && [ $((stockfails + knownstock)) -gt 0 ]; }; then exit 1; fi
exit 0
