#!/bin/sh
# run.sh - GUI test of exmta: starts the real Wireshark (Qt) with the built
# plugin under Xvfb, as the unprivileged user 65534 when run as root, with a
# private HOME and XDG_RUNTIME_DIR, and checks that
#   - tshark -G plugins with the same environment lists build/plugins/.../exmta.so,
#   - wireshark -r x400-bind-refused.pcap -Y exmta opens (the filter needs the plugin),
#   - wireshark -z exmta,table opens "Exchange MTA Endpoints" (registered by the
#     plugin: stock Wireshark rejects that -z argument), -z expert opens,
#   - -z exmta,associations_table and -z exmta,messages_table open "Exchange
#     MTA X.400 Associations" and "Exchange MTA X.400 Messages" on refusals,
#     an abort and transfers with reports,
#   - the Statistics menu opens,
#   - Tools > Exchange MTA > Add learned endpoints writes the learned endpoint,
#   - exmta fields work as display filters and colouring rules: on
#     x400-bind-refused.pcap the GUI displays exactly the frames that
#     tshark -2 -V says carry exmta.x400.bind (6, 7) and, as a control,
#     exmta.rfc1006.session_start (4-7), with the filter typed into the filter
#     bar and with -Y (read back from File > Export Specified Packets), and
#     colouring rules on them colour exactly those rows (from a screenshot),
# and takes screenshots of each (packet tree with the exmta item expanded,
# Expert Information, the endpoints table, the Statistics menu, the coloured
# packet list).
#
# Usage: tests/gui/run.sh [--update-docs]   (--update-docs copies the three
#        README screenshots to docs/img/)
# Exit 77 (skipped) without xvfb-run, wireshark, xdotool or import
# (tools/deps.sh --gui installs them). Bounded: 300 s.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
plugin_root=${EXMTA_PLUGIN_ROOT:-$here/build/plugins}
update=0
[ "${1:-}" = "--update-docs" ] && update=1

for t in xvfb-run wireshark tshark xdotool import convert mergecap; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "gui: $t is not installed (tools/deps.sh --gui): GUI test skipped"
        exit 77
    fi
done
if ! ls "$plugin_root"/*/epan/exmta.so >/dev/null 2>&1; then
    echo "gui: no build at $plugin_root (tools/build.sh first)" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/exmta-gui.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/home" "$work/run" "$work/out"
cp "$here/tests/gui/session.sh" "$work/session.sh"
chmod 0755 "$work" "$work/session.sh"
chmod 0777 "$work/out"
if [ "$(id -u)" = 0 ]; then
    chown 65534:65534 "$work/home" "$work/run" "$work/out"
    drop="$here/tools/as-nobody"
else
    drop=""
fi
chmod 0700 "$work/run"

rc=0
# the clone's path is one argument even with spaces in it
if [ -n "$drop" ]; then set -- "$drop"; else set --; fi
timeout -k 10 300 "$@" env -u WIRESHARK_CONFIG_DIR -u DISPLAY \
    HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_RUNTIME_DIR="$work/run" TZ=UTC \
    WIRESHARK_PLUGIN_DIR="$plugin_root" QT_QPA_PLATFORM=xcb \
    xvfb-run -a -s "-screen 0 1280x800x24" "$work/session.sh" "$here" "$work/out" || rc=$?

for f in gui-packet-tree.png gui-expert-info.png gui-endpoints.png gui-statistics-menu.png \
         gui-colour-rules.png; do
    if [ ! -s "$work/out/$f" ]; then
        echo "gui: FAIL: no screenshot $f"
        rc=1
    fi
done
if [ $rc = 0 ] && [ $update = 1 ]; then
    mkdir -p "$here/docs/img"
    for f in gui-packet-tree.png gui-expert-info.png gui-endpoints.png; do
        cp "$work/out/$f" "$here/docs/img/$f"
        echo "gui: updated docs/img/$f"
    done
fi
if [ -n "${EXMTA_GUI_KEEP:-}" ]; then
    mkdir -p "$EXMTA_GUI_KEEP" && cp "$work/out/"*.png "$EXMTA_GUI_KEEP/" 2>/dev/null || true
fi
[ $rc = 0 ] && echo "gui: OK" || echo "gui: FAILED ($rc)"
exit $rc
