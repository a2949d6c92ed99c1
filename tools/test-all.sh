#!/usr/bin/env bash
# tools/test-all.sh: THE test command of this project.
#
# Runs tools/setup-env.sh, builds the HPy universal binary uv/_uv.hpy0.so ONCE
# with the build interpreter (libuv compiled in, as by default), then runs the
# same test suite with that same file on: CPython 3.11, PyPy 3.11, every other
# CPython 3.8-3.12 found, and CPython 3.11 again in HPy debug mode (HPY=debug,
# -m "not threads").  CPython 3.13 and 3.14, where hpy 0.9.0's universal
# runtime crashes, each build the CPython-ABI binary of the same sources
# (uv/_uv.cpython-3XY-*.so) and run the suite with it; then they run it with
# the universal file too (UV_BINARY=universal, through the hpy runtime fixed
# for 3.13 that tools/fixed-hpy.sh put in their venvs).  CPython 3.11 runs it
# once more with a build that links the system libuv (UV_LIBUV=system, built
# in a copy of the sources).  Each run says which binary the interpreter
# loaded (file, sha256, libuv version).  It checks that no run rebuilt a
# binary, prints one summary line per run and, last, "TOTAL: N passed, N
# failed, N skipped".
#
# Then tools/docs.sh builds the documentation site (docs/) with Sphinx,
# warnings as errors, and runs its code examples (doctest builder).
#
# Last, tools/test-wheels.sh builds the sdist and the wheels (dist/), installs
# each wheel into a fresh venv of each interpreter it is tagged for and runs
# the suite against the installed package, and installs the sdist from
# source into a fresh venv of every interpreter (UV_TEST_WHEELS=0 skips it).
#
# Exits non-zero when a run failed, errored, crashed, timed out or ran no test,
# when a binary changed, when the CPython 3.11, 3.13, 3.14 or PyPy run is
# missing, when the docs build failed, or when a wheel or sdist install or
# run failed.
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
CPYABI=()      # "label<TAB>python" of the CPythons that build their CPython-ABI binary
while IFS=$'\t' read -r role label py extra; do
    case "$role" in
        build) BUILD_PY="$py" ;;
    esac
    case "$role:$label" in
        build:cpython-3.11.*|cpython:cpython-3.11.*) PY311="$py"; PY311_LABEL="$label" ;;
        build:*|cpython:*) OTHERS+=("$label"$'\t'"$py") ;;
        cpyabi:*) CPYABI+=("$label"$'\t'"$py") ;;
        pypy:*) PYPY="$py"; PYPY_LABEL="$label"; PYPY_PATH="$extra" ;;
    esac
done <"$CACHE/interpreters"
[ -n "$BUILD_PY" ] || { echo "test-all: no build interpreter in $CACHE/interpreters" >&2; exit 1; }

# ---- build once -----------------------------------------------------------
# the build's settings come from here, not from the caller's environment
unset UV_HPY_ABI UV_LIBUV UV_BINARY
say "build: $BUILD_PY setup.py -q build_ext --inplace"
rm -rf build uv/_uv.*.so
if ! "$BUILD_PY" setup.py -q build_ext --inplace || [ ! -f "$SO" ]; then
    echo "test-all: the build failed (no $SO)" >&2
    exit 1
fi
sha256sum "$SO"
# the CPython-ABI binaries: one build per CPython 3.13+ (its default ABI)
BUILT=("$SO")          # every binary built; no test run may change one
CPYABI_READY=()        # "label<TAB>python" of those whose build worked
BUILD_PROBLEMS=()
for c in "${CPYABI[@]}"; do
    label="${c%%$'\t'*}" py="${c#*$'\t'}"
    so="$("$py" -c 'import importlib.machinery as m; print("uv/_uv" + m.EXTENSION_SUFFIXES[0])')"
    say "build ($label, CPython-ABI): $py setup.py -q build_ext --inplace"
    if "$py" setup.py -q build_ext --inplace && [ -f "$so" ]; then
        sha256sum "$so"
        BUILT+=("$so")
        CPYABI_READY+=("$c")
    else
        BUILD_PROBLEMS+=("$label: the CPython-ABI build failed (no $so)")
    fi
done
binaries_sha() { local f; for f in "${BUILT[@]}"; do ( cd "$ROOT" && sha256sum "$f" 2>/dev/null ) || echo "missing $f"; done; }
SHA="$(binaries_sha)"
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
# tests/test_typing.py checks the stubs with mypy on CPython 3.11 (and 3.12),
# from CACHE/typing (setup-env.sh): without it, the types go unchecked
if [ -n "$PY311" ] && [ ! -d "$CACHE/typing/cpython-3.11/mypy" ]; then
    PROBLEMS+=("no mypy for CPython 3.11 in $CACHE/typing (tools/setup-env.sh): tests/test_typing.py skipped the type checks")
fi

. "$ROOT/tools/suite.sh"      # run_suite

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
for c in "${CPYABI_READY[@]}"; do
    run_suite "${c%%$'\t'*}" "${c#*$'\t'}" "$ROOT" -- "${ARGS[@]}"
done
# the same universal file on 3.13+, through hpy 0.9.0 fixed for 3.13 (setup-env)
for c in "${CPYABI[@]}"; do
    run_suite "${c%%$'\t'*} UV_BINARY=universal" "${c#*$'\t'}" "$ROOT" UV_BINARY=universal -- "${ARGS[@]}"
