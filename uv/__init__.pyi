from typing import NamedTuple

from . import common as common, error as error
from . import loop as loop, abstract as abstract
from . import async_ as async_, check as check, idle as idle, prepare as prepare
from . import signal as signal, timer as timer
from . import dns as dns, misc as misc, stream as stream, tcp as tcp, udp as udp
from . import poll as poll, tty as tty, pipe as pipe, process as process, secure as secure
from . import fs as fs, fs_event as fs_event, fs_poll as fs_poll
from . import handle as handle, request as request
from .error import (UVError as UVError, ClosedHandleError as ClosedHandleError,
                    HandleClosedError as HandleClosedError,
                    LoopClosedError as LoopClosedError, ClosedLoopError as ClosedLoopError,
                    StatusCodes as StatusCodes)
from .loop import Loop as Loop, RunModes as RunModes
from .abstract import Handle as Handle, Request as Request, Stream as Stream
from .handle import UVHandle as UVHandle
from .request import UVRequest as UVRequest
from .async_ import Async as Async
from .check import Check as Check
from .idle import Idle as Idle
from .prepare import Prepare as Prepare
from .signal import Signal as Signal, Signals as Signals
from .timer import Timer as Timer
from .dns import (Address as Address, Address4 as Address4, Address6 as Address6,
                  AddressFamilies as AddressFamilies, AddrInfo as AddrInfo,
                  NameInfo as NameInfo, SocketTypes as SocketTypes,
                  SocketProtocols as SocketProtocols, getaddrinfo as getaddrinfo,
                  getnameinfo as getnameinfo)
from .stream import (UVStream as UVStream, ConnectRequest as ConnectRequest,
                     WriteRequest as WriteRequest, ShutdownRequest as ShutdownRequest)
from .tcp import TCP as TCP, TCPFlags as TCPFlags, TCPConnectRequest as TCPConnectRequest
from .udp import (UDP as UDP, UDPFlags as UDPFlags, UDPMembership as UDPMembership,
                  UDPSendRequest as UDPSendRequest)
from .poll import Poll as Poll, PollEvent as PollEvent
from .tty import TTY as TTY, TTYMode as TTYMode, ConsoleSize as ConsoleSize
from .pipe import Pipe as Pipe, PipeConnectRequest as PipeConnectRequest
from .process import (Process as Process, ProcessFlags as ProcessFlags,
                      CreatePipe as CreatePipe, PIPE as PIPE)
from .fs_event import FSEvent as FSEvent, FSEvents as FSEvents, FSEventFlags as FSEventFlags
from .fs_poll import FSPoll as FSPoll

__version__: str

class _Version(NamedTuple):
    string: str
    major: int
    minor: int
    patch: int

uv_version: _Version
