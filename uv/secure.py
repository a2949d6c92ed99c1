"""TLS over any stream: :class:`Secure` (API.md section 8).

``Secure(stream, context, server_side=False, server_hostname=None)`` runs
TLS over a connected stream (a :class:`uv.TCP`, :class:`uv.Pipe`, any
:class:`uv.Stream`, another :class:`Secure`) with the standard library's
``ssl`` module: an ``ssl.SSLObject`` between two ``ssl.MemoryBIO``\\ s, so
that the bytes travel through the stream's own reads and writes (no socket
is handed to ``ssl``).  It has the stream surface: ``read_start``,
``read_stop``, ``write``, ``shutdown``, ``close`` and the handle properties;
plus :meth:`Secure.handshake`.

- The handshake starts with :meth:`Secure.handshake`, or by itself with the
  first ``read_start`` or ``write``; ``on_handshake(request, status,
  error)`` runs once it is done: ``StatusCodes.SUCCESS`` and ``None``, or an
  error status with the exception (an ``ssl.SSLError`` such as
  ``ssl.SSLCertVerificationError`` for a certificate that does not verify or
  a name that does not match *server_hostname*, with status ``EPROTO``; an
  ``ssl.SSLEOFError`` with status ``EOF`` when the peer closed the
  connection; the stream's error otherwise).  A reading ``Secure`` also gets
  the error status in ``on_read``.  The failure is final; close the stream.
- Writes before the handshake has finished are queued and sent after it.
- ``shutdown`` sends TLS's close_notify after the queued writes, then shuts
  the stream's writing side down.  The peer's close_notify arrives as
  ``StatusCodes.EOF``; so does an end of the stream without one (a
  "ragged" EOF, which ``eof_without_close_notify`` then tells).
- TLS 1.2 and 1.3 work; renegotiation is not supported (OpenSSL refuses it
  on a TLS 1.3 connection, and ``ssl`` has no way to start one).

The ``Secure`` owns its stream: it sets the stream's ``on_read`` and reads
whenever the handshake, the user's ``read_start`` or the wait for the
peer's close_notify needs it.
"""
import collections
import ssl

from .abstract import Request, Stream
from .common import dummy_callback
from .error import (ArgumentError, ClosedHandleError, NotSupportedError,
                    StatusCodes, UVError)

__all__ = ["Secure", "HandshakeRequest", "SecureWriteRequest",
           "SecureShutdownRequest"]

_S = StatusCodes
_SUCCESS = StatusCodes.SUCCESS
_EOF = StatusCodes.EOF
_EPROTO = StatusCodes.EPROTO
_ECANCELED = StatusCodes.ECANCELED

_WantRead = ssl.SSLWantReadError
_ZeroReturn = ssl.SSLZeroReturnError
_SSLError = ssl.SSLError

# how much one SSLObject.read asks for (a TLS record holds at most 16 KiB)
_READ_SIZE = 16384 + 1024

_new = object.__new__

# states
_NEW, _HANDSHAKING, _OPEN, _FAILED, _CLOSED = range(5)
_STATE_NAMES = {_NEW: "new", _HANDSHAKING: "handshaking", _OPEN: "open",
                _FAILED: "failed", _CLOSED: "closed"}


def _callback(cb, name):
    if cb is None:
        return dummy_callback
    if not callable(cb):
        raise TypeError("%s must be callable, not %s" % (name, type(cb).__name__))
    return cb


def _bytes(data):
    if type(data) is bytes:
        return data
    if isinstance(data, str):
        raise TypeError("data must be bytes-like, not str (encode it first)")
    if isinstance(data, (list, tuple)):
        return b"".join(_bytes(item) for item in data)
    return bytes(memoryview(data))


