from typing import Any, Callable

from typing_extensions import Self

from .common import Enumeration, _Path
from .dns import AddressFamilies
from .error import StatusCodes
from .handle import UVHandle
from .loop import Loop
from .stream import ConnectRequest, UVStream

__all__ = ["Pipe", "PipeConnectRequest", "PipeModes"]

MAX_PATH: int
MAX_ABSTRACT: int

class PipeModes(Enumeration):
    READABLE = 1
    WRITABLE = 2

def register_pending_type(handle_type: int, cls: Callable[..., UVHandle]) -> None: ...

class PipeConnectRequest(ConnectRequest):
    stream: Pipe
    path: _Path
    def __init__(self, pipe: Pipe, path: _Path,
                 on_connect: Callable[[Self, StatusCodes], object] | None = None) -> None: ...

class Pipe(UVStream):
    ipc: bool
    def __init__(self, ipc: bool = False, loop: Loop | None = None,
                 on_read: Callable[[Self, StatusCodes, Any], object] | None = None,
                 on_connection: Callable[[Self, StatusCodes], object] | None = None
                 ) -> None: ...
    def open(self, fd: int) -> None: ...
    def bind(self, path: _Path) -> None: ...
    def connect(self, path: _Path,
                on_connect: Callable[[PipeConnectRequest, StatusCodes], object] | None = None
                ) -> PipeConnectRequest: ...
    def pending_instances(self, count: int) -> None: ...
    def chmod(self, mode: PipeModes | int) -> None: ...
    @property
    def pending_count(self) -> int: ...
    @property
    def pending_type(self) -> type[UVHandle] | None: ...
    def pending_accept(self) -> UVHandle: ...
    @property
    def sockname(self) -> str: ...
    @property
    def peername(self) -> str: ...
    @property
    def family(self) -> AddressFamilies | int: ...
