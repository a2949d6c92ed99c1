"""Wake a loop from any thread: :class:`Async`.  (The module cannot be called
``async``, a keyword since Python 3.7.)"""
from ._loader import _uv
from .handle import UVHandle

__all__ = ["Async"]


class Async(UVHandle):
    """``Async(loop=None, on_wakeup=None)``: :meth:`send` from any thread makes
    the loop call ``on_wakeup(async)``; several sends may coalesce into one
    call.  A sent Async is pending until its callback ran."""

    _native = _uv.Async

    def __init__(self, loop=None, on_wakeup=None):
        UVHandle.__init__(self, loop)
        self.on_wakeup = on_wakeup

    def send(self, on_wakeup=None):
        """Wake the loop up.  Thread-safe.

        :raises uv.ClosedHandleError: the handle is closing or closed"""
        if on_wakeup is not None:
            self.on_wakeup = on_wakeup
        self._n.send(self)
