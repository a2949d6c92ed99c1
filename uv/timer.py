"""Timers: :class:`Timer`."""
from ._loader import _uv
from .handle import UVHandle

__all__ = ["Timer"]


class Timer(UVHandle):
    """``Timer(loop=None, on_timeout=None)``: calls ``on_timeout(timer)`` after
    a timeout and then every *repeat* milliseconds.

    A started timer is pending; a one-shot timer is no longer pending inside
    its own callback (it may re-start itself there)."""

    _native = _uv.Timer

    def __init__(self, loop=None, on_timeout=None):
        UVHandle.__init__(self, loop)
        self.on_timeout = on_timeout

    def start(self, timeout, repeat=0, on_timeout=None):
        """Start the timer: first call after *timeout* ms, then every *repeat*
        ms (0: once).

        :raises uv.error.ArgumentError: a negative or too large time
        :raises uv.ClosedHandleError: the handle is closing or closed"""
        if on_timeout is not None:
            self.on_timeout = on_timeout
        self._n.start(self, timeout, repeat)

    def stop(self):
        """Stop the timer."""
        self._n.stop()

    def again(self):
        """Restart a repeating timer with its repeat time as timeout."""
        self._n.again(self)

    @property
    def repeat(self):
        """The repeat interval in ms (0: none); read/write."""
        return self._n.get_repeat()

    @repeat.setter
    def repeat(self, value):
        self._n.set_repeat(value)

    @property
    def due_in(self):
        """Milliseconds until the timer fires (0 if due or stopped)."""
        return self._n.get_due_in()
