#!/bin/bash
# bench/callgrind-versions.sh - what the plugin costs in instructions on each
# Wireshark release line (4.0 natively, 4.4 and 4.6 in the Debian roots that
# tests/versions.sh uses), stock tshark against tshark with the plugin.
#
# Usage (as root for 4.4/4.6: chroot, mounts):
#   bash bench/callgrind-versions.sh [4.0 4.4 4.6]      (default: all three)
#
# Environment:
#   BENCH_DIR=/var/tmp/exmta-bench   where bench/run.sh keeps its workloads
#   BENCH_CG_WORKLOADS=epm-heavy     workloads to count (cut to their first frames)
#   BENCH_CG_MODES="plain fields"    plain: -r F; fields: -T fields -e frame.number -e tcp.stream
#   BENCH_CG_FRAMES=50000            frames of each cut
#   BENCH_CG_COUNT=1                 0 = no callgrind (with BENCH_VERSIONS_TIME: timing only)
#   BENCH_VERSIONS_TIME=0            N > 0: also time N rounds of each workload and mode
#                                    natively (no valgrind), stock and plugin at the same
#                                    time on one CPU (bench/run.sh's shared pairing, without
#                                    its control lane): the median over rounds of plugin /
#                                    stock CPU seconds (user + system), in time.md
#
# Per version, workload and mode: valgrind --tool=callgrind around tshark,
# stock and with the plugin, on the first N frames; minus a 1-frame start-up
# run of each, divided by N. rfc1006-heavy's stock run gets
# -d tcp.port==102,tpkt, as in bench/run.sh. Instruction counts are
# deterministic, so they compare releases where timing on a shared machine
# cannot. 4.0 uses build/ (bench/run.sh's plugin); 4.4 and 4.6 build the
# plugin inside their root (tools/mkroot.sh) from this tree, read-only, and
# run the host's valgrind there. Results: $BENCH_DIR/cgversions-*/table.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
script="$here/$(basename "${BASH_SOURCE[0]}")"
. "$here/common.sh"
versions=("$@")
[ ${#versions[@]} = 0 ] && versions=(4.0 4.4 4.6)
for v in "${versions[@]}"; do
    case $v in 4.0|4.4|4.6) ;; *) echo "usage: $0 [4.0 4.4 4.6]" >&2; exit 2 ;; esac
done

DIR=${BENCH_DIR:-/var/tmp/exmta-bench}
WORKLOADS=${BENCH_CG_WORKLOADS:-epm-heavy}
MODES=${BENCH_CG_MODES:-plain fields}
N=${BENCH_CG_FRAMES:-50000}
COUNT=${BENCH_CG_COUNT:-1}
ROUNDS=${BENCH_VERSIONS_TIME:-0}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (tshark drops to uid 65534; 4.4/4.6 need chroot)"
command -v valgrind >/dev/null || die "valgrind missing: apt-get install valgrind"
vbin=$(command -v valgrind.bin 2>/dev/null || true)
[ -n "$vbin" ] || vbin=$(command -v valgrind)
vlib=/usr/libexec/valgrind
[ -d "$vlib" ] || vlib=/usr/lib/x86_64-linux-gnu/valgrind
[ -d "$vlib" ] || die "valgrind's tool folder not found"
for w in $WORKLOADS; do
    [ -s "$DIR/$w.pcap" ] || die "$DIR/$w.pcap missing: run bench/run.sh once (it generates the workloads)"
done

# mounts into the roots die with a private mount namespace
if [ -z "${EXMTA_CGV_NS:-}" ]; then
    exec env EXMTA_CGV_NS=1 unshare --mount --propagation private bash "$script" "${versions[@]}"
fi

OUT=$DIR/cgversions-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT/cuts"
chmod 755 "$OUT" "$OUT/cuts"
for w in $WORKLOADS; do
    editcap -r "$DIR/$w.pcap" "$OUT/cuts/$w.pcap" "1-$N"
