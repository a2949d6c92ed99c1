#!/usr/bin/env bash
# bench/run.sh: every benchmark of uv against its peers, in one run.
#
#   bash bench/run.sh [callbacks|echo|udp|unix|spawn|fs|dns|tls|aio|all]   (default: all)
#
# Uses the interpreters that tools/setup-env.sh prepared (run it first, or run
# tools/test-all.sh once) and a venv of its own with uvloop (from PyPI, pinned)
# for the peers: bench/.venv, not committed.
# callbacks: one million chained callbacks, best of 3: uv Idle and Timer on
#   CPython and PyPy, uvloop's and asyncio's call_soon chains
#   (../shared/bench/callbacks_peers.py).
# echo: ../shared/bench/compare.sh at 1 KiB, 10 KiB and 100 KiB against the
#   C server (echo_libuv.c) and uvloop's and asyncio's protocol servers, with
#   the uv server (bench/echo_server.py) on CPython and on PyPy.
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

# the peers' venv is the benchmark's own (not committed, not in the cache)
PEERS="${UV_BENCH_VENV:-$ROOT/bench/.venv}"
if [ ! -x "$PEERS/bin/python" ] || ! "$PEERS/bin/python" -c "import uvloop" 2>/dev/null; then
    "$BUILD_PY" -c "import venv; venv.create('$PEERS', with_pip=True)" 2>/dev/null ||
        "$(dirname "$BUILD_PY")/python3" -m venv "$PEERS"
    "$PEERS/bin/pip" install -q "uvloop==0.23.0"
fi
PEER_PY="$PEERS/bin/python"

if [ "$what" = all ] || [ "$what" = callbacks ]; then
    echo "##### chained callbacks (n=1000000, best of 3)"
    "$BUILD_PY" bench/callbacks.py idle
    "$BUILD_PY" bench/callbacks.py timer
    if [ -n "$PYPY" ]; then
        PYTHONPATH="$PYPY_PATH" "$PYPY" bench/callbacks.py idle
        PYTHONPATH="$PYPY_PATH" "$PYPY" bench/callbacks.py timer
    fi
    "$PEER_PY" "$SHARED/bench/callbacks_peers.py" uvloop
    "$PEER_PY" "$SHARED/bench/callbacks_peers.py" asyncio
fi

if [ "$what" = all ] || [ "$what" = echo ]; then
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
fi

if [ "$what" = all ] || [ "$what" = udp ]; then
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
fi

if [ "$what" = all ] || [ "$what" = unix ]; then
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
fi

if [ "$what" = all ] || [ "$what" = spawn ]; then
    echo "##### process spawn+exit round trips (n=${SPAWNS:-1000}, best of 3)"
    for round in 1 2; do
        "$BUILD_PY" bench/spawn.py uv "${SPAWNS:-1000}"
        [ -n "$PYPY" ] && PYTHONPATH="$PYPY_PATH" "$PYPY" bench/spawn.py uv "${SPAWNS:-1000}"
        "$PEER_PY" bench/spawn.py uvloop "${SPAWNS:-1000}"
        "$PEER_PY" bench/spawn.py asyncio "${SPAWNS:-1000}"
        "$BUILD_PY" bench/spawn.py fork "${SPAWNS:-1000}"
        [ -n "$PYPY" ] && PYTHONPATH="$PYPY_PATH" "$PYPY" bench/spawn.py fork "${SPAWNS:-1000}"
    done
fi

if [ "$what" = all ] || [ "$what" = fs ]; then
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
fi

if [ "$what" = all ] || [ "$what" = dns ]; then
    echo "##### getaddrinfo(\"localhost\"), n=10000, 64 in flight (best of 3 per process, 3 rounds)"
    for round in 1 2 3; do
        "$BUILD_PY" bench/dns.py uv
        [ -n "$PYPY" ] && PYTHONPATH="$PYPY_PATH" "$PYPY" bench/dns.py uv
        "$PEER_PY" bench/dns.py uvloop
        "$PEER_PY" bench/dns.py asyncio
    done
fi

if [ "$what" = all ] || [ "$what" = tls ]; then
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
fi

# aio: uv.aio against uvloop and asyncio.  HTTP/1.1 keep-alive load from wrk
#   (Debian's, installed if missing; bench/http_compare.sh: server on CPU 1,
#   wrk on CPU 0, warm-up first for PyPy's JIT) on an asyncio.Protocol
#   server, a streams server and aiohttp's hello world (bench/aio_servers.py),
#   uv.aio and asyncio on CPython and PyPy, uvloop on CPython; then the
#   scheduling guard rails (bench/aio_guard.py).
if [ "$what" = all ] || [ "$what" = aio ]; then
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
fi
