"""Loads the native module uv/_uv.hpy0.so with hpy.universal.

The binary is an HPy universal module: the same file runs on CPython (through
the hpy package, 0.9.0) and on PyPy (through its built-in HPy).  It is loaded
with ``hpy.universal.load`` rather than the stub hpy's setuptools integration
writes (that stub imports pkg_resources, which PyPy lacks).  ``HPY=debug`` in
the environment loads it in HPy's debug mode, which detects leaked and misused
handles.
"""
import importlib.util
import os
import sys

_NAME = "uv._uv"
_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_uv.hpy0.so")


def _check_interpreter():
    if sys.implementation.name == "cpython" and sys.version_info >= (3, 13):
        raise ImportError(
            "uv cannot run on CPython %d.%d: it is an HPy 0.9 universal module, "
            "and hpy 0.9.0 marks its types with the type-flag bit 1<<2, which "
            "CPython 3.13 uses for Py_TPFLAGS_INLINE_VALUES; creating any HPy "
            "object would crash the interpreter.  Use CPython 3.8-3.12 or PyPy "
            "3.11." % sys.version_info[:2])


def debug_mode():
    """True when the binary is (to be) loaded in HPy debug mode (HPY=debug)."""
    return os.environ.get("HPY", "").strip().lower() in ("debug", "1:debug")


def load():
    _check_interpreter()
    try:
        import hpy.universal
    except ImportError as exc:
        raise ImportError(
            "uv needs HPy: on CPython install hpy 0.9.0 (pip install "
            "hpy==0.9.0); PyPy 3.11 (v7.3.19 or newer) has it built in "
            "(%s)" % exc)
    if not os.path.exists(_FILE):
        raise ImportError("the native module %s is missing: build it with "
                          "'python setup.py build_ext --inplace' or "
                          "'pip install .'" % _FILE)
    spec = importlib.util.spec_from_file_location(_NAME, _FILE)
    mod = hpy.universal.load(_NAME, _FILE, spec, debug=debug_mode())
    sys.modules[_NAME] = mod
    return mod


_uv = load()
