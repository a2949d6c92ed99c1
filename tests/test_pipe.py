"""Pipes (uv.Pipe) and their connect requests: Unix domain sockets bound
to file-system paths and to Linux abstract names, pipes and sockets opened
from file descriptors, names, chmod, and bad input (types, NULs, paths too
long for a socket address, closed handles and loops, descriptors that are
not open).  API.md sections 4 "Pipe" and 5.

Socket files live in a fresh temporary directory per test, which must be
empty at the end: libuv removes a socket file when its pipe is closed.
"""
import os
import pathlib
import socket
import stat
import weakref

import pytest

import uv
from uv.dns import AddressFamilies
from uv.request import RequestType

from proc_support import S, Reader, no_leaks, sockdir  # noqa: F401


def abstract(tag):
    """An abstract socket name unique to this process."""
    return "\0uv-test-%d-%s" % (os.getpid(), tag)


class EchoServer(object):
    """A uv pipe server on *path* that echoes and closes on EOF."""

    def __init__(self, loop, path):
        self.accepted = []
        self.pipe = uv.Pipe(loop=loop)
        self.pipe.bind(path)
        self.pipe.listen(on_connection=self.on_connection)

    def on_connection(self, server, status):
        assert status is S.SUCCESS
        client = server.accept()
        assert isinstance(client, uv.Pipe)
        self.accepted.append(client)
        client.read_start(self.on_read)

    def on_read(self, stream, status, data):
        if status is S.SUCCESS:
            stream.write(data)
        else:
            stream.close()

    def close(self):
        self.pipe.close()
        for c in self.accepted:
            c.close()


def connect(loop, path):
    state = {"status": None}
    pipe = uv.Pipe(loop=loop)
    request = pipe.connect(path, on_connect=lambda r, st: state.update(status=st))
    return pipe, request, state


@pytest.mark.parametrize("kind", ["path", "abstract"])
def test_echo_over_a_unix_socket(loop, until, sockdir, kind):
    path = os.path.join(sockdir, "echo.sock") if kind == "path" else abstract("echo")
    server = EchoServer(loop, path)
    if kind == "path":
        assert stat.S_ISSOCK(os.stat(path).st_mode)
    assert server.pipe.sockname == path
    assert server.pipe.family is AddressFamilies.UNIX
    client, request, state = connect(loop, path)
    assert isinstance(request, uv.PipeConnectRequest)
    assert request.type is RequestType.CONNECT and request.stream is client
    assert request.path == path and not request.finished
    until(lambda: state["status"] is not None)
    assert state["status"] is S.SUCCESS and request.finished
    assert client.peername == path
    assert client.sockname == ""                 # an unbound client
    assert client.family is AddressFamilies.UNIX
    assert client.readable and client.writable
    reader = Reader(client, close=False)
    client.write(b"ping " * 1000)
    until(lambda: len(reader.data) == 5000)
    assert bytes(reader.data) == b"ping " * 1000
    client.shutdown()
    until(lambda: reader.end is S.EOF)
    client.close()
    server.close()
    until(lambda: server.pipe.closed)
    assert not os.path.exists(path)              # removed with its pipe


def test_paths_as_str_bytes_and_pathlike(loop, until, sockdir):
    for i, make in enumerate((str, os.fsencode, pathlib.Path)):
        path = os.path.join(sockdir, "s%d" % i)
        server = EchoServer(loop, make(path))
        assert server.pipe.sockname == path
        client, request, state = connect(loop, make(path))
        until(lambda: state["status"] is not None)
        assert state["status"] is S.SUCCESS
        client.close()
        server.close()
    bname = abstract("b").encode()
    server = EchoServer(loop, bname)
    client, request, state = connect(loop, bname)
    until(lambda: state["status"] is not None)
    assert state["status"] is S.SUCCESS
    assert client.peername == bname.decode()
    client.close()
    server.close()


