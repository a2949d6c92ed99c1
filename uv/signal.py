"""Signal handling: :class:`Signal` and the :class:`Signals` enumeration."""
import signal as _signal

from ._loader import _uv
from .common import Enumeration
from .handle import UVHandle

__all__ = ["Signal", "Signals"]

#: The signals of this platform, by name (``Signals.SIGINT``, ...).
Signals = Enumeration("Signals", [(s.name, int(s)) for s in _signal.Signals],
                      module=__name__)


class Signal(UVHandle):
    """``Signal(loop=None, on_signal=None)``: once started, calls
    ``on_signal(signal, signum)`` when the process receives the signal."""

    _native = _uv.Signal

    def __init__(self, loop=None, on_signal=None):
        UVHandle.__init__(self, loop)
        self.on_signal = on_signal

    def start(self, signum, on_signal=None):
        """Start watching *signum*.

        :raises uv.error.ArgumentError: not a valid signal number
        :raises uv.ClosedHandleError: the handle is closing or closed"""
        if on_signal is not None:
            self.on_signal = on_signal
        self._n.start(self, signum)

    def stop(self):
        """Stop watching the signal.  When no uv signal handle (of any loop)
        watches it any more, the process's own handler for it is put back
        (Python's, which raises KeyboardInterrupt for SIGINT).  The same
        happens when the handle is closed or collected, or its loop is
        closed or collected."""
        self._n.stop()

    @property
    def signum(self):
        """The signal watched (0 before the first start)."""
        return Signals.get(self._n.get_signum())

    @staticmethod
    def _signum_member(signum):
        return Signals.get(signum)
