"""Prepare handles: :class:`Prepare`."""
from ._loader import _uv
from .handle import UVHandle

__all__ = ["Prepare"]


class Prepare(UVHandle):
    """``Prepare(loop=None, on_prepare=None)``: once started, calls
    ``on_prepare(handle)`` once per loop iteration (uv_prepare_t)."""

    _native = _uv.Prepare

    def __init__(self, loop=None, on_prepare=None):
        UVHandle.__init__(self, loop)
        self.on_prepare = on_prepare

    def start(self, on_prepare=None):
        """Start calling ``on_prepare`` every iteration.

        :raises uv.ClosedHandleError: the handle is closing or closed"""
        if on_prepare is not None:
            self.on_prepare = on_prepare
        self._n.start(self)

    def stop(self):
        """Stop calling ``on_prepare``."""
        self._n.stop()
