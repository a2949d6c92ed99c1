"""The abstract base classes of ``uv``: :class:`Handle`, :class:`Request`
and :class:`Stream`.

The concrete classes are *registered* with them rather than derived from
them, so ``isinstance(uv.TCP(), uv.Stream)`` holds while the hot classes stay
plain Python classes.  A pure-Python handle (TLS over a stream, say) may
derive from them.
"""
import abc

__all__ = ["Handle", "Request", "Stream"]


class Handle(abc.ABC):
    """A long-lived object that can do something while active.

    Handles that can still call a callback by themselves are *pending*: the
    loop keeps them alive, and they are garbage-collected together with it
    only when neither is reachable.
    """

    @property
    @abc.abstractmethod
    def loop(self):
        """The :class:`uv.Loop` the handle runs on."""

    @property
    @abc.abstractmethod
    def closing(self):
        """True once :meth:`close` was called (also when closed)."""

    @property
    @abc.abstractmethod
    def closed(self):
        """True once the close callback has run."""

    @property
    @abc.abstractmethod
    def active(self):
        """Whether the handle is doing something (started, reading, ...)."""

    @property
    @abc.abstractmethod
    def referenced(self):
        """Whether the handle keeps ``loop.run()`` running."""

    @abc.abstractmethod
    def reference(self):
        """Make the handle keep ``loop.run()`` running (idempotent)."""

    @abc.abstractmethod
    def dereference(self):
        """Stop the handle from keeping ``loop.run()`` running (idempotent)."""

    @abc.abstractmethod
    def close(self, on_closed=None):
        """Close the handle (idempotent); *on_closed(handle)* runs later."""

    def __enter__(self):
        """``with handle:`` gives the handle itself."""
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        """Close the handle when the ``with`` block ends (:meth:`close` is
        idempotent); the exception that ended the block goes on."""
        self.close()
        return None


class Request(abc.ABC):
    """A short-lived operation that ends with one callback."""

    @abc.abstractmethod
    def cancel(self):
        """Cancel the request where libuv allows it."""


class Stream(Handle):
    """A duplex byte stream (TCP, pipes, TTYs, TLS over any of them)."""

    @abc.abstractmethod
    def read_start(self, on_read=None):
        """Start reading; *on_read(stream, status, data)* runs per chunk."""

    @abc.abstractmethod
    def read_stop(self):
        """Stop reading."""

    @abc.abstractmethod
    def write(self, data, send_stream=None, on_write=None):
        """Write *data*; returns the write request."""

    @abc.abstractmethod
    def shutdown(self, on_shutdown=None):
        """Shut the writing side down after the queued writes."""
