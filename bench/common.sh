# bench/common.sh - sourced by bench/run.sh and bench/callgrind-versions.sh:
# what every measurement of a workload and mode must run alike.

# tests/run-all.sh's malloc tuning changes what tshark costs: not measured here
unset GLIBC_TUNABLES

# bench_mode_args MODE -> MODE_ARGS: tshark's arguments for a mode,
# PLUGIN_MODE_ARGS: what the plugin's run adds to them, and STOCK_MODE_ARGS:
# what stock's run adds
#   plain   (none)
#   fields  -T fields -e frame.number -e tcp.stream
#   tables  -q; the plugin adds -z exmta,associations -z exmta,messages, so
#           plugin / stock is what the plugin costs with its X.400 tables
#           against stock's quiet read (bench_tables_ok says if it has them)
#   dialogs the same with the GUI's forms of those tables (Statistics >
#           Exchange MTA X.400 Associations and Messages), filled as frames
#           go by: -z exmta,associations_table -z exmta,messages_table
#   bind-filter      a display filter asking whether the associations came
#           up, as a user types it: the plugin -Y exmta.x400.bind, stock
#           -Y on X.411's bind argument, result and error
#   transfer-filter  the same for the transfers: the plugin -Y
#           exmta.x400.apdu, stock -Y p1.MTS_APDU
bench_mode_args() {
    MODE_ARGS=()
    PLUGIN_MODE_ARGS=()
    STOCK_MODE_ARGS=()
    case $1 in
        bind-filter) PLUGIN_MODE_ARGS=(-Y exmta.x400.bind)
            STOCK_MODE_ARGS=(-Y "p1.MTABindArgument || p1.MTABindResult || p1.MTABindError") ;;
        transfer-filter) PLUGIN_MODE_ARGS=(-Y exmta.x400.apdu); STOCK_MODE_ARGS=(-Y p1.MTS_APDU) ;;
        fields) MODE_ARGS=(-T fields -e frame.number -e tcp.stream) ;;
        tables) MODE_ARGS=(-q); PLUGIN_MODE_ARGS=(-z exmta,associations -z exmta,messages) ;;
        dialogs) MODE_ARGS=(-q); PLUGIN_MODE_ARGS=(-z exmta,associations_table -z exmta,messages_table) ;;
    esac
    return 0
}

# bench_tables_ok REPO [MODE]: does tools/exmta-tshark (EXMTA_PLUGIN_ROOT's
# plugin) accept the -z arguments of MODE (tables, dialogs; default tables)?
# (tshark refuses an unknown -z name)
bench_tables_ok() {
    bench_mode_args "${2:-tables}"
    "$1/tools/exmta-tshark" -r "$1/sample-pcaps/x400-twa-transfers.pcap" "${MODE_ARGS[@]}" \
        "${PLUGIN_MODE_ARGS[@]}" > /dev/null 2>&1
}

# bench_stock_args WORKLOAD -> STOCK_ARGS: what stock tshark needs to decode a
# workload as the plugin does (rfc1006-heavy: TPKT on TCP 102, stock's
# heuristic being off). x400-heavy gets nothing: TCP 102 is stock TPKT's own
# port in 4.0, and -d for it only adds a "matched 2 dissectors" warning.
bench_stock_args() {
    STOCK_ARGS=()
    [ "$1" = rfc1006-heavy ] && STOCK_ARGS=(-d tcp.port==102,tpkt)
    return 0
}

# cg_ir FILE: the instructions a callgrind output file counted
cg_ir() {
    callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ && !d {gsub(/,/, "", $1); print $1; d = 1}'
}
