import abc
from typing import Any

from .abstract import Request
from .common import Enumeration
from .loop import Loop

__all__ = ["UVRequest", "RequestType", "requests_in_flight"]

class RequestType(Enumeration):
    UNKNOWN = 0
    REQ = 1
    CONNECT = 2
    WRITE = 3
    SHUTDOWN = 4
    UDP_SEND = 5
    FS = 6
    WORK = 7
    GETADDRINFO = 8
    GETNAMEINFO = 9

class UVRequest(Request, metaclass=abc.ABCMeta):
    type: RequestType
    data: Any
    def __init__(self, loop: Loop) -> None: ...
    @property
    def loop(self) -> Loop: ...
    @property
    def finished(self) -> bool: ...
    def cancel(self) -> None: ...

def requests_in_flight(loop: Loop) -> int: ...
