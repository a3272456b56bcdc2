#!/bin/sh
# session.sh - runs inside the X server started by tests/gui/run.sh, as the
# unprivileged user; drives Wireshark with xdotool and takes screenshots.
# Usage: session.sh SRC OUTDIR
set -u
src=$1
out=$2
plugin_root=$WIRESHARK_PLUGIN_DIR
fail=0
say() { echo "gui: $*"; }
bad() { echo "gui: FAIL: $*"; fail=1; }

# --- 1. the plugin loads with this environment (same HOME, same plugin dir) ---
if tshark -G plugins 2>/dev/null | grep -q "^exmta\.so.*$plugin_root/"; then
    say "tshark -G plugins lists exmta.so from $plugin_root"
else
    bad "tshark -G plugins does not list exmta.so from $plugin_root"
fi

ws_pid=""
start_ws() {   # start_ws TITLE-REGEX ARGS...
    title=$1; shift
    wireshark "$@" >"$out/wireshark.log" 2>&1 &
    ws_pid=$!
    win=""
    i=0
    while [ $i -lt 60 ]; do
        win=$(xdotool search --onlyvisible --name "$title" 2>/dev/null | head -1)
        [ -n "$win" ] && break
        sleep 1; i=$((i + 1))
    done
    if [ -z "$win" ]; then
        bad "no window matching '$title' after 60 s (wireshark $*)"
        return 1
    fi
    sleep 4      # let it finish reading/retapping and painting
    return 0
}
stop_ws() {
    if [ -n "$ws_pid" ]; then
        kill "$ws_pid" 2>/dev/null
        i=0
        while kill -0 "$ws_pid" 2>/dev/null && [ $i -lt 10 ]; do sleep 1; i=$((i + 1)); done
        kill -9 "$ws_pid" 2>/dev/null
        wait "$ws_pid" 2>/dev/null
        ws_pid=""
    fi
}
trap stop_ws EXIT INT TERM
shot() { import -window root "$1" && say "screenshot $1"; }
shot_window() { import -window "$1" "$2" && say "screenshot $2"; }

# Window and pane geometry of the private profile: full screen, short packet list.
mkdir -p "$HOME/.config/wireshark"
cat > "$HOME/.config/wireshark/recent_common" <<'RC'
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1280
gui.geometry_main_height: 800
gui.geometry_main_maximized: FALSE
RC
cat > "$HOME/.config/wireshark/recent" <<'RC'
gui.geometry_main_upper_pane: 150
RC
fit() {    # move/resize the newest window matching $1 to the screen
    w=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | tail -1)
    [ -n "$w" ] && xdotool windowmove "$w" 0 0 windowsize "$w" "$2" "$3" && sleep 2
}
# The main window matching $1 at 0,0, 1280x800, with the keyboard focus
# (there is no window manager): 4.0 takes its geometry from recent_common,
# 4.2 and later keep it in a form of their own.
main_window() {
    fit "$1" 1280 800
    main_win=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | tail -1)
    refocus
}
refocus() {    # the focus back on the main window (a closed dialog leaves none)
    [ -n "${main_win:-}" ] && xdotool windowfocus --sync "$main_win" && sleep 0.5
}
# Menus are driven by their keys, not by screen positions (which move
# between releases): tools_add opens Tools > Exchange MTA (the last entry of
# Tools) > Add learned endpoints to Known endpoints (its only entry).
tools_add() {
    xdotool key alt+t; sleep 1
    xdotool key Up; sleep 0.3; xdotool key Right; sleep 0.5; xdotool key Return; sleep 3
}

# --- 2. packet tree: the refused bind, filtered by "exmta", exmta expanded ---
pcap=$src/sample-pcaps/x400-bind-refused.pcap
if start_ws "x400-bind-refused" -o gui.layout_content_3:NONE -r "$pcap" -Y exmta -g 7; then
    main_window "x400-bind-refused"
    # "-Y exmta" is a valid filter only when the GUI loaded the plugin (else
    # Wireshark refuses it and shows all 10 frames): the status bar of the
    # screenshot reads "Displayed: 4", frames 4-7
    xdotool mousemove 300 300 click 1      # a row of the packet details
    sleep 1
    xdotool key End                        # its last item: Exchange MTA
    sleep 0.5
    xdotool key shift+Right                # expand it and its subtrees
    sleep 1
    xdotool key End                        # the subtree's last item: all of it in view
    sleep 1
    shot "$out/gui-packet-tree.png"
    stop_ws
