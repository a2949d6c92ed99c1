"""Streams: :class:`UVStream` (the base of TCP, pipes and TTYs) and the
requests that run on them: :class:`WriteRequest`, :class:`ShutdownRequest`
and :class:`ConnectRequest`."""
from ._loader import _uv
from .abstract import Stream
from .common import dummy_callback
from .handle import UVHandle
from .error import ArgumentError, StatusCodes
from .request import RequestType, UVRequest

__all__ = ["UVStream", "ConnectRequest", "WriteRequest", "ShutdownRequest"]


def _buffer(item):
    if type(item) is bytes:
        return item
    if isinstance(item, str):
        raise TypeError("data must be bytes-like, not str (encode it first)")
    return bytes(memoryview(item))       # bytearray, memoryview, any buffer


def _data(data):
    """bytes, or a list of bytes, from what write() accepts."""
    if type(data) is bytes:
        return data
    if isinstance(data, (list, tuple)):
        return [_buffer(item) for item in data]
    return _buffer(data)


def _native(handle):
    try:
        return handle._n
    except AttributeError:
        raise TypeError("send_stream must be a uv handle, not %s" % type(handle).__name__)


def _callback(cb, name):
    if cb is None:
        return dummy_callback
    if not callable(cb):
        raise TypeError("%s must be callable, not %s" % (name, type(cb).__name__))
    return cb


class UVStream(UVHandle):
    """Base class of stream handles (TCP, Pipe, TTY).

    Reading makes the stream pending; ``on_read(stream, status, data)`` gets
    each chunk as ``bytes``; the end of the stream arrives as
    ``status is StatusCodes.EOF`` with ``b''``, an error as its status.
    ``on_connection(stream, status)`` runs for each incoming connection of a
    listening stream.
    """

    def __init__(self, loop=None, arguments=(), on_read=None, on_connection=None):
        UVHandle.__init__(self, loop, arguments)
        self.on_read = on_read
        self.on_connection = on_connection

    @property
    def readable(self):
        """Whether the stream can be read from."""
        return self._n.is_readable()

    @property
    def writable(self):
        """Whether the stream can be written to."""
        return self._n.is_writable()

    @property
    def write_queue_size(self):
        """Bytes waiting to be written."""
        return self._n.write_queue_size()

    @property
    def read_buffer_size(self):
        """The most bytes one ``on_read`` call gets: the size of the buffer
        libuv reads this stream into (read/write; default: the loop's
        ``buffer_size``).  Larger reads mean fewer calls and larger writes
        for bulk data; setting 0 goes back to the loop's size.

        :raises uv.error.ArgumentError: not between 0 and 2**30
        :raises uv.ClosedHandleError: setting it on a closing or closed stream"""
        return self._n.get_read_buffer_size()

    @read_buffer_size.setter
    def read_buffer_size(self, size):
        self._n.set_read_buffer_size(size)

    def read_start(self, on_read=None):
        """Start reading.

        :raises uv.ClosedHandleError: the handle is closing or closed"""
        if on_read is not None:
            self.on_read = on_read
        self._n.read_start(self)

    def read_stop(self):
        """Stop reading."""
        self._n.read_stop()

    def write(self, data, send_stream=None, on_write=None):
        """Write *data* (bytes-like, or a list/tuple of them written as one
        gathered write); ``on_write(request, status)`` runs once it is written.
        *send_stream* (a TCP, Pipe or UDP handle) is sent along over an IPC
        pipe (with at least one byte of *data*: the kernel drops a handle
        sent with none); a handle dropped before the write goes out is
        kept until then.
        Returns the :class:`WriteRequest`."""
        if send_stream is None and on_write is None and type(data) is bytes:
            request = _new_request(WriteRequest)       # the common case
            request.stream = self
            request._seq = self._n.write(data, None, None)
            return request
        if type(data) is not bytes:
            data = _data(data)
        request = _new_request(WriteRequest)
        request.stream = self
        send = None
        if send_stream is not None:
            request.send_stream = send_stream
            send = _native(send_stream)
        if on_write is None:
            request._seq = self._n.write(data, send, None)
        else:
            request._on_write = _callback(on_write, "on_write")
            request._seq = self._n.write(data, send, request)
        return request

    def try_write(self, data):
        """Write what the socket takes now, without queueing; returns the
        number of bytes written (0 if none could be)."""
        return self._n.try_write(_data(data))

    def shutdown(self, on_shutdown=None):
        """Shut the writing side down once queued writes are done;
        ``on_shutdown(request, status)`` follows.  Returns the request."""
        return ShutdownRequest(self, on_shutdown)

    def listen(self, backlog=511, on_connection=None):
        """Listen for connections; ``on_connection(stream, status)`` runs for
        each, and :meth:`accept` takes it."""
        if on_connection is not None:
            self.on_connection = on_connection
        self._n.listen(self, backlog)

    def accept(self, cls=None, *arguments, **keywords):
        """Accept a pending connection: a new stream of the same kind on the
        same loop (or ``cls(*arguments, loop=self.loop, **keywords)``).

        :raises uv.error.TemporaryUnavailableError: no connection is pending"""
        if cls is None:
            cls = type(self)
        client = cls(*arguments, loop=self._loop, **keywords)
        try:
            self._n.accept(client._n)
        except BaseException:
            client.close()
            raise
        return client


