"""Poll (uv.Poll) on real sockets and pipes: readable, writable,
disconnect and urgent-data events, starting and stopping, an fd closed
under a started Poll (in child processes: libuv aborts the process where
it is not handled), bad input, closed handles and lifetime.  API.md
section 4 "Poll".

Every loop run is bounded, a callback's exception fails the test, and every
test checks that it left no file descriptor behind.
"""
import os
import socket
import weakref

import pytest

import uv
from child import check_child

S = uv.StatusCodes
E = uv.PollEvent


@pytest.fixture(autouse=True)
def no_fd_left(collect, fd_count):
    """Every test gives back the descriptors it opened.  (libuv opens a pipe
    of its own, for good, with the first loop of the process: one loop is
    made first.)"""
    uv.Loop().close()
    collect()
    before = fd_count()
    yield
    collect()
    after = fd_count()
    assert after == before, "%d file descriptor(s) left behind" % (after - before)


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    yield a, b
    a.close()
    b.close()


@pytest.fixture
def pipe():
    r, w = os.pipe()
    fds = [r, w]
    yield fds
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


class Events(object):
    """on_event that records (status, events) and stops after *limit*."""

    def __init__(self, limit=None):
        self.seen = []
        self.limit = limit

    def __call__(self, poll, status, events):
        self.seen.append((status, events))
        if self.limit is not None and len(self.seen) >= self.limit:
            poll.stop()


def test_poll_names_and_enum():
    assert uv.poll.Poll is uv.Poll and uv.poll.PollEvent is uv.PollEvent
    assert (E.READABLE, E.WRITABLE, E.DISCONNECT, E.PRIORITIZED) == (1, 2, 4, 8)
    assert issubclass(uv.Poll, uv.UVHandle)


def test_readable_socket(loop, until, pair):
    a, b = pair
    ev = Events(limit=1)
    p = uv.Poll(a.fileno(), loop=loop, on_event=ev)
    assert p.fd == a.fileno() and p.fileno() == a.fileno()
    assert p.loop is loop and p in loop.handles
    p.start()                                     # READABLE by default
    assert p.active and p._n.is_pending()
    b.send(b"x")
    until(lambda: ev.seen)
    assert ev.seen == [(S.SUCCESS, E.READABLE)]
    assert type(ev.seen[0][1]) is E
    assert not p.active and not p._n.is_pending()


def test_writable_and_combined(loop, until, pair):
    a, b = pair
    ev = Events(limit=1)
    p = uv.Poll(a, loop=loop)                     # an object with fileno()
    p.start(E.WRITABLE, on_event=ev)
    until(lambda: ev.seen)
    assert ev.seen == [(S.SUCCESS, E.WRITABLE)]
    b.send(b"y")
    ev2 = Events(limit=1)
    p.start(E.READABLE | E.WRITABLE, ev2)
    until(lambda: ev2.seen)
    assert ev2.seen == [(S.SUCCESS, E.READABLE | E.WRITABLE)]
    assert type(ev2.seen[0][1]) is int            # a combination: a plain int


def test_start_replaces_events_and_stop(loop, until, pause, pair):
    a, b = pair
    ev = Events()
    p = uv.Poll(a.fileno(), loop=loop, on_event=ev)
    p.start(E.READABLE)
    pause(30)
    assert ev.seen == []                          # nothing to read
    p.start(E.WRITABLE)                           # replaces READABLE
    until(lambda: ev.seen)
    assert ev.seen[0] == (S.SUCCESS, E.WRITABLE)
    p.stop()
    assert not p.active and not p._n.is_pending()
    n = len(ev.seen)
    pause(30)
    assert len(ev.seen) == n
    p.stop()                                      # twice: fine
    p.start(0)                                    # no events: stopped
    assert not p.active and not p._n.is_pending()


def test_disconnect(loop, until, pair):
    a, b = pair
    ev = Events(limit=1)
    p = uv.Poll(a.fileno(), loop=loop)
    p.start(E.DISCONNECT, ev)
    b.shutdown(socket.SHUT_WR)
    until(lambda: ev.seen)
    status, events = ev.seen[0]
    assert status is S.SUCCESS and events & E.DISCONNECT


