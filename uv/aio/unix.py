"""Unix sockets of uv.aio: ``create_unix_connection`` and
``create_unix_server`` on native libuv pipes (``uv_pipe_t``), with file
system paths and Linux abstract names (a name that starts with a NUL).

A connection is made by libuv (``uv_pipe_connect``; an abstract name by the
native layer) and handed to the stream transport of :mod:`uv.aio.stream`;
a socket given with ``sock=`` is taken over by a native pipe
(``uv_pipe_open``).  A server's listening socket is made and bound in
Python (asyncio's ``Server`` holds it), and a native pipe on a duplicate
of it accepts the connections.
"""
import errno
import os
import socket
import stat
import sys

from asyncio import base_events, tasks
from asyncio.log import logger

from .._loader import _uv
from ..error import _make_error
from .stream import Listener, StreamTransport

__all__ = []

_SERVER_HAS_SHUTDOWN_TIMEOUT = sys.version_info >= (3, 11)


def _name(raw):
    """A Unix socket's name as the socket module gives it: str for a path,
    bytes for an abstract name, '' for none."""
    if raw[:1] == b"\0":
        return raw
    return os.fsdecode(raw)


def _names(native):
    extra = {}
    for key, getter in (("sockname", native.getsockname),
                        ("peername", native.getpeername)):
        try:
            extra[key] = _name(getter())
        except OSError:
            extra[key] = None
    return extra


def _raw_path(path):
    path = os.fspath(path)
    if isinstance(path, str):
        path = os.fsencode(path)
    return path


def native_stream(loop, sock):
    """A native pipe on a duplicate of the Unix socket *sock*'s descriptor
    (Loop._native_stream for AF_UNIX): *sock* stays usable and is closed
    with the transport, as for TCP."""
    native = _uv.Pipe(loop._uvn, False)
    fd = os.dup(sock.fileno())
    try:
        native.open(fd)
    except BaseException:
        os.close(fd)
        native.close(None)
        raise
    return native


def _check_ssl_args(ssl, server_hostname, ssl_handshake_timeout,
                    ssl_shutdown_timeout):
    if ssl:
        if server_hostname is None:
            raise ValueError('you have to pass server_hostname when using ssl')
    else:
        if server_hostname is not None:
            raise ValueError('server_hostname is only meaningful with ssl')
        if ssl_handshake_timeout is not None:
            raise ValueError('ssl_handshake_timeout is only meaningful with ssl')
        if ssl_shutdown_timeout is not None:
            raise ValueError('ssl_shutdown_timeout is only meaningful with ssl')


class _Connect(object):
    """A native pipe connect request and the future it completes."""

    __slots__ = ("future", "native")

    def __init__(self, loop, native, path):
        self.future = loop.create_future()
        self.native = _uv.PipeConnectRequest(loop._uvn)
        self.native.start(self, native, path)

    def _complete(self, status):
        if self.future.done():
            return
        if status < 0:
            self.future.set_exception(_make_error(status))
        else:
            self.future.set_result(None)


async def create_unix_connection(self, protocol_factory, path=None, *, ssl=None,
                                 sock=None, server_hostname=None,
                                 ssl_handshake_timeout=None,
                                 ssl_shutdown_timeout=None):
    """Loop.create_unix_connection: connect to the Unix socket *path* (or
    take over the connected *sock*) and return ``(transport, protocol)``."""
    _check_ssl_args(ssl, server_hostname, ssl_handshake_timeout, ssl_shutdown_timeout)
    if path is not None:
        if sock is not None:
            raise ValueError('path and sock can not be specified at the same time')
        raw = _raw_path(path)
        native = _uv.Pipe(self._uvn, False)
        try:
            await _Connect(self, native, raw).future
        except BaseException:
            native.close(None)
            raise
    else:
        if sock is None:
            raise ValueError('no path and sock were specified')
        if sock.family != socket.AF_UNIX or sock.type != socket.SOCK_STREAM:
            raise ValueError('A UNIX Domain Stream Socket was expected, got %r' % (sock,))
        sock.setblocking(False)
        native = native_stream(self, sock)
    # sock (None for a path) is closed with the transport

    protocol = protocol_factory()
    waiter = self.create_future()
    extra = _names(native)
    if ssl:
        sslcontext = None if isinstance(ssl, bool) else ssl
        transport = self._make_ssl_transport_on(
            native, protocol, sslcontext, waiter, server_side=False,
            server_hostname=server_hostname, extra=extra, family=socket.AF_UNIX,
            sock=sock, ssl_handshake_timeout=ssl_handshake_timeout,
            ssl_shutdown_timeout=ssl_shutdown_timeout)
    else:
        transport = StreamTransport(self, native, protocol, waiter, extra,
                                    family=socket.AF_UNIX, sock=sock)
    try:
        await waiter
    except BaseException:
        transport.close()
        raise
    return transport, protocol


