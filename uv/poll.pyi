from typing import Callable

from typing_extensions import Self

from .common import Enumeration, _Fd
from .error import StatusCodes
from .handle import UVHandle
from .loop import Loop

__all__ = ["Poll", "PollEvent"]

class PollEvent(Enumeration):
    READABLE = 1
    WRITABLE = 2
    DISCONNECT = 4
    PRIORITIZED = 8


class Poll(UVHandle):
    fd: int
    def __init__(self, fd: _Fd, loop: Loop | None = None,
                 on_event: Callable[[Self, StatusCodes, PollEvent | int], object] | None = None
                 ) -> None: ...
    @property
    def on_event(self) -> Callable[[Self, StatusCodes, PollEvent | int], object]: ...
    @on_event.setter
    def on_event(self, value: Callable[[Self, StatusCodes, PollEvent | int], object] | None
                 ) -> None: ...
    def start(self, events: PollEvent | int = ...,
              on_event: Callable[[Self, StatusCodes, PollEvent | int], object] | None = None
              ) -> None: ...
    def stop(self) -> None: ...
    def fileno(self) -> int: ...
