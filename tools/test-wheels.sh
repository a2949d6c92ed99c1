#!/usr/bin/env bash
# tools/test-wheels.sh: the wheels and the sdist, installed the way users do.
#
#  1. tools/build-wheels.sh makes dist/ (the sdist, the universal wheel and
#     the CPython-ABI wheels for 3.13 and 3.14); --no-build uses dist/ as is.
#  2. Each wheel goes into a fresh venv of each interpreter that
#     tools/setup-env.sh found and that the wheel is tagged for (`pip install
#     --require-hashes` of the wheel, its dependencies and the pinned test
#     requirements), and the test suite runs against the installed package:
#     from a copy of tests/ in a temporary directory, so that `import uv`
#     finds the installed one (each run prints the binary it loaded).
#  3. The sdist is installed from source (`pip install`, with pip's build
#     isolation, as `pip install .` does) into a fresh venv of every
#     interpreter, which then imports uv and runs a timer with it.
#
# Fails when an interpreter has no wheel, an install or a run fails.  Extra
# arguments go to pytest.  Environment: UV_CACHE_DIR, UV_TEST_TIMEOUT, and
# UV_WHEELS_REPORT (a file that receives the results, for tools/test-all.sh).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
: "${HOME:=$(cd ~ 2>/dev/null && pwd || echo /tmp)}"
CACHE="${UV_CACHE_DIR:-$HOME/.cache/libuv-hpy}"
TIMEOUT="${UV_TEST_TIMEOUT:-900}"
REQ="$ROOT/requirements"
BUILD=1
[ "${1:-}" = --no-build ] && { BUILD=0; shift; }
unset UV_HPY_ABI UV_LIBUV UV_BINARY HPY

say() { printf '\n##### %s\n' "$*"; }

if [ "$BUILD" = 1 ]; then
    bash "$ROOT/tools/build-wheels.sh" || { echo "test-wheels: build-wheels.sh failed" >&2; exit 1; }
else
    bash "$ROOT/tools/setup-env.sh" >/dev/null || { echo "test-wheels: setup-env.sh failed" >&2; exit 1; }
