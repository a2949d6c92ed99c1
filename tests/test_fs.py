"""uv.fs: every file-system operation, synchronously and asynchronously, on
real files in a temporary directory; bad input; cancellation; requests
whose loop is closed or collected.  API.md section 7.

Every test runs under a fixture that checks, afterwards, that no file
descriptor was leaked, that the loop has no request in flight and that the
temporary directory is gone.  ``call`` runs an operation in both modes:
synchronously, and asynchronously (the callback's error re-raised as
``request.error``), so that one test body checks both.
"""
import errno
import gc
import os
import pathlib
import shutil
import stat as stat_mod
import tempfile
import threading

import pytest

import uv
from uv import fs
from uv._loader import _uv
from uv.error import (ArgumentError, BadFileDescriptorError, NotEmptyError,
                      ResourceBusyError, StatusCodes)

from child import check_child
from conftest import IS_PYPY, collect, finish_loop, fd_count

S = StatusCodes
PREFIX = "uv-test-fs-"


def _leftovers():
    return sorted(n for n in os.listdir(tempfile.gettempdir()) if n.startswith(PREFIX))


# libuv opens a process-wide pipe with the first loop (signal handling):
# open it before any test counts descriptors
uv.Loop().close()


def _fds():
    out = {}
    for n in os.listdir("/proc/self/fd"):
        try:
            out[n] = os.readlink("/proc/self/fd/" + n)
        except OSError:
            pass
    return out


@pytest.fixture(autouse=True)
def _no_leaks():
    """No fd, no temp dir left behind by a test (checked after its loop
    was closed)."""
    collect()                   # loops of earlier tests give their fds back
    before_dirs = _leftovers()
    before = _fds()
    yield
    collect()
    assert _fds() == before, "file descriptors leaked"
    assert _leftovers() == before_dirs, "temporary directories left behind"


@pytest.fixture
def loop():
    """A fresh loop (run once: it has opened its own descriptors, which a
    test may then count); at teardown no request may be in flight on it."""
    lp = uv.Loop()
    lp.run(uv.RunModes.NOWAIT)
    yield lp
    if not lp.closed:
        assert lp._n.requests_in_flight() == 0, "requests still in flight"
    finish_loop(lp)


@pytest.fixture
def tmp():
    d = tempfile.mkdtemp(prefix=PREFIX)
    yield d
    shutil.rmtree(d)


@pytest.fixture(params=["sync", "async"])
def call(request, loop, until):
    """``call(fn, *args)``: the result of ``fs.fn`` run synchronously, or
    asynchronously on ``loop`` (an error then is ``request.error``)."""
    if request.param == "sync":
        def run_sync(fn, *args, **kwargs):
            return fn(*args, **kwargs)
        return run_sync

    def run_async(fn, *args, **kwargs):
        done = []
        req = fn(*args, callback=lambda r, s, res: done.append((r, s, res)),
                 loop=loop, **kwargs)
        assert isinstance(req, fs.FSRequest)
        assert isinstance(req, uv.Request)
        until(lambda: done)
        r, status, result = done[0]
        assert r is req and status is req.status and req.finished
        assert len(done) == 1
        if status is not S.SUCCESS:
            assert result is None and req.result is None
            raise req.error
        assert req.error is None and req.result is result
        return result
    return run_async


def make_file(path, data=b"hello world"):
    with open(path, "wb") as f:
        f.write(data)
    return path


# ---------------------------------------------------------------- open/read/write

