"""Stream transports of uv.aio: a libuv stream (TCP today) behind asyncio's
:class:`asyncio.Transport`, and the listener that accepts connections.

The native handles run in the loop's record mode (see ``uv.aio.loop``):
their libuv callbacks do not call Python, they add an event to the list
that ``select()`` returns, and the loop hands each event to the transport:
``_on_read(status, data)``, ``_write_done(status)``, ``_complete(status)``
(a shutdown) and ``_on_closed()``.

Writes go out at once as far as the socket takes them (``uv_try_write``
in the native layer); only the rest is queued in libuv, and only then is
the transport told when the queue has drained (flow control,
``write_eof``, a close that waits for the data).
"""
import inspect
import os
import socket
import warnings

from asyncio import base_events, constants, futures, protocols, transports, trsock
from asyncio.log import logger

from .._loader import _uv
from ..error import StatusCodes, _make_error

__all__ = []

UV_EOF = StatusCodes.EOF.value
UV_ECANCELED = StatusCodes.ECANCELED.value

# Server._attach/_detach take the transport from Python 3.13 (and 3.12.x)
_SERVER_TAKES_TRANSPORT = len(inspect.signature(base_events.Server._attach).parameters) > 1


def _buffered_copy(protocol, data):
    """Hand *data* to a BufferedProtocol: into its buffers, in pieces."""
    view = memoryview(data)
    while view:
        buf = protocol.get_buffer(len(view))
        n = len(buf)
        if not n:
            raise RuntimeError("get_buffer() returned an empty buffer")
        if n > len(view):
            n = len(view)
        memoryview(buf)[:n] = view[:n]
        protocol.buffer_updated(n)
        view = view[n:]