def test_non_ascii_path(loop, until, sockdir):
    path = os.path.join(sockdir, "\u00e9t\u00e9")
    server = EchoServer(loop, path)
    assert server.pipe.sockname == path
    client, request, state = connect(loop, path)
    until(lambda: state["status"] is not None)
    assert state["status"] is S.SUCCESS
    client.close()
    server.close()


def test_longest_paths_and_one_byte_more(loop, until, sockdir):
    base = os.path.join(sockdir, "")
    path = base + "p" * (uv.pipe.MAX_PATH - len(os.fsencode(base)))
    assert len(os.fsencode(path)) == 107
    server = EchoServer(loop, path)
    assert server.pipe.sockname == path
    client, request, state = connect(loop, path)
    until(lambda: state["status"] is not None)
    assert state["status"] is S.SUCCESS
    client.close()
    server.close()
    # one byte more would be truncated by libuv: refused instead
    pipe = uv.Pipe(loop=loop)
    with pytest.raises(uv.error.NameTooLongError) as info:
        pipe.bind(path + "q")
    assert "107" in str(info.value)
    with pytest.raises(uv.error.NameTooLongError):
        pipe.connect(path + "q")
    name = "\0" + "a" * 107
    pipe.bind(name)
    assert pipe.sockname == name
    pipe.close()
    with pytest.raises(uv.error.NameTooLongError):
        uv.Pipe(loop=loop).bind(name + "a")
    assert sorted(os.listdir(sockdir)) == []


def test_connect_errors(loop, until, sockdir):
    missing = os.path.join(sockdir, "missing")
    client, request, state = connect(loop, missing)
    until(lambda: state["status"] is not None)
    assert state["status"] is S.ENOENT
    client.close()
    # a socket file nobody listens on
    bound = uv.Pipe(loop=loop)
    path = os.path.join(sockdir, "bound")
    bound.bind(path)
    client, request, state = connect(loop, path)
    until(lambda: state["status"] is not None)
    assert state["status"] is S.ECONNREFUSED
    client.close()
    bound.close()
    # an abstract name nobody uses
    client, request, state = connect(loop, abstract("nobody"))
    until(lambda: state["status"] is not None)
    assert state["status"] is S.ECONNREFUSED
    client.close()
    # a regular file
    path = os.path.join(sockdir, "file")
    open(path, "w").close()
    client, request, state = connect(loop, path)
    until(lambda: state["status"] is not None)
    assert state["status"] is S.ECONNREFUSED
    client.close()
    os.unlink(path)


@pytest.mark.parametrize("kind", ["path", "abstract"])
def test_closing_cancels_a_connect(loop, until, sockdir, kind):
    path = os.path.join(sockdir, "c.sock") if kind == "path" else abstract("cancel")
    server = EchoServer(loop, path)
    client, request, state = connect(loop, path)
    client.close()
    until(lambda: state["status"] is not None)
    assert state["status"] is S.ECANCELED
    assert request.finished
    server.close()


@pytest.mark.parametrize("kind", ["path", "abstract"])
def test_a_second_connect_while_connecting(loop, until, sockdir, kind):
    path = os.path.join(sockdir, "c.sock") if kind == "path" else abstract("twice")
    server = EchoServer(loop, path)
    client, request, state = connect(loop, path)
    if kind == "path":
        with pytest.raises(uv.error.AlreadyInProgressError):
            client.connect(path)
        until(lambda: state["status"] is not None)
        assert state["status"] is S.SUCCESS
    else:
        # connected at once: a second connect reports EISCONN
        second = []
        client.connect(path, on_connect=lambda r, st: second.append(st))
        until(lambda: state["status"] is not None and second)
        assert state["status"] is S.SUCCESS and second == [S.EISCONN]
    client.close()
    server.close()


