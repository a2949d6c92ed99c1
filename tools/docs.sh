#!/usr/bin/env bash
# tools/docs.sh: build the documentation site (docs/) and run its code.
#
#   bash tools/docs.sh            # HTML into docs/_build/html, then the doctests
#
# Uses a venv of its own, CACHE/venv/docs, made from the build interpreter
# (CPython 3.11; Sphinx 9 needs 3.11+) with the pinned, hash-checked
# requirements/docs.txt (Sphinx, the furo theme) plus hpy.txt and build.txt
# so that the universal binary imports (autodoc reads the docstrings of the
# real module); it is made again when one of those files changes.  Builds
# uv/_uv.hpy0.so first only when it is missing.
#
# Both builders run with warnings as errors (-W --keep-going, -n for broken
# references inside the hand-written pages): `html` and `doctest`, which
# runs every testcode/doctest block of the pages (the programs of examples/
# that the pages include are run by tests/test_examples.py).  Python code
# in the pages must be one of those two: a `code-block:: python` (code that
# nothing runs) fails the build.  Prints one line at the end:
#   "docs: html built (N pages), N doctests passed, N failed"
# and exits non-zero on any warning, failure or missing piece.
# Environment: UV_CACHE_DIR (see setup-env.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
: "${HOME:=$(cd ~ 2>/dev/null && pwd || echo /tmp)}"
CACHE="${UV_CACHE_DIR:-$HOME/.cache/libuv-hpy}"
REQ="$ROOT/requirements"
cd "$ROOT"

[ -f "$CACHE/interpreters" ] || bash tools/setup-env.sh
. "$ROOT/tools/interpreters.sh"
[ -n "$BUILD_PY" ] || { echo "docs: no build interpreter" >&2; exit 1; }

VENV="$CACHE/venv/docs"
stamp="$BUILD_PY|$(cat "$REQ/docs.txt" "$REQ/hpy.txt" "$REQ/build.txt" | sha256sum | cut -c1-16)"
if [ "$(cat "$VENV/.stamp" 2>/dev/null)" != "$stamp" ] ||
   ! "$VENV/bin/python" -c "import sphinx, furo, hpy.universal" 2>/dev/null; then
    echo "docs: making $VENV (requirements/docs.txt)"
    rm -rf "$VENV"
    mkdir -p "$CACHE/logs"
    { "$BUILD_PY" -m venv "$VENV" &&
      "$VENV/bin/python" -m pip install --disable-pip-version-check --require-hashes \
          -r "$REQ/docs.txt" -r "$REQ/hpy.txt" -r "$REQ/build.txt"
    } >"$CACHE/logs/venv-docs.log" 2>&1 ||
        { grep -v "^WARNING: Location" "$CACHE/logs/venv-docs.log" | tail -15 >&2
          echo "docs: making the docs venv failed (log: $CACHE/logs/venv-docs.log)" >&2; exit 1; }
    echo "$stamp" >"$VENV/.stamp"
fi

[ -f uv/_uv.hpy0.so ] || (unset UV_HPY_ABI UV_LIBUV; "$BUILD_PY" setup.py -q build_ext --inplace)

# Python in the pages runs, or comes from examples/ (run by the tests)
if grep -rnE '^\s*\.\. (code-block|code|sourcecode)::\s*(python|pycon|py)\s*$' docs --include='*.rst'; then
    echo "docs: the blocks above are Python that nothing runs: make them testcode/doctest" >&2
    exit 1
fi

OUT="$ROOT/docs/_build"
rm -rf "$OUT"
export PYTHONPATH="$ROOT"
unset HPY UV_BINARY
rc=0
"$VENV/bin/python" -m sphinx -W --keep-going -n -q -b html docs "$OUT/html" || rc=1
"$VENV/bin/python" -m sphinx -W --keep-going -n -q -b doctest docs "$OUT/doctest" \
    >"$OUT.doctest.log" 2>&1 || rc=1
cat "$OUT.doctest.log" | grep -vE '^(Running Sphinx|loading|building|updating|reading|looking|preparing|running tests|pickling|checking|done|writing)' || true
pages=$(find "$OUT/html" -name '*.html' ! -path '*/_modules/*' 2>/dev/null | wc -l)
tests=$(sed -nE 's/^ *([0-9]+) tests?$/\1/p' "$OUT/doctest/output.txt" 2>/dev/null | awk '{s += $1} END {print s + 0}')
failed=$(sed -nE 's/^ *([0-9]+) failures? in tests?$/\1/p' "$OUT/doctest/output.txt" 2>/dev/null | awk '{s += $1} END {print s + 0}')
rm -f "$OUT.doctest.log"
[ "$tests" -gt 0 ] || rc=1
echo "docs: html built ($pages pages), $((tests - failed)) doctests passed, $failed failed$([ $rc = 0 ] || echo '  <-- FAILED')"
exit $rc