fi

# --- 3. Analyze > Expert Information: the RPC capture with two X.400 ones ---
merged=$out/exmta-expert-sample.pcap
mergecap -a -F pcap -w "$merged" "$src/sample-pcaps/x400-bind-refused.pcap" \
    "$src/sample-pcaps/cotp-disconnect.pcap" "$src/sample-pcaps/rpc-multi-endpoints.pcap" \
    "$src/sample-pcaps/rpc-epm-lookup-failed.pcap"
if start_ws "Expert Information" -r "$merged" -z expert; then
    fit "Expert Information" 1280 620
    w=$(xdotool search --onlyvisible --name "Expert Information" | tail -1)
    shot_window "$w" "$out/gui-expert-info.png"
    stop_ws
fi

# --- 4. Statistics > Exchange MTA Endpoints (-z exmta,table opens the same
# dialog as the menu entry; stock Wireshark rejects that -z argument) ---
merged=$out/exmta-endpoints-sample.pcap
mergecap -a -F pcap -w "$merged" "$src/sample-pcaps/x400-bind-refused.pcap" \
    "$src/sample-pcaps/x400-bind-accepted-10102.pcap" "$src/sample-pcaps/rpc-endpoint-port-change.pcap" \
    "$src/sample-pcaps/rpc-epm-lookup-failed.pcap"
if start_ws "Exchange MTA Endpoints" -r "$merged" -z exmta,table; then
    fit "Exchange MTA Endpoints" 1280 360
    w=$(xdotool search --onlyvisible --name "Exchange MTA Endpoints" | tail -1)
    shot_window "$w" "$out/gui-endpoints.png"
    stop_ws
fi

# --- 4b. Statistics > Exchange MTA X.400 Associations and Messages (the
# same dialogs as the menu entries) on refusals, an abort, transfers with
# reports and transfers stock could not decode: each window opens,
# screenshots show the rows ---
x400set=$out/exmta-x400-sample.pcap
mergecap -a -F pcap -w "$x400set" "$src/sample-pcaps/x400-refused-session-ssel.pcap" \
    "$src/sample-pcaps/x400-refused-rtse-busy.pcap" "$src/sample-pcaps/x400-abort-user.pcap" \
    "$src/sample-pcaps/x400-twa-transfers.pcap" "$src/sample-pcaps/x400-x410-mode.pcap" \
    "$src/sample-pcaps/x400-out-of-order.pcap"
