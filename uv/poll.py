"""Readiness of a file descriptor: :class:`Poll` and :class:`PollEvent`."""
from ._loader import _uv
from .common import Enumeration
from .handle import UVHandle, _fileno

__all__ = ["Poll", "PollEvent"]


class PollEvent(Enumeration):
    """Events of :class:`Poll` (combined with ``|``; ``on_event`` gets the
    member, or a plain int for a combination)."""

    #: The fd can be read from.
    READABLE = _uv.UV_READABLE
    #: The fd can be written to.
    WRITABLE = _uv.UV_WRITABLE
    #: The peer closed its side (a socket; POLLRDHUP).
    DISCONNECT = _uv.UV_DISCONNECT
    #: Urgent data can be read (out-of-band data; POLLPRI).
    PRIORITIZED = _uv.UV_PRIORITIZED


class Poll(UVHandle):
    """``Poll(fd, loop=None, on_event=None)``: once started, calls
    ``on_event(poll, status, events)`` while the file descriptor *fd* (a
    socket, a pipe, a terminal: not a regular file) is ready for the events
    asked for.  The fd stays the caller's: closing the handle does not close
    it (libuv makes it non-blocking).  A started Poll is pending.

    An fd closed while the Poll is started does not crash anything: the
    Poll stops, and ``on_event`` gets ``StatusCodes.EBADF`` (with 0 events)
    in the next loop iteration.  libuv reports an error condition on the fd
    (POLLERR) as ``EBADF`` too, and stops the Poll.

    :raises uv.error.BadFileDescriptorError: *fd* is not open
    :raises uv.error.PermissionError: *fd* cannot be polled (a regular file)
    :raises uv.error.FileExistsError: another handle of the loop watches *fd*
    """

    _native = _uv.Poll

    def __init__(self, fd, loop=None, on_event=None):
        fd = _fileno(fd)
        UVHandle.__init__(self, loop, (fd,))
        #: The file descriptor watched.
        self.fd = fd
        self.on_event = on_event

    def start(self, events=PollEvent.READABLE, on_event=None):
        """Watch *events* (``PollEvent`` values combined with ``|``; 0
        stops); a second start replaces the events watched.

        :raises uv.error.ArgumentError: unknown event bits
        :raises uv.error.BadFileDescriptorError: the fd was closed
        :raises uv.ClosedHandleError: the handle is closing or closed"""
        if on_event is not None:
            self.on_event = on_event
        self._n.start(self, events)

    def stop(self):
        """Stop watching."""
        self._n.stop()

    def fileno(self):
        """The file descriptor watched.

        :raises uv.ClosedHandleError: the handle is closing or closed"""
        return self._n.fileno()
