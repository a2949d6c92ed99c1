"""Pipe transports of uv.aio: ``connect_read_pipe`` / ``connect_write_pipe``
(and the pipes of subprocesses) on native libuv pipes.

The transport takes a duplicate of the pipe's descriptor into a native
``_uv.Pipe`` (``uv_pipe_open``) and closes the pipe object it was given
when the connection is lost, as asyncio's pipe transports do.

- :class:`ReadPipeTransport` (asyncio's ReadTransport semantics): data to
  ``data_received``; at EOF ``eof_received()`` and then
  ``connection_lost(None)`` whatever it returns.
- :class:`WritePipeTransport` (asyncio's WriteTransport): writes go out at
  once as far as the pipe takes them, the rest is queued in libuv with
  flow control; ``write_eof()`` closes the pipe once the queue has drained.
  libuv cannot read a write-only pipe, so a native ``uv_poll_t`` on another
  duplicate of the descriptor tells when the reading end has gone (the
  pipe reports an error, a socket EOF): the transport is then closed, with
  ``BrokenPipeError`` when data was still queued (pipes and sockets only;
  on a character device such as a pty only a failed write tells).
"""
import os
import stat

from asyncio import transports
from asyncio.log import logger

from .._loader import _uv
from ..error import StatusCodes, _make_error
from .stream import StreamTransport

__all__ = []

UV_EOF = StatusCodes.EOF.value
_POLL_EVENTS = _uv.UV_READABLE | _uv.UV_DISCONNECT


def _pipe_fileno(pipe):
    """The descriptor of *pipe* (an object with fileno()), checked to be a
    pipe, a socket or a character device, as asyncio requires."""
    try:
        fd = pipe.fileno()
    except AttributeError:
        raise TypeError("a pipe must have a fileno() method, not %s"
                        % type(pipe).__name__) from None
    if not isinstance(fd, int) or isinstance(fd, bool):
        raise TypeError("fileno() returned %r, not an int" % (fd,))
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)):
        raise ValueError("Pipe transport is for pipes/sockets only.")
    return fd


def _native_pipe(loop, pipe):
    """A native pipe on a duplicate of *pipe*'s descriptor."""
    fd = os.dup(_pipe_fileno(pipe))
    native = _uv.Pipe(loop._uvn, False)
    try:
        native.open(fd)
    except BaseException:
        native.close(None)
        os.close(fd)
        raise
    return native


class _PipeMixin(object):
    """What both pipe transports change in a stream transport: the extra
    info is the pipe; the pipe object is closed with the transport."""

    def _pipe_init(self, pipe):
        self._pipe = pipe
        self._extra['pipe'] = pipe

    def __repr__(self):
        info = [self.__class__.__name__]
        pipe = getattr(self, '_pipe', None)
        if pipe is None:
            info.append('closed')
        elif self._closing:
            info.append('closing')
        else:
            info.append('open')
        if pipe is not None:
            try:
                info.append('fd=%d' % pipe.fileno())
            except (OSError, ValueError):
                pass
        return '<%s>' % ' '.join(info)

    def get_extra_info(self, name, default=None):
        return self._extra.get(name, default)

    def _close_on_closed_loop(self):
        """close() once the loop is closed (a subprocess transport collected
        late): the native pipe went with the loop; the pipe is closed now."""
        self._closing = True
        self._conn_lost += 1
        self._released = True
        watch, self._watch = getattr(self, '_watch', None), None
        if watch is not None:
            try:
                watch.close()
            except Exception:
                os.close(watch.fd)
                watch.fd = -1
        pipe, self._pipe = self._pipe, None
        if pipe is not None:
            try:
                pipe.close()
            except OSError:
                pass

    def _call_connection_lost(self, exc):
        try:
            StreamTransport._call_connection_lost(self, exc)
        finally:
            pipe, self._pipe = self._pipe, None
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass


class ReadPipeTransport(_PipeMixin, StreamTransport, transports.ReadTransport):
    """The reading end of a pipe as an :class:`asyncio.ReadTransport`."""

    def __init__(self, loop, pipe, protocol, waiter=None, extra=None):
        self._released = True         # until it has a native pipe (__del__)
        native = _native_pipe(loop, pipe)
        extra = dict(extra or ())
        extra.setdefault('sockname', None)
        extra.setdefault('peername', None)
        StreamTransport.__init__(self, loop, native, protocol, waiter, extra)
        self._pipe_init(pipe)

    def _on_read(self, status, data):
        if self._conn_lost:
            return
        if status == 0:
            try:
                self._protocol.data_received(data)
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, 'Fatal error: protocol.data_received() '
                                       'call failed.')
        elif status == UV_EOF:
            if self._loop.get_debug():
                logger.info("%r was closed by peer", self)
            self._closing = True
            self._conn_lost += 1
            self._release()
            self._loop.call_soon(self._protocol.eof_received)
            self._loop.call_soon(self._call_connection_lost, None)
        else:
            self._fatal_error(_make_error(status),
                              'Fatal read error on pipe transport')

    def write(self, data):
        raise NotImplementedError("a read pipe transport cannot write")

    def writelines(self, list_of_data):
        raise NotImplementedError("a read pipe transport cannot write")

    def can_write_eof(self):
        return False

    def write_eof(self):
        raise NotImplementedError("a read pipe transport cannot write")

    def abort(self):
        raise NotImplementedError("a read pipe transport has no abort()")

    def close(self):
        if self._loop.is_closed():
            if not self._closing:
                self._close_on_closed_loop()
        elif not self._closing:
            self._force_close(None)

    def _fatal_error(self, exc, message='Fatal error on pipe transport'):
        if isinstance(exc, OSError) and exc.errno == 5:   # EIO: a pty closed
            if self._loop.get_debug():
                logger.debug("%r: %s", self, message, exc_info=True)
            self._force_close(exc)
            return
        StreamTransport._fatal_error(self, exc, message)


class _PeerWatch(object):
    """The native Poll that tells a write pipe that its reader has gone."""

    __slots__ = ("transport", "native", "fd")

    def __init__(self, transport, fd):
        self.transport = transport
        self.fd = os.dup(fd)
        try:
            self.native = _uv.Poll(transport._loop._uvn, self.fd)
            self.native.start(self, _POLL_EVENTS)
        except BaseException:
            os.close(self.fd)
            raise

    def close(self):
        if self.fd >= 0:
            # uv_close removes the fd from epoll at once: it may be closed now
            self.native.close(self)
            os.close(self.fd)
            self.fd = -1
            self.transport = None

    def on_poll(self, status, events):
        transport = self.transport
        self.close()
        if transport is not None:
            transport._peer_closed()

    def _on_closed(self):
        pass


class WritePipeTransport(_PipeMixin, StreamTransport, transports.WriteTransport):
    """The writing end of a pipe as an :class:`asyncio.WriteTransport`."""

    def __init__(self, loop, pipe, protocol, waiter=None, extra=None):
        self._released = True         # until it has a native pipe (__del__)
        native = _native_pipe(loop, pipe)
        extra = dict(extra or ())
        extra.setdefault('sockname', None)
        extra.setdefault('peername', None)
        self._watch = None
        StreamTransport.__init__(self, loop, native, protocol, waiter, extra)
        self._pipe_init(pipe)
        # a character device (a pty) is readable with data for the other
        # side: only pipes and sockets are watched, as asyncio does
        mode = os.fstat(native.fileno()).st_mode
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            try:
                self._watch = _PeerWatch(self, native.fileno())
            except OSError:
                self._watch = None   # not pollable: only writes find out

    def _start_reading(self):
        pass                          # a write pipe is not read

    def is_reading(self):
        return False

    def pause_reading(self):
        raise NotImplementedError("a write pipe transport cannot read")

    def resume_reading(self):
        raise NotImplementedError("a write pipe transport cannot read")

    def _peer_closed(self):
        if self._conn_lost:
            return
        if self._loop.get_debug():
            logger.info("%r was closed by peer", self)
        if self.get_write_buffer_size():
            self._force_close(BrokenPipeError())
        else:
            self._force_close(None)

    def write(self, data):
        if self._closing and not self._conn_lost:
            # closing after the queue drained: asyncio drops the data
            if not isinstance(data, (bytes, bytearray, memoryview)):
                raise TypeError('data argument must be a bytes-like object, '
                                'not %r' % type(data).__name__)
            return
        StreamTransport.write(self, data)

    def writelines(self, list_of_data):
        if self._closing and not self._conn_lost:
            return
        StreamTransport.writelines(self, list_of_data)

    def can_write_eof(self):
        return True

    def write_eof(self):
        # a pipe has no half-close: it is closed once the data went out
        self.close()

    def close(self):
        if self._loop.is_closed():
            if not self._closing:
                self._close_on_closed_loop()
            return
        StreamTransport.close(self)

    def _fatal_error(self, exc, message='Fatal error on pipe transport'):
        StreamTransport._fatal_error(self, exc, message)

    def _release(self):
        watch, self._watch = self._watch, None
        if watch is not None:
            watch.close()
        StreamTransport._release(self)

