#!/bin/bash
# tests/versions.sh [4.0|4.4|4.6|all]   (default: all)
#
# Builds exmta and runs `ctest --output-on-failure` against each Wireshark
# release line:
#   4.0  natively (Debian 12's libwireshark-dev): every test
#   4.4  in a Debian trixie root   (tools/mkroot.sh 4.4, cached)
#   4.6  in a Debian unstable root (tools/mkroot.sh 4.6, cached)
# In a root: the build, `tools/exmta-tshark --check-load` on it, and ctest
# -L 'core|versions': the unit tests and corpus replays (core) and the
# integration tests labelled "versions" in tests/CMakeLists.txt and the GUI
# test (tests/gui: the release's Qt Wireshark under Xvfb), with
# test_field_contract on the captures EXMTA_ROOT_CAPTURES names (every field
# the plugin sets in sample-pcaps/ but six, in six captures; natively it
# checks every capture); then fuzz-captures.sh with that release's tshark.
# Every plugin test in the roots as well:
#   EXMTA_ROOT_CTEST_ARGS="-L 'core|plugin'" EXMTA_ROOT_CAPTURES= tests/versions.sh 4.6
# Inside a root the source is bind-mounted read-only at /exmta/src/main and,
# when present, <source>/../shared read-only at /exmta/src/shared (the
# integration tests read <repo>/../shared/captures); the build goes to
# /exmta/build/<ver> inside the root.  Everything runs in a private mount
# namespace and a trap unmounts on exit, failure or signal.
#
# Exit status: 0 all requested versions passed (an uninstallable Debian
# unstable root is a loud SKIPPED, not a failure); 1 a build or test failed;
# 2 usage/environment error.
# Env: EXMTA_ROOTS (root cache, default /var/cache/exmta-roots),
#      EXMTA_VERSIONS_BUILD (native 4.0 build dir, default /tmp/exmta-versions/4.0),
#      EXMTA_JOBS (parallel build jobs, default nproc),
#      EXMTA_ROOT_CTEST_ARGS (ctest selection in a root, default -L 'core|versions'),
#      EXMTA_ROOT_FUZZ_SECONDS (tests/robustness/fuzz-captures.sh's budget in a
#        root after ctest, default 20; 0 or EXMTA_SKIP_FUZZ=1 skips it),
#      EXMTA_ROOT_CAPTURES (EXMTA_IT_CAPTURES for test_field_contract in a root:
#        a regular expression on capture names; empty: every capture).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
script="$here/$(basename "${BASH_SOURCE[0]}")"

want=${1:-all}
case "$want" in
  all) versions=(4.0 4.4 4.6) ;;
  4.0|4.4|4.6) versions=("$want") ;;
  -h|--help) sed -n '2,20p' "$script"; exit 0 ;;
  *) echo "usage: $0 [4.0|4.4|4.6|all]" >&2; exit 2 ;;
esac

needs_root=0
for v in "${versions[@]}"; do [ "$v" != 4.0 ] && needs_root=1; done
if [ "$needs_root" = 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "versions.sh: 4.4/4.6 need root (chroot, mount)" >&2; exit 2; }
  # Private mount namespace: whatever happens, our mounts die with us.
  if [ -z "${EXMTA_VERSIONS_NS:-}" ] && unshare --mount --propagation private true 2>/dev/null; then
    exec env EXMTA_VERSIONS_NS=1 unshare --mount --propagation private bash "$script" "$@"
  fi
fi

jobs=${EXMTA_JOBS:-$(nproc 2>/dev/null || echo 2)}
roots=${EXMTA_ROOTS:-/var/cache/exmta-roots}
shared=""
[ -d "$src/../shared" ] && shared=$(cd "$src/../shared" && pwd)

