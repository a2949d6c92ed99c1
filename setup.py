"""Build of `uv`: the native module uv._uv, from the C sources in c_src/.

Two HPy ABIs, chosen with UV_HPY_ABI (default: the one this interpreter needs):

- ``universal`` (CPython 3.8-3.12, PyPy 3.11): one HPy universal binary,
  uv/_uv.hpy0.so, the same file on every one of them.  Its wheel is tagged
  cp38.cp39.cp310.cp311.cp312.pp311-none-<platform>.
- ``cpython`` (the default on CPython 3.13+): HPy's CPython-ABI mode, hpy's
  runtime compiled into the module, uv/_uv.cpython-3XY-<platform>.so.  hpy
  0.9.0's runtime crashes on 3.13+; the build applies hpysrc/fix313.py to a
  copy of its ctx_type.c.  No hpy package is needed at run time.

libuv, chosen with UV_LIBUV:

- ``bundled`` (default): libuv 1.50.0 from Debian's libuv1 source package,
  pinned by sha256 (libuv/bundled.py), downloaded once into the cache and
  compiled into the module with its symbols hidden.
- ``system``: the system libuv, found with pkg-config (libuv/find.py).

hpy 0.9.0's headers and sources come from the installed hpy package or from
PyPI's sdist, both pinned by sha256 (hpysrc/find.py).  Downloads are cached in
$UV_CACHE_DIR (default ~/.cache/libuv-hpy) under downloads/.  hpy's own
setuptools integration is not used: its loader stub imports pkg_resources,
which PyPy lacks; uv/_loader.py loads the binary instead.
"""
import glob
import hashlib
import importlib.util
import os
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
# the interpreters the universal binary runs on: its wheel's python tags
UNIVERSAL_TAGS = "cp38.cp39.cp310.cp311.cp312.pp311"


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def log(msg):
    sys.stderr.write("uv build: %s\n" % msg)
    sys.stderr.flush()


def hpy_abi():
    """'universal' or 'cpython': UV_HPY_ABI, or what this interpreter needs."""
    abi = os.environ.get("UV_HPY_ABI", "").strip().lower() or "auto"
    cpython = sys.implementation.name == "cpython"
    if abi == "auto":
        return "cpython" if cpython and sys.version_info >= (3, 13) else "universal"
    if abi not in ("universal", "cpython"):
        raise SystemExit("UV_HPY_ABI=%s: use universal or cpython" % abi)
    if abi == "cpython" and not cpython:
        raise SystemExit("UV_HPY_ABI=cpython builds for CPython only; "
                         "%s uses the universal binary" % sys.implementation.name)
    return abi


def libuv_mode():
    mode = os.environ.get("UV_LIBUV", "").strip().lower() or "bundled"
    if mode not in ("bundled", "system"):
        raise SystemExit("UV_LIBUV=%s: use bundled (the default) or system" % mode)
    return mode


def cache_dir():
    cache = os.environ.get("UV_CACHE_DIR")
    return cache or os.path.join(os.path.expanduser("~"), ".cache", "libuv-hpy")


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def fetch(name, urls, sha256, override=None):
    """Path of the file `name` with that sha256: `override`, the cached copy,
    or a download from the first of `urls` that answers (then cached)."""
    if override:
        if _sha256(override) != sha256:
            raise SystemExit("%s: sha256 is %s, expected %s" % (override, _sha256(override), sha256))
        return override
    downloads = os.path.join(cache_dir(), "downloads")
    path = os.path.join(downloads, name)
    if os.path.exists(path) and _sha256(path) == sha256:
        return path
    import urllib.request
    os.makedirs(downloads, exist_ok=True)
    errors = []
    for url in urls:
        tmp = "%s.part%d" % (path, os.getpid())
        try:
            log("downloading %s" % url)
            with urllib.request.urlopen(url, timeout=120) as r, open(tmp, "wb") as f:
                shutil.copyfileobj(r, f)
            got = _sha256(tmp)
            if got != sha256:
                raise ValueError("sha256 %s, expected %s" % (got, sha256))
            os.replace(tmp, path)
            return path
        except Exception as exc:        # try the next address
            errors.append("%s: %s" % (url, exc))
            if os.path.exists(tmp):
                os.remove(tmp)
    raise SystemExit("could not download %s:\n  %s\nPut the file (sha256 %s) at %s."
                     % (name, "\n  ".join(errors), sha256, path))


