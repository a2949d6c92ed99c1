"""libuv's file-system operations: ``uv.fs``.

Every function runs its operation **synchronously** when called without a
callback (returning the result or raising) and **asynchronously** on libuv's
thread pool with one: it then returns an :class:`FSRequest` at once and
``callback(request, status, result)`` runs on the loop (``loop=None``: the
current loop) once it is done; ``status`` is a :class:`uv.StatusCodes`
member and ``result`` is ``None`` on failure (``request.error`` is the
exception the synchronous call would have raised).  A request still queued
can be cancelled (``request.cancel()``): its callback gets
``StatusCodes.ECANCELED``.  Synchronous calls release the interpreter lock
while the system call runs.

Paths are ``str``, ``bytes`` or ``os.PathLike``; where a function returns a
path (``mkdtemp``, ``readlink``, ``scandir`` names, ...) it is ``bytes`` for
a ``bytes`` argument and ``str`` otherwise, as in :mod:`os`.  Errors are
:class:`uv.UVError` subclasses that are also the PEP 3151 builtins
(``FileNotFoundError``, ``PermissionError``, ``IsADirectoryError``, ...),
with ``filename`` (and ``filename2`` for ``rename``, ``link``, ``symlink``,
``copyfile``) set the way :mod:`os` sets them.

Reads return a new ``bytes`` (:func:`read`) or fill a writable buffer
(:func:`readinto`).  HPy 0.9 has no way to reach the memory of a Python
buffer from C: the bytes are read into memory the request owns, and
:func:`readinto` copies them into the buffer with a memoryview slice
assignment (one copy more than ``os.readv``, on every interpreter).
Writes take any bytes-like object or a list/tuple of them (written as one
gathered write); an asynchronous write copies its data first, so the
buffer may change once the call returned.
"""
import collections
import enum
import functools
import os
import sys

from ._loader import _uv
from .common import Enumeration
from .error import StatusCodes, UVError
from .loop import Loop
from .request import RequestType, UVRequest

__all__ = [
    "FSRequest", "FSType", "Buffer", "Dir", "Dirent", "DirentType", "Stat", "StatFS",
    "Timespec", "CopyFileFlags", "SymlinkFlags",
    "open", "close", "read", "readinto", "write", "stat", "lstat", "fstat",
    "unlink", "mkdir", "mkdtemp", "mkstemp", "rmdir", "scandir", "opendir",
    "readdir", "closedir", "rename", "fsync", "fdatasync", "ftruncate",
    "sendfile", "copyfile", "access", "chmod", "fchmod", "utime", "futime",
    "lutime", "link", "symlink", "readlink", "realpath", "chown", "fchown",
    "lchown", "statfs",
]

_C = _uv.fs_constants()
_fs_call = _uv.fs_call
_SUCCESS = StatusCodes.SUCCESS
_status = StatusCodes.get

_READ = _C["UV_FS_READ"]
_READ_INTO = _C["FS_READ_INTO"]

#: ``Buffer(size)``: zero-filled memory owned by uv's native module, which
#: :func:`readinto` fills without any copy (on every interpreter: HPy lets a
#: native type export its own memory, not reach another object's).  It is
#: a writable buffer for Python: ``memoryview(buf)``, ``bytes(buf)``,
#: ``len(buf)``.  The type is final (no subclasses).
Buffer = _uv.FSBuffer


