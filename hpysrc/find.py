"""Where the build gets hpy 0.9.0's headers and runtime sources.

Both come from PyPI's hpy 0.9.0, pinned by sha256:

- the installed ``hpy`` package (the build requirement on CPython 3.8-3.12),
  when its ``hpy/devel`` headers and sources hash to TREE_SHA256; else
- the hpy 0.9.0 sdist from PyPI (SDIST_SHA256), downloaded once into the
  build's cache and extracted there.  This is the path on PyPy (whose own
  ``hpy.devel`` is 0.9.1.dev with PyPy's context layout and no runtime
  sources) and on CPython 3.13+ (hpy 0.9.0 has no wheel there, and the
  CPython-ABI build needs only its sources).

Both give the same files, so the same binary.  Offline: put the sdist at
``$UV_HPY_SDIST`` or into the cache.
"""
import hashlib
import os
import shutil
import tarfile

VERSION = "0.9.0"
SDIST = "hpy-0.9.0.tar.gz"
SDIST_SHA256 = "4545310f3a7f9ac249c0f19a80a9b05f46565afb62b7e9225b79493b7b6c70cc"
SDIST_URL = ("https://files.pythonhosted.org/packages/1e/a8/"
             "4bea72ae9292abf33910f2568d8318e11a72353327aecc3c41c38a916773/"
             + SDIST)
# tree_sha256() of hpy/devel's include/ and src/ in hpy 0.9.0
TREE_SHA256 = "25b241e28fff81034af59b45e65582324e16767babede7aa70304f6325cfd3ed"
TOP = "hpy-0.9.0"


def tree_sha256(devel_dir):
    """sha256 over the sorted (path, sha256) of every file in include/ and src/."""
    lines = []
    for sub in ("include", "src"):
        root = os.path.join(devel_dir, sub)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for name in filenames:
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, devel_dir).replace(os.sep, "/")
                with open(path, "rb") as f:
                    lines.append("%s %s\n" % (rel, hashlib.sha256(f.read()).hexdigest()))
    return hashlib.sha256("".join(sorted(lines)).encode()).hexdigest()


def _installed():
    """hpy/devel of the installed hpy 0.9.0, or None."""
    try:
        import hpy.devel
        import hpy.devel.version as v
    except ImportError:
        return None
    if v.__version__ != VERSION:
        return None
    devel = os.path.dirname(os.path.abspath(hpy.devel.__file__))
    if tree_sha256(devel) != TREE_SHA256:
        return None
    return devel


def _from_sdist(fetch, cache_dir):
    path = fetch(SDIST, [SDIST_URL], SDIST_SHA256, os.environ.get("UV_HPY_SDIST"))
    dest = os.path.join(cache_dir, "src", "hpy-%s-%s" % (VERSION, SDIST_SHA256[:12]))
    devel = os.path.join(dest, TOP, "hpy", "devel")
    if os.path.isdir(devel) and tree_sha256(devel) == TREE_SHA256:
        return devel
    prefix = TOP + "/hpy/devel/"
    with tarfile.open(path) as tar:
        members = [m for m in tar.getmembers()
                   if m.name.startswith(prefix + "include/")
                   or m.name.startswith(prefix + "src/")]
        for m in members:
            if not (m.isfile() or m.isdir()) or ".." in m.name.split("/"):
                raise SystemExit("unexpected member in %s: %s" % (path, m.name))
        tmp = dest + ".tmp%d" % os.getpid()
        kw = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(tmp, members=members, **kw)
    got = tree_sha256(os.path.join(tmp, TOP, "hpy", "devel"))
    if got != TREE_SHA256:
        raise SystemExit("hpy's sources from %s hash to %s, expected %s"
                         % (path, got, TREE_SHA256))
    if os.path.isdir(dest):
        shutil.rmtree(dest, ignore_errors=True)
    try:
        os.replace(tmp, dest)
    except OSError:             # another build put it there first
        shutil.rmtree(tmp, ignore_errors=True)
        if not (os.path.isdir(devel) and tree_sha256(devel) == TREE_SHA256):
            raise
    return devel


def locate(fetch, cache_dir, allow_installed=True):
    """Returns (devel_dir, origin): hpy 0.9.0's hpy/devel and where it came from."""
    devel = _installed() if allow_installed else None
    if devel:
        return devel, "the installed hpy %s package" % VERSION
    return _from_sdist(fetch, cache_dir), "PyPI's %s (sha256 %s...)" % (SDIST, SDIST_SHA256[:16])


def include_dir(devel):
    return os.path.join(devel, "include")


def forbid_python_h_dir(devel):
    return os.path.join(devel, "include", "hpy", "forbid_python_h")


def extra_sources(devel):
    """The helpers every HPy module compiles in (hpy.devel.get_extra_sources)."""
    src = os.path.join(devel, "src", "runtime")
    return [os.path.join(src, f) for f in
            ("argparse.c", "buildvalue.c", "format.c", "helpers.c", "structseq.c")]


def ctx_sources(devel):
    """hpy's runtime, compiled into CPython-ABI modules (hpy.devel.get_ctx_sources)."""
    src = os.path.join(devel, "src", "runtime")
    return sorted(os.path.join(src, f) for f in os.listdir(src)
                  if f.startswith("ctx_") and f.endswith(".c"))
