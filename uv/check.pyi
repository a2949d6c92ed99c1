from typing import Callable

from typing_extensions import Self

from .handle import UVHandle
from .loop import Loop

__all__ = ["Check"]

class Check(UVHandle):
    def __init__(self, loop: Loop | None = None,
                 on_check: Callable[[Self], object] | None = None) -> None: ...
    # on_check(handle), once per loop iteration
    @property
    def on_check(self) -> Callable[[Self], object]: ...
    @on_check.setter
    def on_check(self, value: Callable[[Self], object] | None) -> None: ...
    def start(self, on_check: Callable[[Self], object] | None = None) -> None: ...
    def stop(self) -> None: ...