class FSType(Enumeration):
    """The file-system operation of a request (libuv's ``uv_fs_type``)."""

    UNKNOWN = _C["UV_FS_UNKNOWN"]
    CUSTOM = _C["UV_FS_CUSTOM"]
    OPEN = _C["UV_FS_OPEN"]
    CLOSE = _C["UV_FS_CLOSE"]
    READ = _C["UV_FS_READ"]
    WRITE = _C["UV_FS_WRITE"]
    SENDFILE = _C["UV_FS_SENDFILE"]
    STAT = _C["UV_FS_STAT"]
    LSTAT = _C["UV_FS_LSTAT"]
    FSTAT = _C["UV_FS_FSTAT"]
    FTRUNCATE = _C["UV_FS_FTRUNCATE"]
    UTIME = _C["UV_FS_UTIME"]
    FUTIME = _C["UV_FS_FUTIME"]
    ACCESS = _C["UV_FS_ACCESS"]
    CHMOD = _C["UV_FS_CHMOD"]
    FCHMOD = _C["UV_FS_FCHMOD"]
    FSYNC = _C["UV_FS_FSYNC"]
    FDATASYNC = _C["UV_FS_FDATASYNC"]
    UNLINK = _C["UV_FS_UNLINK"]
    RMDIR = _C["UV_FS_RMDIR"]
    MKDIR = _C["UV_FS_MKDIR"]
    MKDTEMP = _C["UV_FS_MKDTEMP"]
    RENAME = _C["UV_FS_RENAME"]
    SCANDIR = _C["UV_FS_SCANDIR"]
    LINK = _C["UV_FS_LINK"]
    SYMLINK = _C["UV_FS_SYMLINK"]
    READLINK = _C["UV_FS_READLINK"]
    CHOWN = _C["UV_FS_CHOWN"]
    FCHOWN = _C["UV_FS_FCHOWN"]
    REALPATH = _C["UV_FS_REALPATH"]
    COPYFILE = _C["UV_FS_COPYFILE"]
    LCHOWN = _C["UV_FS_LCHOWN"]
    OPENDIR = _C["UV_FS_OPENDIR"]
    READDIR = _C["UV_FS_READDIR"]
    CLOSEDIR = _C["UV_FS_CLOSEDIR"]
    STATFS = _C["UV_FS_STATFS"]
    MKSTEMP = _C["UV_FS_MKSTEMP"]
    LUTIME = _C["UV_FS_LUTIME"]


class DirentType(Enumeration):
    """The type of a directory entry (libuv's ``uv_dirent_type_t``)."""

    UNKNOWN = _C["UV_DIRENT_UNKNOWN"]
    FILE = _C["UV_DIRENT_FILE"]
    DIR = _C["UV_DIRENT_DIR"]
    LINK = _C["UV_DIRENT_LINK"]
    FIFO = _C["UV_DIRENT_FIFO"]
    SOCKET = _C["UV_DIRENT_SOCKET"]
    CHAR = _C["UV_DIRENT_CHAR"]
    BLOCK = _C["UV_DIRENT_BLOCK"]


class CopyFileFlags(enum.IntFlag):
    """Flags of :func:`copyfile`."""

    #: Fail with FileExistsError if the destination exists.
    EXCL = _C["UV_FS_COPYFILE_EXCL"]
    #: Try a copy-on-write reflink; fall back to copying.
    FICLONE = _C["UV_FS_COPYFILE_FICLONE"]
    #: A copy-on-write reflink or an error.
    FICLONE_FORCE = _C["UV_FS_COPYFILE_FICLONE_FORCE"]


class SymlinkFlags(enum.IntFlag):
    """Flags of :func:`symlink` (Windows only; accepted and ignored elsewhere)."""

    DIR = _C["UV_FS_SYMLINK_DIR"]
    JUNCTION = _C["UV_FS_SYMLINK_JUNCTION"]


class Timespec(collections.namedtuple("Timespec", "sec nsec")):
    """A time of :class:`Stat`: seconds and nanoseconds (``uv_timespec_t``)."""

    __slots__ = ()

    @property
    def seconds(self):
        """The time as a float in seconds."""
        return self.sec + self.nsec * 1e-9


class Stat(collections.namedtuple("Stat", (
        "st_dev st_mode st_nlink st_uid st_gid st_rdev st_ino st_size "
        "st_blksize st_blocks st_flags st_gen st_atim st_mtim st_ctim "
        "st_birthtim"))):
    """The status of a file, with the fields of libuv's ``uv_stat_t``; the
    times are :class:`Timespec` values (``st_atime`` & co. give them as
    floats, as :func:`os.stat` does)."""

    __slots__ = ()

    @property
    def st_atime(self):
        """Last access, in seconds (float)."""
        return self.st_atim.seconds

    @property
    def st_mtime(self):
        """Last modification, in seconds (float)."""
        return self.st_mtim.seconds

    @property
    def st_ctime(self):
        """Last status change, in seconds (float)."""
        return self.st_ctim.seconds

    @property
    def st_birthtime(self):
        """Creation, in seconds (float; 0 where the system does not tell)."""
        return self.st_birthtim.seconds


#: A directory entry: ``name`` (str, or bytes for a bytes path) and
#: ``type`` (a :class:`DirentType`).
Dirent = collections.namedtuple("Dirent", "name type")

