"""The base class of every libuv handle: :class:`UVHandle`."""
from .abstract import Handle
from .common import dummy_callback
from .error import LoopClosedError
from .loop import Allocator, DefaultAllocator, Loop, retry_after_collect

__all__ = ["UVHandle"]


def _fileno(fd):
    """An int fd, or what ``fd.fileno()`` returns for an object that has one
    (a socket, a file); anything else is passed on for the native layer to
    refuse (TypeError)."""
    if not isinstance(fd, int):
        fileno = getattr(fd, "fileno", None)
        if fileno is not None and callable(fileno):
            return fileno()
    return fd


class UVHandle(object):
    """Base class of all libuv-based handles: ``UVHandle(loop, arguments=())``.

    A subclass sets ``_native`` to the native type; *arguments* are passed to
    it after the native loop.  Callbacks are ``on_*`` attributes: assigning a
    non-callable raises ``TypeError`` and ``None`` restores the no-op default.

    :raises uv.LoopClosedError: the loop has been closed
    """

    _native = None

    def __init__(self, loop=None, arguments=()):
        if loop is None:
            loop = Loop.get_current()
        elif not isinstance(loop, Loop):
            raise TypeError("loop must be a uv.Loop, not %s" % type(loop).__name__)
        self._n = retry_after_collect(self._native, loop._n, *arguments)
        self._loop = loop
        self.on_closed = dummy_callback
        #: User-specific data of any type.
        self.data = None
        allocator = loop.allocator
        self._allocator = None if type(allocator) is DefaultAllocator else allocator
        loop._handles.add(self)

    def __setattr__(self, name, value):
        if name[:3] == "on_":
            if value is None:
                value = dummy_callback
            elif not callable(value):
                raise TypeError("%s must be callable, not %s"
                                % (name, type(value).__name__))
        object.__setattr__(self, name, value)

    @property
    def loop(self):
        """The :class:`uv.Loop` the handle runs on (read-only)."""
        return self._loop

    @property
    def closing(self):
        """True right after :meth:`close` was called (and once closed)."""
        return self._n.is_closing()

    @property
    def closed(self):
        """True once the close callback has run."""
        return self._n.is_closed()

    @property
    def active(self):
        """Whether the handle is active (started, reading, ...)."""
        return self._n.is_active()

    @property
    def referenced(self):
        """Whether the handle keeps ``loop.run()`` running (read/write)."""
        return self._n.has_ref()

    @referenced.setter
    def referenced(self, value):
        if value:
            self._n.ref()
        else:
            self._n.unref()

    def reference(self):
        """Reference the handle (idempotent).

        :raises uv.ClosedHandleError: the handle is closing or closed"""
        self._n.ref()

    def dereference(self):
        """Dereference the handle (idempotent).

        :raises uv.ClosedHandleError: the handle is closing or closed"""
        self._n.unref()

    def close(self, on_closed=None):
        """Close the handle; idempotent.  ``on_closed(handle)`` (replacing the
        stored callback when given) runs from the loop once it is closed.
        On a closing or closed handle it has no effect at all."""
        if self._n.is_closing():
            return
        if on_closed is not None:
            self.on_closed = on_closed
        self._n.close(self)

    def __enter__(self):
        """``with uv.TCP() as tcp:`` gives the handle itself."""
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        """Close the handle when the ``with`` block ends (as :meth:`close`;
        nothing happens if it is closing or closed already).  The exception
        that ended the block, if any, goes on.

        The handle is *closing* afterwards: its close callback
        (``on_closed``) runs, and its requests in flight (connect, write,
        shutdown, send) end with ``StatusCodes.ECANCELED``, the next time
        the loop runs; ``with uv.Loop() as loop:`` runs it on exit."""
        self.close()
        return None

    def _closed_by_loop(self):
        """Called by the loop when the close callback ran (before on_closed)."""

    @property
    def allocator(self):
        """The :class:`uv.loop.Allocator` for reads (default: the loop's).

        Reads of a stream whose allocator is the loop's default one take the
        native path; with any other, ``allocate``/``finalize`` are called."""
        allocator = self._allocator
        return allocator if allocator is not None else self._loop.allocator

    @allocator.setter
    def allocator(self, value):
        if value is None or (value is self._loop.allocator
                             and type(value) is DefaultAllocator):
            self._allocator = None
            return
        if not isinstance(value, Allocator):
            raise TypeError("allocator must be a uv.loop.Allocator, not %s"
                            % type(value).__name__)
        self._allocator = value

    @property
    def send_buffer_size(self):
        """The socket's send buffer size (TCP, UDP, pipes; the value set is
        the value read, on Linux too).

        :raises uv.error.ArgumentError: not supported by this handle"""
        return self._n.get_send_buffer_size()

    @send_buffer_size.setter
    def send_buffer_size(self, value):
        self._n.set_send_buffer_size(value)

    @property
    def receive_buffer_size(self):
        """The socket's receive buffer size (TCP, UDP, pipes)."""
        return self._n.get_receive_buffer_size()

    @receive_buffer_size.setter
    def receive_buffer_size(self, value):
        self._n.set_receive_buffer_size(value)

    def fileno(self):
        """The file descriptor of the handle (TCP, UDP, TTY, pipes, Poll).

        :raises uv.error.ArgumentError: the handle has no file descriptor
        :raises uv.error.BadFileDescriptorError: none attached yet"""
        return self._n.fileno()

    def set_pending(self):
        """Internal: the loop keeps this handle alive."""
        self._n.set_pending(self)

    def clear_pending(self):
        """Internal: undo :meth:`set_pending`."""
        self._n.clear_pending()

    def _state(self):
        n = self._n
        if n.is_closed():
            return "closed"
        if n.is_closing():
            return "closing"
        return "active" if n.is_active() else "inactive"

    def __repr__(self):
        try:
            return "<%s.%s %s at %#x>" % (type(self).__module__,
                                          type(self).__name__, self._state(),
                                          id(self))
        except Exception:
            return object.__repr__(self)


Handle.register(UVHandle)