def test_closing_cancels_queued_writes(loop, until):
    from tcp_support import fill
    a, b = socket.socketpair()
    pipe = uv.Pipe(loop=loop)
    pipe.open(a.detach())
    fill(pipe)                           # nobody reads b: the socket is full
    done = []
    req = pipe.write(b"queued", on_write=lambda r, st: done.append(st))
    assert pipe.write_queue_size == 6 and not req.finished
    pipe.close()
    until(lambda: done)
    assert done == [S.ECANCELED]
    b.close()


def test_connect_request_dropped_still_calls_back(loop, until, sockdir, collect):
    path = abstract("dropped")
    server = EchoServer(loop, path)
    calls = []
    uv.Pipe(loop=loop).connect(path, on_connect=lambda r, st: (calls.append(st),
                                                                r.stream.close()))
    collect()
    until(lambda: calls)
    assert calls == [S.SUCCESS]
    server.close()


def test_bind_errors(loop, sockdir):
    path = os.path.join(sockdir, "s")
    first = uv.Pipe(loop=loop)
    first.bind(path)
    with pytest.raises(uv.error.ArgumentError):       # bound already
        first.bind(os.path.join(sockdir, "t"))
    with pytest.raises(uv.error.ArgumentError):
        first.bind(abstract("again"))
    second = uv.Pipe(loop=loop)
    with pytest.raises(uv.error.AddressInUseError):
        second.bind(path)
    name = abstract("inuse")
    third = uv.Pipe(loop=loop)
    third.bind(name)
    with pytest.raises(uv.error.AddressInUseError):
        second.bind(name)
    # libuv reports a missing directory as EACCES (as on Windows)
    with pytest.raises(uv.error.PermissionError):
        second.bind(os.path.join(sockdir, "no", "such", "dir"))
    for h in (first, second, third):
        h.close()


def test_bad_paths(loop):
    pipe = uv.Pipe(loop=loop)
    for bad in (None, 5, 1.5, ["a"], bytearray(b"/tmp/x"), memoryview(b"/tmp/x"), object()):
        with pytest.raises(TypeError):
            pipe.bind(bad)
        with pytest.raises(TypeError):
            pipe.connect(bad)
    for bad in ("/tmp/a\0b", b"/tmp/a\0b", "\0abstract\0nul", pathlib.Path("/tmp/x\0")):
        with pytest.raises(ValueError) as info:
            pipe.bind(bad)
        assert "null" in str(info.value)
        with pytest.raises(ValueError):
            pipe.connect(bad)
    for bad in ("", b""):
        with pytest.raises(uv.error.ArgumentError):
            pipe.bind(bad)
        with pytest.raises(uv.error.ArgumentError):
            pipe.connect(bad)
    with pytest.raises(ValueError):              # a lone surrogate: not encodable
        pipe.bind("/tmp/\ud800")
    with pytest.raises(TypeError):
        uv.PipeConnectRequest(uv.TCP(loop=loop), "/tmp/x")
    pipe.close()


def test_native_checks_behind_the_python_ones(loop):
    pipe = uv.Pipe(loop=loop)
    n = pipe._n
    with pytest.raises(TypeError):
        n.bind("/tmp/str-not-bytes")
    with pytest.raises(ValueError):
        n.bind(b"/tmp/a\0b")
    with pytest.raises(uv.error.NameTooLongError):
        n.bind(b"/" * 108)
    with pytest.raises(uv.error.ArgumentError):
        n.bind(b"")
    req = uv._uv.PipeConnectRequest(loop._n)
    with pytest.raises(TypeError):
        req.start(None, uv.TCP(loop=loop)._n, b"/tmp/x")
    with pytest.raises(TypeError):
        req.start(None, n)
    other = uv.Loop()
    try:
        with pytest.raises(ValueError):
            uv._uv.PipeConnectRequest(other._n).start(None, n, b"\0x")
    finally:
        other.close()
    pipe.close()


