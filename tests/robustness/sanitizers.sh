#!/bin/bash
# sanitizers.sh - tshark with an ASan+UBSan build of exmta, and valgrind memcheck
# of tshark with the normal build.
#
# Part 1, ASan + UBSan: builds the plugin with -DEXMTA_SANITIZE=ON (gcc by
# default, SAN_CC=clang for clang) into build-robust-asan/, and runs tshark
# (Debian's, not instrumented) with it, one pass (-V) and two passes (-2 -V), each
# also printing every exmta report (-z exmta,endpoints|sessions|associations|
# messages, in each of text, csv and json), over:
#   sample-pcaps/*, ../shared/captures/wiki/* (if present),
#   tests/robustness/crashes/* (cases kept by fuzz-captures.sh, if any),
#   the hostile captures of tests/robustness/hostile.py (--write-pcaps), and
#   SAN_MUTATIONS editcap -E mutations of every capture (seeds 1..N).
# The instrumented plugin in a plain tshark needs the ASan runtime first in the
# process: LD_PRELOAD=$(gcc -print-file-name=libasan.so) (clang:
# libclang_rt.asan-x86_64.so), ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0.
# Leak checking is off here: tshark itself is not instrumented and leaks at exit
# (valgrind below checks leaks). WIRESHARK_DEBUG_WMEM_OVERRIDE=simple makes every
# wmem allocation a separate malloc, so ASan sees overflows of file/packet-scope memory.
#
# A sanitizer report FAILS the run only if its stack contains plugin code
# (exmta.so, a function named exmta*, or a source file under plugin/). Reports
# whose stacks are entirely inside libwireshark/GLib/tshark are LISTED but do NOT
# fail: they are Wireshark's, and an uninstrumented libwireshark only shows what
# ASan's interceptors (memcpy, strlen, free, ...) see.
# A tshark that dies (signal / non-zero exit, WIRESHARK_ABORT_ON_DISSECTOR_BUG=1)
# without a report fails unless stock tshark (no plugin) dies on the same file too.
#
# Part 2, valgrind: memcheck of tshark with the normal build (EXMTA_PLUGIN_ROOT, default build/plugins) over
# 4 small captures (-2 -V and the reports); G_DEBUG=resident-modules keeps exmta.so mapped at exit
# so leak stacks through it are symbolised. FAILS on Invalid read/write, use of
# uninitialised values, invalid free, or a definite leak whose stack mentions exmta;
# everything else is counted and listed.
#
# Usage: tests/robustness/sanitizers.sh        (from anywhere; works as root)
#   SAN_CC           gcc | clang                   (default gcc)
#   SAN_BUILD        build folder                   (default build-robust-asan)
#   SAN_MUTATIONS    mutated copies per capture     (default 2)
#   SAN_SECONDS      budget for the ASan part       (default 900)
#   SAN_TIMEOUT      seconds per tshark run         (default 180)
#   SAN_VALGRIND=0   skip part 2
# Exit: 0 clean, 1 a plugin finding / build failure, 77 tshark missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
wrapper=$root/tools/exmta-tshark
cc=${SAN_CC:-gcc}
bdir=${SAN_BUILD:-$root/build-robust-asan}
case "$bdir" in /*) ;; *) bdir=$root/$bdir ;; esac
muts=${SAN_MUTATIONS:-2}
budget=${SAN_SECONDS:-900}
tmo=${SAN_TIMEOUT:-180}
PLUGIN_RE='exmta|/plugin/'
# every report in every format: their code runs only when asked for
ZREPORTS="-z exmta,endpoints -z exmta,sessions,csv -z exmta,associations,json -z exmta,messages"
ZREPORTS="$ZREPORTS -z exmta,endpoints,json -z exmta,sessions -z exmta,associations,csv -z exmta,messages,json"
ZREPORTS="$ZREPORTS -z exmta,endpoints,csv -z exmta,sessions,json -z exmta,associations -z exmta,messages,csv"

command -v tshark >/dev/null || { echo "sanitizers: tshark is not installed: skipped"; exit 77; }
command -v "$cc" >/dev/null || { echo "sanitizers: $cc is not installed: skipped"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/exmta-san.XXXXXX")
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
fail=0

# ---------------- part 1: ASan + UBSan ----------------
echo "sanitizers: building exmta with $cc -fsanitize=address,undefined in $bdir"
tries=0
until cmake -S "$root" -B "$bdir" -DCMAKE_C_COMPILER="$cc" -DEXMTA_SANITIZE=ON -DBUILD_TESTING=OFF \
          -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/build.log" 2>&1 &&
      cmake --build "$bdir" -j2 --target exmta >>"$work/build.log" 2>&1; do
    tries=$((tries + 1))
    if [ $tries -ge 3 ]; then tail -40 "$work/build.log"; echo "sanitizers: build failed"; exit 1; fi
    echo "sanitizers: build failed (a source may be mid-edit); retrying in 60 s"; sleep 60
done
so=$(ls "$bdir"/plugins/*/epan/exmta.so 2>/dev/null | head -1)
[ -n "$so" ] || { echo "sanitizers: no exmta.so in $bdir"; exit 1; }
if ! nm -D "$so" | grep -q '__asan_report'; then echo "sanitizers: $so is not ASan-instrumented"; exit 1; fi
if [ "$cc" = gcc ]; then
    asanrt=$(gcc -print-file-name=libasan.so)
