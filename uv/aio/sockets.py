"""Readiness of file descriptors and the ``sock_*`` coroutines of uv.aio.

``add_reader``/``add_writer`` watch a descriptor the user owns with a
native ``uv_poll_t`` (one per descriptor: libuv allows one per loop), whose
events reach :meth:`_FdWatch.on_poll` through the loop's record mode.  The
``sock_*`` coroutines are built on them the way a selector loop builds
them: try the call at once, and wait for readiness only when the socket
would block.  ``create_connection`` (asyncio's own, in BaseEventLoop)
connects through :meth:`sock_connect`.
"""
import errno
import io
import os
import socket
import weakref

from asyncio import base_events, events
from asyncio.exceptions import SendfileNotAvailableError

from .._loader import _uv

_READABLE = _uv.UV_READABLE
_WRITABLE = _uv.UV_WRITABLE
_DISCONNECT = _uv.UV_DISCONNECT
_BLOCKED = (BlockingIOError, InterruptedError)


def _fileno(fd):
    if isinstance(fd, int):
        fileno = fd
    else:
        try:
            fileno = int(fd.fileno())
        except (AttributeError, TypeError, ValueError):
            raise ValueError("Invalid file object: {!r}".format(fd)) from None
    if fileno < 0:
        raise ValueError("Invalid file descriptor: {}".format(fileno))
    return fileno


def _check_socket(sock):
    """As asyncio: no SSL socket, and (in debug mode) non-blocking."""
    ssl_socket = getattr(base_events, "_check_ssl_socket", None)
    if ssl_socket is not None:
        ssl_socket(sock)


class _FdWatch(object):
    """The reader and writer callbacks of one descriptor and the native
    Poll handle that watches it."""

    __slots__ = ("loop", "fd", "native", "reader", "writer", "events")

    def __init__(self, loop, fd):
        self.loop = loop
        self.fd = fd
        self.native = _uv.Poll(loop._uvn, fd)
        self.reader = None
        self.writer = None
        self.events = 0

    def update(self):
        """Watch what the callbacks need; False once nothing is watched
        (the native handle is closed then)."""
        wanted = ((_READABLE | _DISCONNECT) if self.reader is not None else 0) \
            | (_WRITABLE if self.writer is not None else 0)
        if wanted == 0:
            self.native.close(None)
            return False
        if wanted != self.events:
            self.native.start(self, wanted)
            self.events = wanted
        return True

    def _on_closed(self):
        pass                          # the native handle closed: nothing to do

    def on_poll(self, status, events):
        loop = self.loop
        if status < 0:
            # an error (EBADF: the fd was closed, or POLLERR): libuv has
            # stopped watching; both sides run and meet the error in their
            # own call, as after a selector reports the fd ready.  The
            # watch stays stopped until add_reader/add_writer starts it
            # again (on what is then behind the number)
            self.events = 0
            events = _READABLE | _WRITABLE
        reader, writer = self.reader, self.writer
        if reader is not None and events & (_READABLE | _DISCONNECT):
            if reader._cancelled:
                loop._remove_reader(self.fd)
            else:
                loop._add_callback(reader)
        if writer is not None and events & _WRITABLE:
            if writer._cancelled:
                loop._remove_writer(self.fd)
            else:
                loop._add_callback(writer)


