#!/usr/bin/env bash
# bench/run.sh: every benchmark of uv against its peers, in one run.
#
#   bash bench/run.sh [callbacks|echo|memory|udp|unix|spawn|fs|dns|tls|aio|all]   (default: all)
#
# Uses the interpreters that tools/setup-env.sh prepared (run it first, or run
# tools/test-all.sh once) and a venv of its own with uvloop for the peers and
# matplotlib for the charts (from PyPI, pinned and hash-checked in
# requirements/bench.txt): bench/.venv, not committed.
# Each section's output also goes to bench/results/SECTION.txt
# (UV_BENCH_RESULTS moves it); at the end bench/plot.py draws the charts of
# the results there into bench/charts/ (UV_BENCH_CHARTS): echo_cpu.png from
# echo.txt, callbacks.png from callbacks.txt.
# callbacks: one million chained callbacks, best of 3: uv Idle and Timer on
#   CPython and PyPy, uvloop's and asyncio's call_soon chains
#   (../shared/bench/callbacks_peers.py), and libuv's own rate in C
#   (bench/callbacks_libuv.c, on the system libuv and on the bundled one);
#   CB_ROUNDS rounds (3), each with the ratios to the C rate of that round.
# echo: ../shared/bench/compare.sh at 1 KiB, 10 KiB and 100 KiB against the
#   C server (echo_libuv.c) and uvloop's and asyncio's protocol servers, with
#   the uv server (bench/echo_server.py) on CPython and on PyPy.
# memory: bench/memory.py: server RSS per idle TCP connection (10,000
#   connections that send nothing, each accepted and read from) for uv on
#   CPython and PyPy, uvloop and asyncio; RSS per idle handle of each kind
#   (10,000 made and not started) on CPython and PyPy.
# udp: bench/udp_compare.sh, 1 KiB datagrams from bench/udpload.c (4 sockets,
#   8 datagrams in flight on each, closed loop) against the C libuv server
#   (bench/udp_echo_libuv.c), the uv server (bench/udp_echo_server.py) on
#   CPython and PyPy, and uvloop's and asyncio's DatagramProtocol
#   (bench/udp_echo_peers.py).
# unix: bench/compare_unix.sh at 1 KiB and 10 KiB over a Unix socket
#   against the C libuv server (bench/echo_libuv_unix.c) and uvloop's and
#   asyncio's protocol servers (bench/echo_peers_unix.py), with the uv server
#   (bench/echo_server_unix.py) on CPython and on PyPy; the load generator
#   is bench/unixload.c (the shared one speaks TCP only).
# spawn: process spawn+exit round trips per second (bench/spawn.py): uv on
#   CPython and PyPy, asyncio.create_subprocess_exec on uvloop and asyncio,
#   and plain os.fork+execv+waitpid on CPython and PyPy (the floor of a
#   forking spawn in each interpreter).
# fs: bench/fs_bench.py on a 1 GiB file in a temp dir (page cache: a memory
#   benchmark): uv.fs reads (64 KiB, 1 MiB) and 100,000 stat() calls on
#   CPython and PyPy, against os.read/os.stat and run_in_executor on
#   asyncio and uvloop (FS_BENCH_MB / FS_BENCH_STATS shrink it).
# dns: 10,000 getaddrinfo("localhost"), 64 in flight (bench/dns.py): uv on
#   CPython and PyPy, uvloop's and asyncio's loop.getaddrinfo; 3 rounds.
# tls: TLS echo, 1 KiB messages, 10 connections, TLS 1.3 then 1.2:
#   ../shared/bench/compare.sh with bench/tlsload.c (C, OpenSSL) as the load,
#   uvloop's and asyncio's TLS protocol servers (bench/tls_echo_peers.py) and
#   the uv.secure server (bench/tls_echo_server.py) on CPython and PyPy.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SHARED="${UV_SHARED_DIR:-$ROOT/../shared}"
: "${HOME:=/tmp}"
CACHE="${UV_CACHE_DIR:-$HOME/.cache/libuv-hpy}"
what="${1:-all}"
cd "$ROOT"

[ -f "$CACHE/interpreters" ] || bash tools/setup-env.sh
. "$ROOT/tools/interpreters.sh"
[ -f uv/_uv.hpy0.so ] || "$BUILD_PY" setup.py -q build_ext --inplace
echo "binary: $(sha256sum uv/_uv.hpy0.so)"

