"""Pipes: :class:`Pipe` (Unix domain sockets, pipes, IPC between processes)
and :class:`PipeConnectRequest`.

A path is a ``str``, ``bytes`` or ``os.PathLike``.  A name that starts with
a NUL character (``"\\0name"``) is a Linux abstract socket name: it is not
a file, and its NUL bytes after the first are refused like anywhere else.
A Unix socket address holds 108 bytes: a file-system path may have 107
(the terminating NUL needs the last one), an abstract name 108 (its leading
NUL included).  A longer path raises :class:`uv.error.NameTooLongError`
instead of being silently cut (libuv truncates it).

Over an IPC pipe (``Pipe(ipc=True)``) a TCP, Pipe or UDP handle is sent
with ``pipe.write(data, send_stream=handle)``; the receiving side sees it in
:attr:`Pipe.pending_count` / :attr:`Pipe.pending_type` after the data
arrives, and :meth:`Pipe.pending_accept` gives a new handle for it.
"""
import os

from ._loader import _uv
from .common import Enumeration
from .dns import AddressFamilies
from .error import NotSupportedError, StatusCodes, TemporaryUnavailableError, UVError
from .request import RequestType, UVRequest
from .stream import ConnectRequest, UVStream, _callback
from .tcp import TCP

__all__ = ["Pipe", "PipeConnectRequest", "PipeModes"]

#: The longest file-system path of a Unix socket (sun_path less its NUL).
MAX_PATH = 107
#: The longest abstract socket name, its leading NUL included.
MAX_ABSTRACT = 108


class PipeModes(Enumeration):
    """What :meth:`Pipe.chmod` makes the socket file: readable and/or
    writable by everyone."""

    READABLE = _uv.UV_READABLE
    WRITABLE = _uv.UV_WRITABLE


def _path(path):
    """The bytes of a pipe path (str, bytes or os.PathLike), checked."""
    if not isinstance(path, (str, bytes)):
        try:
            path = os.fspath(path)
        except TypeError:
            raise TypeError("a pipe path must be str, bytes or os.PathLike, not %s"
                            % type(path).__name__) from None
    raw = os.fsencode(path)
    if not raw:
        raise UVError(StatusCodes.EINVAL, "a pipe path must not be empty")
    abstract = raw[:1] == b"\0"
    if b"\0" in (raw[1:] if abstract else raw):
        raise ValueError("embedded null byte in the pipe path %r" % (path,))
    limit = MAX_ABSTRACT if abstract else MAX_PATH
    if len(raw) > limit:
        raise UVError(StatusCodes.ENAMETOOLONG,
                      "a Unix socket %s holds at most %d bytes, this one has %d "
                      "(it is not truncated)"
                      % ("abstract name" if abstract else "path", limit, len(raw)))
    return raw


def _name(raw):
    return os.fsdecode(raw)


# the class of a handle received over IPC, by libuv handle type: uv.udp
# adds UDP with register_pending_type(_uv.UV_UDP, UDP)
_PENDING_CLASSES = {}
_PENDING_NAMES = {_uv.UV_TCP: "TCP", _uv.UV_NAMED_PIPE: "Pipe", _uv.UV_UDP: "UDP",
                  _uv.UV_TTY: "TTY", _uv.UV_FILE: "file"}


def register_pending_type(handle_type, cls):
    """Make :meth:`Pipe.pending_accept` give a *cls* for a received handle
    of libuv type *handle_type* (``uv._uv.UV_TCP``, ``UV_NAMED_PIPE``,
    ``UV_UDP``).  *cls* is called as ``cls(loop=loop)``."""
    _PENDING_CLASSES[int(handle_type)] = cls


class PipeConnectRequest(ConnectRequest):
    """Connecting a :class:`Pipe` to a path: ``on_connect(request, status)``
    runs once connected (or with the error: ``ENOENT``, ``ECONNREFUSED``,
    ``ECANCELED`` when the pipe is closed first).  ``path`` is the path as
    given."""

    type = RequestType.CONNECT

    def __init__(self, pipe, path, on_connect=None):
        if not isinstance(pipe, Pipe):
            raise TypeError("PipeConnectRequest needs a uv.Pipe, not %s" % type(pipe).__name__)
        raw = _path(path)
        UVRequest.__init__(self, pipe._loop)
        self.stream = pipe
        self.path = path
        self.on_connect = _callback(on_connect, "on_connect")
        self._n = _uv.PipeConnectRequest(pipe._loop._n)
        self._n.start(self, pipe._n, raw)


