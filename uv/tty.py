"""Terminals: :class:`TTY`, :class:`TTYMode`, :class:`ConsoleSize` and
:func:`reset_mode`."""
import collections

from ._loader import _uv
from .common import Enumeration
from .handle import _fileno
from .stream import UVStream

__all__ = ["TTY", "TTYMode", "ConsoleSize", "reset_mode"]


class TTYMode(Enumeration):
    """Modes of :meth:`TTY.set_mode`."""

    #: The terminal's initial (cooked) mode.
    NORMAL = _uv.UV_TTY_MODE_NORMAL
    #: Raw input: no line editing, no echo, no signals from keys.
    RAW = _uv.UV_TTY_MODE_RAW
    #: Binary-safe I/O (``cfmakeraw``), for IPC over a terminal.
    IO = _uv.UV_TTY_MODE_IO


class ConsoleSize(collections.namedtuple("ConsoleSize", "width height")):
    """The size of a terminal: ``ConsoleSize(width, height)`` in characters."""

    __slots__ = ()


def reset_mode():
    """Put back the settings of the first terminal a :class:`TTY` put out of
    the normal mode, while that handle is open (to be called when the
    program exits; closing a TTY puts its own terminal back anyway).

    :raises uv.UVError: the terminal could not be set"""
    _uv.tty_reset_mode()


class TTY(UVStream):
    """A terminal as a stream: ``TTY(fd, readable=False, loop=None,
    on_read=None)``.  Reads (keystrokes) and writes go through the
    :class:`uv.UVStream` methods.

    libuv reopens the terminal of *fd* when it can (the slave side of a
    pseudo-terminal, a process's own terminal), so that making it
    non-blocking does not affect other processes; *fd* itself is left open
    and stays the caller's.  A terminal it cannot reopen (the master side
    of a pseudo-terminal) is used as it is, with blocking writes, and is
    closed with the handle.  Whether the stream is readable and writable
    follows the fd's access mode; *readable* is accepted for compatibility.

    :raises uv.error.BadFileDescriptorError: *fd* is not open
    :raises uv.error.NotATerminalError: *fd* is not a terminal (ENOTTY)
    """

    _native = _uv.TTY

    def __init__(self, fd, readable=False, loop=None, on_read=None):
        fd = _fileno(fd)
        UVStream.__init__(self, loop, (fd, readable), on_read)
        #: The file descriptor given.
        self.fd = fd

    def set_mode(self, mode=TTYMode.NORMAL):
        """Set the terminal's mode (:class:`TTYMode`); closing the handle
        puts back the settings it had before.

        :raises uv.error.ArgumentError: not a TTYMode
        :raises uv.ClosedHandleError: the handle is closing or closed"""
        self._n.set_mode(mode)

    @property
    def mode(self):
        """The mode set last (:class:`TTYMode`)."""
        return TTYMode.get(self._n.get_mode())

    @property
    def console_size(self):
        """The terminal's size as ``ConsoleSize(width, height)``.

        :raises uv.error.NotATerminalError: the fd is no longer a terminal
        :raises uv.ClosedHandleError: the handle is closing or closed"""
        return ConsoleSize(*self._n.get_winsize())