# the peers' venv is the benchmark's own (not committed, not in the cache):
# uvloop for the peers and matplotlib for the charts, pinned and hash-checked
# (requirements/bench.txt); remade when that file changes
PEERS="${UV_BENCH_VENV:-$ROOT/bench/.venv}"
BENCH_STAMP="$(sha256sum requirements/bench.txt | cut -c1-16)"
if [ ! -x "$PEERS/bin/python" ] || [ "$(cat "$PEERS/.stamp" 2>/dev/null)" != "$BENCH_STAMP" ] ||
   ! "$PEERS/bin/python" -c "import uvloop, matplotlib" 2>/dev/null; then
    rm -rf "$PEERS"
    "$BUILD_PY" -c "import venv; venv.create('$PEERS', with_pip=True)" 2>/dev/null ||
        "$(dirname "$BUILD_PY")/python3" -m venv "$PEERS"
    "$PEERS/bin/pip" install -q --disable-pip-version-check --require-hashes -r requirements/bench.txt
    echo "$BENCH_STAMP" >"$PEERS/.stamp"
fi
PEER_PY="$PEERS/bin/python"

# each section's output also goes to $RESULTS/SECTION.txt (bench/results/ by
# default, committed with the charts): bench/plot.py reads them
RESULTS="${UV_BENCH_RESULTS:-$ROOT/bench/results}"
mkdir -p "$RESULTS"
header() {
    echo "# bench/run.sh $1, $(date -u +%Y-%m-%dT%H:%MZ), binary $(sha256sum uv/_uv.hpy0.so | cut -c1-8)," \
         "libuv $("$BUILD_PY" -c 'import uv; print(uv.uv_version.string)'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# $("$BUILD_PY" -c 'import sys; print("cpython", sys.version.split()[0])')," \
         "$([ -n "$PYPY" ] && "$PYPY" -c 'import sys; print("pypy", sys.version.split()[0], "v%d.%d.%d" % sys.pypy_version_info[:3])')," \
         "$("$PEER_PY" -c 'import uvloop; print("uvloop", uvloop.__version__)')"
}

# ---- callbacks (issue 10: the C reference beside the Python chains) ----
if [ "$what" = all ] || [ "$what" = callbacks ]; then
{ header callbacks
    BIN="${TMPDIR:-/tmp}"
    # libuv's own rate: on the system libuv, and on the libuv sources bundled
    # into _uv (the build extracts them under build/) when they are there
    cc -O2 -o "$BIN/callbacks_libuv" bench/callbacks_libuv.c $(pkg-config --cflags --libs libuv)
    CB_C=("$BIN/callbacks_libuv")
    UV_TOP=$(ls -d build/temp.*/libuv/libuv1-* 2>/dev/null | head -1 || true)
    if [ -n "$UV_TOP" ]; then
        UV_SRCS=$("$BUILD_PY" -c "import sys; sys.path.insert(0, 'libuv'); import bundled; print(' '.join(bundled.sources('$UV_TOP')))")
        cc -O2 -w -std=gnu11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -D_LARGEFILE_SOURCE \
            -I"$UV_TOP/include" -I"$UV_TOP/src" -o "$BIN/callbacks_libuv_bundled" \
            bench/callbacks_libuv.c $UV_SRCS -lpthread -ldl -lrt
        CB_C+=("$BIN/callbacks_libuv_bundled")
    fi
    echo "##### chained callbacks (n=1000000, best of 3; ratio: to the last C line of its kind, the bundled libuv in C)"
    for round in $(seq "${CB_ROUNDS:-3}"); do
        echo "## round $round (load: $(cut -d' ' -f1-3 /proc/loadavg))"
        {
            for kind in idle timer; do
                for c in "${CB_C[@]}"; do "$c" "$kind"; done
                "$BUILD_PY" bench/callbacks.py "$kind"
                [ -n "$PYPY" ] && PYTHONPATH="$PYPY_PATH" "$PYPY" bench/callbacks.py "$kind"
            done
            "$PEER_PY" "$SHARED/bench/callbacks_peers.py" uvloop
            "$PEER_PY" "$SHARED/bench/callbacks_peers.py" asyncio
        } | awk '{ print } /^kind=c-idle/ { ci = $NF } /^kind=c-timer/ { ct = $NF }
                 { sub("rate=", "", $NF); r[NR] = $NF; k[NR] = $1 }
                 END { printf "ratios:"; for (i = 1; i <= NR; i++) {
                         base = (k[i] ~ /timer/) ? ct : ci; sub("rate=", "", base);
                         if (base > 0) printf " %s=%.2f", substr(k[i], 6), r[i] / base }
                       print "" }'
    done
} 2>&1 | tee "$RESULTS/callbacks.txt"
fi

