"""Build of `uv`: one HPy universal binary, uv/_uv.hpy0.so.

The C sources in c_src/ are compiled once in HPy universal mode against
hpy 0.9.0 and linked with the system libuv (found by libuv/find.py).  The
same binary loads on CPython 3.8-3.12 (with hpy 0.9.0 installed) and on
PyPy 3.11 (built-in HPy).  hpy's own setuptools integration is not used: it
writes a loader stub that imports pkg_resources, which PyPy lacks; uv/_loader.py
loads the binary instead.
"""
import glob
import importlib.util
import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _hpy_devel():
    try:
        from hpy.devel import HPyDevel
        import hpy.devel.version as v
    except ImportError:
        raise SystemExit("hpy 0.9.0 is needed to build uv: pip install hpy==0.9.0")
    if not v.__version__.startswith("0.9."):
        raise SystemExit("uv is built against hpy 0.9.0, found hpy %s: "
                         "pip install hpy==0.9.0" % v.__version__)
    return HPyDevel()


class build_hpy_universal(build_ext):
    """Compile the HPy universal module and name it _uv.hpy0.so."""

    def build_extensions(self):
        devel = _hpy_devel()
        find = _load("uv_libuv_find", os.path.join(HERE, "libuv", "find.py"))
        inc, libdirs, libs, self.libuv_version = find.build_flags()
        for ext in self.extensions:
            ext.include_dirs = ([str(devel.get_include_dir_forbid_python_h())]
                                + devel.get_extra_include_dirs() + inc
                                + ext.include_dirs)
            ext.library_dirs += libdirs
            ext.libraries += libs
            ext.sources += devel.get_extra_sources()
            ext.define_macros += [("HPY", None), ("HPY_ABI_UNIVERSAL", None)]
        build_ext.build_extensions(self)

    def get_ext_filename(self, fullname):
        return os.path.join(*fullname.split(".")) + ".hpy0.so"

    def get_libraries(self, ext):
        # a universal module links no libpython
        return ext.libraries


ext = Extension(
    "uv._uv",
    sources=sorted(glob.glob(os.path.join("c_src", "*.c"))),
    depends=glob.glob(os.path.join("c_src", "*.h")),
    # the file prefix map keeps the checkout's path out of the binary, so the
    # same sources give the same sha256 wherever they are built
    extra_compile_args=["-O2", "-std=gnu11", "-Wall", "-Wno-unused-function",
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
    package_data={"uv": ["*.hpy0.so"]},
    ext_modules=[ext],
    cmdclass={"build_ext": build_hpy_universal},
    python_requires=">=3.8",
    install_requires=["hpy==0.9.0; implementation_name == 'cpython'"],
    zip_safe=False,
)
