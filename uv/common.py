"""Small helpers shared by the whole package.

Interpreter and platform flags, the no-op default callback and
:class:`Enumeration`, the base of every enumeration in ``uv``.  This module
imports nothing from ``uv`` so that every other module can use it.
"""
import enum
import gc
import operator
import os
import sys

__all__ = ["is_py2", "is_py3", "is_pypy", "is_cpython", "is_posix", "is_nt",
           "is_linux", "is_win32", "dummy_callback", "Enumeration",
           "collect_garbage"]

#: Always ``False``: ``uv`` runs on Python 3 only (kept for compatibility).
is_py2 = sys.version_info[0] == 2
#: Always ``True``.
is_py3 = sys.version_info[0] == 3

#: Running on PyPy.
is_pypy = sys.implementation.name == "pypy"
#: Running on CPython.
is_cpython = sys.implementation.name == "cpython"

#: A POSIX system (Linux, macOS, the BSDs, ...).
is_posix = os.name == "posix"
#: Windows.
is_nt = os.name == "nt"
#: Linux.
is_linux = sys.platform.startswith("linux")
#: Windows (``sys.platform == 'win32'``, also on 64-bit Windows).
is_win32 = sys.platform == "win32"


def dummy_callback(*args, **kwargs):
    """Accept any arguments and do nothing: the default of every callback."""


class Enumeration(enum.IntEnum):
    """An :class:`enum.IntEnum` whose :meth:`get` never fails on an int.

    libuv may hand out values that an enumeration does not list (a newer
    libuv, a platform-specific flag); :meth:`get` returns the member when there
    is one and the plain int otherwise.
    """

    @classmethod
    def get(cls, value):
        """The member whose value is *value*, or ``int(value)`` if none is.

        :raises TypeError: *value* is not an integer"""
        if type(value) is not int:
            value = operator.index(value)
        member = cls._value2member_map_.get(value)
        if member is None:
            return int(value)
        return member


def collect_garbage():
    """A full garbage collection whose destructors have run when it returns.

    Used where ``uv`` must know whether an object is still reachable (an
    Async nobody sent to, handles left open at ``Loop.close()``, loops that
    were dropped without being closed): the answer must not depend on when
    the interpreter's collector happens to run.  One full collection frees
    the native objects it finds unreachable, on CPython and on PyPy."""
    gc.collect()
