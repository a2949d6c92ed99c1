from typing import Callable

from typing_extensions import Self

from .common import Enumeration
from .handle import UVHandle
from .loop import Loop

__all__ = ["Signal", "Signals"]

# the signals of Linux (the enumeration is made from the platform's)
class Signals(Enumeration):
    SIGHUP = 1
    SIGINT = 2
    SIGQUIT = 3
    SIGILL = 4
    SIGTRAP = 5
    SIGABRT = 6
    SIGBUS = 7
    SIGFPE = 8
    SIGKILL = 9
    SIGUSR1 = 10
    SIGSEGV = 11
    SIGUSR2 = 12
    SIGPIPE = 13
    SIGALRM = 14
    SIGTERM = 15
    SIGSTKFLT = 16
    SIGCHLD = 17
    SIGCONT = 18
    SIGSTOP = 19
    SIGTSTP = 20
    SIGTTIN = 21
    SIGTTOU = 22
    SIGURG = 23
    SIGXCPU = 24
    SIGXFSZ = 25
    SIGVTALRM = 26
    SIGPROF = 27
    SIGWINCH = 28
    SIGIO = 29
    SIGPWR = 30
    SIGSYS = 31
    SIGRTMIN = 34
    SIGRTMAX = 64

class Signal(UVHandle):
    def __init__(self, loop: Loop | None = None,
                 on_signal: Callable[[Self, Signals | int], object] | None = None) -> None: ...
    # on_signal(signal, signum)
    @property
    def on_signal(self) -> Callable[[Self, Signals | int], object]: ...
    @on_signal.setter
    def on_signal(self, value: Callable[[Self, Signals | int], object] | None) -> None: ...
    def start(self, signum: int,
              on_signal: Callable[[Self, Signals | int], object] | None = None) -> None: ...
    def stop(self) -> None: ...
    @property
    def signum(self) -> Signals | int: ...