#: File-system statistics (libuv's ``uv_statfs_t``, of :func:`statfs`).
StatFS = collections.namedtuple(
    "StatFS", "f_type f_bsize f_blocks f_bfree f_bavail f_files f_ffree")

_uv.fs_setup(functools.partial(tuple.__new__, Stat),
             functools.partial(tuple.__new__, Timespec),
             functools.partial(tuple.__new__, StatFS))

# ---- arguments ----

_ENCODING = sys.getfilesystemencoding()
_ERRORS = "surrogateescape" if _ENCODING.lower() not in ("mbcs",) else "strict"


def _path(path):
    """(bytes for libuv, True if results are bytes)."""
    if type(path) is str:
        return path.encode(_ENCODING, _ERRORS), False
    if type(path) is bytes:
        return path, True
    p = os.fspath(path)          # TypeError for what is not a path
    if isinstance(p, str):
        return p.encode(_ENCODING, _ERRORS), False
    return bytes(p), True


def _decode(value):
    return value.decode(_ENCODING, _ERRORS)


def _offset(offset):
    return -1 if offset is None else offset


def _buffer(item):
    if type(item) is bytes:
        return item
    if isinstance(item, str):
        raise TypeError("data must be bytes-like, not str (encode it first)")
    return bytes(memoryview(item))       # bytearray, memoryview, any buffer


def _data(data):
    if type(data) is bytes:
        return data
    if isinstance(data, (list, tuple)):
        return [_buffer(item) for item in data]
    return _buffer(data)


def _call(op, args, callback, loop, post=None, filename=None, filename2=None):
    """Run operation *op* now (no callback) or start an FSRequest."""
    if callback is None:
        try:
            result = _fs_call(op, *args)
        except UVError as exc:
            if filename is not None:
                exc.filename = filename
                if filename2 is not None:
                    exc.filename2 = filename2
            raise
        return result if post is None else post(result)
    return FSRequest(op, args, callback, loop, post, filename, filename2)


class FSRequest(UVRequest):
    """A file-system operation running on libuv's thread pool, made by the
    functions of :mod:`uv.fs` when given a callback:
    ``callback(request, status, result)`` runs on the loop once it is done.

    The loop keeps the request until then.  :meth:`cancel` works while the
    request is still queued (the callback then gets ``ECANCELED``).
    Attributes: ``fs_type`` (:class:`FSType`), ``path`` and ``new_path``
    (the paths given, or None), ``status`` and ``result`` once finished,
    ``error`` (the exception for a failed request)."""

    type = RequestType.FS
    _result = None

    def __init__(self, fs_type, arguments, callback, loop=None, post=None,
                 path=None, new_path=None):
        if loop is None:
            loop = Loop.get_current()
        elif not isinstance(loop, Loop):
            raise TypeError("loop must be a uv.Loop, not %s" % type(loop).__name__)
        if not callable(callback):
            raise TypeError("callback must be callable, not %s" % type(callback).__name__)
        UVRequest.__init__(self, loop)
        self.fs_type = FSType.READ if fs_type == _READ_INTO else FSType.get(fs_type)
        self.callback = callback
        self.path = path
        self.new_path = new_path
        self.status = None
        self.result = None
        self._post = post
        self._n = _uv.FSRequest(loop._n)
        self._n.start(self, fs_type, *arguments)

    @property
    def error(self):
        """The exception of a failed request (None otherwise), with the
        paths in ``filename``/``filename2``."""
        status = self.status
        if status is None or status is _SUCCESS:
            return None
        return UVError(status, filename=self.path,
                       filename2=self.new_path if self.path is not None else None)

    def _complete(self, status):
        self.status = status
        result = None
        if status is _SUCCESS:
            result = self._result
            post = self._post
            if post is not None:
                result = post(result)
            self.result = result
        self._result = self._post = None
        self.callback(self, status, result)

    def __repr__(self):
        try:
            state = "finished" if self._n.is_finished() else "pending"
            return "<uv.fs.FSRequest %s %s at %#x>" % (self.fs_type.name, state, id(self))
        except Exception:
            return object.__repr__(self)


# ---- the operations ----

def open(path, flags, mode=0o777, callback=None, loop=None):
    """Open a file (``os.open`` flags); returns the file descriptor.

    :raises FileNotFoundError: (a uv error) no such file, and the other
        errors of ``open(2)``"""
    p, _ = _path(path)
    return _call(FSType.OPEN, (p, flags, mode), callback, loop, None, path)


