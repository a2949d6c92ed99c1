from typing import Any, Callable, NamedTuple, overload

from .common import Enumeration
from .error import StatusCodes
from .loop import Loop
from .request import UVRequest

__all__ = ["Address", "Address4", "Address6", "AddressFamilies", "SocketTypes",
           "SocketProtocols", "AddrInfo", "NameInfo", "GetAddrInfo",
           "GetNameInfo", "getaddrinfo", "getnameinfo"]

class AddressFamilies(Enumeration):
    UNKNOWN = 0
    INET4 = 2
    INET6 = 10
    UNIX = 1

class SocketTypes(Enumeration):
    ANY = 0
    STREAM = 1
    DGRAM = 2
    RAW = 3
    RDM = 4
    SEQPACKET = 5

class SocketProtocols(Enumeration):
    ANY = 0
    ICMP = 1
    TCP = 6
    UDP = 17
    IPV6 = 41
    ICMPV6 = 58
    RAW = 255

class Address(tuple[Any, ...]): ...

class _Address4Fields(NamedTuple):
    host: str
    port: int

class Address4(_Address4Fields, Address):
    family: AddressFamilies

class _Address6Fields(NamedTuple):
    host: str
    port: int
    flowinfo: int = 0
    scope_id: int = 0

class Address6(_Address6Fields, Address):
    family: AddressFamilies

class AddrInfo(NamedTuple):
    family: AddressFamilies | int
    socktype: SocketTypes | int
    protocol: SocketProtocols | int
    canonname: str
    address: Address4 | Address6 | None

class NameInfo(NamedTuple):
    hostname: str
    service: str

_Host = str | bytes | None
_Port = int | str | bytes | None

class GetAddrInfo(UVRequest):
    host: _Host
    port: _Port
    family: int
    socktype: int
    protocol: int
    flags: int
    # callback(request, status, addrinfo_list)
    callback: Callable[[GetAddrInfo, StatusCodes, list[AddrInfo]], object]
    addrinfo: list[AddrInfo] | None
    def __init__(self, host: _Host, port: _Port, family: int = 0, socktype: int = 0,
                 protocol: int = 0, flags: int = 0,
                 callback: Callable[[GetAddrInfo, StatusCodes, list[AddrInfo]], object]
                 | None = None, loop: Loop | None = None) -> None: ...

class GetNameInfo(UVRequest):
    ip: str
    port: int
    flags: int
    # callback(request, status, hostname, service)
    callback: Callable[[GetNameInfo, StatusCodes, str, str], object]
    nameinfo: NameInfo | None
    def __init__(self, ip: str, port: int, flags: int = 0,
                 callback: Callable[[GetNameInfo, StatusCodes, str, str], object]
                 | None = None, loop: Loop | None = None) -> None: ...

@overload
def getaddrinfo(host: _Host, port: _Port, family: int = 0, socktype: int = 0,
                protocol: int = 0, flags: int = 0, callback: None = None,
                loop: Loop | None = None) -> list[AddrInfo]: ...
@overload
def getaddrinfo(host: _Host, port: _Port, family: int = 0, socktype: int = 0,
                protocol: int = 0, flags: int = 0, *,
                callback: Callable[[GetAddrInfo, StatusCodes, list[AddrInfo]], object],
                loop: Loop | None = None) -> GetAddrInfo: ...
@overload
def getnameinfo(ip: str, port: int, flags: int = 0, callback: None = None,
                loop: Loop | None = None) -> NameInfo: ...
@overload
def getnameinfo(ip: str, port: int, flags: int = 0, *,
                callback: Callable[[GetNameInfo, StatusCodes, str, str], object],
                loop: Loop | None = None) -> GetNameInfo: ...