else
    asanrt=$(clang -print-file-name=libclang_rt.asan-x86_64.so)
fi
[ -f "$asanrt" ] || { echo "sanitizers: ASan runtime $asanrt not found"; exit 1; }
# runs without the plugin would find nothing: prove the ASan build loads first
if ! EXMTA_PLUGIN_ROOT=$bdir/plugins LD_PRELOAD=$asanrt ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0 \
        "$wrapper" --check-load; then
    echo "sanitizers: FAIL: tshark does not load the ASan-built plugin (line above)"; exit 1
fi

logs=$work/logs; mkdir -p "$logs" "$work/in"; chmod 777 "$logs"
export SAN_LOGS=$logs SAN_ASANRT=$asanrt SAN_TMO=$tmo SAN_WRAPPER=$wrapper SAN_ROOT=$bdir/plugins SAN_Z=$ZREPORTS

# inputs
inputs=()
for f in "$root"/sample-pcaps/*.pcap "$root"/sample-pcaps/*.pcapng; do [ -f "$f" ] && inputs+=("$f"); done
wiki=$root/../shared/captures/wiki
if [ -d "$wiki" ]; then
    for f in "$wiki"/*.pcap "$wiki"/*.pcap.gz "$wiki"/*.pcapng "$wiki"/*.cap; do [ -f "$f" ] && inputs+=("$f"); done
else
    echo "sanitizers: ../shared/captures/wiki is not here: skipped those"
fi
base_inputs=("${inputs[@]}")
if [ -d "$here/crashes" ]; then
    for f in "$here"/crashes/*; do [ -f "$f" ] && inputs+=("$f"); done
fi
if [ -f "$here/hostile.py" ]; then
    mkdir -p "$work/in/hostile"
    if /usr/bin/python3 "$here/hostile.py" --write-pcaps "$work/in/hostile" >"$work/hostile.log" 2>&1; then
        for f in "$work"/in/hostile/*.pcap; do [ -f "$f" ] && inputs+=("$f"); done
    else
        echo "sanitizers: hostile.py --write-pcaps failed:"; tail -5 "$work/hostile.log"; fail=1
    fi
fi
nmut=0
for ((s = 1; s <= muts; s++)); do
    for f in "${base_inputs[@]}"; do
        b=$(basename "$f"); b=${b%.gz}
        out=$work/in/mut-$s-$b
        case "$out" in *.pcap|*.pcapng|*.cap) ;; *) out=$out.pcap ;; esac
        editcap -E 0.02 -o 54 --seed "$s" "$f" "$out" >/dev/null 2>&1 && { inputs+=("$out"); nmut=$((nmut + 1)); }
    done
done
chmod -R a+rX "$work/in"
echo "sanitizers: ${#inputs[@]} captures (${#base_inputs[@]} originals, $nmut mutations, the rest crash/hostile cases), 1-pass and -2"

deadline=$(( $(date +%s) + budget ))
export SAN_DEADLINE=$deadline
run_asan() {   # $1 = index, $2 = capture
    local i=$1 f=$2 mode rc
    [ "$(date +%s)" -ge "$SAN_DEADLINE" ] && { echo "SKIP $f" > "$SAN_LOGS/r$i"; return; }
    : > "$SAN_LOGS/r$i"
    for mode in 1 2; do
        local args=(-nr "$f" -V); [ $mode = 2 ] && args+=(-2)
        local -a z; read -r -a z <<< "$SAN_Z"; args+=("${z[@]}")
        EXMTA_PLUGIN_ROOT=$SAN_ROOT LD_PRELOAD=$SAN_ASANRT G_DEBUG=resident-modules \
        ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0:halt_on_error=1:abort_on_error=0:log_path=$SAN_LOGS/asan-$i-$mode \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$SAN_LOGS/ubsan-$i-$mode \
        WIRESHARK_DEBUG_WMEM_OVERRIDE=simple WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 \
            timeout -k 5 "$SAN_TMO" "$SAN_WRAPPER" "${args[@]}" >/dev/null 2>"$SAN_LOGS/err-$i-$mode"
        rc=$?
        echo "$mode $rc $f" >> "$SAN_LOGS/r$i"
    done
}
export -f run_asan
start=$(date +%s)
for ((i = 0; i < ${#inputs[@]}; i++)); do printf '%s\t%s\n' "$i" "${inputs[$i]}"; done |
    if command -v parallel >/dev/null; then
        SHELL=/bin/bash parallel --will-cite -j2 --colsep '\t' run_asan {1} {2}
    else
        while IFS=$'\t' read -r i f; do run_asan "$i" "$f"; done
    fi
echo "sanitizers: ASan/UBSan runs took $(( $(date +%s) - start ))s"

runs=0 skipped=0 plugin_reports=0 ws_reports=0 deaths=0
for ((i = 0; i < ${#inputs[@]}; i++)); do
    r=$logs/r$i
    if grep -q '^SKIP' "$r" 2>/dev/null; then skipped=$((skipped + 1)); continue; fi
    while read -r mode rc f; do
        runs=$((runs + 1))
        rep=$(ls "$logs"/asan-$i-$mode.* "$logs"/ubsan-$i-$mode.* 2>/dev/null)
        for l in $rep; do
            kind=$(grep -m1 -oE 'ERROR: AddressSanitizer: [a-z-]+|runtime error: .*' "$l" | head -1)
            if grep -qE "$PLUGIN_RE" "$l"; then
                plugin_reports=$((plugin_reports + 1)); fail=1
                echo "FAIL (plugin code in the stack): $f, pass $mode: $kind"
                grep -E '^ *#[0-9]+|ERROR|SUMMARY|runtime error' "$l" | head -25 | sed 's/^/    /'
                mkdir -p "$here/crashes"; case "$f" in "$work"/*) cp "$f" "$here/crashes/" ;; esac
            else
                ws_reports=$((ws_reports + 1))
                echo "listed, not failing (no plugin frame; Wireshark's own): $f, pass $mode: $kind"
                grep -E '^ *#[0-9]+' "$l" | head -6 | sed 's/^/    /'
            fi
        done
        if [ -z "$rep" ] && [ "$rc" != 0 ]; then
            # died without a sanitizer report: does stock tshark die too?
            args=(-nr "$f" -V); [ "$mode" = 2 ] && args+=(-2)
            WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 timeout -k 5 "$tmo" "$wrapper" --stock "${args[@]}" >/dev/null 2>&1
            src=$?
            if [ $src != 0 ]; then
                ws_reports=$((ws_reports + 1))
                echo "listed, not failing (stock tshark fails too, exit $src): $f, pass $mode exit $rc: $(head -c 200 "$logs/err-$i-$mode" | tr '\n' ' ')"
            else
                deaths=$((deaths + 1)); fail=1
                echo "FAIL: tshark with the ASan plugin exited $rc on $f (pass $mode), stock does not: $(head -c 300 "$logs/err-$i-$mode" | tr '\n' ' ')"
                mkdir -p "$here/crashes"; case "$f" in "$work"/*) cp "$f" "$here/crashes/" ;; esac
            fi
        fi
    done < "$r"
done
# a sanity check that the instrumented plugin really was loaded and ran
probe=$(EXMTA_PLUGIN_ROOT=$bdir/plugins LD_PRELOAD=$asanrt ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0 \
        timeout 120 "$wrapper" -nr "$root/sample-pcaps/x400-bind-accepted.pcap" -Y exmta.rfc1006 2>/dev/null | wc -l)
echo "sanitizers: the ASan plugin marked $probe frames of x400-bind-accepted.pcap as exmta.rfc1006 (expected 6)"
[ "$probe" = 6 ] || { echo "FAIL: the ASan-built plugin did not load or did not run"; fail=1; }
echo "sanitizers: ASan+UBSan: $runs tshark runs ($skipped captures skipped by the ${budget}s budget):" \
     "$plugin_reports report(s) in plugin code, $deaths unexplained deaths;" \
     "$ws_reports report(s)/failure(s) in Wireshark itself (listed above, not failing)"

# ---------------- part 2: valgrind ----------------
if [ "${SAN_VALGRIND:-1}" = 0 ]; then
    echo "sanitizers: valgrind part skipped (SAN_VALGRIND=0)"
elif ! command -v valgrind >/dev/null; then
    echo "sanitizers: valgrind is not installed: valgrind part skipped"
elif ! ls "${EXMTA_PLUGIN_ROOT:-$root/build/plugins}"/*/epan/exmta.so >/dev/null 2>&1; then
    echo "sanitizers: no normal build in build/plugins: valgrind part skipped"
