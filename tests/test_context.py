"""Context managers (API.md section 10): ``with uv.Loop() as loop:`` closes
the loop and everything on it on exit, ``with handle:`` closes the handle
(every kind), ``with uv.secure.Secure(...)`` and ``with uv.fs.opendir(...)``
close theirs; what happens to the callbacks still due (close callbacks,
requests in flight: ``ECANCELED``, thread-pool work already running: its
result).

Real sockets, pipes, a pseudo-terminal, a child process and files; every
loop run inside a block is bounded by the ``until``/``pause``/``run_loop``
fixtures, and the runs of ``Loop.__exit__`` by the test's hang guard.
"""
import errno
import os
import signal
import socket
import ssl
import sys
import tempfile

import pytest

import uv
from uv.request import requests_in_flight

from conftest import run_loop
from proc_support import no_leaks, sockdir, script  # noqa: F401 (fixtures)
from tcp_support import HOST, S, fill

pytestmark = pytest.mark.hang_timeout(30)


def recorder():
    """A callback that records its arguments in ``calls``."""
    calls = []

    def record(*args):
        calls.append(args)

    record.calls = calls
    return record


# ---------------------------------------------------------------- one of each handle kind

class Kinds(object):
    """Makes one started handle of each kind on *loop*, on real resources
    that ``close()`` releases (after the handles are closed)."""

    def __init__(self, loop, sockdir):
        self.loop = loop
        self.sockdir = sockdir
        self._fds = []
        self._socks = []
        self._dir = tempfile.mkdtemp(prefix="uv-ctx-")

    def timer(self):
        t = uv.Timer(self.loop)
        t.start(60000, 60000)
        return t

    def idle(self):
        h = uv.Idle(self.loop)
        h.start()
        return h

    def prepare(self):
        h = uv.Prepare(self.loop)
        h.start()
        return h

    def check(self):
        h = uv.Check(self.loop)
        h.start()
        return h

    def async_(self):
        h = uv.Async(self.loop)
        h.send()
        return h

    def signal(self):
        h = uv.Signal(self.loop)
        h.start(signal.SIGUSR2)
        return h

    def tcp(self):
        h = uv.TCP(loop=self.loop)
        h.bind((HOST, 0))
        h.listen()
        return h

    def pipe(self):
        h = uv.Pipe(loop=self.loop)
        h.bind(os.path.join(self.sockdir, "ctx.sock"))
        h.listen()
        return h

    def udp(self):
        h = uv.UDP(loop=self.loop)
        h.bind((HOST, 0))
        h.receive_start()
        return h

    def poll(self):
        a, b = socket.socketpair()
        self._socks += [a, b]
        h = uv.Poll(a.fileno(), loop=self.loop)
        h.start(uv.PollEvent.READABLE)
        return h

    def tty(self):
        master, slave = os.openpty()
        self._fds += [master, slave]
        h = uv.TTY(slave, loop=self.loop)
        h.read_start()
        return h

    def process(self):
        # reads its stdin to the end: closing the loop's handles (its stdin
        # pipe among them) ends it, and uv reaps it
        return uv.Process(script("import sys; sys.stdin.buffer.read()"),
                          stdin=uv.CreatePipe(readable=True), loop=self.loop)

    def fs_event(self):
        h = uv.FSEvent(self._dir, loop=self.loop)
        h.start()
        return h

    def fs_poll(self):
        path = os.path.join(self._dir, "polled")
        with open(path, "w"):
            pass
        h = uv.FSPoll(path, interval=60000, loop=self.loop)
        h.start()
        return h

    ALL = ("timer", "idle", "prepare", "check", "async_", "signal", "tcp", "pipe",
           "udp", "poll", "tty", "process", "fs_event", "fs_poll")

    def close(self):
        for s in self._socks:
            s.close()
        for fd in self._fds:
            os.close(fd)
        for name in os.listdir(self._dir):
            os.unlink(os.path.join(self._dir, name))
        os.rmdir(self._dir)


@pytest.fixture
def kinds(loop, sockdir):
    k = Kinds(loop, sockdir)
    yield k
    k.close()


# ---------------------------------------------------------------- uv.Loop

def test_loop_enter_returns_the_loop_and_exit_closes_it():
    with uv.Loop() as loop:
        assert isinstance(loop, uv.Loop)
        assert not loop.closed
        timer = uv.Timer(loop)
        timer.start(60000)
        assert loop.alive
    assert loop.closed
    assert timer.closed


def test_loop_exit_closes_every_kind_of_handle_and_runs_their_close_callbacks(loop, kinds):
    on_closed = recorder()
    made = {}
    with loop as entered:
        assert entered is loop
        for name in Kinds.ALL:
            handle = getattr(kinds, name)()
            handle.on_closed = on_closed
            made[name] = handle
        # the Process made its stdin pipe too: the loop closes it as well
        made["process stdin"] = made["process"].stdin
        assert {h for h in loop.handles} >= set(made.values())
        assert not any(h.closing for h in made.values())
    assert loop.closed
    not_closed = [name for name, h in made.items() if not h.closed]
    assert not not_closed, "left open: %s" % not_closed
    # one close callback per handle that has on_closed (the stdin pipe's
    # is the default no-op)
    assert sorted(id(c[0]) for c in on_closed.calls) == sorted(
        id(h) for name, h in made.items() if name != "process stdin")


