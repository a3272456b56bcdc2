# bench/common.sh - sourced by bench/run.sh and bench/callgrind-versions.sh:
# what every measurement of a workload and mode must run alike.

# tests/run-all.sh's malloc tuning changes what tshark costs: not measured here
unset GLIBC_TUNABLES

# bench_mode_args MODE -> MODE_ARGS: tshark's arguments for a mode
#   plain   (none)
#   fields  -T fields -e frame.number -e tcp.stream
bench_mode_args() {
    MODE_ARGS=()
    [ "$1" = fields ] && MODE_ARGS=(-T fields -e frame.number -e tcp.stream)
    return 0
}

# bench_stock_args WORKLOAD -> STOCK_ARGS: what stock tshark needs to decode a
# workload as the plugin does (rfc1006-heavy: TPKT on TCP 102, stock's
# heuristic being off)
bench_stock_args() {
    STOCK_ARGS=()
    [ "$1" = rfc1006-heavy ] && STOCK_ARGS=(-d tcp.port==102,tpkt)
    return 0
}

# cg_ir FILE: the instructions a callgrind output file counted
cg_ir() {
    callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ && !d {gsub(/,/, "", $1); print $1; d = 1}'
}
