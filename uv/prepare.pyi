from typing import Callable

from typing_extensions import Self

from .handle import UVHandle
from .loop import Loop

__all__ = ["Prepare"]

class Prepare(UVHandle):
    def __init__(self, loop: Loop | None = None,
                 on_prepare: Callable[[Self], object] | None = None) -> None: ...
    # on_prepare(handle), once per loop iteration
    @property
    def on_prepare(self) -> Callable[[Self], object]: ...
    @on_prepare.setter
    def on_prepare(self, value: Callable[[Self], object] | None) -> None: ...
    def start(self, on_prepare: Callable[[Self], object] | None = None) -> None: ...
    def stop(self) -> None: ...