class Pipe(UVStream):
    """A pipe: ``Pipe(ipc=False, loop=None, on_read=None, on_connection=None)``.

    A Unix domain socket that is bound and listens or connects to a path, or
    any pipe or socket file descriptor given to :meth:`open`.  With
    ``ipc=True`` it can also send and receive handles (see the module).
    Closing a pipe bound to a file-system path removes the socket file."""

    _native = _uv.Pipe

    def __init__(self, ipc=False, loop=None, on_read=None, on_connection=None):
        if not isinstance(ipc, int):
            raise TypeError("ipc must be a bool, not %s" % type(ipc).__name__)
        UVStream.__init__(self, loop, (bool(ipc),), on_read, on_connection)
        #: Whether the pipe can send and receive handles.
        self.ipc = bool(ipc)

    def open(self, fd):
        """Use an existing file descriptor (a pipe or a Unix socket); the
        pipe owns it from then on and closes it when it is closed.

        :raises uv.error.BadFileDescriptorError: *fd* is not open
        :raises uv.error.FileExistsError: another handle of the loop uses it"""
        self._n.open(fd)

    def bind(self, path):
        """Bind to *path* (a socket file is created; it is removed when the
        pipe is closed) or to an abstract name (``"\\0name"``).

        :raises uv.error.AddressInUseError: the path exists
        :raises uv.error.NameTooLongError: the path does not fit
        :raises ValueError: a NUL byte in the path"""
        self._n.bind(_path(path))

    def connect(self, path, on_connect=None):
        """Connect to the socket at *path*; ``on_connect(request, status)``
        follows.  Returns the :class:`PipeConnectRequest`.

        :raises uv.error.NameTooLongError: the path does not fit
        :raises uv.error.AlreadyInProgressError: a connect is under way"""
        return PipeConnectRequest(self, path, on_connect)

    def pending_instances(self, count):
        """The number of pipe instances a Windows pipe server keeps ready;
        accepted and ignored elsewhere."""
        self._n.pending_instances(count)

    def chmod(self, mode):
        """Make the socket file readable and/or writable by everyone
        (:class:`PipeModes` ``READABLE``, ``WRITABLE`` or both).

        :raises uv.error.ArgumentError: another mode"""
        self._n.chmod(mode)

    @property
    def pending_count(self):
        """The number of handles received over IPC and not accepted yet."""
        return self._n.pending_count()

    @property
    def pending_type(self):
        """The class :meth:`pending_accept` makes for the first handle
        received (:class:`uv.TCP`, :class:`uv.Pipe`, ``uv.UDP``), or None
        when no handle is pending.

        :raises uv.error.NotSupportedError: no class handles the received
            descriptor (a file, a terminal, or UDP where uv.UDP is missing)"""
        if self._n.pending_count() == 0:
            return None
        kind = self._n.pending_type()
        cls = _PENDING_CLASSES.get(kind)
        if cls is None:
            raise NotSupportedError(
                StatusCodes.ENOTSUP,
                "the pending handle is a %s, which uv cannot accept here "
                "(no class is registered for it); close the pipe to drop it"
                % _PENDING_NAMES.get(kind, "descriptor of unknown type"))
        return cls

    def pending_accept(self):
        """Accept the first handle received over IPC: a new handle of the
        right class (see :attr:`pending_type`) on the same loop.

        :raises uv.error.TemporaryUnavailableError: no handle is pending"""
        cls = self.pending_type
        if cls is None:
            raise TemporaryUnavailableError(StatusCodes.EAGAIN, "no handle is pending")
        return self.accept(cls)

    @property
    def sockname(self):
        """The name the socket is bound to (``str``; an abstract name starts
        with ``"\\0"``; ``""`` for an unbound socket).

        :raises uv.error.BadFileDescriptorError: no socket yet
        :raises uv.error.NotASocketError: a pipe that is not a socket"""
        return _name(self._n.getsockname())

    @property
    def peername(self):
        """The name of the socket this one is connected to (``str``).

        :raises uv.error.NotConnectedError: not connected"""
        return _name(self._n.getpeername())

    @property
    def family(self):
        """``AddressFamilies.UNIX`` for a socket, ``UNKNOWN`` for a pipe
        that is not one or before a socket exists."""
        return AddressFamilies.get(self._n.family())

    def __repr__(self):
        try:
            return "<%s.%s%s %s at %#x>" % (type(self).__module__, type(self).__name__,
                                            " ipc" if self.ipc else "", self._state(),
                                            id(self))
        except Exception:
            return object.__repr__(self)


register_pending_type(_uv.UV_TCP, TCP)
register_pending_type(_uv.UV_NAMED_PIPE, Pipe)
