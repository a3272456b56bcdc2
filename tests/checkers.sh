#!/bin/bash
# tests/checkers.sh - Wireshark's own source checkers over every plugin .c file
# (plugin/*.c, plugin/core/*.c), the way a Wireshark core reviewer runs them:
#
#   tools/checkhf.pl FILE
#   tools/checkAPIs.pl --group dissectors-prohibited --group dissectors-restricted FILE
#       (the switches plugins/epan/*/CMakeLists.txt give the checkAPI target:
#       the default groups prohibited, deprecated and soft-deprecated, plus
#       the dissector groups: abort/assert/exit/g_assert/g_error, printf and
#       g_warning; the hf, value_string, ett, %ll/%hh and shadow checks (index,
#       time, strlen, system) are on by default)
#   tools/checkfiltername.pl FILE
#   tools/check_typed_item_calls.py --consecutive --label --mask --missing-items --file FILE
#       (the switches of Wireshark's GitLab CI, plus --missing-items)
#   tools/check_tfs.py --file FILE
#
# The Python checkers run from the Wireshark source root (check_tfs.py reads
# epan/tfs.c from there) and get the file by its absolute path: a --file not
# starting with "epan" is joined to epan/dissectors/, which an absolute path
# overrides, and check_tfs.py skips its comparison for any path sharing a
# first character with "plugin/epan/" (so "plugin/..." would not be checked).
#
# A finding is a non-zero exit or any output beyond a checker's fixed banner:
# warnings count too (checkAPIs' dissectors-restricted group and shadow check
# only warn, checkhf's "Unused entry" does not change its exit status).
# Before the plugin's files, each checker is run on a scratch copy of
# packet-exmta.c with one planted problem per checker; a checker that does not
# report its problem fails the run, so this test cannot pass vacuously.
#
# The Wireshark source (only tools/ and epan/tfs.c are extracted):
#   EXMTA_WS_SRC=/path   an unpacked Wireshark source tree to use as it is
#   otherwise            EXMTA_WS_CACHE (default /var/cache/exmta-wssrc)/
#                        wireshark-<version of the installed libwireshark-dev>,
#                        reused when present; when absent, as root: `apt-get
#                        source --download-only wireshark=<that version>` into
#                        the cache (adding a deb-src entry for this release and
#                        running apt-get update when apt has no source index),
#                        then the checkers and epan/tfs.c are extracted from
#                        the .orig tarball (no Debian patch touches them).
#
# Prints one line per checker and file: "PASS|FAIL <checker> <file>", a FAIL
# followed by the checker's output, indented; then one summary line.
# Exit status: 0 no finding; 1 a finding (or a checker missed its planted
# problem); 2 the Wireshark source or perl/python3 could not be had.
set -uo pipefail

me=checkers.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
die() { echo "$me: FAILED: $*" >&2; exit 2; }

checker_files=(tools/checkhf.pl tools/checkAPIs.pl tools/checkfiltername.pl
               tools/check_typed_item_calls.py tools/check_tfs.py epan/tfs.c)

have_checkers() { # have_checkers DIR
    local f
    for f in "${checker_files[@]}"; do [ -f "$1/$f" ] || return 1; done
}