def _parallel(compile_one, jobs):
    """A compiler.compile that compiles its sources `jobs` at a time."""
    def compile(sources, *args, **kwargs):
        with ThreadPoolExecutor(max(1, jobs)) as pool:
            parts = list(pool.map(lambda s: compile_one([s], *args, **kwargs), sources))
        return [obj for part in parts for obj in part]
    return compile


class build_uv(build_ext):
    """Compiles uv._uv in the chosen HPy ABI with the chosen libuv."""

    def finalize_options(self):
        build_ext.finalize_options(self)
        self.force = True       # the mode may differ from the last build's

    def build_extensions(self):
        self.uv_abi = hpy_abi()
        hpysrc = _load("uv_hpysrc_find", os.path.join(HERE, "hpysrc", "find.py"))
        devel, hpy_origin = hpysrc.locate(fetch, cache_dir())
        # keep the location of hpy's files (and of Python's headers) out of
        # the binary, as the checkout's: the same inputs give the same sha256
        prefix_maps = ["-ffile-prefix-map=%s=hpy-%s/hpy/devel" % (devel, hpysrc.VERSION)]
        if self.uv_abi == "cpython":
            import sysconfig
            tag = "python%d.%d" % sys.version_info[:2]
            for key in ("include", "platinclude"):
                inc = sysconfig.get_paths().get(key)
                if inc:
                    prefix_maps.append("-ffile-prefix-map=%s=%s-%s" % (inc, tag, key))
        jobs = int(os.environ.get("UV_BUILD_JOBS") or os.cpu_count() or 1)
        compile_one = self.compiler.compile
        self.compiler.compile = _parallel(compile_one, jobs)

        libuv_inc, libuv_libdirs, libuv_libs, libuv_objs = self._libuv(prefix_maps)

        for ext in self.extensions:
            ext.extra_compile_args += prefix_maps
            ext.include_dirs = libuv_inc + ext.include_dirs
            ext.library_dirs += libuv_libdirs
            ext.libraries += libuv_libs
            ext.extra_objects += libuv_objs
            ext.sources += hpysrc.extra_sources(devel)
            if self.uv_abi == "universal":
                ext.include_dirs = [hpysrc.forbid_python_h_dir(devel),
                                    hpysrc.include_dir(devel)] + ext.include_dirs
                ext.define_macros += [("HPY", None), ("HPY_ABI_UNIVERSAL", None)]
            else:
                ext.include_dirs = [hpysrc.include_dir(devel)] + ext.include_dirs
                ext.define_macros += [("HPY", None), ("HPY_ABI_CPYTHON", None)]
                ext.sources += self._ctx_sources(hpysrc, devel)
        build_ext.build_extensions(self)

        out = "uv/" + os.path.basename(self.get_ext_fullpath("uv._uv"))
        if self.uv_abi == "universal":
            log("HPy universal binary %s (runs on %s; hpy from %s)"
                % (out, UNIVERSAL_TAGS, hpy_origin))
        else:
            log("HPy CPython-ABI binary %s for CPython %d.%d (hpy's runtime compiled "
                "in, with the 3.13 fix; hpy from %s)"
                % (out, sys.version_info[0], sys.version_info[1], hpy_origin))
        log(self.libuv_note)

    def _ctx_sources(self, hpysrc, devel):
        """hpy's runtime for the CPython ABI, with ctx_type.c fixed for 3.13+."""
        fix = _load("uv_hpysrc_fix313", os.path.join(HERE, "hpysrc", "fix313.py"))
        fixed_dir = os.path.join(self.build_temp, "hpy-fix313")
        os.makedirs(fixed_dir, exist_ok=True)
        out = []
        for src in hpysrc.ctx_sources(devel):
            if os.path.basename(src) == "ctx_type.c":
                dst = os.path.join(fixed_dir, "ctx_type.c")
                fix.patch(src, dst)
                src = dst
            out.append(src)
        return out

    def _libuv(self, prefix_maps):
        """(include_dirs, library_dirs, libraries, objects) for libuv."""
        if libuv_mode() == "system":
            find = _load("uv_libuv_find", os.path.join(HERE, "libuv", "find.py"))
            inc, libdirs, libs, version = find.build_flags()
            self.libuv_note = ("libuv %s: the SYSTEM libuv (pkg-config), linked "
                               "dynamically; unset UV_LIBUV to compile the pinned libuv "
                               "in instead" % version)
            return inc, libdirs, libs, []
        bundled = _load("uv_libuv_bundled", os.path.join(HERE, "libuv", "bundled.py"))
        why_not = bundled.supported()
        if why_not:
            raise SystemExit(why_not)
        tarball = bundled.tarball(fetch)
        top = bundled.extract(tarball, os.path.join(self.build_temp, "libuv"))
        objs = self.compiler.compile(
            bundled.sources(top), output_dir=self.build_temp,
            macros=bundled.DEFINES, include_dirs=bundled.private_include_dirs(top),
            extra_postargs=["-O2", "-w", "-ffile-prefix-map=%s=." % HERE]
            + prefix_maps + bundled.CFLAGS)
        self.libuv_note = ("libuv %s: BUNDLED, compiled in with hidden symbols "
                           "(Debian source package %s, %s, sha256 %s...); "
                           "UV_LIBUV=system links the system libuv (pkg-config) instead"
                           % (bundled.VERSION, bundled.DEBIAN_SOURCE, bundled.TARBALL,
                              bundled.SHA256[:16]))
        return bundled.include_dirs(top), [], list(bundled.LIBRARIES), objs

    def get_ext_filename(self, fullname):
        if hpy_abi() == "universal":
            return os.path.join(*fullname.split(".")) + ".hpy0.so"
        return build_ext.get_ext_filename(self, fullname)

    def get_libraries(self, ext):
        if hpy_abi() == "universal":
            return ext.libraries        # a universal module links no libpython
        return build_ext.get_libraries(self, ext)