def test_loop_exit_keeps_the_exception_going_and_still_closes():
    class Boom(Exception):
        pass

    error = Boom("from the block")
    with pytest.raises(Boom) as info:
        with uv.Loop() as loop:
            timer = uv.Timer(loop, on_timeout=lambda t: None)
            timer.start(60000)
            raise error
    assert info.value is error
    assert loop.closed and timer.closed


def test_loop_exit_leaves_a_loop_closed_in_the_block_alone():
    with uv.Loop() as loop:
        loop.close()
        assert loop.closed
    assert loop.closed


def test_loop_exit_inside_its_own_callback_raises_and_closes_nothing(loop, until):
    seen = {}
    timer = uv.Timer(loop)

    def on_timeout(t):
        try:
            loop.__exit__(None, None, None)
        except Exception as exc:
            seen["error"] = exc
        seen["closing"] = t.closing

    timer.start(0, on_timeout=on_timeout)
    until(lambda: "error" in seen)
    assert isinstance(seen["error"], uv.error.LoopRunningError)
    assert seen["closing"] is False
    assert not loop.closed


def test_loop_exit_closes_handles_that_close_callbacks_start(loop):
    later = []

    def on_closed(handle):
        # a callback that starts new work while the loop winds down
        timer = uv.Timer(loop)
        timer.start(10, 10)
        later.append(timer)

    with loop:
        uv.Timer(loop, on_timeout=None).start(60000)
        first = uv.Idle(loop)
        first.start()
        first.on_closed = on_closed
    assert loop.closed
    assert len(later) == 1 and later[0].closed


def test_loop_exit_cancels_the_requests_of_its_streams(loop, until):
    accepted = []
    server = uv.TCP(loop=loop)
    server.bind((HOST, 0))
    server.listen(on_connection=lambda s, status: accepted.append(s.accept()))
    on_connect = recorder()
    client = uv.TCP(loop=loop)
    client.connect(server.sockname, on_connect=on_connect)
    until(lambda: on_connect.calls and accepted)
    assert on_connect.calls[0][1] is S.SUCCESS

    on_write, on_shutdown, on_connect2 = recorder(), recorder(), recorder()
    with loop:
        fill(client)                            # the socket takes no more
        write = client.write(b"w" * (1 << 20), on_write=on_write)
        shutdown = client.shutdown(on_shutdown=on_shutdown)
        other = uv.TCP(loop=loop)
        other.connect(server.sockname, on_connect=on_connect2)
        assert not write.finished and requests_in_flight(loop) >= 3
    assert loop.closed
    assert on_write.calls == [(write, S.ECANCELED)]
    assert on_shutdown.calls == [(shutdown, S.ECANCELED)]
    assert [c[1] for c in on_connect2.calls] == [S.ECANCELED]


def _pool_size():
    """The number of threads of libuv's thread pool (UV_THREADPOOL_SIZE,
    clamped as libuv does; 4 by default)."""
    try:
        size = int(os.environ.get("UV_THREADPOOL_SIZE", "4"))
    except ValueError:
        size = 4
    return min(max(size, 1), 1024)


def _threads_reading(fds):
    """How many threads of this process are blocked in read(2) on one of
    *fds* (Linux: /proc/self/task/*/syscall)."""
    count = 0
    for tid in os.listdir("/proc/self/task"):
        try:
            with open("/proc/self/task/%s/syscall" % tid) as f:
                fields = f.read().split()
        except OSError:
            continue
        if len(fields) > 1 and fields[0] == "0" and int(fields[1], 16) in fds:
            count += 1
    return count


def test_loop_exit_cancels_queued_thread_pool_requests_and_lets_running_ones_finish(loop):
    import time
    size = _pool_size()
    pipes = [os.pipe() for _ in range(size)]
    read_ends = {r for r, _ in pipes}
    reads, stat, lookup, names = recorder(), recorder(), recorder(), recorder()
    try:
        with loop:
            # every thread of the pool blocks in a read of an empty pipe ...
            for r, _ in pipes:
                uv.fs.read(r, 10, callback=reads, loop=loop)
            deadline = time.monotonic() + 10
            while _threads_reading(read_ends) < size:
                assert time.monotonic() < deadline, "the reads did not start"
                time.sleep(0.005)
            # ... so these wait in the queue
            uv.fs.stat(os.getcwd(), callback=stat, loop=loop)
            uv.dns.getaddrinfo("127.0.0.1", 80, callback=lookup, loop=loop)
            uv.dns.getnameinfo("127.0.0.1", 80, callback=names, loop=loop)
            assert requests_in_flight(loop) == size + 3
            # the running reads end when the pipes get data: from the close
            # callback of a handle, which runs while the loop winds down
            timer = uv.Timer(loop)
            timer.on_closed = lambda t: [os.write(w, b"data") for _, w in pipes]
    finally:
        for r, w in pipes:
            os.close(r)
            os.close(w)
    assert loop.closed
    assert [c[1:] for c in stat.calls] == [(S.ECANCELED, None)]
    assert [c[1] for c in lookup.calls] == [S.ECANCELED]
    assert [c[1] for c in names.calls] == [S.ECANCELED]
    assert sorted(c[1:] for c in reads.calls) == [(S.SUCCESS, b"data")] * size


