#!/usr/bin/env bash
# tools/fixed-hpy.sh PYTHON: installs into PYTHON's environment an hpy 0.9.0
# runtime fixed for CPython 3.13+, so that the universal binary
# uv/_uv.hpy0.so runs there too (with UV_BINARY=universal; the default on
# 3.13+ is the CPython-ABI build, which needs no hpy at all).
#
# It is PyPI's hpy 0.9.0 sdist (sha256-pinned in hpysrc/find.py; taken from
# the build's cache or downloaded with pip) with hpysrc/fix313.py applied to
# its ctx_type.c, built and installed with PYTHON's pip.  hpy 0.9.0's own
# runtime marks its types with a type-flag bit that CPython 3.13 uses for
# Py_TPFLAGS_INLINE_VALUES: uv refuses to load the universal binary with it.
# Environment: UV_CACHE_DIR (see setup.py; default ~/.cache/libuv-hpy).
set -euo pipefail
[ "$#" = 1 ] || { echo "usage: $0 PYTHON" >&2; exit 2; }
PY="$1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
: "${HOME:=$(cd ~ 2>/dev/null && pwd || echo /tmp)}"
CACHE="${UV_CACHE_DIR:-$HOME/.cache/libuv-hpy}"

# pin: the sdist's name and sha256, from hpysrc/find.py
read -r NAME SHA < <("$PY" -c 'import importlib.util as u, sys
s = u.spec_from_file_location("f", sys.argv[1]); m = u.module_from_spec(s); s.loader.exec_module(m)
print(m.SDIST, m.SDIST_SHA256)' "$ROOT/hpysrc/find.py")
WORK="$(mktemp -d "${TMPDIR:-/tmp}/uv-fixed-hpy.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# hpy's setup.py (run by pip for the metadata and the build) asks `git
# rev-parse` for a revision and copes with a git that fails, not with a
# missing one: give it one that fails
mkdir -p "$WORK/bin"
printf '#!/bin/sh\nexit 1\n' >"$WORK/bin/git"
chmod +x "$WORK/bin/git"
export PATH="$WORK/bin:$PATH"

SDIST="$CACHE/downloads/$NAME"
if ! { [ -f "$SDIST" ] && [ "$(sha256sum "$SDIST" | cut -d' ' -f1)" = "$SHA" ]; }; then
    mkdir -p "$CACHE/downloads"
    "$PY" -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
        --require-hashes -r <(printf 'hpy==0.9.0 --hash=sha256:%s\n' "$SHA") -d "$CACHE/downloads"
fi

tar xzf "$SDIST" -C "$WORK"
"$PY" -c 'import importlib.util as u, os, sys
s = u.spec_from_file_location("fix313", sys.argv[1]); m = u.module_from_spec(s); s.loader.exec_module(m)
m.patch(sys.argv[2], sys.argv[2] + ".fixed")
os.replace(sys.argv[2] + ".fixed", sys.argv[2])' \
    "$ROOT/hpysrc/fix313.py" "$WORK/hpy-0.9.0/hpy/devel/src/runtime/ctx_type.c"
"$PY" -m pip install -q --disable-pip-version-check --no-deps "$WORK/hpy-0.9.0"
"$PY" -c 'import hpy.universal, hpy.devel.version as v; print("hpy %s (fixed for CPython 3.13+) in %s" % (v.__version__, hpy.universal.__file__))'