def close(fd, callback=None, loop=None):
    """Close a file descriptor.

    :raises uv.error.BadFileDescriptorError: *fd* is not open"""
    return _call(FSType.CLOSE, (fd,), callback, loop)


def read(fd, length, offset=-1, callback=None, loop=None):
    """Read at most *length* bytes (at *offset*, or at the current position
    for -1/None); returns ``bytes`` (``b''`` at the end of the file).  At
    most 2 GiB - 4 KiB are read at once, as ``read(2)`` does on Linux.

    :raises uv.error.ArgumentError: a negative length or offset"""
    return _call(FSType.READ, (fd, length, _offset(offset)), callback, loop)


def _scatter(views, data):
    """Copy *data* into the memoryviews *views*; return len(data)."""
    n = len(data)
    if len(views) == 1:
        views[0][:n] = data
    else:
        src = memoryview(data)
        off = 0
        for v in views:
            k = min(len(v), n - off)
            if k <= 0:
                break
            v[:k] = src[off:off + k]
            off += k
        src.release()
    for v in views:
        v.release()
    return n


def _views(buffer):
    items = buffer if isinstance(buffer, (list, tuple)) else (buffer,)
    views = []
    for item in items:
        v = memoryview(item)
        if v.readonly:
            v.release()
            raise TypeError("readinto() needs writable buffers, not %s"
                            % type(item).__name__)
        views.append(v.cast("B") if v.format != "B" or v.ndim != 1 else v)
    return views


def readinto(fd, buffer, offset=-1, callback=None, loop=None):
    """Read into a writable buffer (``bytearray``, writable ``memoryview``,
    ...) or a list of them, filled in order; returns the number of bytes
    read.

    A :class:`Buffer` is filled directly, without a copy.  Any other buffer
    gets the bytes copied in from memory the request owns (HPy 0.9 cannot
    reach a Python buffer from C): one copy more than ``os.readv``.  An
    asynchronous read holds the buffers (a bytearray cannot be resized on
    CPython) until its callback."""
    if type(buffer) is Buffer:
        args = (fd, buffer, -1 if offset is None else offset, 0, len(buffer))
        if callback is None:
            return _fs_call(_READ_INTO, *args)
        return FSRequest(_READ_INTO, args, callback, loop)
    if callback is None and type(buffer) is bytearray:
        # the common case: one memoryview slice assignment (a bytearray's
        # own slice assignment is three times slower)
        data = _fs_call(_READ, fd, len(buffer), -1 if offset is None else offset)
        n = len(data)
        with memoryview(buffer) as view:
            view[:n] = data
        return n
    views = _views(buffer)
    total = sum(len(v) for v in views)
    post = functools.partial(_scatter, views)
    if callback is None:
        try:
            data = _fs_call(FSType.READ, fd, total, _offset(offset))
        except BaseException:
            for v in views:
                v.release()
            raise
        return post(data)
    try:
        return FSRequest(FSType.READ, (fd, total, _offset(offset)), callback, loop, post)
    except BaseException:
        for v in views:
            v.release()
        raise


def write(fd, data, offset=-1, callback=None, loop=None):
    """Write *data* (bytes-like, or a list/tuple of them) at *offset* (or
    at the current position for -1/None); returns the number of bytes
    written."""
    return _call(FSType.WRITE, (fd, _data(data), _offset(offset)), callback, loop)


def stat(path, callback=None, loop=None):
    """The :class:`Stat` of *path* (following symbolic links)."""
    p, _ = _path(path)
    return _call(FSType.STAT, (p,), callback, loop, None, path)


def lstat(path, callback=None, loop=None):
    """The :class:`Stat` of *path* itself (a symbolic link is not followed)."""
    p, _ = _path(path)
    return _call(FSType.LSTAT, (p,), callback, loop, None, path)


def fstat(fd, callback=None, loop=None):
    """The :class:`Stat` of an open file descriptor."""
    return _call(FSType.FSTAT, (fd,), callback, loop)


def unlink(path, callback=None, loop=None):
    """Remove a file."""
    p, _ = _path(path)
    return _call(FSType.UNLINK, (p,), callback, loop, None, path)


def mkdir(path, mode=0o777, callback=None, loop=None):
    """Create a directory."""
    p, _ = _path(path)
    return _call(FSType.MKDIR, (p, mode), callback, loop, None, path)


