"""FSPoll (uv.FSPoll): polling files in a temporary directory with stat():
changes, a path that does not exist (an error status) and appears later,
restarts, lifetime and bad input.  API.md section 4 "FSPoll".

Intervals are short (10 ms) and every wait is bounded by ``until``; a
fixture checks that no file descriptor and no temporary directory is left.
"""
import os
import pathlib
import shutil
import tempfile
import weakref

import pytest

import uv
from uv import FSPoll, StatusCodes as S
from uv.fs import Stat

from conftest import collect, finish_loop

PREFIX = "uv-test-fspoll-"
uv.Loop().close()       # libuv's process-wide pipe, before fds are counted


def _state():
    return (sorted(os.listdir("/proc/self/fd")),
            sorted(n for n in os.listdir(tempfile.gettempdir()) if n.startswith(PREFIX)))


@pytest.fixture(autouse=True)
def _no_leaks():
    collect()
    before = _state()
    yield
    collect()
    assert _state() == before, "file descriptors or temp dirs left behind"


@pytest.fixture
def loop():
    lp = uv.Loop()
    yield lp
    finish_loop(lp)


@pytest.fixture
def tmp():
    d = tempfile.mkdtemp(prefix=PREFIX)
    yield d
    shutil.rmtree(d)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def keep_growing(loop, path):
    """A timer that appends a byte to *path* every 15 ms: whenever the
    poll's first stat() ran, a later change follows (no race with it)."""
    def grow(timer):
        with open(path, "ab") as f:
            f.write(b"+")
    t = uv.Timer(loop, on_timeout=grow)
    t.start(15, 15)
    return t


def test_change_is_reported_with_stats(loop, until, tmp):
    p = os.path.join(tmp, "f")
    write(p, b"abc")
    changes = []
    poll = FSPoll(p, interval=10, loop=loop,
                  on_change=lambda h, s, prev, curr: changes.append((h, s, prev, curr)))
    assert poll.interval == 10 and not poll.active
    poll.start()
    assert poll.active and poll._n.is_pending()
    assert poll._n.getpath() == os.fsencode(p)
    grower = keep_growing(loop, p)
    until(lambda: changes)
    grower.close()
    h, status, prev, curr = changes[0]
    assert h is poll and status is S.SUCCESS
    assert isinstance(prev, Stat) and isinstance(curr, Stat)
    assert 3 <= prev.st_size < curr.st_size <= os.stat(p).st_size
    assert curr.st_ino == prev.st_ino == os.stat(p).st_ino
    poll.stop()
    assert not poll.active and not poll._n.is_pending()
    poll.close()


def test_missing_path_is_a_status_and_appearing_later_is_seen(loop, until, tmp):
    p = os.path.join(tmp, "later")
    changes = []
    poll = FSPoll(loop=loop, on_change=lambda h, s, prev, curr: changes.append((s, prev, curr)))
    poll.start(p, 10)                  # no exception: libuv reports it as a status
    until(lambda: changes)
    status, prev, curr = changes[0]
    assert status is S.ENOENT
    assert curr == Stat(*([0] * 12 + [uv.fs.Timespec(0, 0)] * 4))
    write(p, b"now")
    until(lambda: len(changes) >= 2)
    status, prev, curr = changes[1]
    assert status is S.SUCCESS and curr.st_size == 3
    assert prev.st_size == 0 and prev.st_ino == 0
    os.unlink(p)
    until(lambda: len(changes) >= 3)
    assert changes[2][0] is S.ENOENT and changes[2][1].st_size == 3
    poll.close()


def test_str_bytes_pathlike(loop, until, tmp):
    p = os.path.join(tmp, "f")
    write(p, b"1")
    seen = set()
    polls = []
    for path in (p, os.fsencode(p), pathlib.Path(p)):
        fp = FSPoll(path, 10, loop=loop, on_change=lambda h, s, a, b, k=type(path): seen.add(k))
        fp.start()
        polls.append(fp)
    grower = keep_growing(loop, p)
    until(lambda: len(seen) == 3)
    grower.close()
    for fp in polls:
        fp.close()


def test_restart_takes_new_values(loop, until, tmp):
    a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
    write(a, b"a")
    write(b, b"b")
    changes = []
    poll = FSPoll(a, 10, loop=loop, on_change=lambda h, s, x, y: changes.append(y.st_size))
    poll.start()
    with pytest.raises(uv.error.ResourceBusyError):
        poll.start(b, 20)                # polls already
    assert poll.path == a and poll.interval == 10
    until(lambda: poll._n.is_winding_down() is False)
    poll.stop()
    # libuv 1.44 aborts when a handle restarts while the stat() of its
    # previous start is in flight: refused until that poll has wound down
    if poll._n.is_winding_down():
        with pytest.raises(uv.error.ResourceBusyError):
            poll.start(b, 20)
    until(lambda: not poll._n.is_winding_down())
    poll.start(b, 20)
    assert poll.path == b and poll.interval == 20
    assert poll._n.getpath() == os.fsencode(b)
    del changes[:]
    grower = keep_growing(loop, b)
    until(lambda: changes)
    grower.close()
    assert changes[0] >= 2
    poll.close()


def test_started_handle_is_pending_and_stopped_one_is_collected(loop, until, tmp):
    p = os.path.join(tmp, "f")
    write(p, b"x")
    changes = []
    poll = FSPoll(p, 10, loop=loop, on_change=lambda h, s, a, b: (changes.append(s), h.stop()))
    poll.start()
    ref = weakref.ref(poll)
    del poll
    collect()
    assert ref() is not None
    grower = keep_growing(loop, p)
    until(lambda: changes)
    grower.close()
    collect()
    assert ref() is None               # stopped in its callback: collected


def test_exception_in_on_change_goes_to_the_loop(loop, until, tmp):
    poll = FSPoll(os.path.join(tmp, "missing"), 10, loop=loop)

    def boom(h, s, a, b):
        raise ZeroDivisionError()
    poll.start(on_change=boom)
    with pytest.raises(ZeroDivisionError):
        until(lambda: False)
    poll.close()


def test_bad_input(loop, tmp):
    poll = FSPoll(loop=loop)
    with pytest.raises(ValueError):
        poll.start()
    with pytest.raises(ValueError):
        poll.start(tmp + "\0x")
    with pytest.raises(TypeError):
        poll.start(3.5)
    for bad in (-1, 2 ** 32, 2 ** 70):
        with pytest.raises(uv.error.ArgumentError):
            poll.start(tmp, bad)
    with pytest.raises(TypeError):
        poll.start(tmp, "10")
    with pytest.raises(TypeError):
        poll._n.start(poll, tmp, 10)      # the native layer takes bytes
    with pytest.raises(TypeError):
        poll._n.start(poll)
    assert not poll.active and not poll._n.is_pending()
    assert "FSPoll" in repr(poll)
    poll.close()
    with pytest.raises(uv.ClosedHandleError):
        poll.start(tmp, 10)
    poll.stop()


def test_close_while_polling(loop, until, tmp):
    poll = FSPoll(tmp, 1, loop=loop)
    poll.start()
    closed = []
    poll.close(on_closed=closed.append)
    until(lambda: closed)
    assert closed == [poll] and poll.closed