if [ "$what" = all ] || [ "$what" = echo ]; then
{ header echo
    C_SERVER="${TMPDIR:-/tmp}/echo_libuv"
    cc -O2 -o "$C_SERVER" "$SHARED/bench/echo_libuv.c" $(pkg-config --cflags --libs libuv)
    servers=("c=$C_SERVER \$PORT"
             "uv-cpython=$BUILD_PY $ROOT/bench/echo_server.py \$PORT")
    [ -n "$PYPY" ] && servers+=("uv-pypy=env PYTHONPATH=$PYPY_PATH $PYPY $ROOT/bench/echo_server.py \$PORT")
    servers+=("uvloop-protocol=$PEER_PY $SHARED/bench/echo_peers.py uvloop-protocol \$PORT"
              "asyncio-protocol=$PEER_PY $SHARED/bench/echo_peers.py asyncio-protocol \$PORT")
    for size in 1024 10240 102400; do
        echo "##### echo, ${size}-byte messages"
        bash "$SHARED/bench/compare.sh" -c 10 -s "$size" -t "${SECONDS_PER_RUN:-3}" -- "${servers[@]}"
    done
} 2>&1 | tee "$RESULTS/echo.txt"
fi

# ---- memory (issue 10): per idle connection and per idle handle ----
if [ "$what" = all ] || [ "$what" = memory ]; then
    echo "##### memory per idle TCP connection (n=${MEM_CONNS:-10000}, server RSS growth / n; ratio to uvloop)"
    {
        "$BUILD_PY" bench/memory.py conns uv "${MEM_CONNS:-10000}"
        [ -n "$PYPY" ] && PYTHONPATH="$PYPY_PATH" "$PYPY" bench/memory.py conns uv "${MEM_CONNS:-10000}"
        "$PEER_PY" bench/memory.py conns uvloop "${MEM_CONNS:-10000}"
        "$PEER_PY" bench/memory.py conns asyncio "${MEM_CONNS:-10000}"
    } | awk '{ print; sub("bytes_per_conn=", "", $NF); v[NR] = $NF; k[NR] = $1 }
             $1 ~ /uvloop/ { base = $NF }
             END { printf "ratios to uvloop:"; for (i = 1; i <= NR; i++)
                     if (base > 0) printf " %s=%.2f", substr(k[i], 12), v[i] / base
                   print "" }'
    echo "##### memory per idle handle (n=${MEM_HANDLES:-10000} of each kind, each kind in its own process)"
    "$BUILD_PY" bench/memory.py handles "${MEM_HANDLES:-10000}"
    [ -n "$PYPY" ] && PYTHONPATH="$PYPY_PATH" "$PYPY" bench/memory.py handles "${MEM_HANDLES:-10000}"
fi

if [ "$what" = all ] || [ "$what" = udp ]; then
{ header udp
    BIN="${TMPDIR:-/tmp}"
    cc -O2 -o "$BIN/udpload" "$ROOT/bench/udpload.c"
    cc -O2 -o "$BIN/udp_echo_libuv" "$ROOT/bench/udp_echo_libuv.c" $(pkg-config --cflags --libs libuv)
    servers=("c=$BIN/udp_echo_libuv \$PORT"
             "uv-cpython=$BUILD_PY $ROOT/bench/udp_echo_server.py \$PORT")
    [ -n "$PYPY" ] && servers+=("uv-pypy=env PYTHONPATH=$PYPY_PATH $PYPY $ROOT/bench/udp_echo_server.py \$PORT")
    servers+=("uvloop-datagram=$PEER_PY $ROOT/bench/udp_echo_peers.py uvloop \$PORT"
              "asyncio-datagram=$PEER_PY $ROOT/bench/udp_echo_peers.py asyncio \$PORT")
    echo "##### UDP echo, 1024-byte datagrams"
    UDPLOAD="$BIN/udpload" bash "$ROOT/bench/udp_compare.sh" -c 4 -n 8 -s 1024 \
        -t "${SECONDS_PER_RUN:-3}" -- "${servers[@]}"
} 2>&1 | tee "$RESULTS/udp.txt"
fi

