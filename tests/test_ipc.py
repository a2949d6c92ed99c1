"""Handles sent over IPC pipes (uv.Pipe(ipc=True)): write(data,
send_stream=handle), pending_count, pending_type, pending_accept; in one
process over a socket pair, and across processes: the multi-process server
(a parent hands its listening TCP socket to worker processes spawned with
uv.Process, which accept and serve the connections).  API.md section 4
"Pipe".
"""
import array
import os
import socket
import weakref

import pytest

import uv
from uv._loader import _uv

from proc_support import ENV, HERE, PY, S, Reader, no_leaks, sockdir  # noqa: F401
from tcp_support import HOST, Server

WORKER = os.path.join(HERE, "ipc_worker.py")


@pytest.fixture
def channel(loop):
    """Two IPC pipes connected to each other (a socket pair)."""
    a, b = socket.socketpair()
    left, right = uv.Pipe(ipc=True, loop=loop), uv.Pipe(ipc=True, loop=loop)
    left.open(a.detach())
    right.open(b.detach())
    yield left, right
    left.close()
    right.close()


def receive_handles(pipe):
    """Read *pipe*; every handle that arrives is accepted into ``got``."""
    state = {"got": [], "data": bytearray(), "types": []}

    def on_read(p, status, data):
        if status is not S.SUCCESS:
            return
        state["data"] += data
        while p.pending_count:
            state["types"].append(p.pending_type)
            state["got"].append(p.pending_accept())

    pipe.read_start(on_read)
    return state


# ---------------------------------------------------------------- in one process


def test_send_a_listening_tcp_handle(loop, until, channel):
    left, right = channel
    server = uv.TCP(loop=loop)
    server.bind((HOST, 0))
    port = server.sockname.port
    state = receive_handles(right)
    written = []
    req = left.write(b"x", send_stream=server, on_write=lambda r, st: written.append(st))
    assert req.send_stream is server
    until(lambda: state["got"] and written)
    assert written == [S.SUCCESS]
    assert state["types"] == [uv.TCP]
    got = state["got"][0]
    assert isinstance(got, uv.TCP) and got.loop is loop
    assert got.sockname == server.sockname
    assert got.fileno() != server.fileno()
    assert right.pending_count == 0 and right.pending_type is None
    # the received socket is the same socket: it listens for the port
    accepted = []
    got.listen(on_connection=lambda s, st: accepted.append(s.accept()))
    client = uv.TCP(loop=loop)
    client.connect((HOST, port))
    until(lambda: accepted)
    for h in accepted + [got, server, client]:
        h.close()


def test_send_a_pipe_handle_and_use_it(loop, until, channel):
    left, right = channel
    a, b = socket.socketpair()
    inner = uv.Pipe(loop=loop)
    inner.open(a.detach())
    state = receive_handles(right)
    left.write(b"pipe", send_stream=inner)
    until(lambda: state["got"])
    assert state["types"] == [uv.Pipe] and bytes(state["data"]) == b"pipe"
    got = state["got"][0]
    assert isinstance(got, uv.Pipe) and not got.ipc
    inner.close()          # the received copy works on its own
    got.write(b"through the received pipe")
    assert b.recv(100) == b"through the received pipe"
    b.close()
    got.close()


def test_send_a_udp_handle_and_use_it(loop, until, channel):
    """A UDP handle sent over IPC arrives as a uv.UDP (uv.udp registers the
    class) bound to the same address, and receives datagrams sent to it."""
    left, right = channel
    udp = uv.UDP(loop=loop)
    udp.bind((HOST, 0))
    address = udp.sockname
    state = receive_handles(right)
    left.write(b"u", send_stream=udp)
    until(lambda: state["got"])
    assert state["types"] == [uv.UDP]
    got = state["got"][0]
    assert isinstance(got, uv.UDP) and got.loop is loop
    assert got.sockname == address and got.fileno() != udp.fileno()
    udp.close()            # the received copy works on its own
    received = []
    got.receive_start(on_receive=lambda u, st, addr, data, flags: received.append(data))
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sender.sendto(b"to the received socket", (address.host, address.port))
        until(lambda: received)
    finally:
        sender.close()
    assert received == [b"to the received socket"]
    got.close()


