#!/usr/bin/env bash
# tools/test-all.sh: THE test command of this project.
#
# Runs tools/setup-env.sh, builds the HPy universal binary uv/_uv.hpy0.so ONCE
# with the build interpreter, then runs the same test suite with that same
# file on: CPython 3.11, PyPy 3.11, every other CPython found (3.8, 3.9, 3.10,
# 3.12), and CPython 3.11 again in HPy debug mode (HPY=debug, -m "not threads").
# It checks that no run rebuilt the binary, prints one summary line per run
# and, last, "TOTAL: N passed, N failed, N skipped".
#
# Exits non-zero when a run failed, errored, crashed, timed out or ran no test,
# when the binary changed, or when the CPython 3.11 or the PyPy run is missing.
#
# Extra arguments go to every pytest run:  bash tools/test-all.sh -k timer
# Environment: UV_CACHE_DIR (see setup-env.sh), UV_TEST_TIMEOUT (seconds per
# run, default 900).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
: "${HOME:=$(cd ~ 2>/dev/null && pwd || echo /tmp)}"   # HOME may be unset in CI
CACHE="${UV_CACHE_DIR:-$HOME/.cache/libuv-hpy}"
TIMEOUT="${UV_TEST_TIMEOUT:-900}"
SO="uv/_uv.hpy0.so"
cd "$ROOT" || exit 1

say() { printf '\n##### %s\n' "$*"; }

bash "$ROOT/tools/setup-env.sh" || { echo "test-all: setup-env.sh failed" >&2; exit 1; }

# interpreters: role, label, python, extra PYTHONPATH (written by setup-env.sh)
BUILD_PY="" PY311="" PY311_LABEL="" PYPY="" PYPY_LABEL="" PYPY_PATH=""
OTHERS=()      # "label<TAB>python" of the other CPythons
while IFS=$'\t' read -r role label py extra; do
    case "$role" in
        build) BUILD_PY="$py" ;;
    esac
    case "$role:$label" in
        build:cpython-3.11.*|cpython:cpython-3.11.*) PY311="$py"; PY311_LABEL="$label" ;;
        build:*|cpython:*) OTHERS+=("$label"$'\t'"$py") ;;
        pypy:*) PYPY="$py"; PYPY_LABEL="$label"; PYPY_PATH="$extra" ;;
    esac
done <"$CACHE/interpreters"
[ -n "$BUILD_PY" ] || { echo "test-all: no build interpreter in $CACHE/interpreters" >&2; exit 1; }

# ---- build once -----------------------------------------------------------
say "build: $BUILD_PY setup.py -q build_ext --inplace"
rm -rf build "$SO"
if ! "$BUILD_PY" setup.py -q build_ext --inplace || [ ! -f "$SO" ]; then
    echo "test-all: the build failed (no $SO)" >&2
    exit 1
fi
sha256sum "$SO"
SHA="$(sha256sum "$SO" | cut -d' ' -f1)"
SHA_NOW="$SHA"

# pytest targets: "tests", unless the extra arguments name a path themselves
TARGETS=(tests)
for a in "$@"; do
    case "$a" in -*) ;; *) [ -e "${a%%::*}" ] && TARGETS=() ;; esac
done

LOGDIR="$(mktemp -d "${TMPDIR:-/tmp}/uv-test-all.XXXXXX")"
trap 'rm -rf "$LOGDIR"' EXIT

SUMMARY=()     # one line per run
PROBLEMS=()    # why the whole thing fails
T_PASSED=0 T_FAILED=0 T_SKIPPED=0
NRUN=0

# count WORD LINE: the number before WORD in a pytest summary line (0 if none)
count() { grep -oE "[0-9]+ $1" <<<"$2" | awk '{s += $1} END {print s + 0}'; }

