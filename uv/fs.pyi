import enum
import os
from types import TracebackType
from typing import Any, Callable, Iterator, NamedTuple, overload

from _typeshed import StrPath, BytesPath, WriteableBuffer
from typing_extensions import Self, TypeAlias, final

from .common import Enumeration, _Data, _Path
from .error import StatusCodes, UVError
from .loop import Loop
from .request import UVRequest

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

class FSType(Enumeration):
    UNKNOWN = -1
    CUSTOM = 0
    OPEN = 1
    CLOSE = 2
    READ = 3
    WRITE = 4
    SENDFILE = 5
    STAT = 6
    LSTAT = 7
    FSTAT = 8
    FTRUNCATE = 9
    UTIME = 10
    FUTIME = 11
    ACCESS = 12
    CHMOD = 13
    FCHMOD = 14
    FSYNC = 15
    FDATASYNC = 16
    UNLINK = 17
    RMDIR = 18
    MKDIR = 19
    MKDTEMP = 20
    RENAME = 21
    SCANDIR = 22
    LINK = 23
    SYMLINK = 24
    READLINK = 25
    CHOWN = 26
    FCHOWN = 27
    REALPATH = 28
    COPYFILE = 29
    LCHOWN = 30
    OPENDIR = 31
    READDIR = 32
    CLOSEDIR = 33
    STATFS = 34
    MKSTEMP = 35
    LUTIME = 36

class DirentType(Enumeration):
    UNKNOWN = 0
    FILE = 1
    DIR = 2
    LINK = 3
    FIFO = 4
    SOCKET = 5
    CHAR = 6
    BLOCK = 7

class CopyFileFlags(enum.IntFlag):
    EXCL = 1
    FICLONE = 2
    FICLONE_FORCE = 4

class SymlinkFlags(enum.IntFlag):
    DIR = 1
    JUNCTION = 2

class Timespec(NamedTuple):
    sec: int
    nsec: int
    @property
    def seconds(self) -> float: ...

class Stat(NamedTuple):
    st_dev: int
    st_mode: int
    st_nlink: int
    st_uid: int
    st_gid: int
    st_rdev: int
    st_ino: int
    st_size: int
    st_blksize: int
    st_blocks: int
    st_flags: int
    st_gen: int
    st_atim: Timespec
    st_mtim: Timespec
    st_ctim: Timespec
    st_birthtim: Timespec
    @property
    def st_atime(self) -> float: ...
    @property
    def st_mtime(self) -> float: ...
    @property
    def st_ctime(self) -> float: ...
    @property
    def st_birthtime(self) -> float: ...

class Dirent(NamedTuple):
    # str, or bytes when the directory was given as bytes
    name: Any
    type: DirentType | int

class StatFS(NamedTuple):
    f_type: int
    f_bsize: int
    f_blocks: int
    f_bfree: int
    f_bavail: int
    f_files: int
    f_ffree: int

@final
class Buffer:
    """Zero-filled memory of uv's native module that readinto() fills
    without a copy; a writable buffer."""
    def __new__(cls, size: int) -> Self: ...
    def __len__(self) -> int: ...
    def __buffer__(self, flags: int, /) -> memoryview: ...

# callback(request, status, result): result is what the synchronous call
# returns, None on failure
_Callback: TypeAlias = Callable[[FSRequest, StatusCodes, Any], object]

class FSRequest(UVRequest):
    fs_type: FSType | int
    callback: _Callback
    path: Any
    new_path: Any
    status: StatusCodes | None
    result: Any
    def __init__(self, fs_type: int, arguments: tuple[Any, ...], callback: _Callback,
                 loop: Loop | None = None, post: Callable[[Any], Any] | None = None,
                 path: Any = None, new_path: Any = None) -> None: ...
    @property
    def error(self) -> UVError | None: ...

class Dir:
    path: _Path
    def __init__(self, path: _Path) -> None: ...
    @property
    def closed(self) -> bool: ...
    @overload
    def read(self, entries: int = 32, callback: None = None,
             loop: Loop | None = None) -> list[Dirent]: ...
    @overload
    def read(self, entries: int = 32, *, callback: _Callback,
             loop: Loop | None = None) -> FSRequest: ...
    @overload
    def read(self, entries: int, callback: _Callback,
             loop: Loop | None = None) -> FSRequest: ...
    @overload
    def close(self, callback: None = None, loop: Loop | None = None) -> None: ...
    @overload
    def close(self, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...
    def __iter__(self) -> Iterator[Dirent]: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, exc_type: type[BaseException] | None,
                 exc_value: BaseException | None,
                 traceback: TracebackType | None) -> None: ...

_ReadIntoBuffer: TypeAlias = Buffer | WriteableBuffer | list[WriteableBuffer] | tuple[WriteableBuffer, ...]


