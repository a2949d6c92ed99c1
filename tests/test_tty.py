"""TTY (uv.TTY) on pseudo-terminals (``os.openpty()``): reading keystrokes
typed into the master side, writing and reading it back from the master,
the modes (checked with the termios module), the console size (set with
TIOCSWINSZ), ``uv.tty.reset_mode()``, bad input, closed handles and
lifetime.  API.md section 4 "TTY".

Every loop run is bounded, a callback's exception fails the test, and every
test checks that it left no file descriptor behind.
"""
import fcntl
import os
import socket
import struct
import termios
import weakref

import pytest

import uv
from child import check_child

S = uv.StatusCodes
M = uv.TTYMode


@pytest.fixture(autouse=True)
def no_fd_left(collect, fd_count):
    """Every test gives back the descriptors it opened (ptys, the fds libuv
    reopens).  (libuv opens a pipe of its own, for good, with the first
    loop of the process: one loop is made first.)"""
    uv.Loop().close()
    collect()
    before = fd_count()
    yield
    collect()
    after = fd_count()
    assert after == before, "%d file descriptor(s) left behind" % (after - before)


class Pty(object):
    """A pseudo-terminal: ``master`` and ``slave`` fds, closed at the end."""

    def __init__(self, rows=24, cols=80):
        self.master, self.slave = os.openpty()
        self.set_size(rows, cols)
        self.initial = termios.tcgetattr(self.slave)

    def set_size(self, rows, cols):
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def lflag(self):
        return termios.tcgetattr(self.slave)[3]

    def read_master(self, until, n):
        """What the terminal wrote, read from the master (at least n bytes)."""
        out = bytearray()
        flags = fcntl.fcntl(self.master, fcntl.F_GETFL)
        fcntl.fcntl(self.master, fcntl.F_SETFL, flags | os.O_NONBLOCK)

        def more():
            try:
                out.extend(os.read(self.master, 4096))
            except BlockingIOError:
                pass
            return len(out) >= n

        until(more)
        fcntl.fcntl(self.master, fcntl.F_SETFL, flags)
        return bytes(out)

    def close(self):
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


@pytest.fixture
def pty():
    p = Pty()
    yield p
    p.close()


def reader(tty):
    got = []
    tty.read_start(lambda t, status, data: got.append((status, data)))
    return got


def test_tty_names_and_enums():
    assert uv.tty.TTY is uv.TTY and uv.tty.TTYMode is uv.TTYMode
    assert uv.tty.ConsoleSize is uv.ConsoleSize
    assert (M.NORMAL, M.RAW, M.IO) == (0, 1, 2)
    assert issubclass(uv.TTY, uv.UVStream)
    assert uv.ConsoleSize(80, 24) == (80, 24)
    assert uv.ConsoleSize(80, 24).width == 80


def test_tty_on_a_pty(loop, pty):
    tty = uv.TTY(pty.slave, True, loop=loop)
    assert tty.loop is loop and tty in loop.handles
    assert tty.readable and tty.writable
    assert tty.mode is M.NORMAL
    assert tty.fd == pty.slave
    assert tty.fileno() != pty.slave                # libuv reopened the terminal
    assert os.path.samestat(os.fstat(tty.fileno()), os.fstat(pty.slave))
    assert isinstance(tty, uv.Stream)
    assert "uv.tty.TTY" in repr(tty)


def test_reading_keystrokes(loop, until, pty):
    tty = uv.TTY(pty.slave, loop=loop)
    got = reader(tty)
    os.write(pty.master, b"hel")
    os.write(pty.master, b"lo\n")                 # canonical mode: a line
    until(lambda: got)
    assert got == [(S.SUCCESS, b"hello\n")]


def test_reading_raw_keystrokes(loop, until, pty):
    tty = uv.TTY(pty.slave, loop=loop)
    tty.set_mode(M.RAW)
    got = reader(tty)
    os.write(pty.master, b"k")                    # no newline needed
    until(lambda: got)
    assert got == [(S.SUCCESS, b"k")]
    os.write(pty.master, b"\x03")                 # Ctrl-C: a byte, no signal
    until(lambda: len(got) == 2)
    assert got[1] == (S.SUCCESS, b"\x03")


