"""Loads the native module uv._uv: the HPy universal binary or a CPython-ABI build.

Both are built from the same C sources (setup.py):

- ``uv/_uv.hpy0.so``, the HPy universal binary: one file for CPython 3.8-3.12
  (through the hpy package, 0.9.0) and PyPy 3.11 (its built-in HPy).  It is
  loaded with ``hpy.universal.load`` rather than the stub hpy's setuptools
  integration writes (that stub imports pkg_resources, which PyPy lacks).
  ``HPY=debug`` in the environment loads it in HPy's debug mode, which
  detects leaked and misused handles.
- ``uv/_uv.cpython-3XY-<platform>.so``, HPy's CPython-ABI build: for CPython
  3.13 and newer, where hpy 0.9.0's universal runtime crashes (it marks its
  types with the flag bit 1<<2, which 3.13 uses for Py_TPFLAGS_INLINE_VALUES);
  hpy's runtime, fixed for 3.13, is compiled into it.  It is imported as an
  ordinary extension module, needs no hpy package and has no debug mode.

``UV_BINARY`` chooses: ``auto`` (default: the universal binary, or the
CPython-ABI build on CPython 3.13+), ``universal`` (also on 3.13+, for an hpy
runtime fixed for 3.13; hpy 0.9.0's own is refused) or ``cpython``.
"""
import importlib.machinery
import importlib.util
import os
import sys

_NAME = "uv._uv"
_DIR = os.path.dirname(os.path.abspath(__file__))
UNIVERSAL_FILE = os.path.join(_DIR, "_uv.hpy0.so")
# the file name setuptools gives a CPython-ABI build for this interpreter
CPYTHON_FILE = os.path.join(_DIR, "_uv" + importlib.machinery.EXTENSION_SUFFIXES[0])

# where hpy 0.9.0's universal runtime works, and the bit it marks types with
UNIVERSAL_CPYTHONS = ((3, 8), (3, 12))
_HPY_090_TYPE_FLAG = 1 << 2

ABI = None      # "universal" or "cpython", once loaded
_FILE = None    # the binary that was loaded


def debug_mode():
    """True when the binary is (to be) loaded in HPy debug mode (HPY=debug);
    only the universal binary has one."""
    return (os.environ.get("HPY", "").strip().lower() in ("debug", "1:debug")
            and ABI != "cpython")


def choose(impl, version, choice, has_universal, has_cpython):
    """Which binary to load: 'universal' or 'cpython', or ImportError (raised)
    with the reason.  impl and version as sys.implementation.name and
    sys.version_info[:2]; choice is UV_BINARY; has_* say which files exist."""
    where = "CPython %d.%d" % version[:2] if impl == "cpython" else "%s %d.%d" % ((impl,) + tuple(version[:2]))
    build_hint = ("install uv with pip on this interpreter (pip install "
                  "libuv-hpy, or pip install . in a checkout), or build in place "
                  "with 'python setup.py build_ext --inplace'")
    if choice not in ("auto", "universal", "cpython"):
        raise ImportError("UV_BINARY=%s: use auto, universal or cpython" % choice)
    if impl not in ("cpython", "pypy"):
        raise ImportError("uv runs on CPython 3.8 or newer and on PyPy 3.11, not on %s" % where)
    if impl == "pypy":
        if choice == "cpython":
            raise ImportError("UV_BINARY=cpython: a CPython-ABI build cannot run on %s; "
                              "PyPy runs the universal binary" % where)
        if not has_universal:
            raise ImportError("the universal binary %s is missing: %s" % (UNIVERSAL_FILE, build_hint))
        return "universal"
    if tuple(version[:2]) < (3, 8):
        raise ImportError("uv needs CPython 3.8 or newer (or PyPy 3.11); this is %s" % where)
    old_enough = tuple(version[:2]) <= UNIVERSAL_CPYTHONS[1]
    if choice == "auto":
        choice = "universal" if old_enough and has_universal else "cpython"
        if choice == "cpython" and not has_cpython:
            if old_enough:
                raise ImportError("the native module of uv is missing (neither %s nor %s): %s"
                                  % (UNIVERSAL_FILE, CPYTHON_FILE, build_hint))
            raise ImportError(
                "uv has no binary for %s here: the HPy universal binary cannot run on "
                "it (hpy 0.9.0 marks its types with the type-flag bit 1<<2, which "
                "CPython 3.13 uses for Py_TPFLAGS_INLINE_VALUES; creating any HPy "
                "object would crash the interpreter), and the CPython-ABI build for "
                "it, %s, is missing: %s.  (UV_BINARY=universal runs the universal "
                "binary with an hpy runtime fixed for 3.13.)" % (where, CPYTHON_FILE, build_hint))
    if choice == "cpython" and not has_cpython:
        raise ImportError("UV_BINARY=cpython: the CPython-ABI build %s is missing; build it "
                          "with UV_HPY_ABI=cpython (%s)" % (CPYTHON_FILE, build_hint))
    if choice == "universal" and not has_universal:
        raise ImportError("UV_BINARY=universal: the universal binary %s is missing; build it "
                          "with UV_HPY_ABI=universal (%s)" % (UNIVERSAL_FILE, build_hint))
    return choice


def _load_universal():
    try:
        import hpy.universal
    except ImportError as exc:
        raise ImportError(
            "uv needs HPy: on CPython install hpy 0.9.0 (pip install "
            "hpy==0.9.0); PyPy 3.11 (v7.3.19 or newer) has it built in "
            "(%s)" % exc)
    spec = importlib.util.spec_from_file_location(_NAME, UNIVERSAL_FILE)
    debug = os.environ.get("HPY", "").strip().lower() in ("debug", "1:debug")
    mod = hpy.universal.load(_NAME, UNIVERSAL_FILE, spec, debug=debug)
    if sys.implementation.name == "cpython" and sys.version_info[:2] > UNIVERSAL_CPYTHONS[1]:
        # creating types is harmless; creating objects crashes if hpy's
        # runtime still marks types with bit 2 (CPython sets it on none of ours)
        types = [v for v in vars(mod).values() if isinstance(v, type)]
        if any(t.__flags__ & _HPY_090_TYPE_FLAG for t in types):
            raise ImportError(
                "UV_BINARY=universal on CPython %d.%d: the installed hpy runtime "
                "marks its types with the type-flag bit 1<<2 (hpy 0.9.0 does), which "
                "this CPython uses for Py_TPFLAGS_INLINE_VALUES: creating any object "
                "would crash.  Install an hpy runtime fixed for 3.13, or unset "
                "UV_BINARY to use the CPython-ABI build." % sys.version_info[:2])
    return mod


def _load_cpython():
    if os.environ.get("HPY", "").strip().lower() in ("debug", "1:debug"):
        import warnings
        warnings.warn("HPY=debug: uv's CPython-ABI build has no HPy debug mode; "
                      "it runs normally", RuntimeWarning, stacklevel=3)
    spec = importlib.util.spec_from_file_location(_NAME, CPYTHON_FILE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load():
    global ABI, _FILE
    choice = os.environ.get("UV_BINARY", "").strip().lower() or "auto"
    abi = choose(sys.implementation.name, sys.version_info[:2], choice,
                 os.path.exists(UNIVERSAL_FILE), os.path.exists(CPYTHON_FILE))
    ABI = abi
    mod = _load_universal() if abi == "universal" else _load_cpython()
    _FILE = UNIVERSAL_FILE if abi == "universal" else CPYTHON_FILE
    sys.modules[_NAME] = mod
    return mod


_uv = load()