def test_open_a_pipe_and_a_socket(loop, until):
    r, w = os.pipe()
    reader, writer = uv.Pipe(loop=loop), uv.Pipe(loop=loop)
    reader.open(r)
    writer.open(w)
    assert reader.readable and not reader.writable
    assert writer.writable and not writer.readable
    assert reader.fileno() == r
    assert reader.family is AddressFamilies.UNKNOWN       # not a socket
    with pytest.raises(uv.error.NotASocketError):
        reader.sockname
    got = Reader(reader)
    writer.write(b"through os.pipe")
    writer.close()
    until(lambda: got.end is S.EOF)
    assert bytes(got.data) == b"through os.pipe"
    a, b = socket.socketpair()
    pipe = uv.Pipe(loop=loop)
    pipe.open(a.detach())
    assert pipe.family is AddressFamilies.UNIX and pipe.sockname == ""
    pipe.write(b"socket")
    assert b.recv(10) == b"socket"
    pipe.close()
    b.close()


def test_open_errors(loop):
    pipe = uv.Pipe(loop=loop)
    with pytest.raises(uv.error.BadFileDescriptorError):
        pipe.open(999)
    for bad in (-1, 2 ** 31, -2 ** 31):
        with pytest.raises(uv.error.BadFileDescriptorError):
            pipe.open(bad)
    for bad in (2 ** 70, -2 ** 70):       # as TCP.open
        with pytest.raises(OverflowError):
            pipe.open(bad)
    for bad in ("3", 3.0, None, [3]):
        with pytest.raises(TypeError):
            pipe.open(bad)
    with pytest.raises(uv.error.ResourceBusyError):
        pipe.open(loop.fileno())          # the loop's own epoll descriptor
    a, b = socket.socketpair()
    first = uv.Pipe(loop=loop)
    first.open(a.fileno())
    first.read_start()
    with pytest.raises(uv.error.FileExistsError):   # watched by another handle
        pipe.open(a.fileno())
    first.close()
    a.detach()
    b.close()
    pipe.close()


def test_chmod(loop, sockdir):
    path = os.path.join(sockdir, "s")
    pipe = uv.Pipe(loop=loop)
    pipe.bind(path)
    os.chmod(path, 0o600)
    pipe.chmod(uv.pipe.PipeModes.READABLE)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    pipe.chmod(uv.pipe.PipeModes.WRITABLE | uv.pipe.PipeModes.READABLE)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o666
    for bad in (0, 4, 7, -1, 2 ** 40):
        with pytest.raises(uv.error.ArgumentError):
            pipe.chmod(bad)
    with pytest.raises(TypeError):
        pipe.chmod("rw")
    pipe.close()
    unbound = uv.Pipe(loop=loop)
    with pytest.raises(uv.error.BadFileDescriptorError):
        unbound.chmod(uv.pipe.PipeModes.READABLE)
    name = uv.Pipe(loop=loop)
    name.bind(abstract("chmod"))
    with pytest.raises(uv.error.FileNotFoundError):   # no file to change
        name.chmod(uv.pipe.PipeModes.READABLE)
    unbound.close()
    name.close()


def test_pending_instances(loop):
    pipe = uv.Pipe(loop=loop)
    pipe.pending_instances(4)            # Windows only: accepted
    pipe.pending_instances(0)
    with pytest.raises(uv.error.ArgumentError):
        pipe.pending_instances(-1)
    with pytest.raises(uv.error.ArgumentError):
        pipe.pending_instances(2 ** 40)
    with pytest.raises(TypeError):
        pipe.pending_instances("4")
    pipe.close()


def test_names_before_a_socket_exists(loop):
    pipe = uv.Pipe(loop=loop)
    assert pipe.family is AddressFamilies.UNKNOWN
    with pytest.raises(uv.error.BadFileDescriptorError):
        pipe.sockname
    with pytest.raises(uv.error.BadFileDescriptorError):
        pipe.peername
    with pytest.raises(uv.error.ArgumentError):       # listen needs a socket
        pipe.listen()
    pipe.close()


