#!/bin/bash
# tools/mkroot.sh VERSION — create (once, cached) a Debian root holding the
# Wireshark VERSION development files, for tests/versions.sh.
#
#   tools/mkroot.sh 4.4   -> Debian trixie   (Wireshark 4.4.x)
#   tools/mkroot.sh 4.6   -> Debian unstable (Wireshark 4.6.x)
#
# Root:   ${EXMTA_ROOTS:-/var/cache/exmta-roots}/VERSION
# Stamp:  ROOT/.exmta-root-complete  (written last; a root without it is
#         considered half-made, removed and rebuilt)
# Times:  ${EXMTA_ROOTS}/times.log  (one line per build: version suite seconds)
# Mirror: the one the host apt uses (/etc/apt/sources.list.d/*.sources or
#         /etc/apt/sources.list), overridable with EXMTA_MIRROR.
#
# Prints the root's path on stdout (last line). Exit codes:
#   0 root ready   1 usage/environment error   3 suite cannot be installed
set -euo pipefail

die() { echo "mkroot: $*" >&2; exit 1; }

ver=${1:-}
case "$ver" in
  4.4) suite=trixie ;;
  4.6) suite=unstable ;;
  *) die "usage: $0 4.4|4.6" ;;
esac
[ "$(id -u)" = 0 ] || die "must run as root (mmdebstrap root mode, chroot)"
command -v mmdebstrap >/dev/null || die "mmdebstrap not installed (apt-get install mmdebstrap)"

roots=${EXMTA_ROOTS:-/var/cache/exmta-roots}
root=$roots/$ver
stamp=$root/.exmta-root-complete
mkdir -p "$roots"

# One builder per root at a time.
exec 9>"$roots/.$ver.lock"
flock 9

# What a root holds: the build and the tests (tests/versions.sh), and the
# Qt Wireshark with an X server, xdotool and ImageMagick for the GUI test.
# The stamp records this list; a root made with another one is made again.
pkgs=tshark,libwireshark-dev,wireshark-dev,cmake,gcc,libc6-dev,make,pkgconf,libglib2.0-dev,python3,util-linux
pkgs=$pkgs,wireshark,xvfb,xauth,xdotool,imagemagick

if [ -f "$stamp" ]; then
  if grep -qx "pkgs=$pkgs" "$stamp"; then
    echo "mkroot: $ver root ready (cached): $(head -n 1 "$stamp")" >&2
    echo "$root"
    exit 0
  fi
  echo "mkroot: $ver root was made with other packages; making it again" >&2
  rm -f "$stamp"
fi

# Half-made root: refuse to rm -rf anything still mounted below it.
if [ -e "$root" ]; then
  if awk -v r="$root" '$2 == r || index($2, r "/") == 1 { f=1 } END { exit !f }' /proc/self/mounts; then
    die "$root is half-made but has mounts below it; unmount them first"
  fi
  echo "mkroot: removing the root at $root (half-made or stale)" >&2
  rm -rf --one-file-system "$root"
fi

find_mirror() {
  local f uri
  if [ -n "${EXMTA_MIRROR:-}" ]; then echo "$EXMTA_MIRROR"; return; fi
  # deb822 sources: first 'Types: deb' stanza whose URI is not a security archive
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk 'BEGIN{RS=""; FS="\n"}
      { deb=0; u="";
        for (i=1;i<=NF;i++) {
          if ($i ~ /^Types:/ && $i ~ /(^|[ \t])deb([ \t]|$)/) deb=1;
          if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); u=a[2] } }
        if (deb && u != "" && u !~ /security/) { print u; exit } }' "$f")
    if [ -n "$uri" ]; then echo "$uri"; return; fi
  done
  # one-line sources
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk '$1=="deb" { for (i=2;i<=NF;i++) if ($i !~ /^\[/ && $i !~ /\]$/) { if ($i !~ /security/) { print $i; exit } else break } }' "$f")
    if [ -n "$uri" ]; then echo "$uri"; return; fi
  done
  echo "http://deb.debian.org/debian"
}
mirror=$(find_mirror)

log=$roots/$ver.mmdebstrap.log
echo "mkroot: building $ver root ($suite from $mirror) in $root; log $log" >&2
start=$(date +%s)
rc=0
# Speed: a root is throw-away and rebuilt from scratch when half-made, so
# dpkg need not sync every file (eatmydata hook, unsafe-io); no Recommends,
# no manual pages, documentation or translations.
fast=(--dpkgopt=force-unsafe-io --aptopt='APT::Install-Recommends "false"'
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
      --dpkgopt='path-include=/usr/share/doc/*/copyright'
      --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias'
      --dpkgopt='path-exclude=/usr/share/info/*')
[ -d /usr/share/mmdebstrap/hooks/eatmydata ] && fast+=(--hook-dir=/usr/share/mmdebstrap/hooks/eatmydata)
mmdebstrap --variant=apt --include="$pkgs" "${fast[@]}" \
  --aptopt='Acquire::Check-Valid-Until "false"' \
  "$suite" "$root" "deb $mirror $suite main" >"$log" 2>&1 || rc=$?
secs=$(( $(date +%s) - start ))

if [ "$rc" != 0 ] || [ ! -x "$root/usr/bin/tshark" ] || [ ! -f "$root/usr/include/wireshark/ws_version.h" ]; then
  rm -rf --one-file-system "$root"
  echo "$ver $suite FAILED ${secs}s $(date -u +%FT%TZ) rc=$rc" >>"$roots/times.log"
  {
    echo "================================================================"
    echo "mkroot: Debian $suite could not be installed for Wireshark $ver"
    echo "mkroot: (mmdebstrap exit $rc after ${secs}s; last lines of $log:)"
    tail -n 15 "$log" | sed 's/^/    /'
    echo "================================================================"
  } >&2
  exit 3
fi

wsver=$(chroot "$root" dpkg-query -W -f='${Version}' libwireshark-dev 2>/dev/null || echo '?')
echo "$ver $suite ${secs}s $(date -u +%FT%TZ) libwireshark-dev=$wsver" >>"$roots/times.log"
printf 'suite=%s mirror=%s built=%s seconds=%s libwireshark-dev=%s\npkgs=%s\n' \
  "$suite" "$mirror" "$(date -u +%FT%TZ)" "$secs" "$wsver" "$pkgs" >"$stamp"
echo "mkroot: $ver root ready in ${secs}s (libwireshark-dev $wsver)" >&2
echo "$root"