class _SecureRequest(object):
    """Base of the requests of a :class:`Secure`: ``stream``, ``loop``,
    ``finished``, ``data``; they cannot be cancelled."""

    #: User-specific data of any type.
    data = None
    _finished = False
    _raw = None          # the stream's write or shutdown request

    def __init__(self, stream):
        self.stream = stream

    @property
    def loop(self):
        """The :class:`uv.Loop` of the stream."""
        return self.stream.loop

    @property
    def finished(self):
        """True once the request is done (its callback has run)."""
        if self._finished:
            return True
        raw = self._raw
        return raw is not None and raw.finished

    def cancel(self):
        """A TLS request cannot be cancelled; close the stream instead.

        :raises uv.error.ArgumentError: always"""
        raise ArgumentError(StatusCodes.EINVAL, "a %s cannot be cancelled; close "
                            "the stream instead" % type(self).__name__)

    def __repr__(self):
        return "<uv.secure.%s %s at %#x>" % (
            type(self).__name__, "finished" if self.finished else "pending", id(self))


class HandshakeRequest(_SecureRequest):
    """The TLS handshake of a :class:`Secure`: ``on_handshake(request,
    status, error)`` runs once it is done."""

    def __init__(self, stream, on_handshake=None):
        _SecureRequest.__init__(self, stream)
        self.on_handshake = _callback(on_handshake, "on_handshake")

    def _finish(self, status, error):
        self._finished = True
        self.on_handshake(self, status, error)


class SecureWriteRequest(_SecureRequest):
    """A write on a :class:`Secure`: ``on_write(request, status)`` runs once
    its encrypted bytes are written to the stream (``ECANCELED`` if the
    stream closed first, an error status if the handshake failed)."""

    on_write = None
    _payload = None

    def __init__(self, stream, payload, on_write):
        _SecureRequest.__init__(self, stream)
        self.on_write = on_write
        self._payload = payload

    def _done(self, request, status):
        self._finish(status)

    def _finish(self, status):
        self._finished = True
        if self.on_write is not None:
            self.on_write(self, status)


class SecureShutdownRequest(_SecureRequest):
    """Shutting a :class:`Secure` down: close_notify, then the stream's own
    shutdown; ``on_shutdown(request, status)`` runs once that is done."""

    def __init__(self, stream, on_shutdown=None):
        _SecureRequest.__init__(self, stream)
        self.on_shutdown = _callback(on_shutdown, "on_shutdown")

    def _done(self, request, status):
        self._finish(status)

    def _finish(self, status):
        self._finished = True
        self.on_shutdown(self, status)


for _cls in (HandshakeRequest, SecureWriteRequest, SecureShutdownRequest):
    Request.register(_cls)


def _ssl_status(exc):
    """The status that stands for an ssl exception."""
    if isinstance(exc, ssl.SSLEOFError):
        return _EOF
    return _EPROTO


