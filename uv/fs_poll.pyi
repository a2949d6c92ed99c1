from typing import Callable

from typing_extensions import Self

from .common import _Path
from .error import StatusCodes
from .fs import Stat
from .handle import UVHandle
from .loop import Loop

__all__ = ["FSPoll"]

class FSPoll(UVHandle):
    path: _Path | None
    interval: int
    def __init__(self, path: _Path | None = None, interval: int = 5000,
                 loop: Loop | None = None,
                 on_change: Callable[[Self, StatusCodes, Stat, Stat], object] | None = None
                 ) -> None: ...
    # on_change(fs_poll, status, previous_stat, current_stat)
    @property
    def on_change(self) -> Callable[[Self, StatusCodes, Stat, Stat], object]: ...
    @on_change.setter
    def on_change(self, value: Callable[[Self, StatusCodes, Stat, Stat], object] | None
                  ) -> None: ...
    def start(self, path: _Path | None = None, interval: int | None = None,
              on_change: Callable[[Self, StatusCodes, Stat, Stat], object] | None = None
              ) -> None: ...
    def stop(self) -> None: ...