elif ! EXMTA_PLUGIN_ROOT=${EXMTA_PLUGIN_ROOT:-$root/build/plugins} "$wrapper" --check-load; then
    echo "sanitizers: FAIL: tshark does not load the normal build (line above): valgrind part not run"; fail=1
else
    shim=$work/vgshim; mkdir -p "$shim" "$work/vg"; chmod 777 "$work/vg"
    tsharkbin=$(command -v tshark)
    cat > "$shim/tshark" <<EOF
#!/bin/sh
exec valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  --track-origins=yes --num-callers=40 --log-file=$work/vg/vg.\$VG_NAME.%p $tsharkbin "\$@"
EOF
    chmod 755 "$shim" "$shim/tshark"
    vfail=0
    for name in x400-bind-accepted.pcap rpc-epm-lookup-bind.pcap cotp-disconnect.pcap x400-twa-transfers.pcap; do
        f=$root/sample-pcaps/$name
        [ -f "$f" ] || continue
        PATH=$shim:$PATH VG_NAME=$name EXMTA_PLUGIN_ROOT=${EXMTA_PLUGIN_ROOT:-$root/build/plugins} G_DEBUG=resident-modules \
            G_SLICE=always-malloc WIRESHARK_DEBUG_WMEM_OVERRIDE=simple \
            timeout -k 5 900 "$wrapper" -nr "$f" -2 -V $ZREPORTS >/dev/null 2>"$work/vg/err"
        rc=$?
        l=$(ls "$work"/vg/vg.$name.* 2>/dev/null | head -1)
        if [ -z "$l" ]; then echo "FAIL: valgrind left no log for $name (exit $rc)"; vfail=1; continue; fi
        # split the log into error blocks (separated by "==PID== " blank lines)
        /usr/bin/python3 - "$l" "$name" "$PLUGIN_RE" <<'PY' || vfail=1