class StreamTransport(transports._FlowControlMixin, transports.Transport):
    """An asyncio transport over a native libuv stream (``_uv.TCP``)."""

    _start_tls_compatible = True
    _sendfile_compatible = constants._SendfileMode.TRY_NATIVE

    def __init__(self, loop, native, protocol, waiter=None, extra=None,
                 server=None, family=socket.AF_INET, sock=None):
        super().__init__(extra, loop)
        self._n = native
        self._family = family
        self._protocol = None
        self._protocol_connected = False
        self._buffered = False
        self.set_protocol(protocol)
        self._server = server
        self._closing = False       # close() or abort() was called
        self._paused = False        # pause_reading()
        self._conn_lost = 0         # connection_lost() is scheduled
        self._eof = False           # write_eof()
        self._shut = False          # the shutdown request was started
        self._released = False      # the native handle was closed
        # get_extra_info('socket'): the caller's socket (native has a
        # duplicate of its fd), or one made on demand
        self._socket = None if sock is None else trsock.TransportSocket(sock)
        self._empty_waiter = None
        if 'sockname' not in self._extra:
            self._extra['sockname'] = self._name(native.getsockname)
        if 'peername' not in self._extra:
            self._extra['peername'] = self._name(native.getpeername)
        try:
            loop._fd_transports[native.fileno()] = self
        except OSError:
            pass
        if sock is not None and sock.fileno() >= 0:
            # the caller's socket (whose duplicate the native handle has)
            # is the transport's too: not for add_reader/add_writer
            loop._fd_transports[sock.fileno()] = self
        if server is not None:
            if _SERVER_TAKES_TRANSPORT:
                server._attach(self)
            else:
                server._attach()
        loop._transports.add(self)
        loop.call_soon(self._protocol.connection_made, self)
        loop.call_soon(self._start_reading)
        if waiter is not None:
            loop.call_soon(futures._set_result_unless_cancelled, waiter, None)

    @staticmethod
    def _name(getter):
        try:
            return getter()
        except OSError:
            return None

    def __repr__(self):
        info = [self.__class__.__name__]
        if self._released:
            info.append('closed')
        elif self._closing:
            info.append('closing')
        if not self._released:
            try:
                info.append('fd=%d' % self._n.fileno())
            except OSError:
                pass
            info.append('read=%s' % ('polling' if self.is_reading() else 'idle'))
            info.append('write=<bufsize=%d>' % self.get_write_buffer_size())
        return '<%s>' % ' '.join(info)

    def __del__(self, _warn=warnings.warn):
        if not self._released and not self._conn_lost:
            _warn("unclosed transport %r" % (self,), ResourceWarning, source=self)

    # ---- protocol ----

    def set_protocol(self, protocol):
        self._protocol = protocol
        self._buffered = isinstance(protocol, protocols.BufferedProtocol)
        self._protocol_connected = True

    def get_protocol(self):
        return self._protocol

    def get_extra_info(self, name, default=None):
        if name == 'socket':
            return self._socket_object(default)
        return self._extra.get(name, default)

    def _socket_object(self, default):
        """A real socket on a duplicate of the stream's descriptor, made on
        the first request and closed with the transport."""
        if self._socket is None:
            if self._released:
                return default
            try:
                fd = os.dup(self._n.fileno())
            except OSError:
                return default
            sock = socket.socket(self._family, socket.SOCK_STREAM, 0, fileno=fd)
            sock.setblocking(False)   # PyPy's socket(fileno=) made it blocking
            self._socket = trsock.TransportSocket(sock)
        return self._socket

    # ---- reading ----

    def is_reading(self):
        return not self._closing and not self._paused

    def _start_reading(self):
        if self._closing or self._paused or self._conn_lost:
            return
        try:
            self._n.read_start(self)
        except OSError as exc:
            self._fatal_error(exc, 'Fatal read error on socket transport')

    def pause_reading(self):
        if not self.is_reading():
            return
        self._paused = True
        self._n.read_stop()
        if self._loop.get_debug():
            logger.debug("%r pauses reading", self)

    def resume_reading(self):
        if self._closing or not self._paused:
            return
        self._paused = False
        self._start_reading()
        if self._loop.get_debug():
            logger.debug("%r resumes reading", self)

    def _on_read(self, status, data):
        if self._conn_lost:
            return
        if status == 0:
            try:
                if self._buffered:
                    _buffered_copy(self._protocol, data)
                else:
                    self._protocol.data_received(data)
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, 'Fatal error: protocol.data_received() '
                                       'call failed.')
        elif status == UV_EOF:
            self._on_eof()
        else:
            self._fatal_error(_make_error(status),
                              'Fatal read error on socket transport')

    def _on_eof(self):
        if self._loop.get_debug():
            logger.debug("%r received EOF", self)
        try:
            keep_open = self._protocol.eof_received()
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, 'Fatal error: protocol.eof_received() call failed.')
            return
        if keep_open:
            # the native side stopped reading at EOF: nothing more comes
            self._paused = True
        else:
            self.close()

    # ---- writing ----

    def get_write_buffer_size(self):
        if self._released:
            return 0
        return self._n.write_queue_size()

    def write(self, data):
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError('data argument must be a bytes-like object, '
                            'not %r' % type(data).__name__)
        if self._eof:
            raise RuntimeError('Cannot call write() after write_eof()')
        if self._empty_waiter is not None:
            raise RuntimeError('unable to write; sendfile is in progress')
        if not data:
            return
        if self._conn_lost:
            if self._conn_lost >= constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES:
                logger.warning('socket.send() raised exception.')
            self._conn_lost += 1
            return
        if type(data) is not bytes:
            data = bytes(data)
        self._send(data)

    def writelines(self, list_of_data):
        if self._eof:
            raise RuntimeError('Cannot call writelines() after write_eof()')
        if self._empty_waiter is not None:
            raise RuntimeError('unable to writelines; sendfile is in progress')
        data = [bytes(d) for d in list_of_data]
        if not data:
            return
        if self._conn_lost:
            self._conn_lost += 1
            return
        self._send(data)

    def _send(self, data):
        n = self._n
        try:
            seq = n.write(data, None, None)
        except OSError as exc:
            self._fatal_error(exc, 'Fatal write error on socket transport')
            return
        if n.write_queue_size():
            # told when this (the newest) write is done: the queue is then
            # empty, unless more was written meanwhile
            n.pin_write(seq, self)
            self._maybe_pause_protocol()

    def _write_done(self, status):
        if self._conn_lost or self._released:
            return
        if status < 0:
            self._fatal_error(_make_error(status),
                              'Fatal write error on socket transport')
            return
        if self._n.write_queue_size():
            return
        self._maybe_resume_protocol()
        if not self._conn_lost and self._n.write_queue_size():
            # resume_writing() wrote more (an SSL protocol flushes what it
            # held back): this ends when that is written, as asyncio's
            # _write_ready does; closing now would drop it
            return
        if self._empty_waiter is not None:
            self._empty_waiter.set_result(None)
            self._empty_waiter = None
        if self._conn_lost:
            return            # resume_writing() closed it
        if self._closing:
            self._conn_lost += 1
            self._call_connection_lost(None)
        elif self._eof:
            self._shutdown()

    def can_write_eof(self):
        return True

    def write_eof(self):
        if self._closing or self._eof:
            return
        self._eof = True
        if not self.get_write_buffer_size():
            self._shutdown()

    def _shutdown(self):
        if self._shut or self._released:
            return
        self._shut = True
        try:
            _uv.ShutdownRequest(self._loop._uvn).start(self, self._n)
        except OSError as exc:
            self._fatal_error(exc, 'Fatal error on shutdown')

    def _complete(self, status):
        """The shutdown request completed."""
        if status < 0 and status != UV_ECANCELED and not self._conn_lost:
            self._fatal_error(_make_error(status), 'Fatal error on shutdown')

    def _make_empty_waiter(self):
        if self._empty_waiter is not None:
            raise RuntimeError("Empty waiter is already set")
        self._empty_waiter = self._loop.create_future()
        if not self.get_write_buffer_size():
            self._empty_waiter.set_result(None)
        return self._empty_waiter

    def _reset_empty_waiter(self):
        self._empty_waiter = None

    # ---- closing ----

    def is_closing(self):
        return self._closing

    def close(self):
        if self._closing:
            return
        self._closing = True
        if not self._released:
            self._n.read_stop()
        if not self.get_write_buffer_size():
            self._conn_lost += 1
            self._loop.call_soon(self._call_connection_lost, None)
        # else: _write_done() ends it once the data went out

    def abort(self):
        self._force_close(None)

    def _fatal_error(self, exc, message='Fatal error on transport'):
        if isinstance(exc, OSError):
            if self._loop.get_debug():
                logger.debug("%r: %s", self, message, exc_info=True)
        else:
            self._loop.call_exception_handler({
                'message': message,
                'exception': exc,
                'transport': self,
                'protocol': self._protocol,
            })
        self._force_close(exc)

    def _force_close(self, exc):
        if self._conn_lost:
            return
        if not self._closing:
            self._closing = True
            if not self._released:
                self._n.read_stop()
        self._conn_lost += 1
        if self._empty_waiter is not None:
            self._empty_waiter.set_exception(
                ConnectionError("Connection is closed by peer"))
            self._empty_waiter = None
        self._release()           # queued data is dropped
        self._loop.call_soon(self._call_connection_lost, exc)

    def _release(self):
        if not self._released:
            self._released = True
            self._n.close(self)
            self._loop._transports.discard(self)

    def _on_closed(self):
        """The native handle's close callback ran."""

    def _call_connection_lost(self, exc):
        try:
            if self._protocol_connected:
                self._protocol.connection_lost(exc)
        finally:
            self._release()
            if self._socket is not None:
                self._socket._sock.close()
            self._protocol = None
            server = self._server
            if server is not None:
                if _SERVER_TAKES_TRANSPORT:
                    server._detach(self)
                else:
                    server._detach()
                self._server = None


