"""Polling a path for changes with stat(): :class:`FSPoll`."""
from ._loader import _uv
from .fs import _path
from .handle import UVHandle

__all__ = ["FSPoll"]


class FSPoll(UVHandle):
    """``FSPoll(path=None, interval=5000, loop=None, on_change=None)``:
    once started, calls stat() on *path* every *interval* milliseconds and
    ``on_change(fs_poll, status, previous_stat, current_stat)`` (both
    :class:`uv.fs.Stat` values) when the result changes.

    *status* is a :class:`uv.StatusCodes`: an error (``ENOENT`` for a path
    that does not exist) is reported once, when it starts (with a zeroed
    current stat); when the path appears later, a change with
    ``StatusCodes.SUCCESS`` follows (with a zeroed previous stat).  A
    started FSPoll is pending until stopped or closed.

    To poll another path, :meth:`stop` and :meth:`start` again once the
    loop has run: libuv finishes the stat() in flight first (:meth:`start`
    raises ``ResourceBusyError`` until then; libuv 1.44 would abort)."""

    _native = _uv.FSPoll

    def __init__(self, path=None, interval=5000, loop=None, on_change=None):
        UVHandle.__init__(self, loop)
        #: The path polled (or to poll at the next start()).
        self.path = path
        #: The interval of the next start(), in milliseconds.
        self.interval = interval
        self.on_change = on_change

    def start(self, path=None, interval=None, on_change=None):
        """Start polling *path* (default: :attr:`path`) every *interval* ms
        (default: :attr:`interval`).

        :raises ValueError: no path was given
        :raises uv.error.ArgumentError: a negative or too large interval
        :raises uv.error.ResourceBusyError: it polls already, or its
            previous poll is still finishing (see the class)
        :raises uv.ClosedHandleError: the handle is closing or closed"""
        path = self.path if path is None else path
        interval = self.interval if interval is None else interval
        if on_change is not None:
            self.on_change = on_change
        if path is None:
            raise ValueError("FSPoll.start() needs a path")
        self._n.start(self, _path(path)[0], interval)
        self.path, self.interval = path, interval

    def stop(self):
        """Stop polling (no effect on a closing or closed handle)."""
        self._n.stop()

    def __repr__(self):
        try:
            return "<%s.%s %s path=%r at %#x>" % (
                type(self).__module__, type(self).__name__, self._state(),
                self.path, id(self))
        except Exception:
            return object.__repr__(self)