if [ "$what" = all ] || [ "$what" = unix ]; then
{ header unix
    C_UNIX="${TMPDIR:-/tmp}/echo_libuv_unix"
    cc -O2 -o "$C_UNIX" "$ROOT/bench/echo_libuv_unix.c" $(pkg-config --cflags --libs libuv)
    export UNIXLOAD="${TMPDIR:-/tmp}/unixload"
    cc -O2 -o "$UNIXLOAD" "$ROOT/bench/unixload.c"
    servers=("c=$C_UNIX \$SOCK"
             "uv-cpython=$BUILD_PY $ROOT/bench/echo_server_unix.py \$SOCK")
    [ -n "$PYPY" ] && servers+=("uv-pypy=env PYTHONPATH=$PYPY_PATH $PYPY $ROOT/bench/echo_server_unix.py \$SOCK")
    servers+=("uvloop-protocol=$PEER_PY $ROOT/bench/echo_peers_unix.py uvloop-protocol \$SOCK"
              "asyncio-protocol=$PEER_PY $ROOT/bench/echo_peers_unix.py asyncio-protocol \$SOCK")
    for size in 1024 10240; do
        echo "##### unix socket echo, ${size}-byte messages"
        bash "$ROOT/bench/compare_unix.sh" -c 10 -s "$size" -t "${SECONDS_PER_RUN:-3}" -- "${servers[@]}"
    done
} 2>&1 | tee "$RESULTS/unix.txt"
fi

if [ "$what" = all ] || [ "$what" = spawn ]; then
{ header spawn
    echo "##### process spawn+exit round trips (n=${SPAWNS:-1000}, best of 3)"
    for round in 1 2; do
        "$BUILD_PY" bench/spawn.py uv "${SPAWNS:-1000}"
        [ -n "$PYPY" ] && PYTHONPATH="$PYPY_PATH" "$PYPY" bench/spawn.py uv "${SPAWNS:-1000}"
        "$PEER_PY" bench/spawn.py uvloop "${SPAWNS:-1000}"
        "$PEER_PY" bench/spawn.py asyncio "${SPAWNS:-1000}"
        "$BUILD_PY" bench/spawn.py fork "${SPAWNS:-1000}"
        [ -n "$PYPY" ] && PYTHONPATH="$PYPY_PATH" "$PYPY" bench/spawn.py fork "${SPAWNS:-1000}"
    done
} 2>&1 | tee "$RESULTS/spawn.txt"
fi

if [ "$what" = all ] || [ "$what" = fs ]; then
{ header fs
    FS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/uv-bench-fs.XXXXXX")"
    trap 'rm -rf "$FS_DIR"' EXIT
    FS_FILE="$FS_DIR/data"
    echo "##### fs: ${FS_BENCH_MB:-1024} MiB file in $FS_DIR, ${FS_BENCH_STATS:-100000} stats"
    dd if=/dev/zero of="$FS_FILE" bs=1M count="${FS_BENCH_MB:-1024}" status=none
    cat "$FS_FILE" >/dev/null           # in the page cache from here on
    "$BUILD_PY" bench/fs_bench.py uv "$FS_FILE" "${FS_BENCH_STATS:-100000}"
    if [ -n "$PYPY" ]; then
        PYTHONPATH="$PYPY_PATH" "$PYPY" bench/fs_bench.py uv "$FS_FILE" "${FS_BENCH_STATS:-100000}"
    fi
    "$PEER_PY" bench/fs_bench.py peers "$FS_FILE" "${FS_BENCH_STATS:-100000}"
} 2>&1 | tee "$RESULTS/fs.txt"
fi

if [ "$what" = all ] || [ "$what" = dns ]; then
{ header dns
    echo "##### getaddrinfo(\"localhost\"), n=10000, 64 in flight (best of 3 per process, 3 rounds)"
    for round in 1 2 3; do
        "$BUILD_PY" bench/dns.py uv
        [ -n "$PYPY" ] && PYTHONPATH="$PYPY_PATH" "$PYPY" bench/dns.py uv
        "$PEER_PY" bench/dns.py uvloop
        "$PEER_PY" bench/dns.py asyncio
    done
} 2>&1 | tee "$RESULTS/dns.txt"
fi

