#!/bin/bash
# run-all.sh - every test of exmta, the way CI runs it (as root, fresh clone).
#
#   1. installs what is missing (tools/deps.sh --test)
#   2. builds the plugin, unit tests and fuzz replays (tools/build.sh)
#   3. ctest on Wireshark 4.0 (native): unit tests of the pure core, corpus
#      replays, and integration tests that run the real tshark with the plugin
#      (each first proves that tshark loads it: tools/exmta-tshark --check-load)
#   4. the same build + ctest inside Debian 13 (4.4) and unstable (4.6) roots
#      (tests/versions.sh; EXMTA_SKIP_VERSIONS=1 to skip, e.g. without root),
#      and each release's .deb + tarball, load-checked, in build/dist/
#   5. bounded fuzzing: libFuzzer on the pure core, mutated captures through
#      tshark with the plugin (tests/robustness/; EXMTA_SKIP_FUZZ=1 to skip)
#
# Ends with one line "N passed, N failed" counting the stages.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
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
stage "build (Wireshark 4.0)" tools/build.sh
# every later stage that runs tshark with the plugin proves it loads, too;
# this one says so first, in one line
stage "plugin loads (Wireshark 4.0)" tools/exmta-tshark --check-load
stage "ctest (Wireshark 4.0)" ctest --test-dir build -j 2 --output-on-failure
# the packages to hand around, one per Wireshark release, in build/dist/
export EXMTA_PACKAGES_OUT=$here/build/dist
stage "packages (Wireshark 4.0)" sh -c 'cd build && rm -f exmta_*.deb exmta_*.tar.gz &&
    cpack -G DEB >/dev/null && cpack -G TGZ >/dev/null && mkdir -p dist && cp exmta_*.deb exmta_*.tar.gz dist/'
if [ "${EXMTA_SKIP_VERSIONS:-0}" != 1 ]; then
    if [ "$(id -u)" = 0 ]; then
        stage "Wireshark 4.4 (Debian 13 root)" tests/versions.sh 4.4
        stage "Wireshark 4.6 (Debian unstable root)" tests/versions.sh 4.6
    else
        echo "##### Wireshark 4.4 and 4.6 roots: skipped (needs root for chroot)"
    fi
fi
if [ "${EXMTA_SKIP_FUZZ:-0}" != 1 ]; then
    # bounded for CI; longer runs: FUZZ_CORE_SECONDS=300 FUZZ_SECONDS=1800
    export FUZZ_CORE_SECONDS=${FUZZ_CORE_SECONDS:-10} FUZZ_SECONDS=${FUZZ_SECONDS:-60}
    for s in tests/robustness/fuzz-core.sh tests/robustness/fuzz-captures.sh; do
        [ -x "$s" ] && stage "$(basename "$s" .sh)" "$s"
    done
fi
[ -d build/dist ] && { echo; echo "packages:"; ls -1 build/dist | sed 's/^/  /'; }
echo
echo "stages: $passed passed, $failed failed"
[ "$failed" = 0 ]