cmdclass = {"build_ext": build_uv}
try:
    from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
except ImportError:
    try:
        import warnings
        with warnings.catch_warnings():      # wheel's, for setuptools < 70.1
            warnings.simplefilter("ignore")
            from wheel.bdist_wheel import bdist_wheel as _bdist_wheel
    except ImportError:
        _bdist_wheel = None
if _bdist_wheel is not None:
    class bdist_wheel(_bdist_wheel):
        """The universal binary's wheel is tagged for every interpreter it runs on."""

        def get_tag(self):
            python, abi, plat = _bdist_wheel.get_tag(self)
            if hpy_abi() == "universal":
                return UNIVERSAL_TAGS, "none", plat
            return python, abi, plat

    cmdclass["bdist_wheel"] = bdist_wheel


ext = Extension(
    "uv._uv",
    sources=sorted(glob.glob(os.path.join("c_src", "*.c"))),
    depends=glob.glob(os.path.join("c_src", "*.h")),
    # the file prefix map keeps the checkout's path out of the binary, so the
    # same sources give the same sha256 wherever they are built; hidden
    # visibility: the module exports its init functions only
    extra_compile_args=["-O2", "-std=gnu11", "-Wall", "-Wno-unused-function",
                        "-fvisibility=hidden",
                        "-Werror=implicit-function-declaration",
                        "-ffile-prefix-map=%s=." % HERE],
)

setup(
    name="libuv-hpy",
    version="0.1.0",
    description="libuv for Python: one HPy universal binary for CPython and PyPy",
    long_description=open(os.path.join(HERE, "README.md")).read(),
    long_description_content_type="text/markdown",
    packages=["uv", "uv.aio"],
    # the type stubs of every module and the PEP 561 marker
    package_data={"uv": ["py.typed", "*.pyi"], "uv.aio": ["*.pyi"]},
    ext_modules=[ext],
    cmdclass=cmdclass,
    python_requires=">=3.8",
    # the universal binary needs hpy 0.9.0 on CPython (PyPy has it built in);
    # the CPython-ABI binary carries hpy's runtime itself
    install_requires=(["hpy==0.9.0; implementation_name == 'cpython'"]
                      if hpy_abi() == "universal" else []),
    zip_safe=False,
)