# run_suite LABEL PYTHON PYTHONPATH ENV-ASSIGNMENT... -- PYTEST-ARGS...
run_suite() {
    local label="$1" py="$2" pypath="$3"; shift 3
    local envs=()
    while [ "$#" -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    NRUN=$((NRUN + 1))
    local log="$LOGDIR/run-$NRUN.log"
    say "$label: ${envs[*]:+${envs[*]} }$py -m pytest -q -p no:cacheprovider ${*@Q}"
    env -u HPY -u PYTHONHOME PYTHONPATH="$pypath" UV_TEST_HANG_LOG="$log.hang" "${envs[@]}" \
        timeout -k 30 "$TIMEOUT" "$py" -m pytest -q -p no:cacheprovider "$@" 2>&1 | tee "$log"
    local rc="${PIPESTATUS[0]}"

    # the last pytest summary line, e.g. "== 120 passed, 2 skipped in 3.10s =="
    local line
    line="$(sed 's/\x1b\[[0-9;]*m//g' "$log" |
            grep -E '^[= ]*(no tests ran|[0-9]+ [a-z]+(, [0-9]+ [a-z]+)*) in [0-9.]+s( \([0-9:]+\))?[= ]*$' |
            tail -1 | sed -E 's/^[= ]+//; s/[= ]+$//')"
    local p f e s xf xp
    p=$(count passed "$line"); f=$(count failed "$line"); e=$(count 'errors?' "$line")
    s=$(count skipped "$line"); xf=$(count xfailed "$line"); xp=$(count xpassed "$line")
    local text="$p passed, $((f + e)) failed, $s skipped" extra=()
    [ "$e" -gt 0 ] && extra+=("errors: $e")
    [ "$xf" -gt 0 ] && extra+=("xfailed: $xf")
    [ "$xp" -gt 0 ] && extra+=("xpassed: $xp")
    [ "${#extra[@]}" -gt 0 ] && text="$text ($(IFS=,; echo "${extra[*]}" | sed 's/,/, /g'))"
    T_PASSED=$((T_PASSED + p)); T_FAILED=$((T_FAILED + f + e)); T_SKIPPED=$((T_SKIPPED + s))

    local bad=""
    if [ -z "$line" ]; then
        case "$rc" in
            124|137) bad="TIMEOUT after ${TIMEOUT}s" ;;
            *) if grep -q '^Timeout (' "$log" "$log.hang" 2>/dev/null; then
                   bad="a test hung (faulthandler timeout), exit code $rc"
                   echo "----- stacks of the hanging test ($label) -----"
                   awk '/hang guard:/ {buf = ""} {buf = buf $0 "\n"} END {printf "%s", buf}' "$log.hang"
               else
                   bad="no pytest summary, exit code $rc (crashed or hung?)"
               fi ;;
        esac
    elif [ $((p + f + e + xf + xp)) = 0 ]; then bad="ran no test (exit code $rc)"
    elif [ $((f + e)) -gt 0 ]; then bad="$((f + e)) failed"
    elif [ "$rc" != 0 ]; then bad="pytest exit code $rc"
    fi
    # no interpreter may rebuild or touch the binary; blame the run that did
    local now; now="$(sha256sum "$SO" 2>/dev/null | cut -d' ' -f1)"
    if [ "$now" != "$SHA_NOW" ]; then
        bad="${bad:+$bad; }$SO was modified or removed during this run"
        SHA_NOW="$now"
    fi
    [ -n "$bad" ] && { text="$text  <-- FAILED: $bad"; PROBLEMS+=("$label: $bad"); }
    SUMMARY+=("$(printf '%-24s: %s' "$label" "$text")")
}

ARGS=("${TARGETS[@]}" "$@")

if [ -n "$PY311" ]; then
    run_suite "$PY311_LABEL" "$PY311" "$ROOT" -- "${ARGS[@]}"
else
    PROBLEMS+=("no CPython 3.11: its runs are missing")
fi
if [ -n "$PYPY" ]; then
    run_suite "$PYPY_LABEL" "$PYPY" "$ROOT:$PYPY_PATH" -- "${ARGS[@]}"
else
    PROBLEMS+=("no PyPy 3.11: its run is missing")
fi
for o in "${OTHERS[@]}"; do
    run_suite "${o%%$'\t'*}" "${o#*$'\t'}" "$ROOT" -- "${ARGS[@]}"
done
if [ -n "$PY311" ]; then
    # debug mode: threaded tests excluded; the conftest fails on leaked handles
    run_suite "$PY311_LABEL HPY=debug" "$PY311" "$ROOT" HPY=debug -- -m "not threads" "${ARGS[@]}"
fi

# ---- report ----------------------------------------------------------------
say "summary"
if [ "$SHA_NOW" = "$SHA" ]; then
    echo "$SO unchanged after all runs: sha256 $SHA"
else
    echo "$SO CHANGED: built $SHA, now ${SHA_NOW:-missing}"
    PROBLEMS+=("$SO is not the binary that was built")
fi
for l in "${SUMMARY[@]}"; do echo "$l"; done
if [ "${#PROBLEMS[@]}" -gt 0 ]; then
    echo
    for p in "${PROBLEMS[@]}"; do echo "FAILED: $p"; done
fi
echo "TOTAL: $T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
[ "${#PROBLEMS[@]}" = 0 ] && [ "$T_FAILED" = 0 ]
