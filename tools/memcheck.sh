#!/usr/bin/env bash
# tools/memcheck.sh: the memory-safety command.  Run it after every change
# to c_src/.
#
# Builds the universal binary as tools/test-all.sh does, then runs the test
# suite on CPython (the build interpreter, PYTHONMALLOC=malloc so that every
# Python allocation goes through malloc too) under valgrind memcheck, and
# reads the reports with tools/vgreport.py: any invalid read or write,
# invalid free, use of uninitialised memory, bad syscall argument or
# definite leak whose stack passes through the native module fails the run.
# The target is 0.  tools/valgrind.supp lists the known, bounded
# allocations that are not defects of uv (hpy's runtime type tables).
#
# Child processes that tests start (crash tests) are not traced: their code
# is the same, and the parent runs it too.  Timeouts of the tests are scaled
# by UV_TEST_TIME_SCALE=40 (valgrind is 20-50 times slower).
#
# Extra arguments go to pytest:  bash tools/memcheck.sh -k tcp
# Environment: UV_CACHE_DIR (see setup-env.sh), UV_MEMCHECK_KEEP=1 keeps
# the XML reports (their directory is printed).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
: "${HOME:=$(cd ~ 2>/dev/null && pwd || echo /tmp)}"
CACHE="${UV_CACHE_DIR:-$HOME/.cache/libuv-hpy}"
cd "$ROOT" || exit 1

bash "$ROOT/tools/setup-env.sh" >&2 || { echo "memcheck: setup-env.sh failed" >&2; exit 1; }
if ! command -v valgrind >/dev/null 2>&1; then
    echo "memcheck: installing valgrind" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >&2 \
        || { echo "memcheck: valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
fi
CACHE="$CACHE" source "$ROOT/tools/interpreters.sh"
[ -n "$BUILD_PY" ] || { echo "memcheck: no build interpreter" >&2; exit 1; }

echo "##### build: $BUILD_PY setup.py -q build_ext --inplace"
rm -rf build uv/_uv.hpy0.so
"$BUILD_PY" setup.py -q build_ext --inplace && [ -f uv/_uv.hpy0.so ] \
    || { echo "memcheck: the build failed" >&2; exit 1; }
sha256sum uv/_uv.hpy0.so

TARGETS=(tests)
for a in "$@"; do
    case "$a" in -*) ;; *) [ -e "${a%%::*}" ] && TARGETS=() ;; esac
done

REPORTS="$(mktemp -d "${TMPDIR:-/tmp}/uv-memcheck.XXXXXX")"
[ "${UV_MEMCHECK_KEEP:-0}" = 1 ] || trap 'rm -rf "$REPORTS"' EXIT

echo "##### valgrind memcheck: $BUILD_PY -m pytest ${TARGETS[*]} $*"
START=$(date +%s)
env -u HPY PYTHONPATH="$ROOT" PYTHONMALLOC=malloc UV_TEST_TIME_SCALE=40 \
    valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite \
        --errors-for-leak-kinds=definite --num-callers=40 --track-origins=yes \
        --suppressions="$ROOT/tools/valgrind.supp" --child-silent-after-fork=yes \
        --xml=yes --xml-file="$REPORTS/vg.%p.xml" \
    "$BUILD_PY" -m pytest -q -p no:cacheprovider "${TARGETS[@]}" "$@" 2>&1 | tail -15
PYTEST_RC="${PIPESTATUS[0]}"
echo "##### valgrind ran for $(( $(date +%s) - START )) s; pytest exit code $PYTEST_RC"

"$BUILD_PY" "$ROOT/tools/vgreport.py" "$REPORTS"/vg.*.xml
VG_RC=$?
[ "${UV_MEMCHECK_KEEP:-0}" = 1 ] && echo "reports kept in $REPORTS"
if [ "$PYTEST_RC" != 0 ]; then
    echo "memcheck: FAILED: the test suite failed under valgrind"
    exit 1
fi
if [ "$VG_RC" != 0 ]; then
    echo "memcheck: FAILED: memory errors through _uv (or unreadable reports)"
    exit 1
fi
echo "memcheck: OK: 0 errors through _uv"