class Secure(object):
    """TLS over *stream*: ``Secure(stream, context, server_side=False,
    server_hostname=None)``.

    *context* is an ``ssl.SSLContext`` (``ssl.create_default_context()`` for
    a client that checks the server's certificate and name; a
    ``PROTOCOL_TLS_SERVER`` context with ``load_cert_chain`` for a server).
    *server_hostname* is the name sent with SNI and checked against the
    server's certificate when the context has ``check_hostname``.

    Callbacks: ``on_read(secure, status, data)`` (plaintext),
    ``on_closed(secure)``; ``on_handshake`` belongs to the
    :class:`HandshakeRequest`.

    :raises TypeError: *stream* is not a stream or *context* not an
        ``ssl.SSLContext``
    :raises ValueError: ``ssl``'s own checks (a server_hostname with
        ``server_side``, a context that checks host names without one)
    """

    def __init__(self, stream, context, server_side=False, server_hostname=None):
        if not isinstance(stream, Stream):
            raise TypeError("stream must be a uv.Stream, not %s" % type(stream).__name__)
        if not isinstance(context, ssl.SSLContext):
            raise TypeError("context must be an ssl.SSLContext, not %s"
                            % type(context).__name__)
        if stream.closing:
            raise ClosedHandleError()
        if server_hostname is not None and not isinstance(server_hostname, str):
            raise TypeError("server_hostname must be a str or None, not %s"
                            % type(server_hostname).__name__)
        # the checks of ssl's own sockets (SSLObject leaves them out)
        if server_side and server_hostname:
            raise ValueError("server_hostname can only be specified in client mode")
        if not server_side and context.check_hostname and not server_hostname:
            raise ValueError("check_hostname requires server_hostname")
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self._ssl = context.wrap_bio(self._incoming, self._outgoing,
                                     server_side=bool(server_side),
                                     server_hostname=server_hostname)
        # the hot calls go straight to the C object under ssl.SSLObject
        # (its read/write/pending are Python methods that only forward)
        raw = getattr(self._ssl, "_sslobj", self._ssl)
        self._ssl_read = raw.read
        self._ssl_write = raw.write
        self._ssl_pending = raw.pending
        self.stream = stream
        self.context = context
        self.server_side = bool(server_side)
        self.server_hostname = server_hostname
        self.on_read = dummy_callback
        self.on_closed = dummy_callback
        #: User-specific data of any type.
        self.data = None
        #: The exception that ended the connection (failed handshake, TLS
        #: error), or None.
        self.error = None
        #: True when the stream ended without the peer's close_notify.
        self.eof_without_close_notify = False
        self._state = _NEW
        self._handshake = None
        self._reading = False          # the user's read_start
        self._raw_reading = False      # the stream reads for us
        self._pending = collections.deque()    # writes and a shutdown before OPEN
        self._shutdown = None
        self._close_notify_received = False

    # ---- handle surface (the stream's) ----

    @property
    def loop(self):
        """The :class:`uv.Loop` of the stream."""
        return self.stream.loop

    @property
    def closing(self):
        """True once the stream is closing or closed."""
        return self.stream.closing

    @property
    def closed(self):
        """True once the stream is closed."""
        return self.stream.closed

    @property
    def active(self):
        """Whether the stream is active."""
        return self.stream.active

    @property
    def referenced(self):
        """Whether the stream keeps the loop running (read/write)."""
        return self.stream.referenced

    @referenced.setter
    def referenced(self, value):
        self.stream.referenced = value

    def reference(self):
        """Reference the stream."""
        self.stream.reference()

    def dereference(self):
        """Dereference the stream."""
        self.stream.dereference()

    @property
    def readable(self):
        """Whether the stream can be read from."""
        return self.stream.readable

    @property
    def writable(self):
        """Whether the stream can be written to."""
        return self.stream.writable

    @property
    def write_queue_size(self):
        """Encrypted bytes waiting to be written to the stream."""
        return self.stream.write_queue_size

    def fileno(self):
        """The stream's file descriptor."""
        return self.stream.fileno()

    def __setattr__(self, name, value):
        if name[:3] == "on_":
            value = _callback(value, name)
        object.__setattr__(self, name, value)

    # ---- TLS information ----

    @property
    def ssl_object(self):
        """The ``ssl.SSLObject`` (for ``getpeercert()``, ``cipher()``,
        ``version()``, ``selected_alpn_protocol()``, ...)."""
        return self._ssl

    @property
    def handshake_done(self):
        """True once the handshake succeeded."""
        return self._state == _OPEN

    def version(self):
        """The TLS version in use (``'TLSv1.3'``), None before the handshake."""
        return self._ssl.version()

    def cipher(self):
        """``(name, protocol, bits)`` of the cipher in use, or None."""
        return self._ssl.cipher()

    def getpeercert(self, binary_form=False):
        """The peer's certificate (see ``ssl.SSLSocket.getpeercert``)."""
        return self._ssl.getpeercert(binary_form)

    # ---- the handshake ----

    def handshake(self, on_handshake=None):
        """Start the TLS handshake (once; a later call returns the same
        request and may replace its callback).  ``on_handshake(request,
        status, error)`` runs when it is done.  Returns the
        :class:`HandshakeRequest`.

        :raises uv.ClosedHandleError: the stream is closing or closed"""
        request = self._handshake
        if request is None:
            if self.stream.closing:
                raise ClosedHandleError()
            request = self._handshake = HandshakeRequest(self, on_handshake)
            self._state = _HANDSHAKING
            try:
                self._raw_read_start()
                self._do_handshake()
            except UVError as exc:
                # the stream refused (not connected, ...): the handshake
                # failed, and the caller learns why from the exception
                self._state = _FAILED
                self.error = exc
                self._reading = False
                self._raw_read_stop()
                request._finished = True
                self._cancel_pending(exc.code)
                raise
        elif on_handshake is not None:
            request.on_handshake = _callback(on_handshake, "on_handshake")
        return request

    def _do_handshake(self):
        try:
            self._ssl.do_handshake()
        except _WantRead:
            self._flush()
            return
        except (_SSLError, ValueError) as exc:
            self._flush()
            self._fail(_ssl_status(exc), exc)
            return
        self._flush()
        self._state = _OPEN
        self._handshake._finish(_SUCCESS, None)
        if self._state != _OPEN:      # the callback closed it
            return
        pending = self._pending
        while pending:
            item = pending.popleft()
            if isinstance(item, SecureShutdownRequest):
                self._start_shutdown(item)
            else:
                self._send(item)
        if not self._reading and self._shutdown is None:
            self._raw_read_stop()
        # application data that came with the last handshake flight
        if self._incoming.pending and self._reading:
            self._receive()

    def _fail(self, status, exc):
        """The connection failed (handshake or TLS error): report it once."""
        if self._state in (_FAILED, _CLOSED):
            return
        was_handshaking = self._state in (_NEW, _HANDSHAKING)
        self._state = _FAILED
        self.error = exc
        self._raw_read_stop()
        if was_handshaking and self._handshake is not None:
            self._handshake._finish(status, exc)
        self._cancel_pending(status)
        if self._reading:
            self._reading = False
            self.on_read(self, status, b"")

    def _cancel_pending(self, status):
        pending = self._pending
        while pending:
            pending.popleft()._finish(status)

    # ---- reading ----

    def read_start(self, on_read=None):
        """Start delivering plaintext to ``on_read(secure, status, data)``
        (starting the handshake if it has not started).

        :raises uv.ClosedHandleError: the stream is closing or closed"""
        if self.stream.closing:
            raise ClosedHandleError()
        if on_read is not None:
            self.on_read = on_read
        if self._state == _FAILED:
            raise UVError(_EPROTO, "the TLS connection failed: %s" % (self.error,))
        self._reading = True
        if self._state == _NEW:
            self.handshake()
        elif self._state == _OPEN:
            self._raw_read_start()
            if self._incoming.pending or self._ssl_pending():
                self._receive()

    def read_stop(self):
        """Stop delivering plaintext (the stream goes on reading while the
        handshake or a shutdown needs it)."""
        self._reading = False
        if self._state == _OPEN and self._shutdown is None:
            self._raw_read_stop()

    def _raw_read_start(self):
        if not self._raw_reading and not self.stream.closing:
            self.stream.read_start(self._on_raw_read)
            self._raw_reading = True

    def _raw_read_stop(self):
        if self._raw_reading:
            self._raw_reading = False
            self.stream.read_stop()

    def _on_raw_read(self, stream, status, data):
        if status is _SUCCESS:
            self._incoming.write(data)
            state = self._state
            if state == _OPEN:
                if self._reading:
                    # the common case first: one whole record came
                    try:
                        chunk = self._ssl_read(_READ_SIZE)
                    except _SSLError as exc:
                        self._read_error(exc)
                        return
                    if chunk and not self._incoming.pending and not self._ssl_pending():
                        self.on_read(self, _SUCCESS, chunk)
                        if self._outgoing.pending:
                            self._flush()
                        return
                    self._receive(chunk)
                elif self._shutdown is not None:
                    self._receive()
            elif state == _HANDSHAKING:
                self._do_handshake()
            return
        self._raw_reading = False     # EOF and errors end the stream's reading
        if self._state == _OPEN:
            if status is _EOF:
                # records that came before the end (read() after
                # MemoryBIO.write_eof() tells a ragged EOF differently on
                # different Pythons: a close_notify seen here is what counts)
                if self._incoming.pending and (self._reading or self._shutdown):
                    self._receive()
                if self._state == _OPEN and not self._close_notify_received:
                    self.eof_without_close_notify = True
                    self._end_of_stream(_EOF)
            else:
                self._end_of_stream(status)
        elif self._state == _HANDSHAKING:
            if status is _EOF:
                exc = ssl.SSLEOFError(ssl.SSL_ERROR_EOF,
                                      "the peer closed the connection during "
                                      "the TLS handshake")
            else:
                exc = UVError(status)
            self._fail(status, exc)

    def _end_of_stream(self, status):
        if status is not _EOF:
            self.error = UVError(status)
        if self._reading:
            self._reading = False
            self.on_read(self, status, b"")

    def _receive(self, chunk=None):
        """Decrypt what the incoming BIO holds and hand it to on_read
        (*chunk*: what a read just returned, handed on first)."""
        read = self._ssl_read
        incoming = self._incoming
        while True:
            if chunk is None:
                try:
                    chunk = read(_READ_SIZE)
                except _SSLError as exc:
                    self._read_error(exc)
                    return
            if not chunk:
                self._close_notify()
                return
            if self._reading:
                self.on_read(self, _SUCCESS, chunk)
            chunk = None
            if self._state != _OPEN:
                return
            if not incoming.pending and not self._ssl_pending():
                break
        if self._outgoing.pending:
            self._flush()         # TLS 1.3 key updates, alerts

    def _read_error(self, exc):
        """SSLObject.read raised *exc*."""
        if isinstance(exc, _WantRead):
            if self._outgoing.pending:
                self._flush()
        elif isinstance(exc, _ZeroReturn):
            # the peer's close_notify after ours (read() returns b'' when it
            # comes first)
            self._close_notify()
        else:
            self._flush()
            self._fail(_ssl_status(exc), exc)

    def _close_notify(self):
        """The peer's close_notify came: the end of its data."""
        self._close_notify_received = True
        self._flush()
        self._raw_read_stop()
        if self._reading:
            self._reading = False
            self.on_read(self, _EOF, b"")

    # ---- writing ----

    def write(self, data, send_stream=None, on_write=None):
        """Encrypt and write *data* (bytes-like or a list/tuple of them);
        queued until the handshake has finished (starting it if it has not
        started).  ``on_write(request, status)`` runs once the encrypted
        bytes are written.  Returns the :class:`SecureWriteRequest`.

        :raises uv.error.ArgumentError: a *send_stream* (handles cannot
            travel over TLS)
        :raises uv.ClosedHandleError: the stream is closing or closed, or
            shutdown() was called"""
        if (type(data) is bytes and on_write is None and send_stream is None
                and self._state == _OPEN and self._shutdown is None):
            # the common case, without the queue and the checks it needs
            request = _new(SecureWriteRequest)
            request.stream = self
            if data:
                try:
                    self._ssl_write(data)
                except _SSLError as exc:
                    self._fail(_ssl_status(exc), exc)
                    request._finished = True
                    return request
                out = self._outgoing.read()
                if out:
                    request._raw = self.stream.write(out)
                    return request
            request._finished = True
            return request
        if send_stream is not None:
            raise ArgumentError(StatusCodes.EINVAL, "handles cannot be sent over TLS")
        payload = _bytes(data)
        if on_write is not None:
            on_write = _callback(on_write, "on_write")
        if self.stream.closing:
            raise ClosedHandleError()
        if self._shutdown is not None:
            raise ClosedHandleError(message="write after shutdown()")
        if self._state == _NEW:
            self.handshake()
        state = self._state
        if state == _FAILED:
            raise UVError(_EPROTO, "the TLS connection failed: %s" % (self.error,))
        request = SecureWriteRequest(self, payload, on_write)
        if state == _OPEN:
            self._send(request)
        else:
            self._pending.append(request)
        return request

    def _send(self, request):
        payload = request._payload
        request._payload = None
        try:
            if payload:
                self._ssl_write(payload)
        except _SSLError as exc:
            self._fail(_ssl_status(exc), exc)
            request._finish(_EPROTO)
            return
        out = self._outgoing.read()
        if not out:
            # nothing to send (an empty write): done at once, from the loop
            self.loop.call_later(request._finish, _SUCCESS)
        elif request.on_write is None:
            request._raw = self.stream.write(out)
        else:
            request._raw = self.stream.write(out, on_write=request._done)

    def _flush(self):
        out = self._outgoing.read()
        if out and not self.stream.closing:
            self.stream.write(out)

    def try_write(self, data):
        """Not supported on TLS (a record cannot be written in part).

        :raises uv.error.NotSupportedError: always"""
        raise NotSupportedError(StatusCodes.ENOTSUP, "try_write is not supported on TLS")

    # ---- shutting down and closing ----

    def shutdown(self, on_shutdown=None):
        """Send close_notify after the queued writes, then shut the stream's
        writing side down; ``on_shutdown(request, status)`` follows.  The
        stream goes on reading until the peer's close_notify (or the end of
        the stream) arrives.  Returns the :class:`SecureShutdownRequest`.

        :raises uv.ClosedHandleError: the stream is closing or closed, or
            shutdown() was called already"""
        if self.stream.closing:
            raise ClosedHandleError()
        if self._shutdown is not None:
            raise ClosedHandleError(message="shutdown() was called already")
        request = SecureShutdownRequest(self, on_shutdown)
        if self._state == _NEW:
            self.handshake()
        self._shutdown = request
        if self._state == _OPEN:
            self._start_shutdown(request)
        elif self._state == _FAILED:
            request._raw = self.stream.shutdown(on_shutdown=request._done)
        else:
            self._pending.append(request)
        return request

    def _start_shutdown(self, request):
        try:
            self._ssl.unwrap()
        except _WantRead:
            pass                     # the peer's close_notify comes later
        except _SSLError as exc:
            self.error = exc
        self._flush()
        if not self._close_notify_received:
            self._raw_read_start()   # for the peer's close_notify
        request._raw = self.stream.shutdown(on_shutdown=request._done)

    def close(self, on_closed=None):
        """Close the stream (no close_notify: call :meth:`shutdown` first
        for a clean end); ``on_closed(secure)`` runs once it is closed.  A
        handshake in progress ends with ``ECANCELED``, and so do writes
        still waiting for it.  Idempotent."""
        if self.stream.closing:
            return
        if on_closed is not None:
            self.on_closed = on_closed
        state = self._state
        self._state = _CLOSED
        self._reading = False
        self._raw_reading = False
        if state in (_NEW, _HANDSHAKING) and self._handshake is not None \
                and not self._handshake.finished:
            self._handshake._finish(_ECANCELED, None)
        self._cancel_pending(_ECANCELED)
        self.stream.close(on_closed=self._on_stream_closed)

    def _on_stream_closed(self, stream):
        self.on_closed(self)

    # ---- context managers, repr ----

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __repr__(self):
        try:
            side = "server" if self.server_side else "client"
            version = self._ssl.version() or ""
            return "<uv.secure.Secure %s %s%s over %r at %#x>" % (
                side, _STATE_NAMES[self._state], " " + version if version else "",
                self.stream, id(self))
        except Exception:
            return object.__repr__(self)


Stream.register(Secure)
