"""Datagram transports of uv.aio: ``create_datagram_endpoint`` on a native
libuv UDP handle.

asyncio's ``BaseEventLoop.create_datagram_endpoint`` makes, binds and
connects the socket (local_addr, remote_addr, family, reuse_port,
allow_broadcast, sock=); the transport here takes a duplicate of its
descriptor into a native ``_uv.UDP`` (the socket stays the transport's
``get_extra_info('socket')`` and is closed with it).  Datagrams arrive as
``received`` / ``receive`` events of the loop's record mode (with
recvmmsg, several per system call); ``sendto`` sends at once when the
socket takes it (``uv_udp_try_send``: no copy, no event) and otherwise
queues the datagram in libuv, with a ``send_done`` event and write flow
control.  Errors of sends and receives go to ``error_received``.

IP sockets only: a datagram socket of another family (AF_UNIX) raises
NotImplementedError.
"""
import os
import socket
import warnings

from asyncio import constants, futures, transports, trsock
from asyncio.log import logger

from .._loader import _uv
from ..error import _make_error

__all__ = []

_BLOCKED = (BlockingIOError, InterruptedError)


class DatagramTransport(transports._FlowControlMixin, transports.DatagramTransport):
    """An :class:`asyncio.DatagramTransport` over a native UDP handle."""

    def __init__(self, loop, sock, protocol, address=None, waiter=None, extra=None):
        self._released = True              # until the native handle exists
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            raise NotImplementedError("uv.aio datagram transports are UDP (IPv4, "
                                      "IPv6) only")
        super().__init__(extra, loop)
        native = _uv.UDP(loop._uvn, 0)
        fd = os.dup(sock.fileno())
        try:
            native.open(fd)
        except BaseException:
            os.close(fd)
            native.close(self)
            raise
        self._n = native
        self._released = False
        self._sock = sock
        self._extra['socket'] = trsock.TransportSocket(sock)
        try:
            self._extra['sockname'] = sock.getsockname()
        except OSError:
            self._extra['sockname'] = None
        if 'peername' not in self._extra:
            try:
                self._extra['peername'] = sock.getpeername()
            except OSError:
                self._extra['peername'] = None
        self._address = address
        self._protocol = protocol
        self._closing = False
        self._conn_lost = 0
        loop.call_soon(self._protocol.connection_made, self)
        loop.call_soon(self._start)
        if waiter is not None:
            loop.call_soon(futures._set_result_unless_cancelled, waiter, None)

    def __repr__(self):
        info = [self.__class__.__name__]
        if self._released:
            info.append('closed')
        elif self._closing:
            info.append('closing')
        else:
            try:
                info.append('fd=%d' % self._n.fileno())
            except OSError:
                pass
            info.append('write=<bufsize=%d>' % self.get_write_buffer_size())
        return '<%s>' % ' '.join(info)

    def __del__(self, _warn=warnings.warn):
        if not self._released and not self._conn_lost:
            _warn("unclosed transport %r" % (self,), ResourceWarning, source=self)

    def _start(self):
        if self._closing or self._conn_lost:
            return
        try:
            self._n.recv_start(self)
        except OSError as exc:
            self._fatal_error(exc, 'Fatal error: cannot receive datagrams')

    # ---- protocol ----

    def set_protocol(self, protocol):
        self._protocol = protocol

    def get_protocol(self):
        return self._protocol

    def is_closing(self):
        return self._closing

    def get_write_buffer_size(self):
        if self._released:
            return 0
        return self._n.send_queue_size()

    # ---- receiving (events of the loop) ----

    def _datagram(self, address, data):
        """A datagram received whole."""
        if self._conn_lost:
            return
        try:
            self._protocol.datagram_received(data, address)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, 'Fatal error: protocol.datagram_received() '
                                   'call failed.')

    def _receive(self, status, address, data, flags):
        """An error of a receive, or a truncated datagram."""
        if self._conn_lost:
            return
        if status < 0:
            try:
                self._protocol.error_received(_make_error(status))
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, 'Fatal error: protocol.error_received() '
                                       'call failed.')
        else:
            self._datagram(address, data)

    # ---- sending ----

    def sendto(self, data, addr=None):
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError('data argument must be a bytes-like object, '
                            'not %r' % type(data).__name__)
        if self._address:
            if addr not in (None, self._address):
                raise ValueError('Invalid address: must be None or %s' % (self._address,))
            addr = None                    # the socket is connected
        elif addr is None:
            raise ValueError('Invalid address: must not be None when the '
                             'transport is not connected')
        if self._conn_lost or self._closing:
            if self._conn_lost >= constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES:
                logger.warning('socket.send() raised exception.')
            self._conn_lost += 1
            return
        if type(data) is not bytes:
            data = bytes(data)
        n = self._n
        try:
            if not n.send_queue_count():
                try:
                    n.try_send(data, addr)
                    return
                except _BLOCKED:
                    pass
            n.send(data, addr, self)
        except OSError as exc:
            self._protocol.error_received(exc)
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, 'Fatal write error on datagram transport')
            return
        self._maybe_pause_protocol()

    def _send_done(self, status):
        """A queued datagram was sent (or failed)."""
        if self._conn_lost or self._released:
            return
        if status < 0:
            try:
                self._protocol.error_received(_make_error(status))
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, 'Fatal error: protocol.error_received() '
                                       'call failed.')
                return
        if self._n.send_queue_count():
            return
        self._maybe_resume_protocol()
        if self._closing and not self._conn_lost:
            self._conn_lost += 1
            self._call_connection_lost(None)

    # ---- closing ----

    def close(self):
        if self._closing:
            return
        self._closing = True
        if not self._released:
            self._n.recv_stop()
        if not self.get_write_buffer_size() and not self._conn_lost:
            self._conn_lost += 1
            self._loop.call_soon(self._call_connection_lost, None)

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
        self._closing = True
        self._conn_lost += 1
        self._release()                       # queued datagrams are dropped
        self._loop.call_soon(self._call_connection_lost, exc)

    def _release(self):
        if not self._released:
            self._released = True
            self._n.close(self)

    def _on_closed(self):
        """The native handle's close callback ran."""

    def _call_connection_lost(self, exc):
        try:
            self._protocol.connection_lost(exc)
        finally:
            self._release()
            sock, self._sock = self._sock, None
            if sock is not None:
                sock.close()
            self._protocol = None