fi
SDIST="$(ls "$ROOT"/dist/*.tar.gz 2>/dev/null | head -1)"
WHEELS=("$ROOT"/dist/*.whl)
[ -n "$SDIST" ] && [ -f "${WHEELS[0]}" ] || { echo "test-wheels: no sdist or wheel in dist/" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/uv-test-wheels.XXXXXX")"
LOGDIR="$WORK/logs"; mkdir -p "$LOGDIR"
trap 'rm -rf "$WORK"' EXIT
SUMMARY=() PROBLEMS=() T_PASSED=0 T_FAILED=0 T_SKIPPED=0 NRUN=0
SHA_NOW=""; binaries_sha() { :; }     # the installed binaries are not watched
. "$ROOT/tools/suite.sh"

PIPQ=(--disable-pip-version-check -q)

# fresh_venv DIR BASE PIPWHEEL: a new venv of BASE with pip in it
fresh_venv() {
    local dir="$1" base="$2" pipwhl="$3"
    if [ "$pipwhl" = - ]; then
        "$base" -m venv "$dir"
    else    # Debian's interpreters: pip from the pip wheel
        "$base" -m venv --without-pip "$dir" &&
        "$dir/bin/python" "$pipwhl/pip" install "${PIPQ[@]}" --no-index "$pipwhl"
    fi
}

# tag_of PYTHON: its wheel python tag (cp311, pp311)
tag_of() {
    "$1" -c 'import sys; print(("pp" if sys.implementation.name == "pypy" else "cp") + "%d%d" % sys.version_info[:2])'
}

# wheel_for TAG: the wheel of dist/ whose python tags include TAG
wheel_for() {
    local w tags
    for w in "${WHEELS[@]}"; do
        tags="$(basename "$w" .whl | cut -d- -f3)"
        case ".$tags." in *".$1."*) echo "$w"; return 0 ;; esac
    done
    return 1
}

# a hashed requirement for a local file
hashed() { printf '%s @ file://%s --hash=sha256:%s\n' libuv-hpy "$1" "$(sha256sum "$1" | cut -d' ' -f1)"; }

USED=()       # the wheels some interpreter installed
while IFS=$'\t' read -r label base pipwhl; do
    tag="$(tag_of "$base")"
    wheel="$(wheel_for "$tag")" || { PROBLEMS+=("$label: no wheel in dist/ is tagged $tag"); continue; }
    USED+=("$wheel")
    venv="$WORK/venv-wheel-$tag"
    say "$label: fresh venv, pip install $(basename "$wheel")"
    hashed "$wheel" >"$WORK/req-$tag.txt"
    if ! { fresh_venv "$venv" "$base" "$pipwhl" &&
           "$venv/bin/python" -m pip install "${PIPQ[@]}" --require-hashes -r "$WORK/req-$tag.txt" \
               -r "$REQ/test.txt" -r "$REQ/hpy.txt" -r "$REQ/build.txt"; } >"$LOGDIR/install-$tag.log" 2>&1; then
        grep -v "^WARNING: Location" "$LOGDIR/install-$tag.log" | tail -15
        PROBLEMS+=("$label: installing $(basename "$wheel") failed")
        continue
    fi
    run="$WORK/run-$tag"
    # examples/ beside tests/: tests/test_examples.py runs them against the wheel
    mkdir -p "$run" && cp -r "$ROOT/tests" "$run/tests" && cp -r "$ROOT/examples" "$run/examples"
    ( cd "$run" && run_suite "$label wheel" "$venv/bin/python" "" -- tests "$@"
      declare -p SUMMARY PROBLEMS T_PASSED T_FAILED T_SKIPPED NRUN >"$WORK/state" )
    . "$WORK/state"
    rm -rf "$venv" "$run"
done <"$CACHE/venv-bases"
for w in "${WHEELS[@]}"; do
    case " ${USED[*]} " in *" $w "*) ;; *) PROBLEMS+=("$(basename "$w"): no interpreter here is tagged for it") ;; esac
done

# from source: pip install of the sdist into a fresh venv of each interpreter
SMOKE='import uv, uv._loader as l
fired = []
t = uv.Timer(on_timeout=lambda t: fired.append(1))
t.start(5)
uv.Loop.get_current().run()
assert fired == [1]
print(l.ABI, l._FILE)'
hashed "$SDIST" >"$WORK/req-sdist.txt"
while IFS=$'\t' read -r label base pipwhl; do
    tag="$(tag_of "$base")"
    venv="$WORK/venv-sdist-$tag"
    say "$label: fresh venv, pip install $(basename "$SDIST") (from source)"
    t0=$(date +%s)
    # --no-cache-dir: build it, do not take pip's cached wheel of it
    if { fresh_venv "$venv" "$base" "$pipwhl" &&
         "$venv/bin/python" -m pip install "${PIPQ[@]}" --no-cache-dir --require-hashes \
             -r "$WORK/req-sdist.txt" -r "$REQ/hpy.txt" -r "$REQ/build.txt" &&
         ( cd "$WORK" && timeout 120 "$venv/bin/python" -c "$SMOKE" ); } >"$LOGDIR/sdist-$tag.log" 2>&1; then
        line="installed from source in $(( $(date +%s) - t0 )) s, timer ran: $(tail -1 "$LOGDIR/sdist-$tag.log")"
    else
        grep -v "^WARNING: Location" "$LOGDIR/sdist-$tag.log" | tail -15
        line="FAILED (log above)"
        PROBLEMS+=("$label: pip install of the sdist failed")
    fi
    echo "$line"
    SUMMARY+=("$(printf '%-24s: %s' "$label sdist" "$line")")
    rm -rf "$venv"
done <"$CACHE/venv-bases"

say "summary (wheels and sdist)"
for l in "${SUMMARY[@]}"; do echo "$l"; done
for p in "${PROBLEMS[@]}"; do echo "FAILED: $p"; done
if [ -n "${UV_WHEELS_REPORT:-}" ]; then
    {   for l in "${SUMMARY[@]}"; do printf 'S\t%s\n' "$l"; done
        for p in "${PROBLEMS[@]}"; do printf 'P\t%s\n' "$p"; done
        printf 'T\t%s\t%s\t%s\n' "$T_PASSED" "$T_FAILED" "$T_SKIPPED"
    } >"$UV_WHEELS_REPORT"
fi
echo "TOTAL (wheels): $T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
[ "${#PROBLEMS[@]}" = 0 ] && [ "$T_FAILED" = 0 ]
