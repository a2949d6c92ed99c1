"""uv: libuv for Python, one HPy universal binary for CPython and PyPy.

Every libuv handle, request and utility, with :class:`Loop` at the centre::

    import uv
    loop = uv.Loop.get_current()
    timer = uv.Timer(on_timeout=lambda t: print("tick"))
    timer.start(100)
    loop.run()

See API.md for the whole public API.
"""
import collections as _collections

from ._loader import _uv
from . import common, error
from .error import (UVError, ClosedHandleError, HandleClosedError,
                    LoopClosedError, ClosedLoopError, StatusCodes)
from . import _dispatch
from . import loop, abstract
from .loop import Loop, RunModes
from .abstract import Handle, Request, Stream
from .handle import UVHandle
from .request import UVRequest
from . import async_, check, idle, prepare, signal, timer
from . import dns, misc, stream, tcp, udp, poll, tty, pipe, process, secure
from .async_ import Async
from .check import Check
from .idle import Idle
from .prepare import Prepare
from .signal import Signal, Signals
from .timer import Timer
from .dns import (Address, Address4, Address6, AddressFamilies, AddrInfo,
                  NameInfo, SocketTypes, SocketProtocols, getaddrinfo,
                  getnameinfo)
from .stream import UVStream, ConnectRequest, WriteRequest, ShutdownRequest
from .tcp import TCP, TCPFlags, TCPConnectRequest
from .udp import UDP, UDPFlags, UDPMembership, UDPSendRequest
from .poll import Poll, PollEvent
from .tty import TTY, TTYMode, ConsoleSize
from .pipe import Pipe, PipeConnectRequest
from .process import Process, ProcessFlags, CreatePipe, PIPE
from . import fs, fs_event, fs_poll
from .fs_event import FSEvent, FSEvents, FSEventFlags
from .fs_poll import FSPoll

_dispatch.install()

__version__ = "0.1.0"

_Version = _collections.namedtuple("uv_version", "string major minor patch")


def _libuv_version():
    v = _uv.version()
    major, minor, patch = (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff
    return _Version("%d.%d.%d" % (major, minor, patch), major, minor, patch)


#: The version of the libuv in use: ``(string, major, minor, patch)``.
uv_version = _libuv_version()
