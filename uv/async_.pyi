from typing import Callable

from typing_extensions import Self

from .handle import UVHandle
from .loop import Loop

__all__ = ["Async"]

class Async(UVHandle):
    def __init__(self, loop: Loop | None = None,
                 on_wakeup: Callable[[Self], object] | None = None) -> None: ...
    # on_wakeup(async)
    @property
    def on_wakeup(self) -> Callable[[Self], object]: ...
    @on_wakeup.setter
    def on_wakeup(self, value: Callable[[Self], object] | None) -> None: ...
    def send(self, on_wakeup: Callable[[Self], object] | None = None) -> None: ...