async def create_unix_server(self, protocol_factory, path=None, *, sock=None,
                             backlog=100, ssl=None, ssl_handshake_timeout=None,
                             ssl_shutdown_timeout=None, start_serving=True,
                             cleanup_socket=True):
    """Loop.create_unix_server: an :class:`asyncio.Server` listening on the
    Unix socket *path* (a stale socket file there is replaced) or *sock*.
    With *cleanup_socket* (Python 3.13's default) the socket file is
    removed when the server is closed, unless another took its place."""
    if isinstance(ssl, bool):
        raise TypeError('ssl argument must be an SSLContext or None')
    if ssl_handshake_timeout is not None and not ssl:
        raise ValueError('ssl_handshake_timeout is only meaningful with ssl')
    if ssl_shutdown_timeout is not None and not ssl:
        raise ValueError('ssl_shutdown_timeout is only meaningful with ssl')
    if path is not None:
        if sock is not None:
            raise ValueError('path and sock can not be specified at the same time')
        path = os.fspath(path)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if path[:1] not in ('\0', b'\0'):
            # a socket file left by a server that is gone is replaced
            try:
                if stat.S_ISSOCK(os.stat(path).st_mode):
                    os.remove(path)
            except FileNotFoundError:
                pass
            except OSError as err:
                logger.error('Unable to check or remove stale UNIX socket %r: %r',
                             path, err)
        try:
            sock.bind(path)
        except OSError as exc:
            sock.close()
            if exc.errno == errno.EADDRINUSE:
                raise OSError(errno.EADDRINUSE,
                              'Address %r is already in use' % (path,)) from None
            raise
        except BaseException:
            sock.close()
            raise
    else:
        if sock is None:
            raise ValueError('path was not specified, and no sock specified')
        if sock.family != socket.AF_UNIX or sock.type != socket.SOCK_STREAM:
            raise ValueError('A UNIX Domain Stream Socket was expected, got %r' % (sock,))
    cleanup = None
    if cleanup_socket:
        name = sock.getsockname()
        if name and isinstance(name, str):
            try:
                cleanup = (name, os.stat(name).st_ino)
            except OSError:
                pass
    sock.setblocking(False)
    if _SERVER_HAS_SHUTDOWN_TIMEOUT:
        server = base_events.Server(self, [sock], protocol_factory, ssl, backlog,
                                    ssl_handshake_timeout, ssl_shutdown_timeout)
    else:
        server = base_events.Server(self, [sock], protocol_factory, ssl, backlog,
                                    ssl_handshake_timeout)
    server._uv_unix_cleanup = cleanup
    if start_serving:
        server._start_serving()
        await tasks.sleep(0)       # let the server start serving, as asyncio
    return server


def start_serving(loop, protocol_factory, sock, sslcontext, server, backlog,
                  ssl_kwargs):
    """Loop._start_serving for a Unix socket: a native pipe on a duplicate
    of *sock* accepts the connections."""
    native = _uv.Pipe(loop._uvn, False)
    fd = os.dup(sock.fileno())
    try:
        native.open(fd)
    except BaseException:
        os.close(fd)
        native.close(None)
        raise
    cleanup = getattr(server, '_uv_unix_cleanup', None)
    listener = UnixListener(loop, native, protocol_factory, sslcontext, server,
                            ssl_kwargs, socket.AF_UNIX, cleanup)
    try:
        native.listen(listener, backlog)
    except BaseException:
        listener.close()
        raise
    old = loop._listeners.pop(sock.fileno(), None)
    if old is not None:
        old.close()
    loop._listeners[sock.fileno()] = listener


class UnixListener(Listener):
    """The listener of a Unix socket server: accepts into native pipes;
    removes the socket file when closed (*cleanup*: its path and inode)."""

    def __init__(self, loop, native, protocol_factory, sslcontext, server,
                 ssl_kwargs, family, cleanup=None):
        Listener.__init__(self, loop, native, protocol_factory, sslcontext, server,
                          ssl_kwargs, family)
        self._cleanup = cleanup

    def __repr__(self):
        return '<uv.aio unix listener %s>' % ('closed' if self._closed else 'serving')

    def close(self):
        Listener.close(self)
        cleanup, self._cleanup = self._cleanup, None
        if cleanup is not None:
            path, ino = cleanup
            try:
                if os.stat(path).st_ino == ino:
                    os.unlink(path)
            except OSError:
                pass

    def _new_client(self):
        return _uv.Pipe(self._loop._uvn, False)

    def _accepted(self, client):
        pass

    def _extra(self, client):
        return _names(client)