@overload
def open(path: _Path, flags: int, mode: int = 0o777, callback: None = None, loop: Loop | None = None) -> int: ...
@overload
def open(path: _Path, flags: int, mode: int = 0o777, *, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...
@overload
def open(path: _Path, flags: int, mode: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def close(fd: int, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def close(fd: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def read(fd: int, length: int, offset: int | None = -1, callback: None = None, loop: Loop | None = None) -> bytes: ...
@overload
def read(fd: int, length: int, offset: int | None = -1, *, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...
@overload
def read(fd: int, length: int, offset: int | None, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def readinto(fd: int, buffer: _ReadIntoBuffer, offset: int | None = -1, callback: None = None, loop: Loop | None = None) -> int: ...
@overload
def readinto(fd: int, buffer: _ReadIntoBuffer, offset: int | None = -1, *, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...
@overload
def readinto(fd: int, buffer: _ReadIntoBuffer, offset: int | None, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def write(fd: int, data: _Data, offset: int | None = -1, callback: None = None, loop: Loop | None = None) -> int: ...
@overload
def write(fd: int, data: _Data, offset: int | None = -1, *, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...
@overload
def write(fd: int, data: _Data, offset: int | None, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def stat(path: _Path, callback: None = None, loop: Loop | None = None) -> Stat: ...
@overload
def stat(path: _Path, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def lstat(path: _Path, callback: None = None, loop: Loop | None = None) -> Stat: ...
@overload
def lstat(path: _Path, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def fstat(fd: int, callback: None = None, loop: Loop | None = None) -> Stat: ...
@overload
def fstat(fd: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def unlink(path: _Path, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def unlink(path: _Path, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def mkdir(path: _Path, mode: int = 0o777, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def mkdir(path: _Path, mode: int = 0o777, *, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...
@overload
def mkdir(path: _Path, mode: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def mkdtemp(template: StrPath, callback: None = None, loop: Loop | None = None) -> str: ...
@overload
def mkdtemp(template: BytesPath, callback: None = None, loop: Loop | None = None) -> bytes: ...
@overload
def mkdtemp(template: _Path, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def mkstemp(template: StrPath, callback: None = None, loop: Loop | None = None) -> tuple[int, str]: ...
@overload
def mkstemp(template: BytesPath, callback: None = None, loop: Loop | None = None) -> tuple[int, bytes]: ...
@overload
def mkstemp(template: _Path, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def rmdir(path: _Path, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def rmdir(path: _Path, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def scandir(path: _Path, callback: None = None, loop: Loop | None = None) -> list[Dirent]: ...
@overload
def scandir(path: _Path, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def opendir(path: _Path, callback: None = None, loop: Loop | None = None) -> Dir: ...
@overload
def opendir(path: _Path, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def readdir(dir: Dir, entries: int = 32, callback: None = None, loop: Loop | None = None) -> list[Dirent]: ...
@overload
def readdir(dir: Dir, entries: int = 32, *, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...
@overload
def readdir(dir: Dir, entries: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def closedir(dir: Dir, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def closedir(dir: Dir, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def rename(path: _Path, new_path: _Path, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def rename(path: _Path, new_path: _Path, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def fsync(fd: int, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def fsync(fd: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def fdatasync(fd: int, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def fdatasync(fd: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def ftruncate(fd: int, length: int = 0, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def ftruncate(fd: int, length: int = 0, *, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...
@overload
def ftruncate(fd: int, length: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def sendfile(out_fd: int, in_fd: int, in_offset: int, length: int, callback: None = None, loop: Loop | None = None) -> int: ...
@overload
def sendfile(out_fd: int, in_fd: int, in_offset: int, length: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def copyfile(path: _Path, new_path: _Path, flags: CopyFileFlags | int = 0, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def copyfile(path: _Path, new_path: _Path, flags: CopyFileFlags | int = 0, *, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...
@overload
def copyfile(path: _Path, new_path: _Path, flags: CopyFileFlags | int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def access(path: _Path, mode: int = ..., callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def access(path: _Path, mode: int = ..., *, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...
@overload
def access(path: _Path, mode: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def chmod(path: _Path, mode: int, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def chmod(path: _Path, mode: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def fchmod(fd: int, mode: int, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def fchmod(fd: int, mode: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def utime(path: _Path, atime: float, mtime: float, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def utime(path: _Path, atime: float, mtime: float, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def futime(fd: int, atime: float, mtime: float, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def futime(fd: int, atime: float, mtime: float, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def lutime(path: _Path, atime: float, mtime: float, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def lutime(path: _Path, atime: float, mtime: float, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def link(path: _Path, new_path: _Path, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def link(path: _Path, new_path: _Path, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def symlink(path: _Path, new_path: _Path, flags: SymlinkFlags | int = 0, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def symlink(path: _Path, new_path: _Path, flags: SymlinkFlags | int = 0, *, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...
@overload
def symlink(path: _Path, new_path: _Path, flags: SymlinkFlags | int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def readlink(path: StrPath, callback: None = None, loop: Loop | None = None) -> str: ...
@overload
def readlink(path: BytesPath, callback: None = None, loop: Loop | None = None) -> bytes: ...
@overload
def readlink(path: _Path, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def realpath(path: StrPath, callback: None = None, loop: Loop | None = None) -> str: ...
@overload
def realpath(path: BytesPath, callback: None = None, loop: Loop | None = None) -> bytes: ...
@overload
def realpath(path: _Path, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def chown(path: _Path, uid: int, gid: int, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def chown(path: _Path, uid: int, gid: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def fchown(fd: int, uid: int, gid: int, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def fchown(fd: int, uid: int, gid: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def lchown(path: _Path, uid: int, gid: int, callback: None = None, loop: Loop | None = None) -> None: ...
@overload
def lchown(path: _Path, uid: int, gid: int, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...

@overload
def statfs(path: _Path, callback: None = None, loop: Loop | None = None) -> StatFS: ...
@overload
def statfs(path: _Path, callback: _Callback, loop: Loop | None = None) -> FSRequest: ...
