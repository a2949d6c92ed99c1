"""The event loop: :class:`Loop`, :class:`RunModes` and the read allocators."""
import abc
import collections
import signal
import sys
import threading
import traceback
import weakref

from ._loader import _uv
from .common import Enumeration, collect_garbage
from .error import ResourceBusyError, StatusCodes, TooManyOpenFilesError

__all__ = ["Loop", "RunModes", "Allocator", "DefaultAllocator"]


class RunModes(Enumeration):
    """How :meth:`Loop.run` runs (libuv's ``uv_run_mode``)."""

    #: Run until there are no more active and referenced handles or requests.
    DEFAULT = _uv.UV_RUN_DEFAULT
    #: Poll for I/O once, blocking if there is nothing pending.
    ONCE = _uv.UV_RUN_ONCE
    #: Poll for I/O once, never blocking.
    NOWAIT = _uv.UV_RUN_NOWAIT


class Allocator(abc.ABC):
    """Where a handle's reads go.

    ``allocate(handle, suggested_size)`` returns a writable buffer and
    ``finalize(handle, length, buffer)`` returns what ``on_read`` receives.
    """

    @abc.abstractmethod
    def allocate(self, handle, suggested_size):
        """Return a writable buffer of at least one byte."""

    @abc.abstractmethod
    def finalize(self, handle, length, buffer):
        """Return the data handed to ``on_read`` for *length* bytes read."""


class DefaultAllocator(Allocator):
    """Reads go into one buffer owned by the loop and arrive as ``bytes``.

    Handles that use it take the native fast path: the buffer lives in C and
    :meth:`allocate` / :meth:`finalize` are not called.
    """

    def __init__(self, buffer_size=262144):
        self.buffer_size = buffer_size

    def allocate(self, handle, suggested_size):
        return bytearray(self.buffer_size)

    def finalize(self, handle, length, buffer):
        return bytes(buffer[:length])

    def __repr__(self):
        return "<uv.loop.DefaultAllocator buffer_size=%d>" % self.buffer_size


def default_excepthook(loop, exc_type, exc_value, exc_traceback):
    """Print the traceback of a callback's exception to stderr, stop the loop."""
    traceback.print_exception(exc_type, exc_value, exc_traceback)
    loop.stop()


def retry_after_collect(fn, *args):
    """``fn(*args)``; when that runs out of file descriptors, collect
    garbage once (which closes the loops and handles that were dropped
    without being closed: on PyPy they keep their fds until a collection)
    and call it again."""
    try:
        return fn(*args)
    except TooManyOpenFilesError:
        collect_garbage()
    return fn(*args)


# Each native loop holds 4 file descriptors until it is closed or
# collected.  Loops dropped without close() are collected at once by
# CPython's reference counting, but only by a collection on PyPy (or on
# CPython, when they are in a reference cycle): a collection runs whenever
# the number of loops not closed doubles (from 32 on), so that creating
# loops never fails because of dropped ones.
_COLLECT_MIN = 32
_collect_at = _COLLECT_MIN


def _native_loop(default, buffer_size):
    global _collect_at
    if _uv.open_loops() >= _collect_at:
        collect_garbage()
        _collect_at = max(_COLLECT_MIN, 2 * _uv.open_loops())
    return retry_after_collect(_uv.Loop, default, buffer_size)


_local = threading.local()
_main_thread = threading.main_thread()
_default_lock = threading.Lock()