def mkdtemp(template, callback=None, loop=None):
    """Create a new directory from *template* (its last six characters must
    be ``XXXXXX``); returns its path.

    :raises uv.error.ArgumentError: the template does not end in XXXXXX"""
    p, as_bytes = _path(template)
    return _call(FSType.MKDTEMP, (p,), callback, loop,
                 None if as_bytes else _decode, template)


def _mkstemp_str(result):
    return (result[0], _decode(result[1]))


def mkstemp(template, callback=None, loop=None):
    """Create and open a new file from *template* (ending in ``XXXXXX``);
    returns ``(fd, path)``."""
    p, as_bytes = _path(template)
    return _call(FSType.MKSTEMP, (p,), callback, loop,
                 None if as_bytes else _mkstemp_str, template)


def rmdir(path, callback=None, loop=None):
    """Remove an empty directory."""
    p, _ = _path(path)
    return _call(FSType.RMDIR, (p,), callback, loop, None, path)


def _dirents_bytes(raw):
    get = DirentType.get
    return [Dirent(name, get(kind)) for name, kind in raw]


def _dirents_str(raw):
    get = DirentType.get
    return [Dirent(_decode(name), get(kind)) for name, kind in raw]


def scandir(path, callback=None, loop=None):
    """The entries of a directory (without ``.`` and ``..``): a list of
    :class:`Dirent`."""
    p, as_bytes = _path(path)
    return _call(FSType.SCANDIR, (p,), callback, loop,
                 _dirents_bytes if as_bytes else _dirents_str, path)


class Dir(object):
    """A directory stream of :func:`opendir`: read it with :meth:`read`
    (or :func:`readdir`), close it with :meth:`close` (or :func:`closedir`;
    a stream nobody holds is closed when collected).  One operation at a
    time: another one while the first is in flight raises
    ``ResourceBusyError``.  ``with`` closes it; iterating reads it to the
    end synchronously."""

    def __init__(self, path):
        self.path = path
        self._bytes = _path(path)[1]
        self._n = _uv.FSDir()

    @property
    def closed(self):
        """True until it is open, and once it is closed."""
        return not self._n.is_open()

    def read(self, entries=32, callback=None, loop=None):
        """The next (at most *entries*) entries: see :func:`readdir`."""
        return readdir(self, entries, callback, loop)

    def close(self, callback=None, loop=None):
        """Close the stream: see :func:`closedir`."""
        return closedir(self, callback, loop)

    def __iter__(self):
        while True:
            entries = readdir(self, 64)
            if not entries:
                return
            for e in entries:
                yield e

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self._n.is_open() and not self._n.is_busy():
            closedir(self)

    def __repr__(self):
        state = "open" if self._n.is_open() else "closed"
        return "<uv.fs.Dir %r %s at %#x>" % (self.path, state, id(self))


def _native_dir(d):
    if not isinstance(d, Dir):
        raise TypeError("a uv.fs.Dir (from opendir) is required, not %s"
                        % type(d).__name__)
    return d._n


def opendir(path, callback=None, loop=None):
    """Open a directory stream: returns a :class:`Dir` (to the callback
    too)."""
    p, _ = _path(path)
    d = Dir(path)
    return _call(FSType.OPENDIR, (p, d._n), callback, loop, lambda _: d, path)


def readdir(dir, entries=32, callback=None, loop=None):
    """The next (at most *entries*, 1-65536) entries of a :class:`Dir`: a
    list of :class:`Dirent`, empty at the end.

    :raises uv.error.BadFileDescriptorError: the stream is closed
    :raises uv.error.ResourceBusyError: an operation on it is in flight"""
    n = _native_dir(dir)
    return _call(FSType.READDIR, (n, entries), callback, loop,
                 _dirents_bytes if dir._bytes else _dirents_str)


def closedir(dir, callback=None, loop=None):
    """Close a :class:`Dir`.

    :raises uv.error.BadFileDescriptorError: the stream is closed already
    :raises uv.error.ResourceBusyError: an operation on it is in flight"""
    return _call(FSType.CLOSEDIR, (_native_dir(dir),), callback, loop)


def rename(path, new_path, callback=None, loop=None):
    """Rename *path* to *new_path* (replacing it)."""
    p, _ = _path(path)
    q, _ = _path(new_path)
    return _call(FSType.RENAME, (p, q), callback, loop, None, path, new_path)


def fsync(fd, callback=None, loop=None):
    """Flush a file's data and metadata to storage."""
    return _call(FSType.FSYNC, (fd,), callback, loop)