if [ "$what" = all ] || [ "$what" = tls ]; then
{ header tls
    if ! echo '#include <openssl/ssl.h>' | cc -E - >/dev/null 2>&1 || ! command -v openssl >/dev/null; then
        if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q libssl-dev openssl
    fi
    TLSLOAD="${TMPDIR:-/tmp}/tlsload"
    cc -O2 -o "$TLSLOAD" "$ROOT/bench/tlsload.c" -lssl -lcrypto
    CERTS="$(mktemp -d "${TMPDIR:-/tmp}/uv-bench-tls.XXXXXX")"
    trap 'rm -rf "$CERTS"' EXIT
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$CERTS/key.pem" -out "$CERTS/cert.pem" -days 2 -subj /CN=localhost \
        -addext subjectAltName=DNS:localhost 2>/dev/null
    C="$CERTS/cert.pem" K="$CERTS/key.pem"
    servers=("uvloop-protocol=$PEER_PY $ROOT/bench/tls_echo_peers.py uvloop-protocol \$PORT $C $K"
             "uv-cpython=$BUILD_PY $ROOT/bench/tls_echo_server.py \$PORT $C $K")
    [ -n "$PYPY" ] && servers+=("uv-pypy=env PYTHONPATH=$PYPY_PATH $PYPY $ROOT/bench/tls_echo_server.py \$PORT $C $K")
    servers+=("asyncio-protocol=$PEER_PY $ROOT/bench/tls_echo_peers.py asyncio-protocol \$PORT $C $K")
    for version in 1.3 1.2; do
        echo "##### TLS $version echo, 1024-byte messages, 10 connections"
        TLSLOAD_VERSION=$version ECHOLOAD="$TLSLOAD" \
            bash "$SHARED/bench/compare.sh" -c 10 -s 1024 -t "${SECONDS_PER_RUN:-3}" -- "${servers[@]}"
    done
} 2>&1 | tee "$RESULTS/tls.txt"
fi

# aio: uv.aio against uvloop and asyncio.  HTTP/1.1 keep-alive load from wrk
#   (Debian's, installed if missing; bench/http_compare.sh: server on CPU 1,
#   wrk on CPU 0, warm-up first for PyPy's JIT) on an asyncio.Protocol
#   server, a streams server and aiohttp's hello world (bench/aio_servers.py),
#   uv.aio and asyncio on CPython and PyPy, uvloop on CPython; then the
#   scheduling guard rails (bench/aio_guard.py).
if [ "$what" = all ] || [ "$what" = aio ]; then
{ header aio
    if ! command -v wrk >/dev/null; then
        if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk
    fi
    # aiohttp for the peers: the pinned, hashed set of requirements/test.txt
    "$PEER_PY" -c "import aiohttp" 2>/dev/null ||
        "$PEERS/bin/pip" install -q --require-hashes -r "$ROOT/requirements/test.txt"
    for kind in http-protocol http-streams aiohttp; do
        echo "##### uv.aio: $kind, wrk, 10 connections"
        servers=("uvloop=$PEER_PY $ROOT/bench/aio_servers.py $kind uvloop \$PORT"
                 "uv.aio-cpython=$BUILD_PY $ROOT/bench/aio_servers.py $kind uv \$PORT"
                 "asyncio-cpython=$PEER_PY $ROOT/bench/aio_servers.py $kind asyncio \$PORT")
        [ -n "$PYPY" ] && servers+=(
                 "uv.aio-pypy=env PYTHONPATH=$PYPY_PATH $PYPY $ROOT/bench/aio_servers.py $kind uv \$PORT"
                 "asyncio-pypy=env PYTHONPATH=$PYPY_PATH $PYPY $ROOT/bench/aio_servers.py $kind asyncio \$PORT")
        bash "$ROOT/bench/http_compare.sh" -c 10 -t "${SECONDS_PER_RUN:-5}" \
            -w "${AIO_WARMUP:-12}" -- "${servers[@]}"
    done
    echo "##### uv.aio: scheduling guard rails (ops/s, best of 3)"
    "$BUILD_PY" bench/aio_guard.py uv
    "$PEER_PY" bench/aio_guard.py uvloop
    "$PEER_PY" bench/aio_guard.py asyncio
    if [ -n "$PYPY" ]; then
        PYTHONPATH="$PYPY_PATH" "$PYPY" bench/aio_guard.py uv
        PYTHONPATH="$PYPY_PATH" "$PYPY" bench/aio_guard.py asyncio
    fi
} 2>&1 | tee "$RESULTS/aio.txt"
fi

# the charts (bench/plot.py, matplotlib from the peers' venv): from every
# results file there is, callbacks.txt and echo.txt so far
"$PEER_PY" "$ROOT/bench/plot.py" "$RESULTS" "${UV_BENCH_CHARTS:-$ROOT/bench/charts}"