def test_several_handles_queue_up(loop, until, channel):
    left, right = channel
    servers = []
    for _ in range(3):
        s = uv.TCP(loop=loop)
        s.bind((HOST, 0))
        servers.append(s)
    counts = []

    def on_read(p, status, data):
        counts.append(p.pending_count)

    right.read_start(on_read)
    for s in servers:
        left.write(b"h", send_stream=s)
    until(lambda: sum(counts) >= 1 and right.pending_count == 3)
    got = [right.pending_accept() for _ in range(3)]
    assert [g.sockname for g in got] == [s.sockname for s in servers]
    assert right.pending_count == 0
    with pytest.raises(uv.error.TemporaryUnavailableError):
        right.pending_accept()
    for h in got + servers:
        h.close()


def test_sent_handle_dropped_before_the_write_goes_out(loop, until, channel, collect):
    """The channel is full, so the write that sends the handle waits in
    libuv's queue; the handle is dropped meanwhile.  libuv reads the handle
    when the write goes out: it must still be there (and open)."""
    from tcp_support import fill
    left, right = channel
    filled = fill(left)
    server = uv.TCP(loop=loop)
    server.bind((HOST, 0))
    name = server.sockname
    left.write(b"x", send_stream=server)     # no on_write: nothing holds it
    assert left.write_queue_size == 1
    ref = weakref.ref(server)
    del server
    collect()
    assert ref() is None                 # the wrapper is gone, not the handle
    state = receive_handles(right)
    until(lambda: state["got"], timeout=30)
    assert left.write_queue_size == 0
    assert len(state["data"]) == filled + 1
    assert state["got"][0].sockname == name
    state["got"][0].close()


def test_sent_handle_closed_right_after_the_write(loop, until, channel):
    # the handle goes out at once (the socket takes it): closing it after
    # does not affect the copy the other side received
    left, right = channel
    state = receive_handles(right)
    server = uv.TCP(loop=loop)
    server.bind((HOST, 0))
    name = server.sockname
    left.write(b"x", send_stream=server)
    server.close()
    until(lambda: state["got"])
    assert state["got"][0].sockname == name
    state["got"][0].close()


def test_send_needs_data_and_an_ipc_pipe(loop, channel, pair):
    left, right = channel
    tcp_client, tcp_server = pair
    with pytest.raises(ValueError):
        left.write(b"", send_stream=tcp_client)
    with pytest.raises(ValueError):
        left.write([], send_stream=tcp_client)
    # over a pipe without ipc, and over a TCP stream: libuv says EINVAL
    a, b = socket.socketpair()
    plain = uv.Pipe(loop=loop)
    plain.open(a.detach())
    with pytest.raises(uv.error.ArgumentError):
        plain.write(b"x", send_stream=tcp_client)
    with pytest.raises(uv.error.ArgumentError):
        tcp_server.write(b"x", send_stream=tcp_client)
    plain.close()
    b.close()


def test_send_bad_handles(loop, channel):
    left, right = channel
    timer = uv.Timer(loop=loop)
    with pytest.raises(TypeError):
        left.write(b"x", send_stream=timer)
    with pytest.raises(TypeError):
        left.write(b"x", send_stream=object())
    with pytest.raises(TypeError):
        left.write(b"x", send_stream=timer._n)
    unbound = uv.TCP(loop=loop)
    with pytest.raises(uv.error.BadFileDescriptorError):
        left.write(b"x", send_stream=unbound)
    closed = uv.TCP(loop=loop)
    closed.close()
    with pytest.raises(uv.ClosedHandleError):
        left.write(b"x", send_stream=closed)
    for h in (timer, unbound):
        h.close()


