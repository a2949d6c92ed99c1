#!/usr/bin/env bash
# tools/demo.sh: set everything up (tools/setup-env.sh), build the universal
# binary once, and run the demos with that same binary on CPython and on
# PyPy: examples/echo_demo.py (a TCP echo server and client on loopback, a
# timer, an idle handle, an Async woken from a thread and a signal handler
# for a clean shutdown) and examples/process_demo.py (a child process whose
# stdout is read through a pipe, and a multi-process server: a listening
# socket shared with two worker processes over IPC pipes) and
# examples/aio_http_demo.py (an HTTP server and client in plain asyncio on
# uv.aio, the asyncio loop on libuv); then, on CPython
# 3.13 and 3.14, with the CPython-ABI binary that each builds from the same
# sources.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
: "${HOME:=$(cd ~ 2>/dev/null && pwd || echo /tmp)}"
CACHE="${UV_CACHE_DIR:-$HOME/.cache/libuv-hpy}"
cd "$ROOT"
unset UV_HPY_ABI UV_LIBUV UV_BINARY

bash tools/setup-env.sh

. "$ROOT/tools/interpreters.sh"

echo "##### build: $BUILD_PY setup.py -q build_ext --inplace"
"$BUILD_PY" setup.py -q build_ext --inplace
sha256sum uv/_uv.hpy0.so

echo
echo "##### demo on $("$BUILD_PY" -c 'import sys; print(sys.implementation.name, sys.version.split()[0])')"
PYTHONPATH="$ROOT" "$BUILD_PY" examples/echo_demo.py
echo
PYTHONPATH="$ROOT" "$BUILD_PY" examples/process_demo.py
echo
PYTHONPATH="$ROOT" "$BUILD_PY" examples/aio_http_demo.py
if [ -n "$PYPY" ]; then
    echo
    echo "##### the same binary on $("$PYPY" -c 'import sys; print(sys.implementation.name, sys.version.split()[0])')"
    PYTHONPATH="$ROOT:$PYPY_PATH" "$PYPY" examples/echo_demo.py
    echo
    PYTHONPATH="$ROOT:$PYPY_PATH" "$PYPY" examples/process_demo.py
    echo
    PYTHONPATH="$ROOT:$PYPY_PATH" "$PYPY" examples/aio_http_demo.py
fi
for py in "${CPYABI_PYS[@]}"; do
    echo
    echo "##### build (CPython-ABI): $py setup.py -q build_ext --inplace"
    "$py" setup.py -q build_ext --inplace
    sha256sum "uv/_uv$("$py" -c 'import importlib.machinery as m; print(m.EXTENSION_SUFFIXES[0])')"
    echo
    echo "##### demo on $("$py" -c 'import sys; print(sys.implementation.name, sys.version.split()[0])') with its CPython-ABI binary"
    PYTHONPATH="$ROOT" "$py" examples/echo_demo.py
    echo
    PYTHONPATH="$ROOT" "$py" examples/process_demo.py
    echo
    PYTHONPATH="$ROOT" "$py" examples/aio_http_demo.py
done
