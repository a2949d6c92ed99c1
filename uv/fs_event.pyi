import enum
from typing import Callable

from typing_extensions import Self

from .common import _Path
from .error import StatusCodes
from .handle import UVHandle
from .loop import Loop

__all__ = ["FSEvent", "FSEvents", "FSEventFlags"]

class FSEvents(enum.IntFlag):
    RENAME = 1
    CHANGE = 2

class FSEventFlags(enum.IntFlag):
    WATCH_ENTRY = 1
    STAT = 2
    RECURSIVE = 4


class FSEvent(UVHandle):
    path: _Path | None
    flags: FSEventFlags | int
    def __init__(self, path: _Path | None = None, flags: FSEventFlags | int = 0,
                 loop: Loop | None = None,
                 on_event: Callable[[Self, StatusCodes, str | bytes | None, FSEvents], object]
                 | None = None) -> None: ...
    @property
    def on_event(self) -> Callable[[Self, StatusCodes, str | bytes | None, FSEvents], object]: ...
    @on_event.setter
    def on_event(self, value: Callable[[Self, StatusCodes, str | bytes | None, FSEvents], object]
                 | None) -> None: ...
    def start(self, path: _Path | None = None, flags: FSEventFlags | int | None = None,
              on_event: Callable[[Self, StatusCodes, str | bytes | None, FSEvents], object]
              | None = None) -> None: ...
    def stop(self) -> None: ...
