#!/usr/bin/env bash
# bench/run.sh: every benchmark of uv against its peers, in one run.
#
#   bash bench/run.sh [callbacks|echo|udp|all]      (default: all)
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

PEERS="$ROOT/bench/.venv"
if [ ! -x "$PEERS/bin/python" ] || ! "$PEERS/bin/python" -c "import uvloop" 2>/dev/null; then
    "$BUILD_PY" -c "import venv; venv.create('$PEERS', with_pip=True)" 2>/dev/null ||
        "$(dirname "$BUILD_PY")/python3" -m venv "$PEERS"
    "$PEERS/bin/pip" install -q uvloop==0.23.0
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
