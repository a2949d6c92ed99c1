#!/usr/bin/env bash
# bench/run.sh: every benchmark of uv against its peers, in one run.
#
#   bash bench/run.sh [callbacks|echo|fs|all]   (default: all)
#
# Uses the interpreters that tools/setup-env.sh prepared (run it first, or run
# tools/test-all.sh once) and a separate venv with uvloop for the peers.
# callbacks: one million chained callbacks, best of 3: uv Idle and Timer on
#   CPython and PyPy, uvloop's and asyncio's call_soon chains
#   (../shared/bench/callbacks_peers.py).
# echo: ../shared/bench/compare.sh at 1 KiB, 10 KiB and 100 KiB against the
#   C server (echo_libuv.c) and uvloop's and asyncio's protocol servers, with
#   the uv server (bench/echo_server.py) on CPython and on PyPy.
# fs: bench/fs_bench.py on a 1 GiB file in a temp dir (page cache: a memory
#   benchmark): uv.fs reads (64 KiB, 1 MiB) and 100,000 stat() calls on
#   CPython and PyPy, against os.read/os.stat and run_in_executor on
#   asyncio and uvloop (FS_BENCH_MB / FS_BENCH_STATS shrink it).
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