def test_pending_of_a_descriptor_uv_cannot_accept(loop, until):
    """A peer that is not uv may send any descriptor: a regular file has no
    uv class, so pending_type and pending_accept say so clearly."""
    a, b = socket.socketpair()
    pipe = uv.Pipe(ipc=True, loop=loop)
    pipe.open(b.detach())
    reads = []
    pipe.read_start(lambda p, st, d: reads.append(st))
    fd = os.open(os.devnull, os.O_RDONLY)
    try:
        a.sendmsg([b"f"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))])
    finally:
        os.close(fd)
    until(lambda: reads)
    assert pipe.pending_count == 1
    with pytest.raises(uv.error.NotSupportedError) as info:
        pipe.pending_type
    assert "file" in str(info.value)
    with pytest.raises(uv.error.NotSupportedError):
        pipe.pending_accept()
    assert pipe.pending_count == 1          # still there: closing drops it
    pipe.close()
    a.close()


def test_pending_udp_without_a_udp_class(loop, until):
    """A UDP socket that arrives while no class is registered for UDP (the
    UDP handle lives in uv.udp; it registers itself with
    uv.pipe.register_pending_type)."""
    udp_class = uv.pipe._PENDING_CLASSES.pop(_uv.UV_UDP, None)
    a, b = socket.socketpair()
    pipe = uv.Pipe(ipc=True, loop=loop)
    pipe.open(b.detach())
    reads = []
    pipe.read_start(lambda p, st, d: reads.append(st))
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        a.sendmsg([b"u"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [u.fileno()]))])
        until(lambda: reads)
        with pytest.raises(uv.error.NotSupportedError) as info:
            pipe.pending_accept()
        assert "UDP" in str(info.value)
    finally:
        if udp_class is not None:
            uv.pipe.register_pending_type(_uv.UV_UDP, udp_class)
        u.close()
        pipe.close()
        a.close()


def test_pending_properties_on_closed_and_plain_pipes(loop):
    plain = uv.Pipe(loop=loop)
    assert plain.pending_count == 0
    assert plain.pending_type is None
    with pytest.raises(uv.error.TemporaryUnavailableError):
        plain.pending_accept()
    plain.close()
    with pytest.raises(uv.ClosedHandleError):
        plain.pending_count
    with pytest.raises(uv.ClosedHandleError):
        plain.pending_type
    with pytest.raises(uv.ClosedHandleError):
        plain.pending_accept()


def test_ipc_pipe_cannot_listen(loop, sockdir):
    pipe = uv.Pipe(ipc=True, loop=loop)
    pipe.bind(os.path.join(sockdir, "s"))
    with pytest.raises(uv.error.ArgumentError):
        pipe.listen()
    pipe.close()


def test_closing_the_receiver_drops_pending_handles(loop, until, channel):
    left, right = channel
    reads = []
    right.read_start(lambda p, st, d: reads.append(st))
    server = uv.TCP(loop=loop)
    server.bind((HOST, 0))
    left.write(b"x", send_stream=server)
    until(lambda: right.pending_count == 1)
    right.close()           # the received descriptor is closed with it
    server.close()


# ---------------------------------------------------------------- across processes


def spawn_worker(loop, mode, exits, ready):
    """A worker process (tests/ipc_worker.py) with an IPC pipe as stdin."""
    def on_exit(proc, returncode, signum):
        exits.append((proc.pid, returncode, signum))
        proc.close()

    def on_ready(pipe, status, data):
        if status is S.SUCCESS:
            ready.append(data)
        else:
            pipe.close()

    proc = uv.Process([PY, WORKER, mode], stdin=uv.PIPE, stderr=2, env=ENV,
                      loop=loop, on_exit=on_exit)
    proc.stdin.read_start(on_ready)
    return proc