mounts=()
cleanup() {
  local i
  for (( i=${#mounts[@]}-1; i>=0; i-- )); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null || \
      echo "versions.sh: WARNING: could not unmount ${mounts[i]}" >&2
  done
  mounts=()
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

do_mount() { # do_mount TARGET mount-args...
  local t=$1; shift
  mkdir -p "$t"
  mount "$@" "$t" && mounts+=("$t")
}
ro_bind() { # ro_bind SRC TARGET
  do_mount "$2" --bind "$1" || return 1
  mount -o remount,bind,ro "$2"
}

declare -A result detail
fail=0
# test_field_contract in a root: the fewest sample captures that hold 44 of
# the 50 fields the plugin sets in sample-pcaps/ and ../shared/captures/wiki
# (a greedy cover; natively every capture is checked)
default_root_captures='^(rpc-epm-reuse-nobind|exchange40-reserved-byte|rpc-endpoint-port-change|conn-refused-10102|cotp-disconnect|x400-bind-refused)\.pcap$'

run_native() {
  local b=${EXMTA_VERSIONS_BUILD:-/tmp/exmta-versions/4.0} t0 t1 t2 wsv
  wsv=$(pkg-config --modversion wireshark 2>/dev/null || echo '?')
  echo "=== 4.0: native build against Wireshark $wsv in $b"
  rm -rf "$b"; mkdir -p "$b"; chmod 755 "$(dirname "$b")" "$b"
  t0=$(date +%s)
  if ! (cmake -S "$src" -B "$b" && cmake --build "$b" -j "$jobs"); then
    result[4.0]=FAIL; detail[4.0]="Wireshark $wsv: build failed"; return 1
  fi
  t1=$(date +%s)
  if ! (cd "$b" && ctest --output-on-failure); then
    result[4.0]=FAIL; detail[4.0]="Wireshark $wsv: ctest failed"; return 1
  fi
  t2=$(date +%s)
  result[4.0]=PASS; detail[4.0]="Wireshark $wsv native (build $((t1-t0))s, ctest $((t2-t1))s)"
}

run_root() {
  local v=$1 r rc suite t0 t1 t2 wsv
  case $v in 4.4) suite="Debian trixie" ;; 4.6) suite="Debian unstable" ;; esac
  echo "=== $v: $suite root"
  r=$("$src/tools/mkroot.sh" "$v" | tail -n 1); rc=${PIPESTATUS[0]}
  if [ "$rc" = 3 ] && [ "$v" = 4.6 ]; then
    echo "################################################################"
    echo "SKIPPED: Debian unstable could not be installed today (Wireshark 4.6 not tested)"
    echo "################################################################"
    result[$v]=SKIPPED; detail[$v]="Debian unstable could not be installed today"; return 0
  fi
  if [ "$rc" != 0 ] || [ ! -d "$r" ]; then
    result[$v]=FAIL; detail[$v]="$suite root could not be made (mkroot.sh exit $rc)"; return 1
  fi
  wsv=$(chroot "$r" dpkg-query -W -f='${Version}' libwireshark-dev 2>/dev/null || echo '?')
  # One run per root at a time.
  exec 8>"$roots/.$v.run.lock"; flock 8

  do_mount "$r/proc" -t proc proc || { result[$v]=FAIL; detail[$v]="mount /proc failed"; return 1; }
  ro_bind "$src" "$r/exmta/src/main" || { result[$v]=FAIL; detail[$v]="bind mount of source failed"; return 1; }
  if [ -n "$shared" ]; then
    ro_bind "$shared" "$r/exmta/src/shared" || { result[$v]=FAIL; detail[$v]="bind mount of shared failed"; return 1; }
  fi
  chmod 755 "$r/exmta" "$r/exmta/src"
  rm -rf "$r/exmta/build/$v"; mkdir -p "$r/exmta/build/$v"; chmod 755 "$r/exmta/build" "$r/exmta/build/$v"
  # tshark drops to uid 65534 through tools/as-nobody, which needs setpriv (util-linux).
  [ -x "$r/usr/bin/setpriv" ] || echo "versions.sh: WARNING: no setpriv in the $v root" >&2

  local caps=${EXMTA_ROOT_CAPTURES-$default_root_captures}
  local envv=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 TZ=UTC
              ${CI:+CI=$CI} ${EXMTA_WERROR:+EXMTA_WERROR=$EXMTA_WERROR}
              ${GLIBC_TUNABLES:+GLIBC_TUNABLES=$GLIBC_TUNABLES}
              ${caps:+"EXMTA_IT_CAPTURES=$caps"}
              # one tshark start for a run several tests ask for (exmta_it.py)
              EXMTA_IT_CACHE=/exmta/build/$v/it-cache)
  t0=$(date +%s)
  if ! chroot "$r" "${envv[@]}" cmake -S /exmta/src/main -B "/exmta/build/$v" || \
     ! chroot "$r" "${envv[@]}" cmake --build "/exmta/build/$v" -j "$jobs"; then
    result[$v]=FAIL; detail[$v]="Wireshark $wsv ($suite): build failed"; cleanup; return 1
  fi
  t1=$(date +%s)
  # this release's tshark loads the build (the integration tests check it
  # too, but this says so in one line before any of them runs)
  if ! chroot "$r" "${envv[@]}" EXMTA_PLUGIN_ROOT="/exmta/build/$v/plugins" /exmta/src/main/tools/exmta-tshark --check-load; then
    result[$v]=FAIL; detail[$v]="Wireshark $wsv ($suite): tshark does not load the plugin"; cleanup; return 1
  fi
  # the unit tests and corpus replays (core) and the integration tests
  # labelled "versions" (the GUI test among them); the "stock" tests pin
  # what stock 4.0 decodes, and the packages test and the other plugin tests
  # run natively only
  echo "ctest ${EXMTA_ROOT_CTEST_ARGS:--L 'core|versions'}${caps:+, test_field_contract on captures matching '$caps'}"
  if ! chroot "$r" "${envv[@]}" sh -c "cd /exmta/build/$v && ctest -j $jobs --output-on-failure ${EXMTA_ROOT_CTEST_ARGS:--L 'core|versions'}"; then
    result[$v]=FAIL; detail[$v]="Wireshark $wsv ($suite): ctest failed"; cleanup; return 1
  fi
  rm -rf "$r/exmta/build/$v/it-cache"
  t2=$(date +%s)
  # this release's stock dissectors under mutated captures (fuzz-captures.sh:
  # a crash, hang or dissector bug with exmta fails; 0 seconds skips it)
  local fz=${EXMTA_ROOT_FUZZ_SECONDS:-20}
  [ "${EXMTA_SKIP_FUZZ:-0}" = 1 ] && fz=0      # as tests/run-all.sh's fuzzing stages
  if [ "$fz" -gt 0 ] && ! chroot "$r" "${envv[@]}" FUZZ_SECONDS="$fz" FUZZ_JOBS=1 \
        FUZZ_CRASHES="/exmta/build/$v/crashes" EXMTA_PLUGIN_ROOT="/exmta/build/$v/plugins" \
        /exmta/src/main/tests/robustness/fuzz-captures.sh; then
    result[$v]=FAIL; detail[$v]="Wireshark $wsv ($suite): fuzz-captures failed (cases in $r/exmta/build/$v/crashes)"
    cleanup; return 1
  fi
  t3=$(date +%s)
  result[$v]=PASS
  detail[$v]="Wireshark $wsv ($suite, chroot; build $((t1-t0))s, ctest $((t2-t1))s, fuzz-captures $((t3-t2))s)"
  # EXMTA_PACKAGES_OUT=DIR: this release's .deb and tarball, built in the
  # root, unpacked there and loaded by its own tshark as uid 65534
  # (tools/exmta-tshark --check-load)
  if [ -n "${EXMTA_PACKAGES_OUT:-}" ]; then
    if ! chroot "$r" "${envv[@]}" sh -c "cd /exmta/build/$v && rm -f *.deb *.tar.gz &&
          cpack -G DEB >/dev/null && cpack -G TGZ >/dev/null &&
          rm -rf pkgcheck && mkdir pkgcheck && dpkg-deb -x exmta_*.deb pkgcheck && chmod -R a+rX pkgcheck &&
          EXMTA_PLUGIN_ROOT=\$(ls -d /exmta/build/$v/pkgcheck/usr/lib/*/wireshark/plugins) \
            /exmta/src/main/tools/exmta-tshark --check-load &&
          echo \"package: \$(ls exmta_*.deb) Depends: \$(dpkg-deb -f exmta_*.deb Depends); loads in tshark $wsv\""; then
      result[$v]=FAIL; detail[$v]="Wireshark $wsv ($suite): package build or load failed"; cleanup; return 1
    fi
    mkdir -p "$EXMTA_PACKAGES_OUT"
    cp "$r/exmta/build/$v/"exmta_*.deb "$r/exmta/build/$v/"exmta_*.tar.gz "$EXMTA_PACKAGES_OUT/"
  fi
  cleanup
}

for v in "${versions[@]}"; do
  if [ "$v" = 4.0 ]; then run_native || fail=1; else run_root "$v" || fail=1; fi
done

echo
echo "=== exmta across Wireshark versions"
for v in "${versions[@]}"; do
  printf 'versions: %-4s %-8s %s\n' "$v" "${result[$v]:-FAIL}" "${detail[$v]:-}"
done
exit $fail