def test_peername_of_a_listening_socket(loop, sockdir):
    pipe = uv.Pipe(loop=loop)
    pipe.bind(os.path.join(sockdir, "s"))
    pipe.listen()
    with pytest.raises(uv.error.NotConnectedError):
        pipe.peername
    pipe.close()


def test_closed_handle_and_closed_loop(loop, sockdir):
    pipe = uv.Pipe(loop=loop)
    pipe.close()
    calls = [lambda: pipe.open(0), lambda: pipe.bind(os.path.join(sockdir, "x")),
             lambda: pipe.connect(os.path.join(sockdir, "x")),
             lambda: pipe.connect(abstract("closed")), lambda: pipe.chmod(1),
             lambda: pipe.pending_instances(1), lambda: pipe.sockname,
             lambda: pipe.peername, lambda: pipe.family, lambda: pipe.listen(),
             lambda: pipe.read_start(), lambda: pipe.write(b"x"),
             lambda: pipe.pending_count, lambda: pipe.accept()]
    for call in calls:
        with pytest.raises(uv.ClosedHandleError):
            call()
    pipe.read_stop()                     # stop-like: no error
    closed = uv.Loop()
    closed.close()
    with pytest.raises(uv.LoopClosedError):
        uv.Pipe(loop=closed)
    for bad in ("yes", None, 1.0):
        with pytest.raises(TypeError):
            uv.Pipe(ipc=bad, loop=loop)
    with pytest.raises(TypeError):
        uv.Pipe(loop="loop")


def test_ipc_flag_and_repr(loop):
    plain, ipc = uv.Pipe(loop=loop), uv.Pipe(ipc=True, loop=loop)
    assert not plain.ipc and ipc.ipc and ipc._n.is_ipc()
    assert repr(plain).startswith("<uv.pipe.Pipe inactive at ")
    assert repr(ipc).startswith("<uv.pipe.Pipe ipc inactive at ")
    plain.close()
    assert "closing" in repr(plain)
    ipc.close()


def test_buffer_sizes_of_a_socket(loop):
    a, b = socket.socketpair()
    pipe = uv.Pipe(loop=loop)
    pipe.open(a.detach())
    pipe.send_buffer_size = 65536
    assert pipe.send_buffer_size == 65536
    pipe.receive_buffer_size = 32768
    assert pipe.receive_buffer_size == 32768
    pipe.close()
    b.close()


def test_loop_handles_and_close_all_handles(loop, until, sockdir):
    path = os.path.join(sockdir, "s")
    server = EchoServer(loop, path)
    client, request, state = connect(loop, path)
    until(lambda: state["status"] is not None and server.accepted)
    loop.run(uv.RunModes.NOWAIT)         # until's own handles finish closing
    handles = loop.handles
    assert {server.pipe, client} | set(server.accepted) == handles
    closed = []
    loop.close_all_handles(on_closed=closed.append)
    until(lambda: len(closed) == 3)
    assert set(closed) == handles
    loop.run(uv.RunModes.NOWAIT)
    assert loop.handles == set()
    assert not os.path.exists(path)


def test_dropped_pipes_are_collected_and_closed(loop, until, sockdir, collect):
    path = os.path.join(sockdir, "s")
    pipe = uv.Pipe(loop=loop)
    pipe.bind(path)
    ref = weakref.ref(pipe)
    del pipe
    collect()
    assert ref() is None
    loop.run(uv.RunModes.NOWAIT)
    assert not os.path.exists(path)      # closed for us: the file is removed
    # a listening pipe is pending: kept by the loop, still accepting
    accepted = []
    server = uv.Pipe(loop=loop)
    server.bind(path)
    server.listen(on_connection=lambda s, st: accepted.append(s.accept()))
    ref = weakref.ref(server)
    del server
    collect()
    assert ref() is not None
    client, request, state = connect(loop, path)
    until(lambda: accepted)
    ref().close()
    accepted[0].close()
    client.close()
