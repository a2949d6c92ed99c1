from typing import Callable

from typing_extensions import Self

from .handle import UVHandle
from .loop import Loop

__all__ = ["Idle"]

class Idle(UVHandle):
    def __init__(self, loop: Loop | None = None,
                 on_idle: Callable[[Self], object] | None = None) -> None: ...
    # on_idle(handle), once per loop iteration
    @property
    def on_idle(self) -> Callable[[Self], object]: ...
    @on_idle.setter
    def on_idle(self, value: Callable[[Self], object] | None) -> None: ...
    def start(self, on_idle: Callable[[Self], object] | None = None) -> None: ...
    def stop(self) -> None: ...
