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

# --- 2. packet tree: the refused bind, filtered by "exmta", exmta expanded ---
pcap=$src/sample-pcaps/x400-bind-refused.pcap
if start_ws "x400-bind-refused" -o gui.layout_content_3:NONE -r "$pcap" -Y exmta -g 7; then
    fit "x400-bind-refused" 1280 800
    # "-Y exmta" is a valid filter only when the GUI loaded the plugin (else
    # Wireshark refuses it and shows all 10 frames): the status bar of the
    # screenshot reads "Displayed: 4", frames 4-7
    xdotool mousemove 300 300 click 1      # a row of the packet details
    sleep 1
    xdotool key End                        # its last item: Exchange MTA
    sleep 0.5
    xdotool key shift+Right                # expand it and its subtrees
    sleep 2
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

# --- 5. the Statistics menu (with the entry) ---
if start_ws "exmta-endpoints-sample" -r "$merged"; then
    fit "exmta-endpoints-sample" 1280 800
    xdotool mousemove 325 10 click 1      # "Statistics" in the menu bar
    sleep 2
    shot "$out/gui-statistics-menu.png"
    xdotool key Escape
    stop_ws
fi

# --- 6. Tools > Exchange MTA > Add learned endpoints to Known endpoints:
# a fresh profile (default window geometry), the lookup capture, the menu
# entry; the profile's exmta_endpoints must then hold the learned endpoint ---
home2=$out/home2
mkdir -p "$home2/.config/wireshark"
cp "$src/sample-pcaps/rpc-epm-lookup-bind.pcap" "$out/lookup.pcap"
old_home=$HOME; old_xdg=${XDG_CONFIG_HOME:-}
export HOME="$home2" XDG_CONFIG_HOME="$home2/.config"
start_ws "lookup" -r "$out/lookup.pcap" &&
{
    xdotool mousemove 555 30 click 1; sleep 1.5     # Tools
    xdotool mousemove 612 127 click 1; sleep 1.5    # Exchange MTA >
    xdotool key Down; sleep 0.3; xdotool key Return; sleep 3
    shot "$out/gui-add-known-endpoints.png"
    xdotool key Return; sleep 1
    stop_ws
}
export HOME="$old_home" XDG_CONFIG_HOME="$old_xdg"
table=$home2/.config/wireshark/exmta_endpoints
want='"127.10.0.2","1032","9e8ee830-4459-11ce-979b-00aa005ffebe","2.0","MTA RPC","lookup.pcap","9",'
if grep -q "^$want" "$table" 2>/dev/null; then
    say "Add learned endpoints wrote: $(grep -v '^#' "$table")"
else
    bad "Add learned endpoints: $table does not hold the learned endpoint ($(cat "$table" 2>/dev/null))"
fi
exit $fail