def test_open_write_read_close(call, tmp):
    p = os.path.join(tmp, "f")
    fd = call(fs.open, p, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    assert type(fd) is int and fd >= 0
    try:
        assert call(fs.write, fd, b"hello ") == 6
        assert call(fs.write, fd, [b"wor", bytearray(b"ld"), memoryview(b"!")]) == 6
        assert call(fs.read, fd, 100, 0) == b"hello world!"
        assert call(fs.read, fd, 5, 6) == b"world"
        os.lseek(fd, 0, os.SEEK_SET)
        assert call(fs.read, fd, 5) == b"hello"        # the current position
        assert call(fs.read, fd, 3, None) == b" wo"
        assert call(fs.read, fd, 10, 100) == b""       # past the end
        assert call(fs.read, fd, 0, 0) == b""
        assert call(fs.write, fd, b"HELLO", 0) == 5
    finally:
        assert call(fs.close, fd) is None
    with open(p, "rb") as f:
        assert f.read() == b"HELLO world!"
    assert stat_mod.S_IMODE(os.stat(p).st_mode) == 0o600


def test_large_read_and_write(call, tmp):
    p = os.path.join(tmp, "big")
    data = os.urandom(3 * 1024 * 1024 + 17)
    fd = os.open(p, os.O_RDWR | os.O_CREAT)
    try:
        assert call(fs.write, fd, data, 0) == len(data)
        assert call(fs.read, fd, len(data) + 10, 0) == data
        # a huge length is a short read, as read(2) makes
        assert call(fs.read, fd, 2 ** 40, 0) == data
    finally:
        os.close(fd)


def test_readinto(call, tmp):
    p = make_file(os.path.join(tmp, "f"), b"0123456789")
    fd = os.open(p, os.O_RDONLY)
    try:
        buf = bytearray(4)
        assert call(fs.readinto, fd, buf, 2) == 4
        assert buf == b"2345"
        big = bytearray(b"x" * 20)
        assert call(fs.readinto, fd, memoryview(big)[5:], 0) == 10
        assert big == b"xxxxx0123456789xxxxx"
        a, b = bytearray(3), bytearray(10)
        assert call(fs.readinto, fd, [a, memoryview(b)], 0) == 10
        assert a == b"012" and b == b"3456789\0\0\0"
        import array
        arr = array.array("i", [0, 0])
        assert call(fs.readinto, fd, arr, 0) == 8
        assert arr.tobytes() == b"01234567"
    finally:
        os.close(fd)


def test_readinto_a_native_buffer_without_a_copy(call, tmp):
    p = make_file(os.path.join(tmp, "f"), b"0123456789")
    fd = os.open(p, os.O_RDONLY)
    try:
        buf = fs.Buffer(4)
        assert len(buf) == 4 and bytes(buf) == b"\0\0\0\0"
        assert call(fs.readinto, fd, buf, 3) == 4
        assert bytes(buf) == b"3456"
        assert call(fs.readinto, fd, buf, 8) == 2
        assert bytes(buf) == b"8956"
        view = memoryview(buf)
        assert not view.readonly and view.format == "B" and view.shape == (4,)
        view[0:2] = b"ab"
        assert bytes(buf) == b"ab56" and bytes(view[1:3]) == b"b5"
        view.release()
        assert call(fs.readinto, fd, fs.Buffer(0), 0) == 0
        big = fs.Buffer(100)
        assert call(fs.readinto, fd, big) == 10         # the current position
        assert bytes(memoryview(big)[:10]) == b"0123456789"
        assert call(fs.readinto, fd, big) == 0          # at the end
    finally:
        os.close(fd)


def test_native_buffer_bad_input():
    for bad in (-1, -2 ** 40):
        with pytest.raises(ArgumentError):
            fs.Buffer(bad)
    for bad in (2 ** 41, 2 ** 64):
        with pytest.raises(OverflowError):
            fs.Buffer(bad)
    for bad in ("3", 3.0, None):
        with pytest.raises(TypeError):
            fs.Buffer(bad)
    with pytest.raises(TypeError):
        fs.Buffer()
    try:
        class Sub(fs.Buffer):          # CPython refuses the class itself
            pass
    except TypeError:
        pass
    else:
        with pytest.raises(TypeError):     # PyPy: no instances of it
            Sub(4)
    buf = fs.Buffer(8)
    r, w = os.pipe()
    try:
        for start, length in ((0, 9), (9, 0), (4, 5), (2 ** 40, 1)):
            with pytest.raises(ValueError):
                _uv.fs_call(_uv.fs_constants()["FS_READ_INTO"], r, buf, -1, start, length)
        with pytest.raises(TypeError):
            _uv.fs_call(_uv.fs_constants()["FS_READ_INTO"], r, bytearray(8), -1, 0, 8)
    finally:
        os.close(r)
        os.close(w)


def test_native_buffer_collected_while_a_read_is_in_flight(loop, until):
    """The memory a request reads into outlives the Buffer object."""
    r, w = os.pipe()
    done = []
    buf = fs.Buffer(16)
    fs.readinto(r, buf, callback=lambda q, s, n: done.append((s, n)), loop=loop)
    del buf
    collect()
    os.write(w, b"late data")
    until(lambda: done)
    assert done == [(S.SUCCESS, 9)]
    os.close(r)
    os.close(w)


def test_readinto_refuses_readonly_buffers(call, tmp):
    fd = os.open(make_file(os.path.join(tmp, "f")), os.O_RDONLY)
    try:
        for bad in (b"abc", memoryview(b"abc"), "abc", 5, None):
            with pytest.raises(TypeError):
                call(fs.readinto, fd, bad)
    finally:
        os.close(fd)


def test_async_readinto_holds_the_buffer(loop, until, tmp):
    fd = os.open(make_file(os.path.join(tmp, "f"), b"abcdef"), os.O_RDONLY)
    buf = bytearray(6)
    done = []
    fs.readinto(fd, buf, 0, callback=lambda r, s, n: done.append((s, n)), loop=loop)
    if not IS_PYPY:
        # CPython locks an exported bytearray's size; PyPy's memoryview
        # refers to the bytearray object itself and does not: there the
        # copy at completion goes to the bytearray as it is then
        with pytest.raises(BufferError):
            buf.extend(b"more")            # exported until the read is done
    until(lambda: done)
    os.close(fd)
    assert done == [(S.SUCCESS, 6)] and buf == b"abcdef"
    buf.extend(b"!")                    # released again


def test_write_accepts_buffers(call, tmp):
    p = os.path.join(tmp, "f")
    fd = os.open(p, os.O_WRONLY | os.O_CREAT)
    try:
        import array
        assert call(fs.write, fd, bytearray(b"ab")) == 2
        assert call(fs.write, fd, memoryview(b"xcdx")[1:3]) == 2
        assert call(fs.write, fd, array.array("b", [101, 102])) == 2
        assert call(fs.write, fd, (b"g", b"h")) == 2
        assert call(fs.write, fd, b"") == 0
        for bad in ("text", 5, None, [b"a", "b"], [b"a", 5], [], object()):
            with pytest.raises((TypeError, ValueError, BufferError)):
                call(fs.write, fd, bad)
    finally:
        os.close(fd)
    with open(p, "rb") as f:
        assert f.read() == b"abcdefgh"


def test_async_write_copies_its_data(loop, until, tmp):
    p = os.path.join(tmp, "f")
    fd = os.open(p, os.O_WRONLY | os.O_CREAT)
    data = bytearray(b"before")
    done = []
    fs.write(fd, data, 0, callback=lambda r, s, n: done.append((s, n)), loop=loop)
    data[:] = b"AFTER!"
    until(lambda: done)
    os.close(fd)
    assert done == [(S.SUCCESS, 6)]
    with open(p, "rb") as f:
        assert f.read() == b"before"


# ---------------------------------------------------------------- stat

def _same_stat(st, ref):
    assert isinstance(st, fs.Stat) and isinstance(st, tuple) and len(st) == 16
    assert st.st_dev == ref.st_dev and st.st_ino == ref.st_ino
    assert st.st_mode == ref.st_mode and st.st_nlink == ref.st_nlink
    assert st.st_uid == ref.st_uid and st.st_gid == ref.st_gid
    assert st.st_size == ref.st_size and st.st_blocks == ref.st_blocks
    assert st.st_blksize == ref.st_blksize and st.st_rdev == ref.st_rdev
    for name in ("atim", "mtim", "ctim"):
        ts = getattr(st, "st_" + name)
        assert isinstance(ts, fs.Timespec)
        assert ts.sec * 10 ** 9 + ts.nsec == getattr(ref, "st_%se_ns" % name)
    assert st.st_mtime == pytest.approx(ref.st_mtime)
    assert isinstance(st.st_birthtim, fs.Timespec)


def test_stat_lstat_fstat(call, tmp):
    p = make_file(os.path.join(tmp, "f"), b"12345")
    link = os.path.join(tmp, "l")
    os.symlink(p, link)
    _same_stat(call(fs.stat, p), os.stat(p))
    _same_stat(call(fs.stat, link), os.stat(p))
    _same_stat(call(fs.lstat, link), os.lstat(link))
    assert stat_mod.S_ISLNK(call(fs.lstat, link).st_mode)
    _same_stat(call(fs.stat, tmp), os.stat(tmp))
    fd = os.open(p, os.O_RDONLY)
    try:
        _same_stat(call(fs.fstat, fd), os.fstat(fd))
    finally:
        os.close(fd)


def test_paths_str_bytes_pathlike(call, tmp):
    p = make_file(os.path.join(tmp, "f\u00e9"))
    ref = os.stat(p)
    for path in (p, os.fsencode(p), pathlib.Path(p)):
        assert call(fs.stat, path).st_ino == ref.st_ino
    # a name that is not valid UTF-8 goes through str with surrogateescape
    raw = os.path.join(os.fsencode(tmp), b"bad\xff")
    make_file(raw)
    assert call(fs.stat, os.fsdecode(raw)).st_size == 11
    names = sorted(call(fs.scandir, tmp), key=lambda e: e.name)
    assert [e.name for e in names] == sorted([os.fsdecode(b"bad\xff"), "f\u00e9"])


def test_errors_are_pep3151_with_filenames(call, tmp):
    missing = os.path.join(tmp, "missing")
    for path in (missing, os.fsencode(missing), pathlib.Path(missing)):
        with pytest.raises(FileNotFoundError) as info:
            call(fs.stat, path)
        assert isinstance(info.value, uv.UVError)
        assert info.value.errno == errno.ENOENT and info.value.code is S.ENOENT
        assert info.value.filename == path
        assert repr(path if isinstance(path, (str, bytes)) else str(path)) in str(info.value)
    with pytest.raises(FileNotFoundError) as info:
        call(fs.rename, missing, os.path.join(tmp, "new"))
    assert info.value.filename == missing
    assert info.value.filename2 == os.path.join(tmp, "new")
    assert "->" in str(info.value)
    f = make_file(os.path.join(tmp, "f"))
    with pytest.raises(NotADirectoryError) as info:
        call(fs.stat, os.path.join(f, "x"))
    assert info.value.filename == os.path.join(f, "x")
    with pytest.raises(IsADirectoryError):
        call(fs.open, tmp, os.O_WRONLY)
    with pytest.raises(FileExistsError):
        call(fs.mkdir, tmp)
    with pytest.raises(FileExistsError):
        call(fs.open, f, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    with pytest.raises(PermissionError) as info:      # EPERM, even for root
        call(fs.unlink, "/proc/version")
    assert info.value.filename == "/proc/version"
    assert info.value.errno == errno.EPERM
    os.mkdir(os.path.join(tmp, "d"))
    make_file(os.path.join(tmp, "d", "x"))
    with pytest.raises(NotEmptyError) as info:
        call(fs.rmdir, os.path.join(tmp, "d"))
    assert isinstance(info.value, OSError) and info.value.errno == errno.ENOTEMPTY


# ---------------------------------------------------------------- files and directories

def test_unlink_mkdir_rmdir(call, tmp):
    f = make_file(os.path.join(tmp, "f"))
    assert call(fs.unlink, f) is None
    assert not os.path.exists(f)
    d = os.path.join(tmp, "d")
    assert call(fs.mkdir, d, 0o750) is None
    assert stat_mod.S_IMODE(os.stat(d).st_mode) == 0o750 & ~_umask()
    assert call(fs.rmdir, d) is None
    assert not os.path.exists(d)
    with pytest.raises(FileNotFoundError):
        call(fs.unlink, f)
    with pytest.raises(FileNotFoundError):
        call(fs.rmdir, d)


def _umask():
    m = os.umask(0)
    os.umask(m)
    return m


def test_mkdtemp_mkstemp(call, tmp):
    d = call(fs.mkdtemp, os.path.join(tmp, "dXXXXXX"))
    assert type(d) is str and os.path.isdir(d) and os.path.basename(d)[0] == "d"
    db = call(fs.mkdtemp, os.path.join(os.fsencode(tmp), b"eXXXXXX"))
    assert type(db) is bytes and os.path.isdir(db)
    fd, name = call(fs.mkstemp, os.path.join(tmp, "fXXXXXX"))
    try:
        assert type(name) is str and os.path.isfile(name)
        assert os.fstat(fd).st_ino == os.stat(name).st_ino
    finally:
        os.close(fd)
    fd, name = call(fs.mkstemp, pathlib.Path(tmp) / "gXXXXXX")
    os.close(fd)
    assert type(name) is str and os.path.isfile(name)
    with pytest.raises(ArgumentError):
        call(fs.mkdtemp, os.path.join(tmp, "noX"))
    with pytest.raises(ArgumentError):
        call(fs.mkstemp, os.path.join(tmp, "noX"))
    assert len(os.listdir(tmp)) == 4


def test_scandir(call, tmp):
    os.mkdir(os.path.join(tmp, "sub"))
    make_file(os.path.join(tmp, "file"))
    os.symlink("file", os.path.join(tmp, "link"))
    os.mkfifo(os.path.join(tmp, "fifo"))
    entries = sorted(call(fs.scandir, tmp))
    assert entries == [("fifo", fs.DirentType.FIFO), ("file", fs.DirentType.FILE),
                       ("link", fs.DirentType.LINK), ("sub", fs.DirentType.DIR)]
    assert all(isinstance(e, fs.Dirent) and type(e.name) is str for e in entries)
    assert all(type(e.type) is fs.DirentType for e in entries)
    raw = call(fs.scandir, os.fsencode(tmp))
    assert sorted(e.name for e in raw) == [b"fifo", b"file", b"link", b"sub"]
    assert call(fs.scandir, os.path.join(tmp, "sub")) == []
    with pytest.raises(NotADirectoryError):
        call(fs.scandir, os.path.join(tmp, "file"))


def test_opendir_readdir_closedir(call, tmp):
    names = ["n%03d" % i for i in range(70)]
    for n in names:
        make_file(os.path.join(tmp, n))
    d = call(fs.opendir, tmp)
    assert isinstance(d, fs.Dir) and not d.closed
    assert "open" in repr(d)
    seen = []
    while True:
        chunk = call(fs.readdir, d, 32)
        assert len(chunk) <= 32
        if not chunk:
            break
        seen.extend(chunk)
    assert sorted(e.name for e in seen if e.name not in (".", "..")) == names
    assert all(e.type in (fs.DirentType.FILE, fs.DirentType.DIR) for e in seen)
    assert call(fs.closedir, d) is None
    assert d.closed and "closed" in repr(d)
    with pytest.raises(BadFileDescriptorError):
        call(fs.readdir, d)
    with pytest.raises(BadFileDescriptorError):
        call(fs.closedir, d)
    with pytest.raises(FileNotFoundError) as info:
        call(fs.opendir, os.path.join(tmp, "missing"))
    assert info.value.filename == os.path.join(tmp, "missing")


def test_dir_iteration_and_context_manager(tmp):
    for n in ("a", "b"):
        make_file(os.path.join(os.fsencode(tmp), n.encode()))
    with fs.opendir(os.fsencode(tmp)) as d:
        names = sorted(e.name for e in d if e.name not in (b".", b".."))
        assert names == [b"a", b"b"]
        assert d.read() == []
    assert d.closed


def test_dir_operations_are_exclusive(loop, until, tmp):
    d = fs.opendir(tmp)
    done = []
    fs.readdir(d, 8, callback=lambda r, s, e: done.append(s), loop=loop)
    with pytest.raises(ResourceBusyError):
        fs.readdir(d)
    with pytest.raises(ResourceBusyError):
        fs.closedir(d)
    until(lambda: done)
    assert done == [S.SUCCESS]
    fs.closedir(d, callback=lambda r, s, e: done.append(s), loop=loop)
    until(lambda: len(done) == 2)
    assert done[1] is S.SUCCESS and d.closed


def test_unclosed_dir_is_closed_when_collected(tmp):
    before = fd_count()
    d = fs.opendir(tmp)
    assert fd_count() == before + 1
    del d
    collect()
    assert fd_count() == before


def test_rename_link_symlink_readlink_realpath(call, tmp):
    a = make_file(os.path.join(tmp, "a"))
    b = os.path.join(tmp, "b")
    assert call(fs.rename, a, b) is None
    assert not os.path.exists(a) and os.path.exists(b)
    c = os.path.join(tmp, "c")
    assert call(fs.link, b, c) is None
    assert os.stat(b).st_nlink == 2 and os.path.samefile(b, c)
    s = os.path.join(tmp, "s")
    assert call(fs.symlink, "b", s) is None
    assert os.readlink(s) == "b"
    assert call(fs.readlink, s) == "b"
    assert call(fs.readlink, os.fsencode(s)) == b"b"
    assert call(fs.realpath, s) == os.path.realpath(b)
    assert call(fs.realpath, os.fsencode(s)) == os.fsencode(os.path.realpath(b))
    with pytest.raises(FileExistsError) as info:
        call(fs.symlink, "x", s)
    assert info.value.filename == "x" and info.value.filename2 == s
    with pytest.raises(FileExistsError):
        call(fs.link, b, c)
    with pytest.raises(ArgumentError):       # EINVAL: not a link
        call(fs.readlink, b)
    assert call(fs.symlink, tmp, os.path.join(tmp, "sd"), fs.SymlinkFlags.DIR) is None


def test_fsync_fdatasync_ftruncate(call, tmp):
    p = make_file(os.path.join(tmp, "f"), b"0123456789")
    fd = os.open(p, os.O_RDWR)
    try:
        assert call(fs.fsync, fd) is None
        assert call(fs.fdatasync, fd) is None
        assert call(fs.ftruncate, fd, 4) is None
        assert os.fstat(fd).st_size == 4
        assert call(fs.ftruncate, fd, 100) is None
        assert os.fstat(fd).st_size == 100
        assert call(fs.ftruncate, fd) is None
        assert os.fstat(fd).st_size == 0
    finally:
        os.close(fd)


def test_sendfile_copyfile(call, tmp):
    data = os.urandom(100000)
    src = make_file(os.path.join(tmp, "src"), data)
    dst = os.path.join(tmp, "dst")
    i = os.open(src, os.O_RDONLY)
    o = os.open(dst, os.O_WRONLY | os.O_CREAT)
    try:
        n = call(fs.sendfile, o, i, 10, 50000)
        assert n == 50000
    finally:
        os.close(i)
        os.close(o)
    with open(dst, "rb") as f:
        assert f.read() == data[10:50010]
    cp = os.path.join(tmp, "copy")
    assert call(fs.copyfile, src, cp) is None
    with open(cp, "rb") as f:
        assert f.read() == data
    with pytest.raises(FileExistsError) as info:
        call(fs.copyfile, src, cp, fs.CopyFileFlags.EXCL)
    assert info.value.filename == src and info.value.filename2 == cp
    assert call(fs.copyfile, dst, cp, fs.CopyFileFlags.FICLONE) is None
    assert os.path.getsize(cp) == 50000


def test_access_chmod_fchmod(call, tmp):
    p = make_file(os.path.join(tmp, "f"))
    assert call(fs.access, p) is None
    assert call(fs.access, p, os.R_OK | os.W_OK) is None
    with pytest.raises(FileNotFoundError):
        call(fs.access, os.path.join(tmp, "missing"), os.F_OK)
    assert call(fs.chmod, p, 0o640) is None
    assert stat_mod.S_IMODE(os.stat(p).st_mode) == 0o640
    with pytest.raises(PermissionError):      # even root may not execute it
        call(fs.access, p, os.X_OK)
    fd = os.open(p, os.O_RDONLY)
    try:
        assert call(fs.fchmod, fd, 0o604) is None
        assert stat_mod.S_IMODE(os.fstat(fd).st_mode) == 0o604
    finally:
        os.close(fd)


def test_utime_futime_lutime(call, tmp):
    p = make_file(os.path.join(tmp, "f"))
    assert call(fs.utime, p, 1000000000.5, 1100000000.25) is None
    st = os.stat(p)
    assert st.st_atime_ns == 1000000000500000000
    assert st.st_mtime_ns == 1100000000250000000
    fd = os.open(p, os.O_RDONLY)
    try:
        assert call(fs.futime, fd, 5, 7) is None
        assert os.fstat(fd).st_mtime_ns == 7 * 10 ** 9
    finally:
        os.close(fd)
    link = os.path.join(tmp, "l")
    os.symlink(p, link)
    assert call(fs.lutime, link, 20, 30) is None
    assert os.lstat(link).st_mtime_ns == 30 * 10 ** 9
    assert os.stat(p).st_mtime_ns == 7 * 10 ** 9
    assert call(fs.utime, p, -1.5, 0) is None     # before the epoch
    assert os.stat(p).st_atime == -1.5


def test_chown_fchown_lchown(call, tmp):
    p = make_file(os.path.join(tmp, "f"))
    uid, gid = os.getuid(), os.getgid()
    assert call(fs.chown, p, uid, gid) is None
    assert call(fs.chown, p, -1, -1) is None
    link = os.path.join(tmp, "l")
    os.symlink(p, link)
    assert call(fs.lchown, link, uid, -1) is None
    fd = os.open(p, os.O_RDONLY)
    try:
        assert call(fs.fchown, fd, -1, gid) is None
    finally:
        os.close(fd)
    st = os.stat(p)
    assert (st.st_uid, st.st_gid) == (uid, gid)
    with pytest.raises(FileNotFoundError):
        call(fs.chown, os.path.join(tmp, "missing"), uid, gid)


def test_statfs(call, tmp):
    st = call(fs.statfs, tmp)
    ref = os.statvfs(tmp)
    assert isinstance(st, fs.StatFS)
    assert st.f_bsize == ref.f_bsize and st.f_blocks == ref.f_blocks
    assert st.f_files == ref.f_files
    with pytest.raises(FileNotFoundError):
        call(fs.statfs, os.path.join(tmp, "missing"))


# ---------------------------------------------------------------- bad input

def test_bad_paths(call, tmp):
    for fn in (fs.stat, fs.lstat, fs.unlink, fs.rmdir, fs.scandir, fs.readlink,
               fs.realpath, fs.statfs, fs.opendir, fs.mkdtemp, fs.mkstemp):
        with pytest.raises(ValueError):
            call(fn, tmp + "/a\0b")
        with pytest.raises(ValueError):
            call(fn, os.fsencode(tmp) + b"\0")
        for bad in (None, 5, 1.5, object(), [tmp]):
            with pytest.raises(TypeError):
                call(fn, bad)
    with pytest.raises(ValueError):
        call(fs.rename, tmp, "x\0")
    with pytest.raises(ValueError):
        call(fs.open, "a\0", os.O_RDONLY)


def test_bad_numbers(call, tmp):
    p = make_file(os.path.join(tmp, "f"))
    fd = os.open(p, os.O_RDWR)
    try:
        with pytest.raises(ArgumentError):          # also a ValueError
            call(fs.read, fd, -1)
        with pytest.raises(ValueError):
            call(fs.read, fd, -5)
        with pytest.raises(OverflowError):
            call(fs.read, fd, 2 ** 64)
        with pytest.raises(ArgumentError):
            call(fs.read, fd, 10, -2)
        with pytest.raises(OverflowError):
            call(fs.read, fd, 10, 2 ** 63)
        with pytest.raises(TypeError):
            call(fs.read, fd, "10")
        with pytest.raises(TypeError):
            call(fs.read, fd, 1.0)
        with pytest.raises(ArgumentError):
            call(fs.ftruncate, fd, -1)
        with pytest.raises(ArgumentError):
            call(fs.write, fd, b"x", -3)
        for mode in (-1, 0o10000, 2 ** 40):
            with pytest.raises(OverflowError):
                call(fs.chmod, p, mode)
            with pytest.raises(OverflowError):
                call(fs.fchmod, fd, mode)
        with pytest.raises(OverflowError):
            call(fs.access, p, 8)
        with pytest.raises(OverflowError):
            call(fs.open, p, 2 ** 40)
        for t in (float("nan"),):
            with pytest.raises(ValueError):
                call(fs.utime, p, t, 0)
        for t in (float("inf"), -float("inf"), 1e300, 2 ** 80):
            with pytest.raises(OverflowError):
                call(fs.futime, fd, 0, t)
        for t in ("1", None, [1]):
            with pytest.raises(TypeError):
                call(fs.lutime, p, t, 0)
        for ident in (-2, 2 ** 32, 2 ** 70):
            with pytest.raises(OverflowError):
                call(fs.chown, p, ident, -1)
            with pytest.raises(OverflowError):
                call(fs.fchown, fd, -1, ident)
        with pytest.raises(ArgumentError):
            call(fs.sendfile, fd, fd, -1, 10)
        with pytest.raises(ArgumentError):
            call(fs.sendfile, fd, fd, 0, -10)
        with pytest.raises(OverflowError):
            call(fs.copyfile, p, p + "2", -1)
        d = fs.opendir(tmp)
        try:
            with pytest.raises(ArgumentError):
                call(fs.readdir, d, 0)
            with pytest.raises(OverflowError):
                call(fs.readdir, d, 10 ** 6)
        finally:
            fs.closedir(d)
        for bad in (None, "x", 3):
            with pytest.raises(TypeError):
                call(fs.readdir, bad)
    finally:
        os.close(fd)


def test_bad_file_descriptors(call, tmp):
    r, w = os.pipe()
    os.close(r)
    os.close(w)
    for fd in (r, -1, -2 ** 31):
        for fn, args in ((fs.close, ()), (fs.fstat, ()), (fs.read, (10,)),
                         (fs.write, (b"x",)), (fs.fsync, ()), (fs.ftruncate, (0,)),
                         (fs.fchmod, (0o600,)), (fs.futime, (0, 0)),
                         (fs.fchown, (-1, -1)), (fs.readinto, (bytearray(3),))):
            with pytest.raises(BadFileDescriptorError) as info:
                call(fn, fd, *args)
            assert info.value.errno == errno.EBADF
    for fd in (2 ** 31, 2 ** 64):
        with pytest.raises(OverflowError):
            call(fs.close, fd)
    for fd in ("3", None, 3.0):
        with pytest.raises(TypeError):
            call(fs.fstat, fd)


def test_bad_callbacks_and_loops(loop, tmp):
    with pytest.raises(TypeError):
        fs.stat(tmp, callback=5, loop=loop)
    with pytest.raises(TypeError):
        fs.stat(tmp, callback=lambda *a: None, loop="loop")
    closed = uv.Loop()
    closed.close()
    loop.make_current()
    with pytest.raises(uv.LoopClosedError):
        fs.stat(tmp, callback=lambda *a: None, loop=closed)


def test_native_entry_points_check_their_arguments(loop):
    with pytest.raises(TypeError):
        _uv.fs_call()
    with pytest.raises(ValueError):
        _uv.fs_call(999, b"x")
    with pytest.raises(ValueError):
        _uv.fs_call(-1)
    with pytest.raises(OverflowError):
        _uv.fs_call(2 ** 40)
    with pytest.raises(TypeError):
        _uv.fs_call(fs.FSType.STAT)
    with pytest.raises(TypeError):
        _uv.fs_call(fs.FSType.STAT, "str path")
    with pytest.raises(TypeError):
        _uv.fs_call(fs.FSType.READDIR, object(), 3)
    with pytest.raises(TypeError):
        _uv.fs_call(fs.FSType.OPENDIR, b"/", loop._n)
    with pytest.raises(TypeError):
        _uv.FSDir(1)
    with pytest.raises(TypeError):
        _uv.FSRequest(None)
    n = _uv.FSRequest(loop._n)
    with pytest.raises(TypeError):
        n.start(None)
    with pytest.raises(ValueError):
        n.start(None, 12345)
    with pytest.raises(OverflowError):
        n.start(None, 2 ** 40)
    done = []

    class W(object):
        def _complete(self, status):
            done.append((status, self._result))
    n.start(W(), fs.FSType.STAT, b"/")
    with pytest.raises(RuntimeError):
        n.start(W(), fs.FSType.STAT, b"/")
    loop.run()
    assert done[0][0] is S.SUCCESS and isinstance(done[0][1], fs.Stat)
    with pytest.raises(TypeError):
        _uv.fs_setup(1, 2, 3)


# ---------------------------------------------------------------- requests

def test_request_attributes_and_repr(loop, until, tmp):
    done = []
    req = fs.stat(tmp, callback=lambda r, s, res: done.append(res), loop=loop)
    assert req.fs_type is fs.FSType.STAT and req.type is uv.request.RequestType.FS
    assert req.loop is loop and req.path == tmp and not req.finished
    assert "STAT" in repr(req) and "pending" in repr(req)
    until(lambda: done)
    assert req.finished and "finished" in repr(req)
    assert req.status is S.SUCCESS and req.result is done[0]
    with pytest.raises(ArgumentError):       # cannot cancel a finished one
        req.cancel()


def test_default_loop_is_the_current_loop(loop, until, tmp):
    done = []
    loop.make_current()
    req = fs.stat(tmp, callback=lambda r, s, res: done.append(s))
    assert req.loop is loop
    until(lambda: done)


def test_a_request_nobody_holds_still_calls_back(loop, until, tmp):
    done = []
    fs.stat(tmp, callback=lambda r, s, res: done.append(s), loop=loop)
    collect()
    until(lambda: done)
    assert done == [S.SUCCESS]


def test_exception_in_callback_goes_to_the_loop(loop, until, tmp):
    def boom(r, s, res):
        raise KeyError("boom")
    seen = []
    loop.excepthook = lambda lp, t, v, tb: seen.append(t)
    fs.stat(tmp, callback=boom, loop=loop)
    with pytest.raises(KeyError):
        until(lambda: seen)
    assert seen == [KeyError]


def _pool_size():
    try:
        return max(1, min(1024, int(os.environ.get("UV_THREADPOOL_SIZE", "4"))))
    except ValueError:
        return 4


def test_cancel_a_queued_request(loop, until, tmp):
    """Blocking reads on pipes occupy every thread of libuv's pool; a stat
    queued behind them is cancelled and calls back with ECANCELED."""
    pipes = [os.pipe() for _ in range(_pool_size())]
    reads = []
    try:
        for r, _ in pipes:
            fs.read(r, 1, callback=lambda q, s, d: reads.append((s, d)), loop=loop)
        done = []
        req = fs.stat(tmp, callback=lambda q, s, res: done.append((s, res)), loop=loop)
        req.cancel()
        until(lambda: done)
        assert done == [(S.ECANCELED, None)]
        assert isinstance(req.error, uv.error.CanceledError)
        assert loop._n.requests_in_flight() == len(pipes)
    finally:
        for _, w in pipes:
            os.write(w, b"x")
    until(lambda: len(reads) == len(pipes))
    assert reads == [(S.SUCCESS, b"x")] * len(pipes)
    for r, w in pipes:
        os.close(r)
        os.close(w)


def test_many_requests_in_flight(loop, until, tmp):
    paths = [make_file(os.path.join(tmp, "f%d" % i), b"x" * i) for i in range(50)]
    done = {}
    for p in paths:
        fs.stat(p, callback=lambda r, s, res: done.__setitem__(r.path, res.st_size), loop=loop)
    assert loop._n.requests_in_flight() == 50
    until(lambda: len(done) == 50)
    assert done == {p: i for i, p in enumerate(paths)}


def test_closing_the_loop_with_requests_in_flight(tmp):
    lp = uv.Loop()
    called = []
    reqs = [fs.stat(tmp, callback=lambda *a: called.append(a), loop=lp) for _ in range(20)]
    reqs.append(fs.mkstemp(os.path.join(tmp, "tXXXXXX"), callback=called.append, loop=lp))
    reqs.append(fs.open(os.path.join(tmp, "o"), os.O_CREAT | os.O_WRONLY,
                        callback=called.append, loop=lp))
    reqs.append(fs.mkdtemp(os.path.join(tmp, "dXXXXXX"), callback=called.append, loop=lp))
    lp.close()
    assert called == []
    assert all(r.finished for r in reqs)
    # what the requests created and nobody received is gone again
    assert os.listdir(tmp) == ["o"]
    collect()


def test_loop_collected_with_requests_in_flight(tmp):
    """Requests whose loop is dropped and collected: no call back into
    freed memory, no fd or temp file left (in a child: a crash fails the
    test, not the run)."""
    out = check_child("""
        import os
        from uv import fs
        tmp = %r
        uv.Loop().close()       # libuv's process-wide pipe
        r, w = os.pipe()
        before = len(os.listdir('/proc/self/fd'))
        for i in range(3):
            lp = uv.Loop()
            for j in range(30):
                fs.stat(tmp, callback=lambda *a: None, loop=lp)
            fs.read(r, 10, callback=lambda *a: None, loop=lp)
            fs.mkstemp(os.path.join(tmp, 'tXXXXXX'), callback=lambda *a: None, loop=lp)
            fs.opendir(tmp, callback=lambda *a: None, loop=lp)
            fs.write(w, b'y' * 10, callback=lambda *a: None, loop=lp)
            fs.readinto(r, fs.Buffer(5), callback=lambda *a: None, loop=lp)
            fs.write(w, b'z' * 5, callback=lambda *a: None, loop=lp)
            del lp
            collect()
            collect()
        os.close(r); os.close(w)
        print(len(os.listdir('/proc/self/fd')) - before + 2, os.listdir(tmp))
    """ % (tmp,))
    assert out.split("\n")[0] == "0 []"


def test_dir_collected_while_an_operation_is_in_flight(loop, until, tmp):
    before = fd_count()
    done = []
    d = fs.opendir(tmp)
    fs.readdir(d, 4, callback=lambda r, s, e: done.append(s), loop=loop)
    del d                   # the request holds the Dir until its callback
    collect()
    until(lambda: done)
    collect()
    assert fd_count() == before
    # and an opendir whose Dir nobody holds by the time it completes
    fs.opendir(tmp, callback=lambda r, s, d: done.append(s), loop=loop)
    until(lambda: len(done) == 2)
    collect()
    assert fd_count() == before


@pytest.mark.threads
def test_synchronous_calls_release_the_interpreter_lock(tmp):
    """A synchronous read blocked on an empty pipe in one thread lets
    another thread run Python (in a child: a lock kept would hang it)."""
    out = check_child("""
        import os, threading
        from uv import fs
        r, w = os.pipe()
        got = []
        t = threading.Thread(target=lambda: got.append(fs.read(r, 5)))
        t.start()
        n = 0
        while n < 2000000:      # Python runs while the thread waits in read(2)
            n += 1
        os.write(w, b'ping')
        t.join(20)
        print(got, n)
    """, timeout=30)
    assert out.startswith("[b'ping'] 2000000")


def test_no_fd_leak_over_many_operations(loop, until, tmp):
    before = fd_count()
    p = make_file(os.path.join(tmp, "f"))
    for i in range(200):
        fd = fs.open(p, os.O_RDONLY)
        fs.read(fd, 4)
        fs.close(fd)
    done = []
    for i in range(50):
        fs.open(p, os.O_RDONLY, callback=lambda r, s, fd: fs.close(fd, callback=lambda *a: done.append(1), loop=loop), loop=loop)
    until(lambda: len(done) == 50)
    assert fd_count() == before