class Listener(object):
    """A listening native stream of a :class:`asyncio.Server`: accepts each
    connection into a new native stream and its transport."""

    def __init__(self, loop, native, protocol_factory, sslcontext, server,
                 ssl_kwargs, family):
        self._loop = loop
        self._n = native
        self._protocol_factory = protocol_factory
        self._sslcontext = sslcontext
        self._server = server
        self._ssl_kwargs = ssl_kwargs
        self._family = family
        self._closed = False

    def __repr__(self):
        return '<uv.aio listener %s>' % ('closed' if self._closed else 'serving')

    def close(self):
        if not self._closed:
            self._closed = True
            self._n.close(self)

    def _on_closed(self):
        pass

    # what a Unix listener (uv.aio.unix.UnixListener) changes: the native
    # stream a connection is accepted into, what is done to it once
    # accepted, the transport's extra information
    def _new_client(self):
        return _uv.TCP(self._loop._uvn)

    def _accepted(self, client):
        client.nodelay(True)                # as asyncio does for TCP

    def _extra(self, client):
        return None

    def _on_connection(self, status):
        loop = self._loop
        if self._closed:
            return
        if status < 0:
            loop.call_exception_handler({
                'message': 'accept() failed',
                'exception': _make_error(status),
            })
            return
        client = self._new_client()
        try:
            self._n.accept(client)
            self._accepted(client)
        except OSError as exc:
            client.close(None)
            if not isinstance(exc, BlockingIOError):
                loop.call_exception_handler({
                    'message': 'accept() failed',
                    'exception': exc,
                })
            return
        try:
            protocol = self._protocol_factory()
        except (SystemExit, KeyboardInterrupt):
            client.close(None)
            raise
        except BaseException as exc:
            client.close(None)
            loop.call_exception_handler({
                'message': 'Error on transport creation for incoming connection',
                'exception': exc,
            })
            return
        if self._sslcontext:
            loop.create_task(self._accept_ssl(client, protocol))
        else:
            StreamTransport(loop, client, protocol, extra=self._extra(client),
                            server=self._server, family=self._family)

    async def _accept_ssl(self, client, protocol):
        loop = self._loop
        waiter = loop.create_future()
        transport = loop._make_ssl_transport_on(
            client, protocol, self._sslcontext, waiter, server_side=True,
            server=self._server, family=self._family, **self._ssl_kwargs)
        try:
            await waiter
        except BaseException as exc:
            transport.close()
            if isinstance(exc, (SystemExit, KeyboardInterrupt)):
                raise
            if loop.get_debug():
                loop.call_exception_handler({
                    'message': 'Error on transport creation for incoming connection',
                    'exception': exc,
                    'protocol': protocol,
                    'transport': transport,
                })