def test_prioritized_out_of_band_data(loop, until):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    c = socket.create_connection(srv.getsockname())
    s, _ = srv.accept()
    try:
        ev = Events(limit=1)
        p = uv.Poll(s.fileno(), loop=loop)
        p.start(E.PRIORITIZED, ev)
        c.send(b"!", socket.MSG_OOB)
        until(lambda: ev.seen)
        status, events = ev.seen[0]
        assert status is S.SUCCESS and events & E.PRIORITIZED
        p.close()
    finally:
        for x in (c, s, srv):
            x.close()


def test_pipe_ends(loop, until, pipe):
    r, w = pipe
    ev_r, ev_w = Events(limit=1), Events(limit=1)
    pr = uv.Poll(r, loop=loop, on_event=ev_r)
    pw = uv.Poll(w, loop=loop, on_event=ev_w)
    pr.start(E.READABLE)
    pw.start(E.WRITABLE)
    until(lambda: ev_w.seen)
    assert ev_w.seen == [(S.SUCCESS, E.WRITABLE)] and ev_r.seen == []
    os.write(w, b"data")
    until(lambda: ev_r.seen)
    assert ev_r.seen == [(S.SUCCESS, E.READABLE)]
    assert os.read(r, 10) == b"data"
    # the writer goes away: the reader sees the end as readable
    pw.close()
    os.close(w)
    pipe.remove(w)
    ev_r2 = Events(limit=1)
    pr.start(E.READABLE, ev_r2)
    until(lambda: ev_r2.seen)
    assert ev_r2.seen[0][0] is S.SUCCESS and ev_r2.seen[0][1] & E.READABLE
    assert os.read(r, 10) == b""


def test_close_leaves_the_fd_open(loop, until, pipe):
    r, w = pipe
    p = uv.Poll(r, loop=loop)
    p.start()
    closed = []
    p.close(on_closed=closed.append)
    until(lambda: closed)
    assert closed == [p] and p.closed
    os.fstat(r)                                   # still open: the caller's
    os.write(w, b"ok")
    assert os.read(r, 2) == b"ok"
    # a new Poll on the same fd works after the old one closed
    ev = Events(limit=1)
    p2 = uv.Poll(r, loop=loop, on_event=ev)
    p2.start()
    os.write(w, b"again")
    until(lambda: ev.seen)


def test_bad_fds(loop, tmp_path, pipe):
    r, w = pipe
    closed_r, closed_w = os.pipe()
    os.close(closed_r)
    os.close(closed_w)
    for bad in (closed_r, -1, -(2 ** 40), 2 ** 31, 2 ** 63 - 1, 2 ** 64, 2 ** 80):
        with pytest.raises(uv.error.BadFileDescriptorError) as info:
            uv.Poll(bad, loop=loop)
        assert info.value.code is S.EBADF
    for bad in ("3", 3.5, None, b"3", [3], object()):
        with pytest.raises(TypeError):
            uv.Poll(bad, loop=loop)
    path = tmp_path / "regular"
    path.write_bytes(b"file")
    with open(str(path), "rb") as f:
        with pytest.raises(uv.error.PermissionError):
            uv.Poll(f.fileno(), loop=loop)        # epoll refuses regular files
    with pytest.raises(uv.error.ArgumentError):
        uv.Poll(loop.fileno(), loop=loop)         # the loop's own epoll fd


def test_two_polls_on_one_fd(loop, pipe):
    r, w = pipe
    first = uv.Poll(r, loop=loop)
    first.start()
    with pytest.raises(uv.error.FileExistsError):
        uv.Poll(r, loop=loop)
    first.stop()
    second = uv.Poll(r, loop=loop)               # fine while the first is stopped
    second.start()
    with pytest.raises(uv.error.FileExistsError):
        first.start()
    # another loop may watch it too
    other = uv.Loop()
    try:
        p = uv.Poll(r, loop=other)
        p.start()
        p.close()
        other.run()
    finally:
        other.close()
        loop.make_current()


