#!/usr/bin/env bash
# compare_unix.sh: echo throughput and server CPU per request of several
# Unix-socket echo servers, measured in turn with the same load, as
# ../../shared/bench/compare.sh does for TCP.
#
#   compare_unix.sh [-c conns] [-s size] [-t seconds] -- 'NAME=COMMAND' ...
#
# Each COMMAND must start an echo server on the Unix socket $SOCK (the
# variable is set for it), keep running until it gets SIGTERM and then
# remove the socket.  Servers run one at a time, A B C A B C ..., ROUNDS
# times (default 3), pinned to CPU 1 with the load generator (unixload,
# built from bench/unixload.c into $UNIXLOAD) on CPU 0.  Printed per server:
# the median requests per second and the server's CPU time (user + system)
# per request in microseconds, each with its ratio to the first server.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
conns=10 size=1024 secs=3 rounds=${ROUNDS:-3}
while getopts "c:s:t:" o; do
  case $o in c) conns=$OPTARG ;; s) size=$OPTARG ;; t) secs=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[[ ${1:-} == -- ]] && shift
load=${UNIXLOAD:-${TMPDIR:-/tmp}/unixload}
[[ -x $load ]] || cc -O2 -o "$load" "$here/unixload.c"
dir=$(mktemp -d "${TMPDIR:-/tmp}/uv-bench-unix.XXXXXX")
trap 'rm -rf "$dir"' EXIT
declare -A results costs
names=()
for spec in "$@"; do names+=("${spec%%=*}"); done
n=0
for ((r = 0; r < rounds; r++)); do
  for spec in "$@"; do
    name=${spec%%=*} cmd=${spec#*=}
    n=$((n + 1))
    sock="$dir/s$n"
    SOCK=$sock taskset -c 1 bash -c "exec $cmd" >"$dir/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do [[ -S $sock ]] && break; sleep 0.05; done
    taskset -c 0 "$load" -u "$sock" -c "$conns" -s "$size" -t "$secs" -w 1 >"$dir/load.out" 2>&1 &
    lpid=$!
    sleep 1
    cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    wait "$lpid" || true
    cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    out=$(cat "$dir/load.out")
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rps=$(sed -n 's/.*rps=\([0-9]*\).*/\1/p' <<<"$out")
    reqs=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$out")
    results[$name]="${results[$name]:-} ${rps:-0}"
    tick=$(getconf CLK_TCK)
    us=$(awk -v c=$((cpu1 - cpu0)) -v n="${reqs:-0}" -v t="$tick" 'BEGIN { if (n > 0) printf "%.2f", c / t * 1e6 / n; else print 0 }')
    costs[$name]="${costs[$name]:-} $us"
    [[ -n $rps ]] || echo "$name: no figure: $out $(tail -3 "$dir/server.log")" >&2
  done
done
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
first="" firstcost=""
printf '%-24s %10s %6s %12s %6s   (unix socket, conns=%s size=%s seconds=%s rounds=%s)\n' server median_rps ratio cpu_us_per_req ratio "$conns" "$size" "$secs" "$rounds"
for name in "${names[@]}"; do
  med=$(median "${results[$name]}") cost=$(median "${costs[$name]}")
  [[ -n $first ]] || { first=$med; firstcost=$cost; }
  printf '%-24s %10s %6s %12s %6s\n' "$name" "$med" "$(ratio "$med" "$first")" "$cost" "$(ratio "$cost" "$firstcost")"
done
