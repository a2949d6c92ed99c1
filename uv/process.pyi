import os
from typing import Any, Callable, Mapping, Sequence

from typing_extensions import Self, TypeAlias

from _typeshed import HasFileno

from .common import Enumeration, _Path
from .handle import UVHandle
from .loop import Loop
from .pipe import Pipe
from .signal import Signals
from .stream import UVStream

__all__ = ["Process", "ProcessFlags", "CreatePipe", "PIPE", "disable_stdio_inheritance"]

class ProcessFlags(Enumeration):
    SETUID = 1
    SETGID = 2
    WINDOWS_VERBATIM_ARGUMENTS = 4
    WINDOWS_VERBATIM = WINDOWS_VERBATIM_ARGUMENTS
    DETACHED = 8
    WINDOWS_HIDE = 16
    WINDOWS_HIDE_CONSOLE = 32
    WINDOWS_HIDE_GUI = 64

def disable_stdio_inheritance() -> None: ...

class CreatePipe:
    readable: bool
    writable: bool
    ipc: bool
    def __init__(self, readable: bool = False, writable: bool = False,
                 ipc: bool = True) -> None: ...
    @property
    def flags(self) -> int: ...

PIPE: CreatePipe

# what a stdio slot takes: None (ignored), a stream (inherited), a
# CreatePipe (a new Pipe), an fd or an object with fileno()
_Stdio: TypeAlias = UVStream | CreatePipe | int | HasFileno | None

class Process(UVHandle):
    arguments: list[_Path]
    uid: int | None
    gid: int | None
    cwd: _Path | None
    env: Mapping[Any, Any] | None
    flags: int
    # what each slot was given, or the Pipe made for a CreatePipe
    stdin: Any
    stdout: Any
    stderr: Any
    stdio: list[Any]
    def __init__(self, arguments: Sequence[_Path], uid: int | None = None,
                 gid: int | None = None, cwd: _Path | None = None,
                 env: Mapping[str, str] | Mapping[bytes, bytes] | None = None,
                 stdin: _Stdio = None, stdout: _Stdio = None, stderr: _Stdio = None,
                 stdio: Sequence[_Stdio] | None = None,
                 flags: ProcessFlags | int = ..., loop: Loop | None = None,
                 on_exit: Callable[[Self, int, Signals | int], object] | None = None
                 ) -> None: ...
    # on_exit(process, returncode, signum)
    @property
    def on_exit(self) -> Callable[[Self, int, Signals | int], object]: ...
    @on_exit.setter
    def on_exit(self, value: Callable[[Self, int, Signals | int], object] | None) -> None: ...
    @property
    def pid(self) -> int | None: ...
    def kill(self, signum: int = ...) -> None: ...