import re, sys
path, name, plugre = sys.argv[1], sys.argv[2], re.compile(sys.argv[3])
text = open(path, errors="replace").read()
body = [re.sub(r"^==\d+== ?", "", l) for l in text.splitlines()]
blocks, cur = [], []
for l in body:
    if not l.strip():
        if cur: blocks.append(cur); cur = []
    else:
        cur.append(l)
if cur: blocks.append(cur)
bad_kinds = ("Invalid read", "Invalid write", "Invalid free", "Mismatched free",
             "Conditional jump or move depends on uninitialised", "Use of uninitialised",
             "Syscall param", "Source and destination overlap")
ours, theirs, loaded = [], [], "exmta.so" in text or bool(plugre.search(text))
for b in blocks:
    head = b[0]
    kind = None
    if any(head.startswith(k) for k in bad_kinds):
        kind = head
    elif "definitely lost in loss record" in head:
        kind = "definite leak: " + head
    if not kind:
        continue
    (ours if any(plugre.search(l) for l in b) else theirs).append((kind, b))
summ = [l.strip() for l in body if "ERROR SUMMARY" in l or "definitely lost:" in l]
print("valgrind %s: %s; %d error(s)/definite leak(s) with exmta in the stack, %d without (Wireshark/GLib's own, not failing)"
      % (name, "; ".join(summ), len(ours), len(theirs)))
for kind, b in ours:
    print("  FAIL: " + kind)
    for l in b[1:25]:
        print("      " + l)
kinds = {}
for kind, b in theirs:
    k = re.sub(r"[\d,]+ \(.*?\) bytes|[\d,]+ bytes|loss record \d+ of \d+|size \d+", "N", kind)
    kinds[k] = kinds.get(k, 0) + 1
for k, n in sorted(kinds.items()):
    print("  listed: %d x %s" % (n, k))
sys.exit(1 if ours else 0)
PY
        [ $rc != 0 ] && { echo "FAIL: tshark under valgrind exited $rc on $name: $(head -c 300 "$work/vg/err")"; vfail=1; }
    done
    [ $vfail = 0 ] || fail=1
fi
if [ $fail = 0 ]; then echo "sanitizers: PASS"; else echo "sanitizers: FAIL"; fi
exit $fail