class SocketMixin(object):
    """add_reader/add_writer and the sock_* coroutines for :class:`Loop`."""

    def _init_sockets(self):
        self._fd_watches = {}
        # the descriptors of the loop's own transports: not the user's to
        # watch while the transport is open
        self._fd_transports = weakref.WeakValueDictionary()

    def _close_sockets(self):
        for watch in list(self._fd_watches.values()):
            watch.native.close(None)
        self._fd_watches.clear()

    # ---- readiness ----

    def _watch(self, fd):
        watch = self._fd_watches.get(fd)
        if watch is None:
            watch = self._fd_watches[fd] = _FdWatch(self, fd)
        return watch

    def _ensure_fd_no_transport(self, fd):
        transport = self._fd_transports.get(fd)
        if transport is not None and not transport.is_closing():
            raise RuntimeError("File descriptor {!r} is used by transport {!r}"
                               .format(fd, transport))

    def _add_reader(self, fd, callback, *args):
        self._check_closed()
        handle = events.Handle(callback, args, self, None)
        watch = self._watch(fd)
        old, watch.reader = watch.reader, handle
        try:
            watch.update()
        except BaseException:
            watch.reader = old
            if not watch.update():
                del self._fd_watches[fd]
            raise
        if old is not None:
            old.cancel()
        return handle

    def _add_writer(self, fd, callback, *args):
        self._check_closed()
        handle = events.Handle(callback, args, self, None)
        watch = self._watch(fd)
        old, watch.writer = watch.writer, handle
        try:
            watch.update()
        except BaseException:
            watch.writer = old
            if not watch.update():
                del self._fd_watches[fd]
            raise
        if old is not None:
            old.cancel()
        return handle

    def _remove_reader(self, fd):
        if self.is_closed():
            return False
        watch = self._fd_watches.get(fd)
        if watch is None or watch.reader is None:
            return False
        watch.reader.cancel()
        watch.reader = None
        if not watch.update():
            del self._fd_watches[fd]
        return True

    def _remove_writer(self, fd):
        if self.is_closed():
            return False
        watch = self._fd_watches.get(fd)
        if watch is None or watch.writer is None:
            return False
        watch.writer.cancel()
        watch.writer = None
        if not watch.update():
            del self._fd_watches[fd]
        return True

    def add_reader(self, fd, callback, *args):
        """Call ``callback(*args)`` whenever *fd* (an int or an object with
        ``fileno()``) is readable; replaces the previous reader of *fd*."""
        fd = _fileno(fd)
        self._ensure_fd_no_transport(fd)
        self._add_reader(fd, callback, *args)

    def remove_reader(self, fd):
        """Stop watching *fd* for reading; True if it was watched."""
        fd = _fileno(fd)
        self._ensure_fd_no_transport(fd)
        return self._remove_reader(fd)

    def add_writer(self, fd, callback, *args):
        """Call ``callback(*args)`` whenever *fd* is writable."""
        fd = _fileno(fd)
        self._ensure_fd_no_transport(fd)
        self._add_writer(fd, callback, *args)

    def remove_writer(self, fd):
        """Stop watching *fd* for writing; True if it was watched."""
        fd = _fileno(fd)
        self._ensure_fd_no_transport(fd)
        return self._remove_writer(fd)

    # ---- sock_* ----

    def _check_sock(self, sock):
        _check_socket(sock)
        if self._debug and sock.gettimeout() != 0:
            raise ValueError("the socket must be non-blocking")

    async def _sock_wait(self, sock, reading, attempt):
        """Call ``attempt()`` each time *sock* is ready (the attribute it calls
        is looked up each time, as a selector loop does),
        until it does not block; its result or exception is the result."""
        fd = sock.fileno()
        self._ensure_fd_no_transport(fd)
        future = self.create_future()

        def ready():
            if future.done():
                return
            try:
                result = attempt()
            except _BLOCKED:
                return
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)

        # the watch ends with the future, unless another operation has
        # replaced it meanwhile (a done callback runs one iteration later)
        if reading:
            handle = self._add_reader(fd, ready)
            future.add_done_callback(lambda f: self._drop_watch(fd, handle, True))
        else:
            handle = self._add_writer(fd, ready)
            future.add_done_callback(lambda f: self._drop_watch(fd, handle, False))
        return await future

    def _drop_watch(self, fd, handle, reading):
        watch = self._fd_watches.get(fd)
        if watch is not None and (watch.reader if reading else watch.writer) is handle:
            if reading:
                self._remove_reader(fd)
            else:
                self._remove_writer(fd)

    async def _sock_io(self, sock, reading, attempt):
        """What each ``sock_*`` call does: ``attempt()`` now, and, if the
        socket would block, again each time it is ready (``_sock_wait``)."""
        self._check_sock(sock)
        try:
            return attempt()
        except _BLOCKED:
            pass
        return await self._sock_wait(sock, reading, attempt)

    async def sock_recv(self, sock, n):
        """Receive up to *n* bytes from the non-blocking socket *sock*."""
        return await self._sock_io(sock, True, lambda: sock.recv(n))

    async def sock_recv_into(self, sock, buf):
        """Receive into *buf*; the number of bytes received."""
        return await self._sock_io(sock, True, lambda: sock.recv_into(buf))

    async def sock_recvfrom(self, sock, bufsize):
        """Receive a datagram: ``(data, address)``."""
        return await self._sock_io(sock, True, lambda: sock.recvfrom(bufsize))

    async def sock_recvfrom_into(self, sock, buf, nbytes=0):
        """Receive a datagram into *buf*: ``(nbytes, address)``."""
        nbytes = nbytes or len(buf)
        return await self._sock_io(sock, True,
                                   lambda: sock.recvfrom_into(buf, nbytes))

    async def sock_sendto(self, sock, data, address):
        """Send a datagram to *address*; the number of bytes sent."""
        return await self._sock_io(sock, False, lambda: sock.sendto(data, address))

    async def sock_sendall(self, sock, data):
        """Send all of *data*; None once the kernel has taken it."""
        self._check_sock(sock)
        try:
            n = sock.send(data)
        except _BLOCKED:
            n = 0
        if n == len(data):
            return
        view = memoryview(data).cast("B")
        state = [n]

        def more():
            while state[0] < len(view):
                state[0] += sock.send(view[state[0]:])   # BlockingIOError: wait
            return None
        try:
            await self._sock_wait(sock, False, more)
        finally:
            view.release()

    async def sock_connect(self, sock, address):
        """Connect *sock* to *address* (resolved first when it is a name)."""
        self._check_sock(sock)
        if sock.family == socket.AF_INET or (
                base_events._HAS_IPv6 and sock.family == socket.AF_INET6):
            resolved = await self._ensure_resolved(
                address, family=sock.family, type=sock.type, proto=sock.proto,
                loop=self)
            _, _, _, _, address = resolved[0]
        try:
            sock.connect(address)
            return
        except _BLOCKED:
            pass

        def finished():
            err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err == errno.EINPROGRESS:
                raise BlockingIOError(err, "connecting")
            if err != 0:
                raise OSError(err, "Connect call failed %s" % (address,))
        await self._sock_wait(sock, False, finished)

    async def sock_accept(self, sock):
        """Accept a connection: ``(conn, address)``, *conn* non-blocking."""
        def accept():
            conn, address = sock.accept()
            conn.setblocking(False)
            return conn, address
        return await self._sock_io(sock, True, accept)

    # ---- sendfile ----

    async def _sock_sendfile_native(self, sock, file, offset, count):
        """os.sendfile from *file* to *sock* (what sock_sendfile and a
        stream transport's sendfile use); SendfileNotAvailableError when
        the kernel cannot (asyncio then falls back to reads and writes)."""
        if not hasattr(os, "sendfile"):
            raise SendfileNotAvailableError("os.sendfile() is not available")
        try:
            fileno = file.fileno()
        except (AttributeError, io.UnsupportedOperation) as err:
            raise SendfileNotAvailableError("not a regular file") from err
        try:
            fsize = os.fstat(fileno).st_size
        except OSError:
            raise SendfileNotAvailableError("not a regular file")
        fd = sock.fileno()
        state = {"pos": offset, "total": 0, "zeros": 0}

        def attempt():
            while True:
                left = (count - state["total"]) if count else (fsize - state["pos"])
                if left <= 0:
                    return state["total"]
                try:
                    n = os.sendfile(fd, fileno, state["pos"], min(left, 1 << 30))
                except _BLOCKED:
                    raise
                except OSError as exc:
                    if state["total"] == 0 and exc.errno in (
                            errno.ENOTSOCK, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EINVAL):
                        raise SendfileNotAvailableError(
                            "os.sendfile() is not supported here") from exc
                    raise
                if n == 0:
                    # the end of the file; or, rarely, a socket that took
                    # nothing without saying EAGAIN (seen under load):
                    # then wait until it is writable, a few times at most
                    state["zeros"] += 1
                    if state["zeros"] > 3 or os.fstat(fileno).st_size <= state["pos"]:
                        return state["total"]
                    raise BlockingIOError(errno.EAGAIN, "sendfile sent nothing")
                state["zeros"] = 0
                state["pos"] += n
                state["total"] += n
        try:
            try:
                return attempt()
            except _BLOCKED:
                pass
            return await self._sock_wait(sock, False, attempt)
        finally:
            if state["total"] > 0:
                file.seek(offset + state["total"])

    async def _sendfile_native(self, transp, file, offset, count):
        """loop.sendfile on a uv.aio stream transport: its pending writes
        are flushed, reading pauses, and the file goes out with
        os.sendfile on the transport's socket."""
        sock = transp._socket_object(None)
        if sock is None:
            raise SendfileNotAvailableError("the transport has no socket")
        raw = sock._sock
        raw.setblocking(False)
        resume = transp.is_reading()
        transp.pause_reading()
        await transp._make_empty_waiter()
        # the socket is the transport's: watched for this sendfile only
        fd = raw.fileno()
        owner = self._fd_transports.pop(fd, None)
        try:
            return await self.sock_sendfile(raw, file, offset, count, fallback=False)
        finally:
            if owner is not None:
                self._fd_transports[fd] = owner
            transp._reset_empty_waiter()
            if resume:
                transp.resume_reading()