Stream.register(UVStream)


class WriteRequest(UVRequest):
    """A write on a stream, made by :meth:`UVStream.write`:
    ``on_write(request, status)`` runs once the data is written
    (``StatusCodes.ECANCELED`` if the stream closed first).

    A write request has no native object of its own (an HPy object with a
    destructor costs over a microsecond to create on PyPy): the stream counts
    its completed writes, which complete in order, and a request with
    ``on_write`` is kept by the loop until its callback.  ``on_write`` may be
    set until the write is done.  libuv cannot cancel a write:
    :meth:`cancel` raises ArgumentError."""

    __slots__ = ("stream", "_seq")
    type = RequestType.WRITE
    #: The handle sent along over an IPC pipe, or None.
    send_stream = None
    #: User-specific data of any type.
    data = None
    _on_write = dummy_callback

    def __init__(self, *args, **kwargs):
        raise TypeError("write requests are made by stream.write(data, ...)")

    @property
    def loop(self):
        """The :class:`uv.Loop` of the stream."""
        return self.stream._loop

    @property
    def finished(self):
        """True once the write is done (its callback, if any, runs then)."""
        return self.stream._n.writes_done() >= self._seq

    @property
    def on_write(self):
        """``on_write(request, status)``; may be set until the write is done."""
        return self._on_write

    @on_write.setter
    def on_write(self, callback):
        self._on_write = _callback(callback, "on_write")
        self.stream._n.pin_write(self._seq, self)

    def cancel(self):
        """libuv cannot cancel a write.

        :raises uv.error.ArgumentError: always"""
        raise ArgumentError(StatusCodes.EINVAL, "a write cannot be cancelled; "
                            "close the stream to cancel its pending writes")

    def __repr__(self):
        try:
            state = "finished" if self.finished else "pending"
            return "<uv.WriteRequest %s at %#x>" % (state, id(self))
        except Exception:
            return object.__repr__(self)


_new_request = object.__new__


class ShutdownRequest(UVRequest):
    """Shutting a stream's writing side down: ``on_shutdown(request,
    status)`` runs once the queued writes are done and it is shut."""

    type = RequestType.SHUTDOWN

    def __init__(self, stream, on_shutdown=None):
        UVRequest.__init__(self, stream._loop)
        self.stream = stream
        self.on_shutdown = _callback(on_shutdown, "on_shutdown")
        self._n = n = _uv.ShutdownRequest(stream._loop._n)
        n.start(self, stream._n)

    def _complete(self, status):
        self.on_shutdown(self, status)


class ConnectRequest(UVRequest):
    """Base of the connect requests: ``on_connect(request, status)``.

    libuv cannot cancel a connect: :meth:`cancel` raises ArgumentError;
    closing the stream cancels it (status ``ECANCELED``)."""

    type = RequestType.CONNECT

    def __init__(self, stream, on_connect=None):
        UVRequest.__init__(self, stream._loop)
        self.stream = stream
        self.on_connect = _callback(on_connect, "on_connect")
        self._n = _uv.ConnectRequest(stream._loop._n)

    def _complete(self, status):
        self.on_connect(self, status)