@pytest.mark.parametrize("bad, exc", [
    (16, uv.error.ArgumentError), (-1, uv.error.ArgumentError),
    (E.READABLE | 32, uv.error.ArgumentError), (2 ** 40, uv.error.ArgumentError),
    (2 ** 64, OverflowError), ("1", TypeError), (1.0, TypeError), (None, TypeError),
])
def test_bad_events(loop, pipe, bad, exc):
    p = uv.Poll(pipe[0], loop=loop)
    with pytest.raises(exc):
        p.start(bad)
    assert not p.active and not p._n.is_pending()


@pytest.mark.parametrize("bad", [5, "cb", object()])
def test_bad_callback(loop, pipe, bad):
    p = uv.Poll(pipe[0], loop=loop)
    with pytest.raises(TypeError):
        p.start(on_event=bad)
    with pytest.raises(TypeError):
        uv.Poll(pipe[0], loop=loop, on_event=bad)
    assert not p.active


def test_closed_handle(loop, until, pipe):
    p = uv.Poll(pipe[0], loop=loop)
    p.start()
    p.close()
    with pytest.raises(uv.ClosedHandleError):
        p.start()
    with pytest.raises(uv.ClosedHandleError):
        p.fileno()
    assert p.stop() is None
    until(lambda: p.closed)
    with pytest.raises(uv.ClosedHandleError):
        p.start(E.WRITABLE)
    assert "closed" in repr(p)


def test_poll_on_closed_loop(pipe):
    other = uv.Loop()
    other.close()
    with pytest.raises(uv.LoopClosedError):
        uv.Poll(pipe[0], loop=other)


# ---------------------------------------------------------------- fd closed under a Poll


def test_fd_closed_before_the_loop_runs():
    """libuv would register the closed fd with epoll and abort: in a child."""
    out = check_child('''
        import os
        loop = uv.Loop()
        r, w = os.pipe()
        seen = []
        p = uv.Poll(r, loop=loop, on_event=lambda h, st, ev: seen.append((st, ev)))
        p.start(uv.PollEvent.READABLE)
        os.close(r)
        run(loop)                     # ends: the Poll stopped
        assert seen == [(uv.StatusCodes.EBADF, 0)], seen
        assert not p.active and not p._n.is_pending()
        try:
            p.start()
        except uv.error.BadFileDescriptorError:
            pass
        else:
            raise AssertionError("start() on a closed fd did not raise")
        # starting again from the error callback raises there
        r2, w2 = os.pipe()
        errors = []
        def again(poll, status, events):
            try:
                poll.start()
            except uv.error.BadFileDescriptorError as exc:
                errors.append(exc)
        p2 = uv.Poll(r2, loop=loop, on_event=again)
        p2.start()
        os.close(r2)
        run(loop)
        assert len(errors) == 1 and not p2.active, errors
        p.close()
        p2.close()
        loop.run()
        loop.close()
        os.close(w)
        os.close(w2)
        print("ok")
    ''')
    assert out.strip() == "ok"


def test_fd_closed_while_registered(loop, until, pipe):
    r, w = pipe
    ev = Events()

    def on_event(poll, status, events):
        ev(poll, status, events)
        if len(ev.seen) == 1:
            os.close(r)                           # under the started Poll
            pipe.remove(r)

    p = uv.Poll(r, loop=loop, on_event=on_event)
    p.start()
    os.write(w, b"x")
    until(lambda: len(ev.seen) == 2)
    assert ev.seen == [(S.SUCCESS, E.READABLE), (S.EBADF, 0)]
    assert not p.active


def test_fd_closed_while_registered_and_stopped(loop, until, pause, pipe):
    """A stopped Poll whose fd is gone: stop and close do not touch it."""
    r, w = pipe
    p = uv.Poll(r, loop=loop)
    p.start()
    pause(10)
    os.close(r)
    pipe.remove(r)
    p.stop()
    p.close()
    until(lambda: p.closed)


