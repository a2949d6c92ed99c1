"""Check handles: :class:`Check`."""
from ._loader import _uv
from .handle import UVHandle

__all__ = ["Check"]


class Check(UVHandle):
    """``Check(loop=None, on_check=None)``: once started, calls
    ``on_check(handle)`` once per loop iteration (uv_check_t)."""

    _native = _uv.Check

    def __init__(self, loop=None, on_check=None):
        UVHandle.__init__(self, loop)
        self.on_check = on_check

    def start(self, on_check=None):
        """Start calling ``on_check`` every iteration.

        :raises uv.ClosedHandleError: the handle is closing or closed"""
        if on_check is not None:
            self.on_check = on_check
        self._n.start(self)

    def stop(self):
        """Stop calling ``on_check``."""
        self._n.stop()