class Loop(object):
    """An event loop: ``Loop(allocator=None, buffer_size=262144, default=False)``.

    Creating a loop makes it the current loop of the calling thread.  A loop
    is used by one thread at a time; only :meth:`call_later` and
    ``Async.send`` may be called from other threads.  While the loop waits
    for I/O, other Python threads run.

    *buffer_size* is the size of the loop's read buffer: the most bytes one
    read of a stream (unless its ``read_buffer_size`` is set) or one UDP
    datagram brings.  The default, 256 KiB as in uvloop, lets a large
    message arrive in one ``on_read`` call; the buffer is allocated at the
    first read.
    """

    _default = None

    def __init__(self, allocator=None, buffer_size=262144, default=False):
        self._n = _native_loop(bool(default), buffer_size)
        self._handles = weakref.WeakSet()
        self._later = collections.deque()
        self._interrupt = None
        if allocator is None:
            allocator = DefaultAllocator(buffer_size)
        self.allocator = allocator
        self.buffer_size = buffer_size
        self.excepthook = default_excepthook
        self.exc_type = self.exc_value = self.exc_traceback = None
        self.make_current()

    # ---- current and default loop ----

    @classmethod
    def get_current(cls, instantiate=True):
        """The current loop of this thread (created if there is none)."""
        ref = getattr(_local, "current", None)
        loop = ref() if ref is not None else None
        if loop is None or loop.closed:
            if not instantiate:
                return None
            loop = cls()
        return loop

    @classmethod
    def get_default(cls, instantiate=True):
        """The process-wide default loop (libuv's), created on first use."""
        with _default_lock:
            loop = Loop._default
            if loop is None or loop.closed:
                if not instantiate:
                    return None
                loop = Loop._default = cls(default=True)
            return loop

    def make_current(self):
        """Make this loop the current loop of the calling thread."""
        _local.current = weakref.ref(self)

    # ---- running ----

    def run(self, mode=RunModes.DEFAULT):
        """Run the loop; returns True if handles are still alive (uv_run).

        In the main thread, a signal with a Python handler (Ctrl-C's
        KeyboardInterrupt) wakes the loop while it waits and is raised here."""
        self.make_current()
        wakeup = None
        if threading.current_thread() is _main_thread and not self._n.is_running():
            try:
                wakeup = signal.set_wakeup_fd(self._n.signal_fd())
            except (ValueError, OSError):
                wakeup = None
        try:
            while True:
                result = self._n.run(self, mode)
                # a signal ended the run: its Python handler has run by now
                # (and may have raised); go on unless something else stopped
                if not (self._n.resume_after_signal() and mode == RunModes.DEFAULT
                        and self._interrupt is None):
                    break
        finally:
            if wakeup is not None:
                signal.set_wakeup_fd(wakeup)
        exc = self._interrupt
        if exc is not None:
            self._interrupt = None
            raise exc
        return result

    def stop(self):
        """Stop the loop at the end of the current iteration."""
        self._n.stop()

    def close(self):
        """Close the loop; raises ResourceBusyError while a handle is open.

        Handles nobody holds any more are closed for you, on every
        interpreter: when open handles that are not pending are left, a
        garbage collection tells which ones are still held.  Idempotent."""
        n = self._n
        if n.is_closed():
            return
        n.check_closable()
        busy = self._open_handles()
        if busy:
            raise ResourceBusyError(
                StatusCodes.EBUSY,
                "%d handle(s) are not closed yet: close them and run the loop "
                "until their close callbacks ran (e.g. close_all_handles() then "
                "run()): %s" % (len(busy), ", ".join(repr(h) for h in busy[:5])))
        n.close()
        self._later.clear()

    def close_all_handles(self, on_closed=None):
        """Close every handle of the loop that is not closed yet (the handles
        of :attr:`handles`); the next run() completes it."""
        for handle in self._open_handles():
            handle.close(on_closed)

    def _open_handles(self):
        """The handles not closed that the user still holds (or that are
        pending).  A handle dropped without close() stays in ``_handles``
        until it is collected, at once on CPython and at the next collection
        on PyPy: when a handle that is not pending is among them, the
        collector is asked first, so that the answer is the same on every
        interpreter."""
        handles = [h for h in list(self._handles) if not h.closed]
        if any(not h._n.is_pending() for h in handles):
            del handles
            collect_garbage()
            handles = [h for h in list(self._handles) if not h.closed]
        return handles

    # ---- context manager ----

    def __enter__(self):
        """``with uv.Loop() as loop:`` gives the loop itself; see
        :meth:`__exit__` for what leaving the block does."""
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        """Close the loop, and everything on it, when the ``with`` block ends
        (normally or by an exception, which goes on: it is never
        swallowed).

        1. Every handle of the loop that is not closed is closed
           (:meth:`close_all_handles`).  libuv cancels the requests bound to
           those handles (connect, write, shutdown, UDP send): their
           callbacks get ``StatusCodes.ECANCELED``.
        2. The requests of libuv's thread pool that are still queued
           (``uv.fs`` and ``uv.dns`` operations given a callback) are
           cancelled: their callbacks get ``StatusCodes.ECANCELED``.  One
           that a thread already runs cannot be: it runs to its end, and its
           callback gets its result.
        3. The loop runs, one iteration at a time, until every close callback
           (``on_closed``) and every callback of those requests has run.
           Handles and requests that these callbacks start are closed and
           cancelled in the same way.
        4. :meth:`close`.

        A loop already closed in the block is left alone.  An exception
        raised by a callback meanwhile goes to :attr:`excepthook` as usual.

        :raises uv.error.LoopRunningError: the loop is running (the block
            ends inside one of its own callbacks); nothing is closed then
        :raises uv.error.LoopThreadError: another thread runs the loop"""
        n = self._n
        if n.is_closed():
            return None
        n.check_closable()
        while True:
            self.close_all_handles()
            n.cancel_requests()
            if n.requests_in_flight() == 0 and not self._open_handles():
                break
            self.run(RunModes.ONCE)
        self.close()
        return None

    # ---- state ----

    @property
    def closed(self):
        """True once :meth:`close` succeeded."""
        return self._n.is_closed()

    @property
    def alive(self):
        """True if the loop has active and referenced handles or requests."""
        return self._n.alive()

    @property
    def now(self):
        """The loop's cached time in milliseconds."""
        return self._n.now()

    @property
    def handles(self):
        """The set of the user's handles on this loop that are not closed:
        those somebody holds, and the pending ones (which the loop holds).
        It may cost a garbage collection (see :meth:`close`)."""
        return set(self._open_handles())

    def fileno(self):
        """The backend file descriptor (epoll) of the loop."""
        return self._n.backend_fd()

    def update_time(self):
        """Update the loop's cached time."""
        self._n.update_time()

    def get_timeout(self):
        """The poll timeout in ms the loop would use now (-1: none)."""
        return self._n.backend_timeout()

    # ---- call_later ----

    def call_later(self, callback, *args, **kwargs):
        """Run ``callback(*args, **kwargs)`` on the loop thread at its next
        iteration (FIFO).  Thread-safe."""
        if not callable(callback):
            raise TypeError("callback must be callable, not %r" % (callback,))
        self._later.append((callback, args, kwargs))
        self._n.wakeup()

    def _run_later(self):
        later = self._later
        for _ in range(len(later)):
            try:
                callback, args, kwargs = later.popleft()
            except IndexError:
                return
            try:
                callback(*args, **kwargs)
            except BaseException as exc:
                self._callback_error(exc)

    # ---- exceptions from callbacks ----

    def _callback_error(self, exc):
        self.exc_type, self.exc_value = type(exc), exc
        self.exc_traceback = exc.__traceback__
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            if self._interrupt is None:
                self._interrupt = exc
            self._n.stop()
            return
        try:
            self.excepthook(self, type(exc), exc, exc.__traceback__)
        except BaseException as hook_exc:
            if isinstance(hook_exc, (KeyboardInterrupt, SystemExit)):
                if self._interrupt is None:
                    self._interrupt = hook_exc
            else:
                sys.stderr.write("uv: the excepthook of %r raised an exception "
                                 "while handling another; the loop stops.\n" % self)
                traceback.print_exception(type(hook_exc), hook_exc,
                                          hook_exc.__traceback__)
            self._n.stop()

    def reset_exception(self):
        """Forget the last exception raised in a callback."""
        self.exc_type = self.exc_value = self.exc_traceback = None

    def __repr__(self):
        try:
            n = self._n
            state = ("closed" if n.is_closed() else
                     "running" if n.is_running() else "idle")
            kind = " default" if n.is_default() else ""
            return "<%s.%s%s %s handles=%d at %#x>" % (
                type(self).__module__, type(self).__name__, kind, state,
                n.open_handles(), id(self))
        except Exception:
            return object.__repr__(self)