def test_writing(loop, until, pty):
    tty = uv.TTY(pty.slave, loop=loop)
    done = []
    tty.write(b"line\n", on_write=lambda r, st: done.append(st))
    assert pty.read_master(until, 6) == b"line\r\n"   # ONLCR in the normal mode
    until(lambda: done)
    assert done == [S.SUCCESS]
    tty.set_mode(M.IO)                             # no output processing
    tty.write([b"raw", bytearray(b"\n")])
    assert pty.read_master(until, 4) == b"raw\n"
    assert tty.try_write(b"tw") == 2
    assert pty.read_master(until, 2) == b"tw"


def test_set_mode_changes_termios(loop, pty):
    tty = uv.TTY(pty.slave, loop=loop)
    initial = pty.initial
    assert initial[3] & termios.ICANON and initial[3] & termios.ECHO
    tty.set_mode(M.RAW)
    assert tty.mode is M.RAW
    attrs = termios.tcgetattr(pty.slave)
    assert not attrs[3] & (termios.ICANON | termios.ECHO | termios.ISIG | termios.IEXTEN)
    assert not attrs[0] & (termios.ICRNL | termios.IXON)
    assert attrs[1] & termios.OPOST                # RAW keeps output processing
    # (CPython gives VMIN/VTIME as ints in the non-canonical mode, PyPy as bytes)
    cc = [c if isinstance(c, int) else ord(c) for c in attrs[6]]
    assert cc[termios.VMIN] == 1 and cc[termios.VTIME] == 0
    tty.set_mode(M.IO)
    attrs = termios.tcgetattr(pty.slave)
    assert not attrs[1] & termios.OPOST            # cfmakeraw
    assert not attrs[3] & termios.ICANON
    tty.set_mode(M.NORMAL)
    assert termios.tcgetattr(pty.slave) == initial
    tty.set_mode()                                 # NORMAL by default
    assert tty.mode is M.NORMAL


@pytest.mark.parametrize("bad, exc", [
    (3, uv.error.ArgumentError), (-1, uv.error.ArgumentError),
    (2 ** 40, uv.error.ArgumentError), (2 ** 64, OverflowError),
    ("RAW", TypeError), (1.0, TypeError), (None, TypeError),
])
def test_bad_modes(loop, pty, bad, exc):
    tty = uv.TTY(pty.slave, loop=loop)
    with pytest.raises(exc):
        tty.set_mode(bad)
    assert tty.mode is M.NORMAL
    assert termios.tcgetattr(pty.slave) == pty.initial


def test_close_puts_the_mode_back(loop, until, pty):
    tty = uv.TTY(pty.slave, loop=loop)
    tty.set_mode(M.RAW)
    assert not pty.lflag() & termios.ICANON
    tty.close()
    until(lambda: tty.closed)
    assert termios.tcgetattr(pty.slave) == pty.initial
    assert tty.mode is M.NORMAL


def test_reset_mode(loop, until, pty):
    other = Pty()
    try:
        first = uv.TTY(pty.slave, loop=loop)
        second = uv.TTY(other.slave, loop=loop)
        first.set_mode(M.RAW)
        second.set_mode(M.IO)
        uv.tty.reset_mode()                         # the first terminal's
        assert termios.tcgetattr(pty.slave) == pty.initial
        assert termios.tcgetattr(other.slave) != other.initial
        first.close()
        second.close()
        until(lambda: first.closed and second.closed)
        assert termios.tcgetattr(other.slave) == other.initial
        uv.tty.reset_mode()                         # nothing left to reset: no-op
        # a later terminal put out of the normal mode is the one reset
        third = uv.TTY(other.slave, loop=loop)
        third.set_mode(M.RAW)
        uv.tty.reset_mode()
        assert termios.tcgetattr(other.slave) == other.initial
        third.close()
        until(lambda: third.closed)
    finally:
        other.close()


def test_console_size(loop, pty):
    tty = uv.TTY(pty.slave, loop=loop)
    size = tty.console_size
    assert size == uv.ConsoleSize(80, 24) and isinstance(size, uv.ConsoleSize)
    assert (size.width, size.height) == (80, 24)
    pty.set_size(rows=50, cols=132)
    assert tty.console_size == (132, 50)


def test_not_a_terminal(loop, tmp_path):
    r, w = os.pipe()
    a, b = socket.socketpair()
    path = tmp_path / "file"
    path.write_bytes(b"x")
    f = open(str(path), "rb")
    try:
        for fd in (r, w, a.fileno(), f.fileno()):
            with pytest.raises(uv.error.NotATerminalError) as info:
                uv.TTY(fd, loop=loop)
            assert info.value.code is S.ENOTTY
        with pytest.raises(uv.error.NotATerminalError):
            uv.TTY(a, loop=loop)                   # an object with fileno()
    finally:
        for fd in (r, w):
            os.close(fd)
        a.close()
        b.close()
        f.close()
    for fd in (r, -1, 2 ** 31, 2 ** 70):
        with pytest.raises(uv.error.BadFileDescriptorError):
            uv.TTY(fd, loop=loop)
    for bad in ("0", 0.0, None, b"0"):
        with pytest.raises(TypeError):
            uv.TTY(bad, loop=loop)