done
editcap -r "$DIR/$(set -- $WORKLOADS; echo "$1").pcap" "$OUT/cuts/one.pcap" 1
chmod a+r "$OUT"/cuts/*.pcap
printf 'version\tworkload\tmode\tframes\tstock_ir\tplugin_ir\tstock_base_ir\tplugin_base_ir\n' > "$OUT/ir.tsv"
printf 'version\tworkload\tmode\tframes\tround\tstock_cpu_s\tplugin_cpu_s\n' > "$OUT/time.tsv"

# as_nobody ROOT INNER PLUGIN_DIR CMD...: CMD as uid 65534 in ROOT ("/" = the
# host), whose work folder is INNER there, with tshark's plugins from
# PLUGIN_DIR ("" = stock: an empty plugin folder)
as_nobody() {
    local r=$1 inner=$2 pdir=$3 drop=/exmta/src/main/tools/as-nobody; shift 3
    [ "$r" = / ] && drop=$src/tools/as-nobody
    chroot "$r" "$drop" \
        env -i PATH=/usr/bin:/bin HOME="$inner/home" LANG=C.UTF-8 \
        WIRESHARK_PLUGIN_DIR="${pdir:-$inner/noplugins}" VALGRIND_LIB="$inner/valgrind" "$@"
}

# run_cg ROOT INNER PLUGIN_DIR OUTFILE CUT [tshark args]: one callgrind run
run_cg() {
    local r=$1 inner=$2 pdir=$3 out=$4 cut=$5; shift 5
    as_nobody "$r" "$inner" "$pdir" "$inner/valgrind.bin" --tool=callgrind --callgrind-out-file="$inner/out/$out" \
        tshark -r "$inner/cuts/$cut" "$@" > /dev/null 2>> "$OUT/stderr.log"
}

count_version() {
    local v=$1 r inner base pdir sb pb w mode
    if [ "$v" = 4.0 ]; then
        r=/
        pdir=$src/build/plugins
        [ -e "$pdir/4.0/epan/exmta.so" ] || die "no $pdir/4.0/epan/exmta.so: build first (cmake --build build)"
        inner=$OUT/work-4.0
        base=$inner
        mkdir -p "$base"
    else
        r=$("$src/tools/mkroot.sh" "$v" | tail -n 1) || die "no $v root (tools/mkroot.sh $v)"
        mount -t proc proc "$r/proc"
        mkdir -p "$r/exmta/src/main" "$r/exmta/build"
        mount --bind "$src" "$r/exmta/src/main"
        mount -o remount,bind,ro "$r/exmta/src/main"
        log "$v: building the plugin in $r"
        rm -rf "$r/exmta/build/$v-cg"
        { chroot "$r" env -i PATH=/usr/bin:/bin HOME=/root cmake -S /exmta/src/main -B "/exmta/build/$v-cg" &&
          chroot "$r" env -i PATH=/usr/bin:/bin HOME=/root cmake --build "/exmta/build/$v-cg" --target exmta -j "$(nproc)"; } \
            > "$OUT/build-$v.log" 2>&1 || die "$v: plugin build failed, see $OUT/build-$v.log"
        chmod -R a+rX "$r/exmta/build/$v-cg/plugins"
        pdir=/exmta/build/$v-cg/plugins
        inner=/exmta/cgv
        base=$r$inner
        mkdir -p "$base"
        mount -t tmpfs -o mode=755 tmpfs "$base"
    fi
    # the cuts, valgrind and the outputs, at INNER inside the root
    mkdir -p "$base/cuts" "$base/out" "$base/home" "$base/noplugins" "$base/valgrind"
    chmod 755 "$base"
    chmod 777 "$base/out" "$base/home"
    mount --bind "$OUT/cuts" "$base/cuts"
    mount --bind "$vlib" "$base/valgrind"
    cp "$vbin" "$base/valgrind.bin"
    chmod 755 "$base/valgrind.bin"

    # what is measured: the plugin loaded in one variant and only there
    # (a globally installed exmta.so would turn "stock" into the plugin)
    local loads
    for loads in :no "$pdir":yes; do
        if as_nobody "$r" "$inner" "${loads%:*}" tshark -G plugins 2>/dev/null | grep -q '^exmta\.so'; then
            [ "${loads#*:}" = yes ] || die "$v: stock tshark loads an exmta.so (installed globally?)"
        else
            [ "${loads#*:}" = no ] || die "$v: tshark does not load the plugin from $pdir"
        fi
    done

    time_version "$v" "$r" "$inner" "$pdir"
    if [ "$COUNT" = 0 ]; then
        release_version "$v" "$r" "$base"
        return
    fi
    log "$v: start-up baseline"
    run_cg "$r" "$inner" "" base-stock.out one.pcap
    run_cg "$r" "$inner" "$pdir" base-plugin.out one.pcap
    sb=$(cg_ir "$base/out/base-stock.out"); pb=$(cg_ir "$base/out/base-plugin.out")
    for w in $WORKLOADS; do
        for mode in $MODES; do
            bench_stock_args "$w"
            bench_mode_args "$mode"
            log "$v: $w $mode, $N frames (stock and plugin side by side)"
            run_cg "$r" "$inner" "" "$w-$mode-stock.out" "$w.pcap" "${STOCK_ARGS[@]}" "${MODE_ARGS[@]}" &
            run_cg "$r" "$inner" "$pdir" "$w-$mode-plugin.out" "$w.pcap" "${MODE_ARGS[@]}" ||
                die "$v: plugin callgrind run failed, see $OUT/stderr.log"
            wait $! || die "$v: stock callgrind run failed, see $OUT/stderr.log"
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$v" "$w" "$mode" "$N" \
                "$(cg_ir "$base/out/$w-$mode-stock.out")" "$(cg_ir "$base/out/$w-$mode-plugin.out")" \
                "$sb" "$pb" >> "$OUT/ir.tsv"
        done
    done
    mkdir -p "$OUT/callgrind-$v"
    cp "$base"/out/*.out "$OUT/callgrind-$v/"
    release_version "$v" "$r" "$base"
}

# release_version VERSION ROOT BASE: undo count_version's mounts
release_version() {
    umount "$3/valgrind" "$3/cuts"
    if [ "$1" != 4.0 ]; then
        umount "$3" "$2/exmta/src/main" "$2/proc"
    else
        rm -rf "$3"
    fi
}

# timed_run OUTFILE ROOT INNER PLUGIN_DIR CUT [tshark args]: one tshark run
# on CPU 1, its CPU seconds (user + system) in OUTFILE
timed_run() {
    local t=$1 r=$2 inner=$3 pdir=$4 cut=$5; shift 5
    (
        taskset -cp 1 "$BASHPID" > /dev/null
        TIMEFORMAT='%U %S'
        { time as_nobody "$r" "$inner" "$pdir" tshark -r "$inner/cuts/$cut" "$@" > /dev/null 2>> "$OUT/stderr.log"; } 2> "$t"
    )
}

# time_version VERSION ROOT INNER PLUGIN_DIR: ROUNDS timed pairs of every
# workload and mode, stock and plugin started together on CPU 1
time_version() {
    local v=$1 r=$2 inner=$3 pdir=$4 w mode k
    [ "$ROUNDS" -gt 0 ] || return 0
    for w in $WORKLOADS; do
        for mode in $MODES; do
            bench_stock_args "$w"
            bench_mode_args "$mode"
            log "$v: $w $mode, $N frames, $ROUNDS timed rounds"
            for k in $(seq 1 "$ROUNDS"); do
                timed_run "$OUT/t-stock" "$r" "$inner" "" "$w.pcap" "${STOCK_ARGS[@]}" "${MODE_ARGS[@]}" &
                timed_run "$OUT/t-plugin" "$r" "$inner" "$pdir" "$w.pcap" "${MODE_ARGS[@]}" ||
                    die "$v: plugin run failed, see $OUT/stderr.log"
                wait $! || die "$v: stock run failed, see $OUT/stderr.log"
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$v" "$w" "$mode" "$N" "$k" \
                    "$(awk '{print $1 + $2}' "$OUT/t-stock")" "$(awk '{print $1 + $2}' "$OUT/t-plugin")" \
                    >> "$OUT/time.tsv"
            done
        done
    done
}

for v in "${versions[@]}"; do
    count_version "$v"
done

python3 - "$OUT/ir.tsv" > "$OUT/table.md" <<'EOF'
import csv, sys
print("| Wireshark | workload | mode | stock Ir / frame | plugin Ir / frame | ratio |")
print("|---|---|---|---:|---:|---:|")
for r in csv.DictReader(open(sys.argv[1]), delimiter="\t"):
    n = int(r["frames"])
    s = (int(r["stock_ir"]) - int(r["stock_base_ir"])) / n
    p = (int(r["plugin_ir"]) - int(r["plugin_base_ir"])) / n
    print("| %s | %s | %s | %.0f | %.0f | %.4f |" % (r["version"], r["workload"], r["mode"], s, p, p / s))
EOF
python3 - "$OUT/time.tsv" > "$OUT/time.md" <<'EOF'
import csv, statistics, sys
rows = {}
for r in csv.DictReader(open(sys.argv[1]), delimiter="\t"):
    rows.setdefault((r["version"], r["workload"], r["mode"], r["frames"]), []).append(
        (float(r["stock_cpu_s"]), float(r["plugin_cpu_s"])))
if rows:
    print("| Wireshark | workload | mode | frames | rounds | stock CPU s (median) | plugin CPU s (median) "
          "| paired CPU ratio (median) | lowest / highest |")
    print("|---|---|---|---:|---:|---:|---:|---:|---|")
for (v, w, m, n), pairs in rows.items():
    ratios = sorted(p / s for s, p in pairs)
    print("| %s | %s | %s | %s | %d | %.2f | %.2f | %.3f | %.3f / %.3f |" % (
        v, w, m, n, len(pairs), statistics.median(s for s, _ in pairs), statistics.median(p for _, p in pairs),
        statistics.median(ratios), ratios[0], ratios[-1]))
EOF
[ "$COUNT" = 0 ] || cat "$OUT/table.md"
cat "$OUT/time.md"
log "results: $OUT"
