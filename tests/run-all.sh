#!/bin/bash
# run-all.sh - every test of exmta, the way CI runs it (as root, fresh clone).
#
#   1. installs what is missing (tools/deps.sh --test)
#   2. builds the plugin, unit tests and fuzz replays (tools/build.sh)
#   3. ctest on Wireshark 4.0 (native): unit tests of the pure core, corpus
#      replays, and integration tests that run the real tshark with the plugin
#      (each first proves that tshark loads it: tools/exmta-tshark --check-load)
#   4. bounded fuzzing: libFuzzer on the pure core, mutated captures through
#      tshark with the plugin (tests/robustness/; EXMTA_SKIP_FUZZ=1 to skip)
#   5. the build, a load check, the unit tests and the integration tests
#      labelled "versions" inside Debian 13 (4.4) and unstable (4.6) roots
#      (tests/versions.sh; EXMTA_SKIP_VERSIONS=1 to skip, e.g. without root),
#      and each release's .deb + tarball, load-checked, in build/dist/;
#      the two roots side by side (the 4.6 stage's time is what it took
#      after 4.4's).
#      The roots (tools/mkroot.sh, cached) are made in the background from
#      the end of step 1 on: mostly download and unpacking, they overlap
#      steps 2-4.
#
# Ends with one line "N passed, N failed" counting the stages, and the
# run's wall time.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
run_t0=$(date +%s)
passed=0 failed=0
stage() { # stage NAME COMMAND...
    local name=$1; shift
    echo
    echo "##### $name"
    local t0=$(date +%s)
    if "$@"; then
        passed=$((passed + 1)); echo "##### $name: passed ($(( $(date +%s) - t0 ))s)"
    else
        failed=$((failed + 1)); echo "##### $name: FAILED ($(( $(date +%s) - t0 ))s)"
    fi
}

stage "dependencies" tools/deps.sh --test --gui || true

# The tests start tshark a few thousand times, and a start-up is mostly the
# kernel filling libwireshark's heap page by page: malloc on transparent huge
# pages (with a 64 MB top pad) halves its page faults and saves about a third
# of each start's CPU. Output is the same; stock and exmta runs alike get it.
# tests/versions.sh passes it into the roots; the memory test and bench/ do
# not use it (they measure).
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864}

# the Debian 13 and unstable roots, in the background while the rest runs;
# the stage "Debian roots" below waits for them and shows their output
roots_bg=0
declare -A root_pid
if [ "${EXMTA_SKIP_VERSIONS:-0}" != 1 ] && [ "$(id -u)" = 0 ]; then
    roots_bg=1
    roots_log=$(mktemp -d "${TMPDIR:-/tmp}/exmta-roots-log.XXXXXX")
    for v in 4.4 4.6; do
        # own process group, so that an interrupted run stops mmdebstrap too
        setsid tools/mkroot.sh "$v" >"$roots_log/$v" 2>&1 </dev/null &
        root_pid[$v]=$!
    done
    echo "Debian roots for 4.4 and 4.6: being made in the background (tools/mkroot.sh)"
    trap 'for p in "${root_pid[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done; exit 130' INT TERM
fi
wait_roots() { # every root that could be made; an uninstallable unstable is a skip
    local v rc fail=0
    for v in 4.4 4.6; do
        rc=0; wait "${root_pid[$v]}" || rc=$?
        sed 's/^/  /' "$roots_log/$v"
        if [ "$rc" = 3 ] && [ "$v" = 4.6 ]; then
            echo "  4.6: Debian unstable could not be installed (the 4.6 stage says SKIPPED)"
        elif [ "$rc" != 0 ]; then
            echo "  $v: tools/mkroot.sh $v failed (exit $rc)"; fail=1
        fi
    done
    rm -rf "$roots_log"
    return $fail
}
stage "build (Wireshark 4.0)" tools/build.sh
# every later stage that runs tshark with the plugin proves it loads, too;
# this one says so first, in one line
stage "plugin loads (Wireshark 4.0)" tools/exmta-tshark --check-load
# three at a time on two CPUs: the GUI test mostly waits for windows and the
# checkers for a download, and a slot of theirs would otherwise sit idle
# a tshark run that two tests (or one test twice) ask for starts once: its
# output is kept for this ctest in a folder of its own (exmta_it.py)
export EXMTA_IT_CACHE=$here/build/it-cache
rm -rf "$EXMTA_IT_CACHE"
stage "ctest (Wireshark 4.0)" ctest --test-dir build -j 3 --output-on-failure
rm -rf "$EXMTA_IT_CACHE"; unset EXMTA_IT_CACHE
# the packages to hand around, one per Wireshark release, in build/dist/
export EXMTA_PACKAGES_OUT=$here/build/dist
stage "packages (Wireshark 4.0)" sh -c 'cd build && rm -f exmta_*.deb exmta_*.tar.gz &&
    cpack -G DEB >/dev/null && cpack -G TGZ >/dev/null && mkdir -p dist && cp exmta_*.deb exmta_*.tar.gz dist/'
# fuzzing before the roots: time-bound, it leaves the roots more time to
# download in the background
if [ "${EXMTA_SKIP_FUZZ:-0}" != 1 ]; then
    # bounded for CI; longer runs: FUZZ_CORE_SECONDS=300 FUZZ_SECONDS=1800
    # (fuzz-core: two harnesses side by side, one per CPU)
    export FUZZ_CORE_SECONDS=${FUZZ_CORE_SECONDS:-6} FUZZ_SECONDS=${FUZZ_SECONDS:-30}
    export FUZZ_CORE_JOBS=${FUZZ_CORE_JOBS:-$(nproc 2>/dev/null || echo 1)}
    for s in tests/robustness/fuzz-core.sh tests/robustness/fuzz-captures.sh; do
        [ -x "$s" ] && stage "$(basename "$s" .sh)" "$s"
    done
fi
if [ "${EXMTA_SKIP_VERSIONS:-0}" != 1 ]; then
    if [ "$(id -u)" = 0 ]; then
        [ "$roots_bg" = 1 ] && stage "Debian roots (made in the background)" wait_roots
        # the two roots side by side: one alone leaves a CPU idle in its
        # single-threaded steps (cmake's configure, the load check, its
        # ctest's last test); the 4.6 stage shows its output when both ran
        v46_log=$(mktemp "${TMPDIR:-/tmp}/exmta-4.6-log.XXXXXX")
        setsid tests/versions.sh 4.6 >"$v46_log" 2>&1 </dev/null &
        v46_pid=$!
        trap 'kill -TERM -- "-$v46_pid" 2>/dev/null; exit 130' INT TERM
        wait_46() { local rc=0; wait "$v46_pid" || rc=$?; cat "$v46_log"; rm -f "$v46_log"; return $rc; }
        stage "Wireshark 4.4 (Debian 13 root)" tests/versions.sh 4.4
        stage "Wireshark 4.6 (Debian unstable root, run beside 4.4)" wait_46
    else
        echo "##### Wireshark 4.4 and 4.6 roots: skipped (needs root for chroot)"
    fi
fi
[ -d build/dist ] && { echo; echo "packages:"; ls -1 build/dist | sed 's/^/  /'; }
echo
echo "stages: $passed passed, $failed failed"
t=$(( $(date +%s) - run_t0 ))
echo "wall time: ${t}s ($((t / 60)) min $((t % 60)) s)"
[ "$failed" = 0 ]