def fdatasync(fd, callback=None, loop=None):
    """Flush a file's data to storage."""
    return _call(FSType.FDATASYNC, (fd,), callback, loop)


def ftruncate(fd, length=0, callback=None, loop=None):
    """Truncate (or extend) an open file to *length* bytes."""
    return _call(FSType.FTRUNCATE, (fd, length), callback, loop)


def sendfile(out_fd, in_fd, in_offset, length, callback=None, loop=None):
    """Copy *length* bytes from *in_fd* at *in_offset* to *out_fd*; returns
    the number of bytes copied."""
    return _call(FSType.SENDFILE, (out_fd, in_fd, in_offset, length), callback, loop)


def copyfile(path, new_path, flags=0, callback=None, loop=None):
    """Copy a file (:class:`CopyFileFlags`)."""
    p, _ = _path(path)
    q, _ = _path(new_path)
    return _call(FSType.COPYFILE, (p, q, flags), callback, loop, None, path, new_path)


def access(path, mode=os.F_OK, callback=None, loop=None):
    """Check access to *path* (``os.F_OK``, or ``R_OK | W_OK | X_OK``):
    returns None, or raises the error (``FileNotFoundError``,
    ``PermissionError``, ...) as libuv reports it."""
    p, _ = _path(path)
    return _call(FSType.ACCESS, (p, mode), callback, loop, None, path)


def chmod(path, mode, callback=None, loop=None):
    """Change the permission bits of *path*."""
    p, _ = _path(path)
    return _call(FSType.CHMOD, (p, mode), callback, loop, None, path)


def fchmod(fd, mode, callback=None, loop=None):
    """Change the permission bits of an open file."""
    return _call(FSType.FCHMOD, (fd, mode), callback, loop)


def utime(path, atime, mtime, callback=None, loop=None):
    """Set the access and modification times (seconds, int or float)."""
    p, _ = _path(path)
    return _call(FSType.UTIME, (p, atime, mtime), callback, loop, None, path)


def futime(fd, atime, mtime, callback=None, loop=None):
    """Set the times of an open file."""
    return _call(FSType.FUTIME, (fd, atime, mtime), callback, loop)


def lutime(path, atime, mtime, callback=None, loop=None):
    """Set the times of *path* itself (a symbolic link is not followed)."""
    p, _ = _path(path)
    return _call(FSType.LUTIME, (p, atime, mtime), callback, loop, None, path)


def link(path, new_path, callback=None, loop=None):
    """Create a hard link *new_path* to *path*."""
    p, _ = _path(path)
    q, _ = _path(new_path)
    return _call(FSType.LINK, (p, q), callback, loop, None, path, new_path)


def symlink(path, new_path, flags=0, callback=None, loop=None):
    """Create a symbolic link *new_path* pointing to *path*."""
    p, _ = _path(path)
    q, _ = _path(new_path)
    return _call(FSType.SYMLINK, (p, q, flags), callback, loop, None, path, new_path)


def readlink(path, callback=None, loop=None):
    """The target of a symbolic link."""
    p, as_bytes = _path(path)
    return _call(FSType.READLINK, (p,), callback, loop,
                 None if as_bytes else _decode, path)


def realpath(path, callback=None, loop=None):
    """The canonical absolute path of *path* (symbolic links resolved)."""
    p, as_bytes = _path(path)
    return _call(FSType.REALPATH, (p,), callback, loop,
                 None if as_bytes else _decode, path)


def chown(path, uid, gid, callback=None, loop=None):
    """Change the owner and group of *path* (-1 leaves one unchanged)."""
    p, _ = _path(path)
    return _call(FSType.CHOWN, (p, uid, gid), callback, loop, None, path)


def fchown(fd, uid, gid, callback=None, loop=None):
    """Change the owner and group of an open file."""
    return _call(FSType.FCHOWN, (fd, uid, gid), callback, loop)


def lchown(path, uid, gid, callback=None, loop=None):
    """Change the owner and group of *path* itself (no link following)."""
    p, _ = _path(path)
    return _call(FSType.LCHOWN, (p, uid, gid), callback, loop, None, path)


def statfs(path, callback=None, loop=None):
    """File-system statistics of the file system holding *path*:
    :class:`StatFS`."""
    p, _ = _path(path)
    return _call(FSType.STATFS, (p,), callback, loop, None, path)
