"""Idle handles: :class:`Idle`."""
from ._loader import _uv
from .handle import UVHandle

__all__ = ["Idle"]


class Idle(UVHandle):
    """``Idle(loop=None, on_idle=None)``: once started, calls
    ``on_idle(handle)`` once per loop iteration (uv_idle_t)."""

    _native = _uv.Idle

    def __init__(self, loop=None, on_idle=None):
        UVHandle.__init__(self, loop)
        self.on_idle = on_idle

    def start(self, on_idle=None):
        """Start calling ``on_idle`` every iteration.

        :raises uv.ClosedHandleError: the handle is closing or closed"""
        if on_idle is not None:
            self.on_idle = on_idle
        self._n.start(self)

    def stop(self):
        """Stop calling ``on_idle``."""
        self._n.stop()