# --- the Wireshark source -------------------------------------------------
fetch_source() { # fetch_source CACHE VERSION -> prints the tree's path
    local cache=$1 ver=$2 tree dl t0 spec
    tree=$cache/wireshark-${ver//:/_}
    if [ -f "$tree/.exmta-complete" ] && have_checkers "$tree"; then
        echo "$tree"; return 0
    fi
    [ "$(id -u)" = 0 ] || die "no Wireshark source in $tree and not root to fetch it: run once as root
  (it runs apt-get source into $cache), or set EXMTA_WS_SRC to an unpacked Wireshark source tree"
    mkdir -p "$cache" || die "cannot create $cache"
    chmod 755 "$cache"
    exec 9> "$cache/.lock"
    flock -w 1200 9 || die "$cache is locked by another run for 20 minutes"
    if [ -f "$tree/.exmta-complete" ] && have_checkers "$tree"; then
        echo "$tree"; return 0
    fi
    t0=$(date +%s)
    dl=$cache/download-${ver//:/_}
    rm -rf "$dl" "$tree" "$tree.tmp"
    mkdir -p "$dl"
    spec=wireshark${ver:+=$ver}
    # apt-get source as root warns that the download is not sandboxed: _apt
    # may write here, so let it
    chown _apt "$dl" 2>/dev/null || true
    if ! (cd "$dl" && apt-get source --download-only -q "$spec") > "$dl/apt.log" 2>&1; then
        has_deb_src || add_deb_src || die "cannot add a deb-src entry"
        echo "$me: apt-get update (for the source index)" >&2
        apt-get update -q > "$dl/update.log" 2>&1 || {
            sed 's/^/  /' "$dl/update.log" >&2; die "apt-get update failed"; }
        if ! (cd "$dl" && apt-get source --download-only -q "$spec") > "$dl/apt.log" 2>&1; then
            sed 's/^/  /' "$dl/apt.log" >&2
            die "apt-get source --download-only $spec failed: the source of the installed
  Wireshark must be in a deb-src archive apt knows (or set EXMTA_WS_SRC)"
        fi
    fi
    local orig
    orig=$(ls "$dl"/wireshark_*.orig.tar.* 2>/dev/null | head -1)
    [ -n "$orig" ] || die "apt-get source left no wireshark_*.orig.tar.* in $dl"
    mkdir -p "$tree.tmp"
    # python3's tarfile: neither dpkg-dev nor bzip2 needs to be installed
    python3 - "$orig" "$tree.tmp" "${checker_files[@]}" <<'EOF' || die "cannot extract the checkers from $orig"
import sys, tarfile
orig, dest, wanted = sys.argv[1], sys.argv[2], set(sys.argv[3:])
found = set()
with tarfile.open(orig) as t:
    for m in t:
        rel = m.name.split('/', 1)[1] if '/' in m.name else ''
        if m.isfile() and rel in wanted:
            m.name = rel
            t.extract(m, dest)
            found.add(rel)
missing = wanted - found
if missing:
    sys.exit('not in the tarball: ' + ' '.join(sorted(missing)))
EOF
    echo "$(basename "$orig") ($ver), fetched $(date -u +%FT%TZ) in $(( $(date +%s) - t0 )) s" > "$tree.tmp/.exmta-complete"
    cp "$dl"/*.dsc "$tree.tmp/" 2>/dev/null
    chmod -R a+rX "$tree.tmp"
    mv "$tree.tmp" "$tree" || die "cannot move $tree.tmp to $tree"
    rm -rf "$dl"        # the 45 MB tarball: the extracted tree is what is reused
    echo "$me: Wireshark $ver source fetched in $(( $(date +%s) - t0 )) s into $tree" >&2
    echo "$tree"
}

apt_parts() { (eval "$(apt-config shell P Dir::Etc::sourceparts/d)"; echo "${P:-/etc/apt/sources.list.d/}"); }
has_deb_src() { # an enabled deb-src line or stanza anywhere in apt's sources
    local list
    list=$(eval "$(apt-config shell L Dir::Etc::sourcelist/f)"; echo "${L:-/etc/apt/sources.list}")
    grep -qsE '^[[:space:]]*deb-src[[:space:]]|^Types:.*[[:space:]]deb-src([[:space:]]|$)' \
        "$list" "$(apt_parts)"*.list "$(apt_parts)"*.sources
}
add_deb_src() { # deb-src entries for this Debian release: main, -updates, -security
    local codename f
    f=$(apt_parts); f=${f%/}/exmta-deb-src.sources
    codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || { echo "$me: no VERSION_CODENAME in /etc/os-release" >&2; return 1; }
    echo "$me: adding $f (deb-src for $codename)" >&2
    cat > "$f" <<EOF
# added by exmta's tests/checkers.sh: the source of the installed Wireshark
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $codename-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

if [ -n "${EXMTA_WS_SRC:-}" ]; then
    ws=$(cd "$EXMTA_WS_SRC" 2>/dev/null && pwd) || die "EXMTA_WS_SRC=$EXMTA_WS_SRC is not a folder"
    have_checkers "$ws" || die "EXMTA_WS_SRC=$ws lacks one of: ${checker_files[*]}"
    ws_what="$ws (EXMTA_WS_SRC)"
else
    command -v apt-get > /dev/null || die "no apt-get: set EXMTA_WS_SRC to an unpacked Wireshark source tree"
    ver=$(dpkg-query -W -f='${source:Version}' libwireshark-dev 2>/dev/null) || ver=""
    [ -n "$ver" ] || die "libwireshark-dev is not installed: which Wireshark source to check against? (set EXMTA_WS_SRC)"
    ws=$(fetch_source "${EXMTA_WS_CACHE:-/var/cache/exmta-wssrc}" "$ver") || exit 2
    ws_what="$ws ($(head -1 "$ws/.exmta-complete"))"
fi

# --- the interpreters -----------------------------------------------------
perl_mods="-MEncode -MEnglish -MGetopt::Long -MText::Balanced"
if ! perl $perl_mods -e 1 2> /dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
        echo "$me: installing perl (checkAPIs.pl needs Encode, English, Text::Balanced)" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends perl > /dev/null 2>&1
    fi
    perl $perl_mods -e 1 2> /dev/null || die "perl with Encode, English, Getopt::Long and Text::Balanced is needed (apt-get install perl)"
fi
command -v python3 > /dev/null || die "python3 is needed"

# --- running one checker on one file ----------------------------------------
# run_checker NAME FILE(absolute): the checker's output minus its banner in
# $out, and 0 when there was no finding.
out=""
run_checker() {
    local name=$1 file=$2 rc=0
    case $name in
    checkhf.pl)        out=$(cd "$ws" && perl tools/checkhf.pl "$file" 2>&1) || rc=$? ;;
    checkAPIs.pl)      out=$(cd "$ws" && perl tools/checkAPIs.pl --group dissectors-prohibited \
                                --group dissectors-restricted "$file" 2>&1) || rc=$? ;;
    checkfiltername.pl) out=$(cd "$ws" && perl tools/checkfiltername.pl "$file" 2>&1) || rc=$? ;;
    check_typed_item_calls.py)
                       out=$(cd "$ws" && python3 tools/check_typed_item_calls.py --consecutive \
                                --label --mask --missing-items --file "$file" 2>&1) || rc=$? ;;
    check_tfs.py)      out=$(cd "$ws" && python3 tools/check_tfs.py --file "$file" 2>&1) || rc=$? ;;
    esac
    # the Python checkers' banner: "Examining:", the file, "0 warnings[ found]"
    out=$(printf '%s\n' "$out" | grep -v -x -F -e 'Examining:' -e "$file " -e "$file" \
            -e '0 warnings' -e '0 warnings found' | grep -v '^[[:space:]]*$')
    [ "$rc" != 0 ] && out="${out:+$out
}(exit status $rc)"
    [ -z "$out" ]
}
checkers=(checkhf.pl checkAPIs.pl checkfiltername.pl check_typed_item_calls.py check_tfs.py)

# --- planted problems: each checker must report its own ---------------------
scratch=$(mktemp -d "${TMPDIR:-/tmp}/exmta-checkers.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$scratch"' EXIT
canary=$scratch/packet-exmta.c
cp "$repo/plugin/packet-exmta.c" "$canary"
cat >> "$canary" <<'EOF'

/* --- planted by tests/checkers.sh: one problem per checker --- */
static int hf_exmta_canary_noarray = -1;   /* checkhf: used, in no hf array */
static int hf_exmta_canary_str = -1;
static const true_false_string tfs_canary = { "Yes", "No" };   /* check_tfs: tfs_yes_no */
static void
canary(proto_tree *tree, tvbuff_t *tvb)
{
    proto_tree_add_item(tree, hf_exmta_canary_noarray, tvb, 0, 1, ENC_NA);
    proto_tree_add_uint(tree, hf_exmta_canary_str, tvb, 0, 1, 0);   /* typed: FT_STRING */
    abort();                                                         /* checkAPIs */
}
static void
canary_register(void)
{
    static hf_register_info hf_canary[] = {
        { &hf_exmta_canary_str,                 /* checkfiltername: not exmta. */
          { "Canary", "notexmta.canary", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
    };
    (void)hf_canary; (void)tfs_canary; (void)canary;
}
EOF
declare -A planted=(
    [checkhf.pl]='NO ARRAY: .*hf_exmta_canary_noarray'
    [checkAPIs.pl]='dissectors-prohibited APIs .*abort'
    [checkfiltername.pl]='notexmta\.canary'
    [check_typed_item_calls.py]='hf_exmta_canary_str'
    [check_tfs.py]='tfs_canary'
)
fail=0 checks=0 findings=0
for c in "${checkers[@]}"; do
    if run_checker "$c" "$canary" || ! grep -q -E "${planted[$c]}" <<< "$out"; then
        echo "FAIL  $c  (did not report the problem planted for it: /${planted[$c]}/)"
        [ -n "$out" ] && sed 's/^/      /' <<< "$out"
        fail=1
    fi
done
[ "$fail" = 0 ] && echo "ok    each checker reports the problem planted in a scratch packet-exmta.c"

# --- the plugin's files -----------------------------------------------------
cd "$repo"
files=$(ls plugin/*.c plugin/core/*.c 2>/dev/null | LC_ALL=C sort)
[ -n "$files" ] || die "no plugin/*.c under $repo"
for f in $files; do
    for c in "${checkers[@]}"; do
        checks=$((checks + 1))
        if run_checker "$c" "$repo/$f"; then
            printf 'PASS  %-26s %s\n' "$c" "$f"
        else
            printf 'FAIL  %-26s %s\n' "$c" "$f"
            sed -e "s|$repo/||g" -e 's/^/      /' <<< "$out"
            findings=$((findings + 1)); fail=1
        fi
    done
done
echo "checkers: $checks checks ($(wc -w <<< "$files") files x ${#checkers[@]} checkers), $findings with findings; Wireshark source $ws_what"
[ "$fail" = 0 ] || exit 1