@pytest.mark.parametrize("reuse", ["nothing", "regular file", "new pipe"])
def test_fd_closed_in_a_child(reuse):
    """The same in a child process, with the fd's number taken by another
    file before the loop runs (epoll refuses a regular file: EPERM)."""
    out = check_child('''
        import os, tempfile
        reuse = %r
        loop = uv.Loop()
        r, w = os.pipe()
        seen = []
        p = uv.Poll(r, loop=loop,
                    on_event=lambda h, st, ev: (seen.append((st, ev)), h.stop()))
        p.start(uv.PollEvent.READABLE)
        os.close(r)
        keep = None
        if reuse == "regular file":
            keep = tempfile.TemporaryFile()
            assert keep.fileno() == r
        elif reuse == "new pipe":
            keep = os.pipe()
            assert keep[0] == r
            os.write(keep[1], b"new")
        t = uv.Timer(loop, on_timeout=lambda t: loop.stop())
        t.start(200)
        run(loop)
        print(seen)
        p.close()
        t.close()
        loop.run()
        loop.close()
    ''' % reuse)
    if reuse == "nothing":
        assert out.strip() == "[(<StatusCodes.EBADF: -9>, 0)]"
    elif reuse == "regular file":
        assert out.strip() == "[(<StatusCodes.EPERM: -1>, 0)]"
    else:
        # the number now names another pipe, which is watched: no crash
        assert "SUCCESS" in out


def test_pollerr_stops_the_poll(loop, until):
    """An error condition on the fd (POLLERR) arrives as EBADF and libuv
    stops the Poll; it is no longer pending."""
    port_holder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    port_holder.bind(("127.0.0.1", 0))
    port = port_holder.getsockname()[1]
    port_holder.close()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("127.0.0.1", port))
        ev = Events()
        p = uv.Poll(s.fileno(), loop=loop, on_event=ev)
        p.start(E.READABLE)
        s.send(b"nobody there")                   # ICMP port unreachable
        until(lambda: ev.seen)
        assert ev.seen[0] in [(S.EBADF, 0), (S.SUCCESS, E.READABLE)]
        if ev.seen[0][0] is S.EBADF:
            assert not p.active and not p._n.is_pending()
        p.close()
        until(lambda: p.closed)
    finally:
        s.close()


# ---------------------------------------------------------------- lifetime


def test_started_poll_is_pending(loop, until, collect, pipe):
    r, w = pipe
    seen = []

    def make():
        p = uv.Poll(r, loop=loop, on_event=lambda h, st, ev: (seen.append(ev), h.close()))
        p.start()
        return weakref.ref(p)

    ref = make()
    collect()
    assert ref() is not None
    os.write(w, b"!")
    until(lambda: seen)
    loop.run(uv.RunModes.NOWAIT)
    collect()
    assert ref() is None


def test_stopped_poll_is_collected(loop, collect, pipe):
    def make():
        p = uv.Poll(pipe[0], loop=loop)
        p.start()
        p.stop()
        return weakref.ref(p)

    ref = make()
    collect()
    assert ref() is None
    loop.run(uv.RunModes.NOWAIT)
    os.fstat(pipe[0])                             # the fd stays open


def test_loop_handles_and_close_all(loop, run_loop, pipe):
    a = uv.Poll(pipe[0], loop=loop)
    b = uv.Poll(pipe[1], loop=loop)
    b.start(E.WRITABLE, lambda h, st, ev: None)
    assert {a, b} <= loop.handles
    loop.close_all_handles()
    run_loop(loop)
    assert a.closed and b.closed
    assert not (loop.handles & {a, b})


def test_exception_in_on_event_goes_to_excepthook(loop, run_loop, pipe):
    seen = []
    loop.excepthook = lambda lp, t, v, tb: (seen.append(t), lp.stop())
    p = uv.Poll(pipe[1], loop=loop, on_event=lambda *a: 1 / 0)
    p.start(E.WRITABLE)
    run_loop(loop)
    assert seen == [ZeroDivisionError]
    p.close()