done
PROBLEMS+=("${BUILD_PROBLEMS[@]}")
for m in 3.13 3.14; do
    case " ${CPYABI[*]} " in *"cpython-$m."*) ;; *) PROBLEMS+=("no CPython $m: its run is missing") ;; esac
done
if [ -n "$PY311" ]; then
    # debug mode: threaded tests excluded; the conftest fails on leaked handles
    run_suite "$PY311_LABEL HPY=debug" "$PY311" "$ROOT" HPY=debug -- -m "not threads" "${ARGS[@]}"
fi

# ---- the system libuv option ----------------------------------------------
# UV_LIBUV=system links the system libuv (pkg-config) instead of compiling
# libuv in: built in a copy of the sources, so that uv/ keeps its binaries
if [ -n "$PY311" ]; then
    sysdir="$LOGDIR/system-libuv"
    mkdir -p "$sysdir"
    cp -r setup.py README.md c_src libuv hpysrc uv tests examples "$sysdir/"
    rm -f "$sysdir"/uv/_uv.*.so
    say "build (UV_LIBUV=system, in a copy): $BUILD_PY setup.py -q build_ext --inplace"
    if ( cd "$sysdir" && UV_LIBUV=system "$BUILD_PY" setup.py -q build_ext --inplace ) && [ -f "$sysdir/$SO" ]; then
        ( cd "$sysdir" && run_suite "$PY311_LABEL UV_LIBUV=system" "$PY311" "$sysdir" -- "${ARGS[@]}"
          declare -p SUMMARY PROBLEMS T_PASSED T_FAILED T_SKIPPED NRUN >"$LOGDIR/state" )
        . "$LOGDIR/state"
    else
        PROBLEMS+=("the build with UV_LIBUV=system failed")
    fi
fi

# ---- the documentation site ------------------------------------------------
# tools/docs.sh: Sphinx's html and doctest builders with warnings as errors,
# on the build interpreter (its own venv, requirements/docs.txt), with the
# binary built above; the doctests count in the totals
say "docs: tools/docs.sh (Sphinx html + doctest, -W --keep-going -n)"
NRUN=$((NRUN + 1))
docs_log="$LOGDIR/run-$NRUN.log"
UV_CACHE_DIR="$CACHE" timeout -k 30 "$TIMEOUT" bash "$ROOT/tools/docs.sh" 2>&1 | tee "$docs_log"
docs_rc="${PIPESTATUS[0]}"
docs_line="$(grep -E '^docs: html built' "$docs_log" | tail -1)"
docs_pass="$(sed -nE 's/.*, ([0-9]+) doctests passed.*/\1/p' <<<"$docs_line")"
docs_fail="$(sed -nE 's/.*doctests passed, ([0-9]+) failed.*/\1/p' <<<"$docs_line")"
T_PASSED=$((T_PASSED + ${docs_pass:-0})); T_FAILED=$((T_FAILED + ${docs_fail:-0}))
docs_pages="$(sed -nE 's/.*html built \(([0-9]+) pages\).*/\1/p' <<<"$docs_line")"
docs_text="${docs_pass:-0} passed, ${docs_fail:-0} failed, 0 skipped (doctests; html: ${docs_pages:-no} pages)"
if [ "$docs_rc" != 0 ] || [ -z "$docs_line" ]; then
    docs_text="$docs_text  <-- FAILED: exit code $docs_rc"
    PROBLEMS+=("docs: tools/docs.sh failed (exit code $docs_rc): a warning, a failing example or a missing piece")
fi
now="$(binaries_sha)"
if [ "$now" != "$SHA_NOW" ]; then
    PROBLEMS+=("docs: a binary was modified or removed during the docs build"); SHA_NOW="$now"
fi
SUMMARY+=("$(printf '%-24s: %s' "docs (sphinx, 3.11)" "$docs_text")")

# ---- the wheels and the sdist, installed in fresh venvs ---------------------
if [ "${UV_TEST_WHEELS:-1}" != 0 ]; then
    say "wheels and sdist: tools/test-wheels.sh (UV_TEST_WHEELS=0 skips this)"
    report="$LOGDIR/wheels.report"
    if ! UV_WHEELS_REPORT="$report" bash "$ROOT/tools/test-wheels.sh" "$@" && [ ! -s "$report" ]; then
        PROBLEMS+=("tools/test-wheels.sh failed before its runs")
    fi
    if [ -s "$report" ]; then
        while IFS=$'\t' read -r kind a b c; do
            case "$kind" in
                S) SUMMARY+=("$a") ;;
                P) PROBLEMS+=("$a") ;;
                T) T_PASSED=$((T_PASSED + a)); T_FAILED=$((T_FAILED + b)); T_SKIPPED=$((T_SKIPPED + c)) ;;
            esac
        done <"$report"
    fi
fi

# ---- report ----------------------------------------------------------------
say "summary"
if [ "$SHA_NOW" = "$SHA" ]; then
    echo "binaries unchanged after all runs:"
    awk '{print "  " $2 "  sha256 " $1}' <<<"$SHA"
else
    echo "binaries CHANGED: built"; echo "$SHA"; echo "now"; echo "$SHA_NOW"
    PROBLEMS+=("a binary is not the one that was built")
fi
for l in "${SUMMARY[@]}"; do echo "$l"; done
if [ "${#PROBLEMS[@]}" -gt 0 ]; then
    echo
    for p in "${PROBLEMS[@]}"; do echo "FAILED: $p"; done
fi
echo "TOTAL: $T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
[ "${#PROBLEMS[@]}" = 0 ] && [ "$T_FAILED" = 0 ]
