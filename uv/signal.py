"""Signal handling: :class:`Signal` and the :class:`Signals` enumeration."""
import collections
import signal as _signal
import threading

from ._loader import _uv
from .common import Enumeration
from .handle import UVHandle

__all__ = ["Signal", "Signals"]

#: The signals of this platform, by name (``Signals.SIGINT``, ...).
Signals = Enumeration("Signals", [(s.name, int(s)) for s in _signal.Signals],
                      module=__name__)


# How many uv Signal handles watch each signal number, in the whole process.
# When the last one stops, libuv resets the signal's disposition to SIG_DFL;
# Python's own handler (KeyboardInterrupt for SIGINT, ...) is put back then.
_watching = collections.Counter()
_watching_lock = threading.Lock()


def _unwatch(signum):
    with _watching_lock:
        _watching[signum] -= 1
        if _watching[signum] > 0:
            return
        del _watching[signum]
    try:
        handler = _signal.getsignal(signum)
        if handler is not None:
            _signal.signal(signum, handler)
    except (ValueError, OSError):
        pass            # not the main thread: Python cannot touch handlers


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
        signum = int(signum)
        if self._watched != signum:
            with _watching_lock:
                _watching[signum] += 1
            if self._watched:
                _unwatch(self._watched)
            self._watched = signum

    def stop(self):
        """Stop watching the signal; when no uv handle watches it any more,
        Python's own handler for it is put back."""
        self._n.stop()
        self._release()

    def close(self, on_closed=None):
        UVHandle.close(self, on_closed)
        self._release()

    _watched = 0

    def _release(self):
        if self._watched:
            watched, self._watched = self._watched, 0
            _unwatch(watched)

    @property
    def signum(self):
        """The signal watched (0 before the first start)."""
        return Signals.get(self._n.get_signum())

    @staticmethod
    def _signum_member(signum):
        return Signals.get(signum)
