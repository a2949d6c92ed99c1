from typing import Any, Callable, NamedTuple

from typing_extensions import Self

from .common import Enumeration, _Fd
from .error import StatusCodes
from .loop import Loop
from .stream import UVStream

__all__ = ["TTY", "TTYMode", "ConsoleSize", "reset_mode"]

class TTYMode(Enumeration):
    NORMAL = 0
    RAW = 1
    IO = 2

class ConsoleSize(NamedTuple):
    width: int
    height: int

def reset_mode() -> None: ...

class TTY(UVStream):
    fd: int
    def __init__(self, fd: _Fd, readable: bool = False, loop: Loop | None = None,
                 on_read: Callable[[Self, StatusCodes, Any], object] | None = None
                 ) -> None: ...
    def set_mode(self, mode: TTYMode | int = ...) -> None: ...
    @property
    def mode(self) -> TTYMode | int: ...
    @property
    def console_size(self) -> ConsoleSize: ...