for t in "associations_table:Exchange MTA X.400 Associations:gui-x400-associations.png" \
         "messages_table:Exchange MTA X.400 Messages:gui-x400-messages.png"; do
    arg=${t%%:*}; rest=${t#*:}; title=${rest%%:*}; png=${rest#*:}
    if start_ws "$title" -r "$x400set" -z "exmta,$arg"; then
        fit "$title" 1280 420
        w=$(xdotool search --onlyvisible --name "$title" | tail -1)
        shot_window "$w" "$out/$png"
        stop_ws
    fi
done

# --- 5. the Statistics menu (with the entry) ---
if start_ws "exmta-endpoints-sample" -r "$merged"; then
    main_window "exmta-endpoints-sample"
    xdotool key alt+s                     # the Statistics menu
    sleep 2
    shot "$out/gui-statistics-menu.png"
    xdotool key Escape
    stop_ws
fi

# --- 6. Tools > Exchange MTA > Add learned endpoints to Known endpoints:
# a fresh profile (default window geometry), the lookup capture, the menu
# entry twice; the profile's exmta_endpoints must then hold the learned
# endpoint, once ---
home2=$out/home2
mkdir -p "$home2/.config/wireshark"
cp "$src/sample-pcaps/rpc-epm-lookup-bind.pcap" "$out/lookup.pcap"
old_home=$HOME; old_xdg=${XDG_CONFIG_HOME:-}
export HOME="$home2" XDG_CONFIG_HOME="$home2/.config"
start_ws "lookup" -r "$out/lookup.pcap" &&
{
    main_window "lookup"
    tools_add
    shot "$out/gui-add-known-endpoints.png"
    xdotool key Return; sleep 1
    # again: the endpoint is a row already, so nothing is added
    tools_add
    xdotool key Return; sleep 1
    stop_ws
}
export HOME="$old_home" XDG_CONFIG_HOME="$old_xdg"
table=$home2/.config/wireshark/exmta_endpoints
want='"127.10.0.2","1032","9e8ee830-4459-11ce-979b-00aa005ffebe","2.0","MTA RPC","lookup.pcap","9",'
if grep -q "^$want" "$table" 2>/dev/null && [ "$(grep -vc '^#' "$table")" = 1 ]; then
    say "Add learned endpoints wrote, once for two adds: $(grep -v '^#' "$table")"
else
    bad "Add learned endpoints: $table does not hold the learned endpoint once ($(cat "$table" 2>/dev/null))"
fi

# --- 7. exmta fields as display filters and colouring rules: what the GUI
# displays must be what tshark's full dissection says. The expected frames
# come from tshark -2 -V with the same plugin; the GUI's displayed frames are
# read back from File > Export Specified Packets (All packets, Displayed),
# whose frames are mapped to frame numbers by timestamp and MD5 of the bytes ---
pcap=$src/sample-pcaps/x400-bind-refused.pcap
bind_field=exmta.x400.bind
ctl_field=exmta.rfc1006.session_start     # a control: decided without X.411
# frames.tsv: number, time, MD5 of the bytes, then the two fields as the full
# tree (-2 -V) has them
tshark -o frame.generate_md5_hash:TRUE -r "$pcap" -2 -V -T fields -e frame.number \
    -e frame.time_epoch -e frame.md5_hash -e $bind_field -e $ctl_field >"$out/frames.tsv" 2>/dev/null
truth() {      # frames whose column $1 of frames.tsv is not empty
    awk -F'\t' -v c="$1" '$c != "" { printf "%s%s", s, $1; s = " " }' "$out/frames.tsv"
}
nframes=$(wc -l <"$out/frames.tsv")
want_bind=$(truth 4)
want_ctl=$(truth 5)
# the known truth of this capture, so that an empty dissection cannot pass
[ "$want_bind" = "6 7" ] || bad "tshark -2 -V: $bind_field in frames '$want_bind', expected '6 7'"
[ "$want_ctl" = "4 5 6 7" ] || bad "tshark -2 -V: $ctl_field in frames '$want_ctl', expected '4 5 6 7'"

# GUI: File > Export Specified Packets > All packets, Displayed, to $1 (pcap);
# prints the original frame numbers of what it wrote. Export Specified
# Packets is the seventh entry below Open (Save, disabled, is skipped) on
# every release.
displayed() {
    rm -f "$1"
    refocus
    xdotool key alt+f; sleep 1                        # File
    xdotool key Down Down Down Down Down Down Down; sleep 0.3; xdotool key Return
    i=0
    until xdotool search --onlyvisible --name "Export Specified Packets" >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -gt 20 ] && { echo "no-dialog"; return; }
        sleep 0.5
    done
    sleep 0.5
    xdotool type --delay 10 "$1"; xdotool key Return  # the file name field has the focus
    i=0
    until [ -s "$1" ]; do
        i=$((i + 1)); [ $i -gt 20 ] && { xdotool key Escape; echo "no-file"; return; }
        sleep 0.5
    done
    sleep 0.5
    tshark -o frame.generate_md5_hash:TRUE -r "$1" -T fields -e frame.time_epoch -e frame.md5_hash 2>/dev/null |
        awk -F'\t' 'NR == FNR { n[$2 " " $3] = $1; next }
        { k = $1 " " $2; printf "%s%s", s, (k in n) ? n[k] : "?"; s = " " }' "$out/frames.tsv" -
}
check_displayed() {   # check_displayed HOW FIELD WANT GOT
    if [ "$4" = "$3" ]; then
        say "$1 $2: the GUI displays frames $4"
    else
        why=""
        [ "$(echo "$4" | wc -w)" = "$nframes" ] &&
            why=" (every frame: with nothing displayed the dialog exports all captured packets)"
        bad "$1 $2: the GUI displays frames '$4'$why, tshark -2 -V says '$3'"
    fi
}
filter_bar() {        # type a display filter into the filter bar, apply it
    refocus
    xdotool key ctrl+slash; sleep 0.5
    xdotool key ctrl+a; xdotool type --delay 20 "$1"; xdotool key Return
    sleep 2
}

