#!/usr/bin/env bash
# http_compare.sh: HTTP/1.1 keep-alive load (wrk) on several servers, in turn,
# in one run, so that the figures compare as ratios.
#
#   http_compare.sh [-c conns] [-t seconds] [-w warmup] -- 'NAME=COMMAND' ...
#
# Each COMMAND starts an HTTP server on 127.0.0.1:$PORT and runs until killed.
# Servers run one at a time, A B C A B C ..., ROUNDS times (default 3).  The
# server is pinned to CPU 1 and wrk to CPU 0.  Each server is first warmed
# up for `warmup` seconds of load (default 12: PyPy's JIT), then measured.
# Printed per server: the median requests per second and the server's own
# CPU time (user + system) per request in microseconds over the measured
# window, each with its ratio to the first server.
set -euo pipefail
conns=10 secs=5 warm=12 rounds=${ROUNDS:-3}
while getopts "c:t:w:" o; do
  case $o in c) conns=$OPTARG ;; t) secs=$OPTARG ;; w) warm=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[[ ${1:-} == -- ]] && shift
command -v wrk >/dev/null || { echo "http_compare: wrk is missing (apt-get install wrk)" >&2; exit 1; }
declare -A results costs
names=()
port=27000
tick=$(getconf CLK_TCK)
for spec in "$@"; do names+=("${spec%%=*}"); done
for ((r = 0; r < rounds; r++)); do
  for spec in "$@"; do
    name=${spec%%=*} cmd=${spec#*=}
    port=$((port + 1))
    PORT=$port taskset -c 1 bash -c "exec $cmd" >/tmp/http-compare-server.log 2>&1 &
    pid=$!
    for _ in $(seq 100); do
      if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then break; fi
      sleep 0.1
    done
    [[ $warm -gt 0 ]] && taskset -c 0 wrk -t1 -c "$conns" -d "${warm}s" "http://127.0.0.1:$port/" >/dev/null 2>&1 || true
    cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    out=$(taskset -c 0 wrk -t1 -c "$conns" -d "${secs}s" "http://127.0.0.1:$port/" 2>&1 || true)
    cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out")
    reqs=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$out")
    errs=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' <<<"$out")
    [[ -z $errs ]] || echo "$name: $errs responses were not 2xx/3xx" >&2
    results[$name]="${results[$name]:-} ${rps:-0}"
    us=$(awk -v c=$((cpu1 - cpu0)) -v n="${reqs:-0}" -v t="$tick" 'BEGIN { if (n > 0) printf "%.2f", c / t * 1e6 / n; else print 0 }')
    costs[$name]="${costs[$name]:-} $us"
    [[ -n $rps ]] || echo "$name: no figure: $out $(tail -3 /tmp/http-compare-server.log)" >&2
  done
done
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
first="" firstcost=""
printf '%-28s %10s %6s %12s %6s   (conns=%s seconds=%s warmup=%s rounds=%s)\n' server median_rps ratio cpu_us_per_req ratio "$conns" "$secs" "$warm" "$rounds"
for name in "${names[@]}"; do
  med=$(median "${results[$name]}") cost=$(median "${costs[$name]}")
  [[ -n $first ]] || { first=$med; firstcost=$cost; }
  printf '%-28s %10s %6s %12s %6s\n' "$name" "$med" "$(ratio "$med" "$first")" "$cost" "$(ratio "$cost" "$firstcost")"
done
