"""The asyncio event loop of uv.aio.

:class:`Loop` is an :class:`asyncio.BaseEventLoop`: asyncio's own scheduling,
futures and tasks, happy eyeballs, ``start_tls`` and servers run unchanged,
and the I/O is libuv's.  What a subclass of BaseEventLoop must supply is
here: the "selector" (one libuv iteration per loop iteration), the wake-up
from other threads, the transports, serving, signals.

**Batch, don't call back.**  The native loop runs in *record mode*: while
``select()`` runs libuv once, the libuv callbacks of the loop's handles do
not call Python; they append an event (``which``, ``args``) to a list, and
``_process_events`` hands each to its transport in plain Python.  One call
from Python into C per loop iteration, none from C into Python, so no
exception ever crosses the native layer and PyPy's JIT sees only Python.
"""
import asyncio
import inspect
import math
import os
import signal
import socket
import sys
import threading
import weakref

from asyncio import base_events, constants, events, sslproto

import uv
from .._loader import _uv
from ..error import _make_error
from .sockets import SocketMixin
from .stream import Listener, StreamTransport
from . import pipes as _pipes, subprocess as _subprocess, unix as _unix  # uv.aio-io
from .datagram import DatagramTransport as _DatagramTransport           # uv.aio-io

__all__ = ["Loop"]

_NAMES = _uv.dispatch_names()
_READ = _NAMES.index("read")
# data read (status 0), where the native layer has the short form
_READ_DATA = _NAMES.index("read_data") if "read_data" in _NAMES else -1
_WRITE_DONE = _NAMES.index("write_done")
_CONNECTION = _NAMES.index("connection")
_REQUEST = _NAMES.index("request")
_CLOSED = _NAMES.index("closed")
_SIGNAL = _NAMES.index("signal")
_POLL = _NAMES.index("poll")
_Handle = events.Handle

# the arguments this Python's SSLProtocol and _make_ssl_transport know
_SSL_PARAMS = set(inspect.signature(sslproto.SSLProtocol).parameters)

# uv.aio-io: the events of processes and datagrams
_EXIT = _NAMES.index("process_exit")
_RECEIVED = _NAMES.index("received")
_RECEIVE = _NAMES.index("receive")
_SEND_DONE = _NAMES.index("send_done")


def _enum(cls, value):
    try:
        return cls(int(value))
    except ValueError:
        return int(value)


def _sighandler_noop(signum, frame):
    """Python's handler for a signal asyncio handles: the signal's number
    reaches the loop through the wake-up fd, and its callback runs there."""


class _Selector(object):
    """What BaseEventLoop._run_once calls: ``select(timeout)`` runs one
    libuv iteration and returns the events it recorded."""

    __slots__ = ("_n", "_loop")

    def __init__(self, loop):
        self._n = loop._uvn
        self._loop = loop

    def select(self, timeout):
        if timeout is None:
            ms = -1
        elif timeout <= 0:
            ms = 0
        else:
            # libuv counts milliseconds: round up, so that no timer of the
            # loop is found early (a wake-up before it is only a spin)
            ms = int(math.ceil(timeout * 1000.0))
        return self._n.select(self._loop, ms)

    def close(self):
        pass


