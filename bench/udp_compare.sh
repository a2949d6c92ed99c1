#!/usr/bin/env bash
# udp_compare.sh: UDP echo throughput of several servers, measured in turn
# in one run with the same load (bench/udpload.c), as ratios.
#
#   udp_compare.sh [-c sockets] [-n outstanding] [-s size] [-t seconds] -- 'NAME=COMMAND' ...
#
# Each COMMAND must start a UDP echo server on 127.0.0.1:$PORT (the variable
# is set for it) and keep running until killed.  Servers run one at a time,
# A B C A B C ..., ROUNDS times (default 3), the server pinned to CPU 1 and
# the load generator to CPU 0.  Printed per server: the median datagrams
# per second and its ratio to the first server, and the median server CPU
# time (user + system) per datagram in microseconds over the measured
# window, with its ratio to the first server's.
set -euo pipefail
conns=4 outstanding=8 size=1024 secs=3 rounds=${ROUNDS:-3}
while getopts "c:n:s:t:" o; do
  case $o in c) conns=$OPTARG ;; n) outstanding=$OPTARG ;; s) size=$OPTARG ;;
             t) secs=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[[ ${1:-} == -- ]] && shift
load=${UDPLOAD:?UDPLOAD must name the udpload binary}
log=${TMPDIR:-/tmp}/udp-compare.$$
declare -A results costs
names=()
port=27000
for spec in "$@"; do names+=("${spec%%=*}"); done
tick=$(getconf CLK_TCK)
for ((r = 0; r < rounds; r++)); do
  for spec in "$@"; do
    name=${spec%%=*} cmd=${spec#*=}
    port=$((port + 1))
    PORT=$port taskset -c 1 bash -c "exec $cmd" >"$log.server" 2>&1 &
    pid=$!
    # udpload waits for the first answer, warms up for 1 s, then prints
    # "measuring": the server's CPU time is read then and at its end
    taskset -c 0 "$load" -c "$conns" -n "$outstanding" -s "$size" -t "$secs" -w 1 \
        -p "$port" >"$log.load" 2>&1 &
    lpid=$!
    for _ in $(seq 1000); do
      grep -q measuring "$log.load" 2>/dev/null && break
      kill -0 "$lpid" 2>/dev/null || break
      sleep 0.02
    done
    cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    wait "$lpid" || true
    cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    out=$(grep -v measuring "$log.load" || true)
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rps=$(sed -n 's/.* rps=\([0-9]*\).*/\1/p' <<<"$out")
    reqs=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$out")
    us=$(awk -v c=$((cpu1 - cpu0)) -v n="${reqs:-0}" -v t="$tick" \
         'BEGIN { if (n > 0) printf "%.2f", c / t * 1e6 / n; else print 0 }')
    results[$name]="${results[$name]:-} ${rps:-0}"
    costs[$name]="${costs[$name]:-} $us"
    [[ -n $rps ]] || echo "$name: no figure: $out $(tail -3 "$log.server")" >&2
  done
done
rm -f "$log.server" "$log.load"
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
first="" firstcost=""
printf '%-22s %11s %6s %15s %6s   (sockets=%s outstanding=%s size=%s seconds=%s rounds=%s)\n' \
    server median_dgram/s ratio cpu_us_per_dgram ratio "$conns" "$outstanding" "$size" "$secs" "$rounds"
for name in "${names[@]}"; do
  med=$(median "${results[$name]}") cost=$(median "${costs[$name]}")
  [[ -n $first ]] || { first=$med; firstcost=$cost; }
  printf '%-22s %11s %6s %15s %6s\n' "$name" "$med" "$(ratio "$med" "$first")" "$cost" "$(ratio "$cost" "$firstcost")"
done