# ---------------------------------------------------------------- handles

@pytest.mark.parametrize("kind", Kinds.ALL)
def test_handle_with_closes_it_on_exit(kind, loop, kinds, until):
    on_closed = recorder()
    with getattr(kinds, kind)() as handle:
        assert isinstance(handle, uv.UVHandle)
        handle.on_closed = on_closed
        assert not handle.closing
    assert handle.closing
    until(lambda: handle.closed)
    assert on_closed.calls == [(handle,)]
    if kind == "process":
        handle.stdin.close()         # the child ends on EOF
        until(lambda: handle.stdin.closed)


def test_handle_exit_keeps_the_exception_going(loop, until):
    error = KeyError("from the block")
    with pytest.raises(KeyError) as info:
        with uv.Timer(loop) as timer:
            timer.start(60000)
            raise error
    assert info.value is error
    assert timer.closing
    until(lambda: timer.closed)


def test_handle_exit_after_close_changes_nothing(loop, until):
    first, second = recorder(), recorder()
    with uv.Idle(loop, on_idle=None) as idle:
        idle.on_closed = second
        idle.close(on_closed=first)
    until(lambda: idle.closed)
    assert first.calls == [(idle,)] and second.calls == []
    with idle:                     # a closed handle: nothing happens
        pass
    assert first.calls == [(idle,)]


def test_tcp_with_closes_the_connection(loop, until):
    listener = socket.socket()
    listener.bind((HOST, 0))
    listener.listen(1)
    listener.setblocking(False)
    on_connect = recorder()
    try:
        with uv.TCP(loop=loop) as tcp:
            tcp.connect(listener.getsockname(), on_connect=on_connect)
            until(lambda: on_connect.calls)
            assert on_connect.calls[0][1] is S.SUCCESS
            peer, _ = listener.accept()
            tcp.write(b"hello")
            until(lambda: tcp.write_queue_size == 0)
        with peer:
            until(lambda: tcp.closed)
            peer.settimeout(5)
            received = b""
            while True:
                chunk = peer.recv(100)
                if not chunk:
                    break                # the end of the stream: closed
                received += chunk
            assert received == b"hello"
    finally:
        listener.close()


def test_handle_exit_cancels_its_write(loop, pair, until):
    client, _server = pair
    on_write = recorder()
    with client:
        fill(client)
        write = client.write(b"x" * (1 << 20), on_write=on_write)
    until(lambda: on_write.calls)
    assert on_write.calls == [(write, S.ECANCELED)]


def test_pure_python_handle_gets_with_from_the_abc():
    class Resource(uv.Handle):
        loop = closing = closed = active = referenced = None
        closes = 0

        def reference(self):
            pass

        def dereference(self):
            pass

        def close(self, on_closed=None):
            self.closes += 1

    with pytest.raises(ValueError):
        with Resource() as r:
            raise ValueError
    assert r.closes == 1


# ---------------------------------------------------------------- Secure, Dir

def test_secure_with_closes_its_stream(loop, until):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    tcp = uv.TCP(loop=loop)
    on_closed = recorder()
    with uv.secure.Secure(tcp, context, server_hostname="localhost") as secure:
        secure.on_closed = on_closed
    assert tcp.closing
    until(lambda: tcp.closed)
    assert on_closed.calls == [(secure,)]


def test_dir_with_closes_the_directory_stream():
    with tempfile.TemporaryDirectory(prefix="uv-ctx-") as path:
        with open(os.path.join(path, "a"), "w"):
            pass
        with uv.fs.opendir(path) as d:
            assert not d.closed
            assert [e.name for e in d] == ["a"]
        assert d.closed
        with pytest.raises(uv.error.BadFileDescriptorError):
            d.read()


def test_loop_with_runs_a_whole_program():
    """The README's example: a server and a client, everything closed by
    the ``with`` blocks."""
    received = []
    with uv.Loop() as loop:
        server = uv.TCP(loop=loop)
        server.bind((HOST, 0))

        def on_connection(server, status):
            server.accept().read_start(on_read)

        def on_read(stream, status, data):
            if status is S.SUCCESS:
                received.append(data)
                loop.stop()

        server.listen(on_connection=on_connection)
        client = uv.TCP(loop=loop)
        client.connect(server.sockname,
                       on_connect=lambda request, status: client.write(b"hi"))
        run_loop(loop)
    assert received == [b"hi"]
    assert loop.closed and server.closed and client.closed
