#!/bin/bash
# bench/before-after.sh - the eight plugin/stock ratios (mixed, rfc1006-heavy,
# epm-heavy, x400-heavy; plain read and -T fields) of an earlier commit's plugin and of
# the current build, in one run, counted in instructions.
#
# Usage: bash bench/before-after.sh REV      (e.g. a commit before a change)
#
# valgrind --tool=callgrind counts the instructions tshark executes on the
# first BENCH_CG_FRAMES (50,000) frames of each workload of bench/run.sh, minus
# a one-frame start-up: stock, REV's plugin and the current build
# (build/plugins) run on the same cuts with the same arguments. Counts repeat
# exactly for the same binaries and inputs whatever else the machine does, so
# a before/after difference is the change's, not the machine's. Times (the
# targets of BENCHMARKS.md) come from bench/run.sh; instructions track them
# closely but not exactly (memory stalls are not counted).
#
# Environment: BENCH_DIR (workloads, default /var/tmp/exmta-bench; made by
# bench/gen_workloads.py when missing), BENCH_CG_FRAMES.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/bench/common.sh"
rev=${1:?usage: bench/before-after.sh REV}
DIR=${BENCH_DIR:-/var/tmp/exmta-bench}
N=${BENCH_CG_FRAMES:-50000}
WORKLOADS="mixed rfc1006-heavy epm-heavy x400-heavy"
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

command -v valgrind >/dev/null || { log "valgrind missing: apt-get install valgrind"; exit 1; }
now_root=$repo/build/plugins
ls "$now_root"/*/epan/exmta.so >/dev/null 2>&1 || { log "no build in $now_root (tools/build.sh first)"; exit 1; }
"$repo/tools/exmta-tshark" --check-load >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/exmta-ba.XXXXXX")
trap 'git -C "$repo" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT INT TERM
chmod 755 "$work"

log "building $rev's plugin"
git -C "$repo" worktree add --detach "$work/src" "$rev" >/dev/null 2>&1
cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$work/build" --target exmta -j "$(nproc)" >/dev/null
chmod -R a+rX "$work/build/plugins"
EXMTA_PLUGIN_ROOT=$work/build/plugins "$repo/tools/exmta-tshark" --check-load >/dev/null

mkdir -p "$DIR" "$work/cg/bin"
for w in $WORKLOADS; do
    [ -s "$DIR/$w.pcap" ] || /usr/bin/python3 "$repo/bench/gen_workloads.py" "$DIR" --only "$w" >&2
    editcap -r "$DIR/$w.pcap" "$work/cg/$w.pcap" "1-$N"
done
editcap -r "$DIR/mixed.pcap" "$work/cg/one.pcap" 1
chmod -R a+rwX "$work/cg"
# tools/exmta-tshark runs "tshark" from PATH: a shim puts valgrind in front
printf '#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file="$CG_OUT" %s "$@"\n' \
    "$(command -v tshark)" > "$work/cg/bin/tshark"
chmod a+rx "$work/cg/bin/tshark"

count() {   # count NAME VARIANT FILE ARGS...: instructions of one run
    local name=$1 variant=$2 f=$3; shift 3
    local out=$work/cg/$name-$variant.out
    case $variant in
        stock)  CG_OUT=$out PATH=$work/cg/bin:$PATH "$repo/tools/exmta-tshark" --stock "$@" -r "$f" ;;
        before) CG_OUT=$out PATH=$work/cg/bin:$PATH EXMTA_PLUGIN_ROOT=$work/build/plugins \
                    "$repo/tools/exmta-tshark" "$@" -r "$f" ;;
        after)  CG_OUT=$out PATH=$work/cg/bin:$PATH EXMTA_PLUGIN_ROOT=$now_root \
                    "$repo/tools/exmta-tshark" "$@" -r "$f" ;;
    esac > /dev/null 2>> "$work/errors.log"
    cg_ir "$out"
}

declare -A base
for v in stock before after; do
    base[$v]=$(count base "$v" "$work/cg/one.pcap")
done
printf '| workload | mode | stock Ir | before Ir | after Ir | before / stock | after / stock |\n'
printf '|---|---|---:|---:|---:|---:|---:|\n'
for w in $WORKLOADS; do
    for mode in plain fields; do
        bench_stock_args "$w"
        bench_mode_args "$mode"
        log "$w, $mode, first $N frames"
        s=$(count "$w-$mode" stock "$work/cg/$w.pcap" "${STOCK_ARGS[@]}" "${MODE_ARGS[@]}")
        b=$(count "$w-$mode" before "$work/cg/$w.pcap" "${MODE_ARGS[@]}")
        a=$(count "$w-$mode" after "$work/cg/$w.pcap" "${MODE_ARGS[@]}")
        awk -v w="$w" -v m="$mode" -v s="$s" -v b="$b" -v a="$a" \
            -v sb="${base[stock]}" -v bb="${base[before]}" -v ab="${base[after]}" 'BEGIN {
            s -= sb; b -= bb; a -= ab
            printf "| %s | %s | %.0f | %.0f | %.0f | %.3f | %.3f |\n", w, m, s, b, a, b / s, a / s }'
    done
done
printf '\n%s frames per workload, one-frame start-up subtracted; before = %s, after = %s (build/plugins)\n' \
    "$N" "$(git -C "$repo" rev-parse --short "$rev")" \
    "$(git -C "$repo" rev-parse --short HEAD)$( [ -n "$(git -C "$repo" status --porcelain -- plugin)" ] && echo ' + uncommitted plugin changes')"