def test_tty_on_closed_loop(pty):
    other = uv.Loop()
    other.close()
    with pytest.raises(uv.LoopClosedError):
        uv.TTY(pty.slave, loop=other)


def test_closed_handle(loop, until, pty):
    tty = uv.TTY(pty.slave, loop=loop)
    tty.close()
    for call in (lambda: tty.set_mode(M.RAW), lambda: tty.console_size,
                 lambda: tty.read_start(), lambda: tty.write(b"x"), tty.fileno):
        with pytest.raises(uv.ClosedHandleError):
            call()
    assert tty.read_stop() is None
    until(lambda: tty.closed)
    os.fstat(pty.slave)                            # the caller's fd stays open


def test_master_side(loop, until, pty):
    """libuv cannot reopen the master side: it uses the fd itself (blocking
    writes) and closes it with the handle."""
    tty = uv.TTY(pty.master, loop=loop)
    assert tty.fileno() == pty.master
    got = []
    tty.read_start(lambda t, st, d: got.append(d))
    os.write(pty.slave, b"to master")
    until(lambda: got)
    assert b"".join(got) == b"to master"
    tty.close()
    until(lambda: tty.closed)
    with pytest.raises(OSError) as info:
        os.fstat(pty.master)
    assert info.value.errno == 9
    pty.master = -1                               # closed by the handle


@pytest.mark.threads
@pytest.mark.parametrize("how", ["write", "try_write"])
def test_blocking_writes_let_other_threads_run(how):
    """libuv writes to the master side blocking: another Python thread
    (here the one that reads the other side) must run meanwhile.  In a
    child: without that, the child would hang until its timeout."""
    out = check_child('''
        import os, threading, tty as tty_module
        master, slave = os.openpty()
        tty_module.setraw(slave)
        loop = uv.Loop()
        t = uv.TTY(master, loop=loop)
        got = []
        def read_slave():
            n = 0
            while n < (1 << 20):
                data = os.read(slave, 65536)
                n += len(data)
            got.append(n)
        reader = threading.Thread(target=read_slave)
        reader.start()
        payload = b"w" * (1 << 20)
        if %r == "write":
            t.write(payload)
        else:
            sent = 0
            while sent < len(payload):
                sent += t.try_write(payload[sent:])
        reader.join(30)
        t.close()
        loop.run()
        loop.close()
        os.close(slave)
        print(got)
    ''' % how, timeout=20)
    assert out.strip() == "[%d]" % (1 << 20)


def test_hangup_ends_reading(loop, until, pty):
    tty = uv.TTY(pty.slave, loop=loop)
    got = reader(tty)
    os.close(pty.master)
    until(lambda: got)
    status, data = got[-1]
    assert status in (S.EOF, S.EIO) and data == b""
    assert not tty._n.is_pending()


def test_reading_tty_is_pending(loop, until, collect, pty):
    got = []

    def make():
        tty = uv.TTY(pty.slave, loop=loop)
        tty.read_start(lambda t, st, d: (got.append(d), t.close()))
        return weakref.ref(tty)

    ref = make()
    collect()
    assert ref() is not None
    os.write(pty.master, b"hi\n")
    until(lambda: got)
    assert got == [b"hi\n"]
    loop.run(uv.RunModes.NOWAIT)
    collect()
    assert ref() is None


def test_dropped_tty_is_collected_and_mode_put_back(loop, collect, pty):
    def make():
        tty = uv.TTY(pty.slave, loop=loop)
        tty.set_mode(M.RAW)
        return weakref.ref(tty)

    ref = make()
    collect()
    assert ref() is None
    loop.run(uv.RunModes.NOWAIT)
    assert termios.tcgetattr(pty.slave) == pty.initial


def test_loop_handles_and_close_all(loop, run_loop, pty):
    tty = uv.TTY(pty.slave, loop=loop)
    reader(tty)
    assert tty in loop.handles
    loop.close_all_handles()
    run_loop(loop)
    assert tty.closed and tty not in loop.handles