class Loop(SocketMixin, base_events.BaseEventLoop):
    """An asyncio event loop whose I/O is libuv (a complete
    :class:`asyncio.AbstractEventLoop`; subclass it freely)."""

    def __init__(self):
        super().__init__()
        self._uv = uv.Loop()
        self._uvn = self._uv._n
        self._selector = _Selector(self)
        self._transports = weakref.WeakSet()
        self._listeners = {}
        self._signal_handlers = {}
        self._wakeup_saved = None
        self._wakeup_depth = 0
        self._init_sockets()

    def __repr__(self):
        return '<%s running=%s closed=%s debug=%s>' % (
            self.__class__.__name__, self.is_running(), self.is_closed(),
            self.get_debug())

    # ---- the selector ----

    def _process_events(self, events):
        """What one libuv iteration recorded is handled as one callback
        behind those already ready, where a selector loop puts the
        callbacks of the file descriptors it found ready: asyncio's order
        of I/O against scheduled callbacks is kept."""
        if events:
            self._ready.append(_Handle(self._dispatch_events, (events,), self, None))

    def _dispatch_events(self, events):
        n = len(events)
        i = 0
        while i < n:
            which = events[i]
            args = events[i + 1]
            i += 2
            try:
                self._dispatch_one(which, args)
            except (SystemExit, KeyboardInterrupt):
                # the rest of this iteration's events are not lost
                if i < n:
                    self._ready.appendleft(_Handle(
                        self._dispatch_events, (events[i:],), self, None))
                raise
            except BaseException as exc:
                self.call_exception_handler({
                    'message': 'Exception in a uv.aio event handler',
                    'exception': exc,
                    'event': (_NAMES[which] if 0 <= which < len(_NAMES) else which),
                })

    def _dispatch_one(self, which, args):
        if which == _READ_DATA:
            args[0]._on_read(0, args[1])
        elif which == _POLL:
            args[0].on_poll(args[1], args[2])
        elif which == _READ:
            args[0]._on_read(args[1], args[2])
        elif which == _WRITE_DONE:
            args[0]._write_done(args[1])
        elif which == _CONNECTION:
            args[0]._on_connection(args[1])
        elif which == _REQUEST:
            args[0]._complete(args[1])
        elif which == _CLOSED:
            if args[0] is not None:       # None: nobody to tell
                args[0]._on_closed()
        elif which == _SIGNAL:
            self._handle_signal(args[1])
        elif which == _RECEIVED:                    # uv.aio-io
            args[0]._datagram(args[1], args[2])
        elif which == _SEND_DONE:                   # uv.aio-io
            args[0]._send_done(args[1])
        elif which == _RECEIVE:                     # uv.aio-io
            args[0]._receive(args[1], args[2], args[3], args[4])
        elif which == _EXIT:                        # uv.aio-io
            args[0]._on_exit(args[1], args[2])

    def _write_to_self(self):
        # any thread; the loop may be closed already
        try:
            self._uvn.poke()
        except uv.error.LoopClosedError:
            pass

    # ---- running and closing ----

    def _install_wakeup_fd(self):
        """Signals wake the loop while it waits in libuv (a signal that
        Python handles interrupts epoll_wait, which libuv restarts): the
        main thread points Python's wake-up fd at the native loop."""
        if threading.current_thread() is not threading.main_thread():
            return False
        if self._wakeup_depth == 0:
            try:
                self._wakeup_saved = signal.set_wakeup_fd(self._uvn.signal_fd())
            except (ValueError, OSError):
                return False
        self._wakeup_depth += 1
        return True

    def _remove_wakeup_fd(self):
        self._wakeup_depth -= 1
        if self._wakeup_depth == 0:
            try:
                signal.set_wakeup_fd(self._wakeup_saved)
            except (ValueError, OSError):
                pass
            self._wakeup_saved = None

    def run_forever(self):
        installed = self._install_wakeup_fd()
        try:
            super().run_forever()
        finally:
            if installed:
                self._remove_wakeup_fd()

    def close(self):
        if self.is_running():
            raise RuntimeError("Cannot close a running event loop")
        if self.is_closed():
            return
        for sig in list(self._signal_handlers):
            self.remove_signal_handler(sig)
        super().close()
        for listener in list(self._listeners.values()):
            listener.close()
        self._listeners.clear()
        self._close_sockets()
        # transports still open are closed with the native loop, without
        # callbacks (as a selector loop closes its selector)
        self._uvn.close()

    # ---- transports ----

    def _make_socket_transport(self, sock, protocol, waiter=None, *,
                               extra=None, server=None):
        native = self._native_stream(sock)
        return StreamTransport(self, native, protocol, waiter, extra, server,
                               family=sock.family, sock=sock)

    def _native_stream(self, sock):
        """A native TCP handle on a duplicate of *sock*'s descriptor: *sock*
        stays usable (``setsockopt``, ``get_extra_info('socket')``) and is
        closed with the transport, as asyncio does."""
        if sock.family == socket.AF_UNIX:                   # uv.aio-io
            return _unix.native_stream(self, sock)
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            raise NotImplementedError("uv.aio streams are TCP for now")
        native = _uv.TCP(self._uvn)
        fd = os.dup(sock.fileno())
        try:
            native.open(fd)
        except BaseException:
            os.close(fd)
            native.close(None)
            raise
        try:
            native.nodelay(True)
        except OSError:
            pass                   # not every stream socket takes it
        return native

    def _ssl_kwargs(self, kwargs):
        return dict((k, v) for k, v in kwargs.items() if k in _SSL_PARAMS)

    def _make_ssl_transport(self, rawsock, protocol, sslcontext, waiter=None,
                            *, server_side=False, server_hostname=None,
                            extra=None, server=None, **kwargs):
        native = self._native_stream(rawsock)
        return self._make_ssl_transport_on(
            native, protocol, sslcontext, waiter, server_side=server_side,
            server_hostname=server_hostname, extra=extra, server=server,
            family=rawsock.family, sock=rawsock, **kwargs)

    def _make_ssl_transport_on(self, native, protocol, sslcontext, waiter=None,
                               *, server_side=False, server_hostname=None,
                               extra=None, server=None, family=socket.AF_INET,
                               sock=None, **kwargs):
        ssl_protocol = sslproto.SSLProtocol(
            self, protocol, sslcontext, waiter, server_side, server_hostname,
            **self._ssl_kwargs(kwargs))
        StreamTransport(self, native, ssl_protocol, extra=extra, server=server,
                        family=family, sock=sock)
        return ssl_protocol._app_transport

    # ---- serving ----

    def _start_serving(self, protocol_factory, sock, sslcontext=None,
                       server=None, backlog=100, *args, **kwargs):
        names = ("ssl_handshake_timeout", "ssl_shutdown_timeout")
        ssl_kwargs = dict(zip(names, args))
        ssl_kwargs.update(kwargs)
        if sock.family == socket.AF_UNIX:                   # uv.aio-io
            return _unix.start_serving(self, protocol_factory, sock, sslcontext,
                                       server, backlog, self._ssl_kwargs(ssl_kwargs))
        native = _uv.TCP(self._uvn)
        fd = os.dup(sock.fileno())
        try:
            native.open(fd)
        except BaseException:
            os.close(fd)
            native.close(None)
            raise
        listener = Listener(self, native, protocol_factory, sslcontext, server,
                            self._ssl_kwargs(ssl_kwargs), sock.family)
        try:
            native.listen(listener, backlog)
        except BaseException:
            listener.close()
            raise
        old = self._listeners.pop(sock.fileno(), None)
        if old is not None:
            old.close()
        self._listeners[sock.fileno()] = listener

    def _stop_serving(self, sock):
        listener = self._listeners.pop(sock.fileno(), None)
        if listener is not None:
            listener.close()
        sock.close()

    # ---- name resolution: libuv's thread pool ----

    async def getaddrinfo(self, host, port, *, family=0, type=0, proto=0, flags=0):
        """As asyncio's: a list of ``(family, type, proto, canonname,
        sockaddr)``; the lookup runs on libuv's thread pool (no executor),
        and its errors are ``socket.gaierror``."""
        future = self.create_future()

        def done(request, status, infos):
            if future.cancelled():
                return
            if status:
                future.set_exception(_make_error(status))
            else:
                future.set_result([
                    (_enum(socket.AddressFamily, i.family),
                     _enum(socket.SocketKind, i.socktype), int(i.protocol),
                     i.canonname, tuple(i.address)) for i in infos])
        request = uv.dns.GetAddrInfo(host, port, family, type, proto, flags,
                                     done, self._uv)
        try:
            return await future
        except BaseException:
            if not request._n.is_finished():
                try:
                    request.cancel()
                except OSError:
                    pass               # running in the pool: its result is dropped
            raise

    async def getnameinfo(self, sockaddr, flags=0):
        """As asyncio's: ``(host, service)`` of *sockaddr* (a numeric
        address), on libuv's thread pool."""
        if not isinstance(sockaddr, tuple) or len(sockaddr) not in (2, 4):
            raise TypeError("getnameinfo() argument 1 must be a tuple")
        future = self.create_future()

        def done(request, status, host, service):
            if future.cancelled():
                return
            if status:
                future.set_exception(_make_error(status))
            else:
                future.set_result((host, service))
        request = uv.dns.GetNameInfo(sockaddr[0], sockaddr[1], flags, done, self._uv)
        try:
            return await future
        except BaseException:
            if not request._n.is_finished():
                try:
                    request.cancel()
                except OSError:
                    pass
            raise

    # ==== uv.aio-io: subprocesses, pipes, Unix sockets, datagrams ====
    # (uv/aio/subprocess.py, pipes.py, unix.py, datagram.py: branch aio-io)

    _make_subprocess_transport = _subprocess.make_subprocess_transport

    def _make_read_pipe_transport(self, pipe, protocol, waiter=None, extra=None):
        return _pipes.ReadPipeTransport(self, pipe, protocol, waiter, extra)

    def _make_write_pipe_transport(self, pipe, protocol, waiter=None, extra=None):
        return _pipes.WritePipeTransport(self, pipe, protocol, waiter, extra)

    create_unix_connection = _unix.create_unix_connection
    create_unix_server = _unix.create_unix_server

    def _make_datagram_transport(self, sock, protocol, address=None, waiter=None,
                                 extra=None):
        return _DatagramTransport(self, sock, protocol, address, waiter, extra)

    # ==== end of uv.aio-io ====

    # ---- signals ----

    def _check_signal(self, sig):
        if not isinstance(sig, int):
            raise TypeError('sig must be an int, not {!r}'.format(sig))
        if sig not in signal.valid_signals():
            raise ValueError('invalid signal number {}'.format(sig))

    def add_signal_handler(self, sig, callback, *args):
        """Run ``callback(*args)`` on the loop when signal *sig* arrives
        (the main thread only, as asyncio)."""
        if asyncio.iscoroutine(callback) or inspect.iscoroutinefunction(callback):
            raise TypeError("coroutines cannot be used with add_signal_handler()")
        self._check_signal(sig)
        self._check_closed()
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("add_signal_handler() only works in the main thread")
        if sig not in self._signal_handlers and not self._install_wakeup_fd():
            raise RuntimeError("cannot set the wake-up fd for signals")
        handle = events.Handle(callback, args, self, None)
        first = sig not in self._signal_handlers
        self._signal_handlers[sig] = handle
        try:
            signal.signal(sig, _sighandler_noop)
            signal.siginterrupt(sig, False)
        except OSError as exc:
            del self._signal_handlers[sig]
            if first:
                self._remove_wakeup_fd()
            if exc.errno == 22:     # EINVAL
                raise RuntimeError('sig {} cannot be caught'.format(sig))
            raise

    def _handle_signal(self, sig):
        handle = self._signal_handlers.get(sig)
        if handle is None:
            return
        if handle._cancelled:
            self.remove_signal_handler(sig)
        else:
            self._add_callback_signalsafe(handle)

    def remove_signal_handler(self, sig):
        """Remove the handler of *sig*; True if there was one."""
        self._check_signal(sig)
        try:
            del self._signal_handlers[sig]
        except KeyError:
            return False
        if sig == signal.SIGINT:
            handler = signal.default_int_handler
        else:
            handler = signal.SIG_DFL
        try:
            signal.signal(sig, handler)
        except OSError as exc:
            if exc.errno == 22:
                raise RuntimeError('sig {} cannot be caught'.format(sig))
            raise
        self._remove_wakeup_fd()
        return True
