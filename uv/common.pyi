"""Stubs of uv.common; also the private type aliases the other stubs share."""
import enum
from typing import Any

from _typeshed import FileDescriptorLike, ReadableBuffer, StrOrBytesPath
from typing_extensions import Self, SupportsIndex, TypeAlias

__all__ = ["is_py2", "is_py3", "is_pypy", "is_cpython", "is_posix", "is_nt",
           "is_linux", "is_win32", "dummy_callback", "Enumeration",
           "collect_garbage"]

is_py2: bool
is_py3: bool
is_pypy: bool
is_cpython: bool
is_posix: bool
is_nt: bool
is_linux: bool
is_win32: bool

def dummy_callback(*args: Any, **kwargs: Any) -> None: ...

class Enumeration(enum.IntEnum):  # type: ignore[misc]  # members in subclasses
    @classmethod
    def get(cls, value: SupportsIndex) -> Self | int: ...

def collect_garbage() -> None: ...

# ---- shared by the stubs (private: not at run time) ----

# what data arguments take: a bytes-like object, or a list/tuple of them
_Data: TypeAlias = ReadableBuffer | list[ReadableBuffer] | tuple[ReadableBuffer, ...]
# a path: str, bytes or os.PathLike
_Path: TypeAlias = StrOrBytesPath
# an address: (host, port) or (host, port, flowinfo, scope_id)
_AddressArg: TypeAlias = tuple[str, int] | tuple[str, int, int, int]
# a file descriptor, or an object with fileno()
_Fd: TypeAlias = FileDescriptorLike