# The colouring rules of the private profile (the first match colours a row):
# red for the field under test, blue for the control, green for the rest, so
# that every row has a colour and the rows can be found by colour.
cat > "$HOME/.config/wireshark/colorfilters" <<CF
@exmta bind@$bind_field@[65535,0,0][0,0,0]
@exmta session@$ctl_field@[0,0,65535][65535,65535,65535]
@any@frame@[0,65535,0][0,0,0]
CF
# Row colours of the packet list in screenshot $1, top to bottom, one letter
# a row: R, B, G (the three rules), S (the selection colour), "." (none of
# them); then the first row's y and the row height. A pixel column right of
# the text is read: the rows are the first run of R/G/B/S pixels, split into
# $nframes equal rows (the list is sorted by number and all rows fit).
row_colours() {
    convert "$1" -crop 1x800+1270+0 txt:- | awk -v n="$nframes" '
        NR > 1 {
            split($2, c, /[(),]/); r = c[2]; g = c[3]; b = c[4]
            if (r > 200 && g < 60 && b < 60) k = "R"
            else if (g > 200 && r < 60 && b < 60) k = "G"
            else if (b > 200 && r < 60 && g < 60) k = "B"
            else if (b - r > 100) k = "S"
            else k = "."
            y = NR - 2
            if (k != ".") { if (first < 0) first = y; if (y == last + 1 || last < 0) last = y }
            col[y] = k
        }
        BEGIN { first = -1; last = -1 }
        END {
            if (first < 0) { print "none"; exit }
            h = (last - first + 1) / n
            if (h != int(h) || h < 8) { print "rows?" (last - first + 1) "px"; exit }
            for (i = 0; i < n; i++) { m = first + i * h + int(h / 2); printf "%s", col[m] }
            printf " %d %d\n", first, h
        }'
}
want_rows=$(awk -v b=" $want_bind " -v c=" $want_ctl " '{
    f = " " $1 " "; printf "%s", index(b, f) ? "R" : index(c, f) ? "B" : "G" }' "$out/frames.tsv")
if start_ws "x400-bind-refused" -o gui.layout_content_2:NONE -o gui.layout_content_3:NONE -r "$pcap"; then
    main_window "x400-bind-refused"
    xdotool mousemove 640 790; sleep 0.5      # the pointer off the list
    shot "$out/gui-colour-rules.png"
    got=$(row_colours "$out/gui-colour-rules.png")
    case $got in
    *S*)  # the selected row (the first frame on open) hides its colour: ctrl+click deselects it
        set -- $got
        sel=$(echo "$1" | awk '{ print index($0, "S") - 1 }')
        xdotool mousemove 700 $(($2 + sel * $3 + $3 / 2)) keydown ctrl click 1 keyup ctrl
        xdotool mousemove 640 790; sleep 1
        shot "$out/gui-colour-rules.png"
        got=$(row_colours "$out/gui-colour-rules.png") ;;
    esac
    got=${got%% *}
    if [ "$got" = "$want_rows" ]; then
        say "colouring rule on $bind_field: row colours $got (R: $bind_field, B: $ctl_field, G: other)"
    else
        bad "colouring rule on $bind_field: row colours '$got', expected $want_rows (R: $bind_field, B: $ctl_field, G: other)"
    fi
    filter_bar $bind_field
    check_displayed "filter bar:" $bind_field "$want_bind" "$(displayed "$out/typed-bind.pcap")"
    filter_bar $ctl_field
    check_displayed "filter bar:" $ctl_field "$want_ctl" "$(displayed "$out/typed-ctl.pcap")"
    stop_ws
fi
for f in $bind_field $ctl_field; do
    if start_ws "x400-bind-refused" -o gui.layout_content_2:NONE -o gui.layout_content_3:NONE -r "$pcap" -Y $f; then
        main_window "x400-bind-refused"
        [ $f = $bind_field ] && want=$want_bind || want=$want_ctl
        check_displayed "wireshark -Y" $f "$want" "$(displayed "$out/start-$f.pcap")"
        stop_ws
    fi
done
exit $fail
