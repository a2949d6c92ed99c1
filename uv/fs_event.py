"""Watching paths for changes: :class:`FSEvent`, :class:`FSEvents` and
:class:`FSEventFlags`."""
import enum

from ._loader import _uv
from .error import StatusCodes, UVError
from .fs import _decode, _path
from .handle import UVHandle

__all__ = ["FSEvent", "FSEvents", "FSEventFlags"]


class FSEvents(enum.IntFlag):
    """What happened to a watched path (``events`` of ``on_event``; both
    may be set at once)."""

    #: Renamed, created or deleted.
    RENAME = _uv.UV_RENAME
    #: Its contents or attributes changed.
    CHANGE = _uv.UV_CHANGE


class FSEventFlags(enum.IntFlag):
    """Flags of :meth:`FSEvent.start`."""

    #: Report only changes of a directory entry itself (not implemented by
    #: libuv on any platform yet).
    WATCH_ENTRY = _uv.UV_FS_EVENT_WATCH_ENTRY
    #: Poll with stat() instead of a kernel interface (not implemented by
    #: libuv yet).
    STAT = _uv.UV_FS_EVENT_STAT
    #: Watch subdirectories too (macOS and Windows only).
    RECURSIVE = _uv.UV_FS_EVENT_RECURSIVE


class FSEvent(UVHandle):
    """``FSEvent(path=None, flags=0, loop=None, on_event=None)``: watches a
    file or a directory (inotify on Linux) once started.

    ``on_event(fs_event, status, filename, events)`` runs for each change:
    *filename* is the name of the entry that changed inside a watched
    directory (the file's own name for a watched file), ``str`` or
    ``bytes`` like the path given, or None when libuv does not know it;
    *events* is a :class:`FSEvents` (``RENAME``, ``CHANGE`` or both).
    A started FSEvent is pending (the loop keeps it) until stopped or
    closed.  ``path`` and ``flags`` are the values the next :meth:`start`
    uses."""

    _native = _uv.FSEvent

    def __init__(self, path=None, flags=0, loop=None, on_event=None):
        UVHandle.__init__(self, loop)
        #: The path watched (or to watch at the next start()).
        self.path = path
        #: The flags of the next start() (:class:`FSEventFlags`).
        self.flags = flags
        self._bytes = False
        self.on_event = on_event

    def start(self, path=None, flags=None, on_event=None):
        """Start watching *path* (default: :attr:`path`); a started handle
        watches the new path instead.

        :raises FileNotFoundError: (a uv error) the path does not exist
        :raises ValueError: no path was given
        :raises uv.ClosedHandleError: the handle is closing or closed"""
        path = self.path if path is None else path
        flags = self.flags if flags is None else flags
        if on_event is not None:
            self.on_event = on_event
        if path is None:
            raise ValueError("FSEvent.start() needs a path")
        encoded, as_bytes = _path(path)
        try:
            self._n.start(self, encoded, flags)
        except UVError as exc:
            exc.filename = path
            raise
        self.path, self.flags, self._bytes = path, flags, as_bytes

    def stop(self):
        """Stop watching (no effect on a closing or closed handle)."""
        self._n.stop()

    def _on_native_event(self, status, filename, events):
        if filename is not None and not self._bytes:
            filename = _decode(filename)
        self.on_event(self, StatusCodes.get(status), filename, FSEvents(events))

    def __repr__(self):
        try:
            return "<%s.%s %s path=%r at %#x>" % (
                type(self).__module__, type(self).__name__, self._state(),
                self.path, id(self))
        except Exception:
            return object.__repr__(self)
