from typing import Any, Callable, TypeVar, overload

from typing_extensions import Self

from .abstract import Stream
from .common import _Data
from .error import StatusCodes
from .handle import UVHandle
from .loop import Loop
from .request import UVRequest

__all__ = ["UVStream", "ConnectRequest", "WriteRequest", "ShutdownRequest"]

_H = TypeVar("_H", bound=UVHandle)

class UVStream(UVHandle, Stream):
    def __init__(self, loop: Loop | None = None, arguments: tuple[Any, ...] = (),
                 on_read: Callable[[Self, StatusCodes, Any], object] | None = None,
                 on_connection: Callable[[Self, StatusCodes], object] | None = None
                 ) -> None: ...
    # on_read(stream, status, data): data is bytes (what the allocator's
    # finalize() returns with a custom uv.loop.Allocator); b'' at the end
    @property
    def on_read(self) -> Callable[[Self, StatusCodes, Any], object]: ...
    @on_read.setter
    def on_read(self, value: Callable[[Self, StatusCodes, Any], object] | None) -> None: ...
    # on_connection(stream, status)
    @property
    def on_connection(self) -> Callable[[Self, StatusCodes], object]: ...
    @on_connection.setter
    def on_connection(self, value: Callable[[Self, StatusCodes], object] | None) -> None: ...
    # the most bytes one on_read call gets (0 when set: the loop's buffer_size)
    @property
    def read_buffer_size(self) -> int: ...
    @read_buffer_size.setter
    def read_buffer_size(self, size: int) -> None: ...
    @property
    def readable(self) -> bool: ...
    @property
    def writable(self) -> bool: ...
    @property
    def write_queue_size(self) -> int: ...
    def read_start(self, on_read: Callable[[Self, StatusCodes, Any], object] | None = None
                   ) -> None: ...
    def read_stop(self) -> None: ...
    def write(self, data: _Data, send_stream: UVHandle | None = None,
              on_write: Callable[[WriteRequest, StatusCodes], object] | None = None
              ) -> WriteRequest: ...
    def try_write(self, data: _Data) -> int: ...
    def shutdown(self, on_shutdown: Callable[[ShutdownRequest, StatusCodes], object]
                 | None = None) -> ShutdownRequest: ...
    def listen(self, backlog: int = 511,
               on_connection: Callable[[Self, StatusCodes], object] | None = None) -> None: ...
    @overload
    def accept(self, cls: None = None) -> Self: ...
    @overload
    def accept(self, cls: type[_H], *arguments: Any, **keywords: Any) -> _H: ...

class WriteRequest(UVRequest):
    stream: UVStream
    send_stream: UVHandle | None
    # on_write(request, status); may be set until the write is done
    @property
    def on_write(self) -> Callable[[WriteRequest, StatusCodes], object]: ...
    @on_write.setter
    def on_write(self, callback: Callable[[WriteRequest, StatusCodes], object] | None
                 ) -> None: ...

class ShutdownRequest(UVRequest):
    stream: UVStream
    # on_shutdown(request, status)
    on_shutdown: Callable[[ShutdownRequest, StatusCodes], object]
    def __init__(self, stream: UVStream,
                 on_shutdown: Callable[[ShutdownRequest, StatusCodes], object] | None = None
                 ) -> None: ...

class ConnectRequest(UVRequest):
    stream: UVStream
    # on_connect(request, status)
    on_connect: Callable[[Self, StatusCodes], object]
    def __init__(self, stream: UVStream,
                 on_connect: Callable[[Self, StatusCodes], object] | None = None) -> None: ...
