from typing import Any, Callable

from typing_extensions import Self

from .common import Enumeration, _AddressArg, _Fd
from .dns import Address4, Address6, AddressFamilies
from .error import StatusCodes
from .loop import Loop
from .stream import ConnectRequest, UVStream

__all__ = ["TCP", "TCPFlags", "TCPConnectRequest"]

class TCPFlags(Enumeration):
    IPV6ONLY = 1

class TCPConnectRequest(ConnectRequest):
    stream: TCP
    address: _AddressArg
    def __init__(self, tcp: TCP, address: _AddressArg,
                 on_connect: Callable[[Self, StatusCodes], object] | None = None) -> None: ...

class TCP(UVStream):
    flags: int
    def __init__(self, flags: int = 0, loop: Loop | None = None,
                 on_read: Callable[[Self, StatusCodes, Any], object] | None = None,
                 on_connection: Callable[[Self, StatusCodes], object] | None = None
                 ) -> None: ...
    def open(self, fd: int) -> None: ...
    def bind(self, address: _AddressArg, flags: TCPFlags | int = 0) -> None: ...
    def connect(self, address: _AddressArg,
                on_connect: Callable[[TCPConnectRequest, StatusCodes], object] | None = None
                ) -> TCPConnectRequest: ...
    def set_nodelay(self, enable: bool) -> None: ...
    def set_keepalive(self, enable: bool, delay: int = 0) -> None: ...
    def set_simultaneous_accepts(self, enable: bool) -> None: ...
    def close_reset(self, on_closed: Callable[[Self], object] | None = None) -> None: ...
    @property
    def sockname(self) -> Address4 | Address6: ...
    @property
    def peername(self) -> Address4 | Address6: ...
    @property
    def family(self) -> AddressFamilies | int: ...