class EchoClient(object):
    """Connects to *port*, sends *message*, reads the worker's pid line and
    the echo."""

    def __init__(self, loop, port, message):
        self.message = message
        self.data = bytearray()
        self.tcp = uv.TCP(loop=loop)
        self.tcp.connect((HOST, port), on_connect=self.on_connect)

    def on_connect(self, request, status):
        assert status is S.SUCCESS, status
        self.tcp.read_start(self.on_read)
        self.tcp.write(self.message)

    def on_read(self, stream, status, data):
        if status is S.SUCCESS:
            self.data += data

    @property
    def done(self):
        return self.data.endswith(self.message) and b"\n" in self.data

    @property
    def pid(self):
        return int(bytes(self.data).split(b"\n", 1)[0])

    @property
    def echo(self):
        return bytes(self.data).split(b"\n", 1)[1]


@pytest.mark.hang_timeout(180)
def test_multi_process_server_each_worker_serves_one(loop, until):
    """The parent binds a TCP socket and hands it to two workers; each
    accepts one connection and then stops listening, so two clients in turn
    are served by the two workers, never by the parent."""
    server = uv.TCP(loop=loop)
    server.bind((HOST, 0))
    port = server.sockname.port
    exits, ready = [], []
    workers = [spawn_worker(loop, "once", exits, ready) for _ in range(2)]
    pids = {w.pid for w in workers}
    for w in workers:
        w.stdin.write(b"s", send_stream=server)
    until(lambda: len(ready) == 2, timeout=60)
    assert {int(r.split()[1]) for r in ready} == pids
    served = []
    for i in range(2):
        client = EchoClient(loop, port, b"hello %d" % i)
        until(lambda: client.done, timeout=30)
        assert client.echo == b"hello %d" % i
        served.append(client.pid)
        client.tcp.close()
    assert set(served) == pids               # one connection each
    until(lambda: len(exits) == 2, timeout=30)
    assert sorted(exits) == sorted((pid, 0, 0) for pid in pids)
    server.close()


@pytest.mark.hang_timeout(180)
def test_multi_process_server_under_load(loop, until):
    """20 concurrent clients of two workers sharing one listening socket:
    every client is echoed, by a worker."""
    server = uv.TCP(loop=loop)
    server.bind((HOST, 0))
    port = server.sockname.port
    exits, ready = [], []
    workers = [spawn_worker(loop, "serve", exits, ready) for _ in range(2)]
    pids = {w.pid for w in workers}
    for w in workers:
        w.stdin.write(b"s", send_stream=server)
    until(lambda: len(ready) == 2, timeout=60)
    server.close()              # the workers hold the socket now
    clients = [EchoClient(loop, port, b"message %d " % i * 50) for i in range(20)]
    until(lambda: all(c.done for c in clients), timeout=30)
    for i, c in enumerate(clients):
        assert c.echo == b"message %d " % i * 50
        assert c.pid in pids
        c.tcp.close()
    for w in workers:
        w.stdin.close()         # EOF: the workers stop
    until(lambda: len(exits) == 2, timeout=30)
    assert sorted(exits) == sorted((pid, 0, 0) for pid in pids)


@pytest.mark.hang_timeout(120)
def test_handle_sent_to_a_child_over_uv_pipe(loop, until):
    """A connected TCP stream handed to a child: the child writes to it."""
    srv = Server(loop, echo=False)
    client = uv.TCP(loop=loop)
    client.connect(srv.address)
    until(lambda: srv.accepted)
    reader = Reader(client, close=False)
    code = ("import uv\n"
            "loop = uv.Loop()\n"
            "ch = uv.Pipe(ipc=True, loop=loop); ch.open(0)\n"
            "def on_read(p, st, d):\n"
            "    if p.pending_count:\n"
            "        t = p.pending_accept(); t.write(b'from the child')\n"
            "        t.close(); p.close()\n"
            "ch.read_start(on_read)\n"
            "loop.run()\n")
    exits = []
    proc = uv.Process([PY, "-c", code], stdin=uv.PIPE, stderr=2, env=ENV, loop=loop,
                      on_exit=lambda p, rc, sig: exits.append(rc))
    proc.stdin.write(b"t", send_stream=srv.accepted[0])
    until(lambda: exits and reader.data == b"from the child", timeout=60)
    assert exits == [0]
    proc.stdin.close()
    proc.close()
    client.close()
    srv.close()
