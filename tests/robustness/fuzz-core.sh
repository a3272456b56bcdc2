#!/bin/bash
# fuzz-core.sh - build the libFuzzer harnesses of the pure core (tests/fuzz/fuzz_*.c)
# with clang, libFuzzer, ASan and UBSan in a separate build folder, and run each
# one for FUZZ_CORE_SECONDS on a scratch copy of its corpus.
#
# Prints, per harness, the executions (libFuzzer's stat::number_of_executed_units
# from -print_final_stats=1), exec/s, final coverage and the corpus size.
# A crash, leak, timeout, OOM or sanitizer report: the artifact is copied into
# tests/fuzz/corpus/<name>/crash-<sha1> (so fuzz-replay.<name> keeps it as a
# regression test) and the script fails.
#
# Usage (from anywhere; works as root):  tests/robustness/fuzz-core.sh [NAME...]
#   FUZZ_CORE_SECONDS  seconds per harness          (default 30)
#   FUZZ_CORE_BUILD    build folder                  (default build-robust-fuzz)
#   FUZZ_CORE_JOBS     harnesses run side by side    (default 1; 2 on an idle 2-CPU box)
# Exit: 0 clean, 1 crash or build failure, 77 clang/libFuzzer missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${FUZZ_CORE_SECONDS:-30}
bdir=${FUZZ_CORE_BUILD:-$root/build-robust-fuzz}
case "$bdir" in /*) ;; *) bdir=$root/$bdir ;; esac

command -v clang >/dev/null || { echo "fuzz-core: clang is not installed: skipped"; exit 77; }
command -v cmake >/dev/null || { echo "fuzz-core: cmake is not installed: skipped"; exit 77; }
probe=$(mktemp -d "${TMPDIR:-/tmp}/exmta-fzprobe.XXXXXX")
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}\n' > "$probe/p.c"
if ! clang -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" 2>/dev/null; then
    rm -rf "$probe"; echo "fuzz-core: clang has no libFuzzer (-fsanitize=fuzzer): skipped"; exit 77
fi
rm -rf "$probe"

if [ $# -gt 0 ]; then
    names=("$@")
else
    names=()
    for f in "$root"/tests/fuzz/fuzz_*.c; do n=$(basename "$f" .c); names+=("${n#fuzz_}"); done
fi
targets=()
for n in "${names[@]}"; do targets+=("fuzz_$n"); done

echo "fuzz-core: configuring $bdir (clang, EXMTA_FUZZ=ON, EXMTA_SANITIZE=ON)"
log=$(mktemp "${TMPDIR:-/tmp}/exmta-fzbuild.XXXXXX")
tries=0
until cmake -S "$root" -B "$bdir" -DCMAKE_C_COMPILER=clang -DEXMTA_FUZZ=ON -DEXMTA_SANITIZE=ON \
          -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$log" 2>&1 &&
      cmake --build "$bdir" -j2 --target "${targets[@]}" >>"$log" 2>&1; do
    tries=$((tries + 1))
    if [ $tries -ge 3 ]; then
        tail -40 "$log"; rm -f "$log"; echo "fuzz-core: build failed"; exit 1
    fi
    echo "fuzz-core: build failed (a source may be mid-edit); retrying in 60 s"
    sleep 60
done
rm -f "$log"

work=$(mktemp -d "${TMPDIR:-/tmp}/exmta-fzcore.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

run_one() {
    local n=$1 bin=$bdir/tests/fuzz_$1
    local corpus=$root/tests/fuzz/corpus/$n
    mkdir -p "$work/$n/corpus" "$work/$n/art"
    [ -d "$corpus" ] && cp -r "$corpus"/. "$work/$n/corpus/"
    # UBSan is built -fno-sanitize-recover: any report aborts and leaves an artifact
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    timeout -k 10 $((secs + 120)) "$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=20 \
        -rss_limit_mb=2048 -artifact_prefix="$work/$n/art/" "$work/$n/corpus" >"$work/$n/log" 2>&1
    echo $? > "$work/$n/rc"
}

jobs=${FUZZ_CORE_JOBS:-1}
running=0
for n in "${names[@]}"; do
    if [ ! -x "$bdir/tests/fuzz_$n" ]; then echo "fuzz-core: fuzz_$n was not built"; exit 1; fi
    echo "fuzz-core: fuzz_$n for ${secs}s"
    run_one "$n" &
    running=$((running + 1))
    if [ $running -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait

fail=0 total=0
printf '%-14s %12s %9s %6s %6s %7s  %s\n' harness executions exec/s cov ft corpus result
for n in "${names[@]}"; do
    lg=$work/$n/log rc=$(cat "$work/$n/rc")
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$lg" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$lg" | tail -1)
    last=$(grep -E '^#[0-9]+' "$lg" | grep -E 'cov: ' | tail -1)
    cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    csize=$(find "$work/$n/corpus" -type f | wc -l)
    result=ok
    arts=$(find "$work/$n/art" -type f 2>/dev/null)
    if [ "$rc" != 0 ] || [ -n "$arts" ] || [ -z "$execs" ]; then
        result="FAILED (exit $rc)"
        fail=1
        for a in $arts; do
            sha=$(sha1sum "$a" | cut -c1-40)
            cp "$a" "$root/tests/fuzz/corpus/$n/crash-$sha"
            result="$result, kept tests/fuzz/corpus/$n/crash-$sha ($(basename "$a" | cut -d- -f1))"
        done
    fi
    total=$((total + ${execs:-0}))
    printf '%-14s %12s %9s %6s %6s %7s  %s\n' "fuzz_$n" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$csize" "$result"
    if [ "$result" != ok ]; then
        grep -E 'ERROR: |SUMMARY: |runtime error|==[0-9]+==' "$lg" | head -20 | sed 's/^/    /'
    fi
done
echo "fuzz-core: $total executions in total, ${secs}s per harness"
exit $fail
