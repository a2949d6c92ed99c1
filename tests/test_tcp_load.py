"""TCP under load, uv on both sides of 127.0.0.1 in one loop:

- more than 1,000 connections open at once to one echo server, each with
  its own message;
- 64 MiB each way over one connection (reproducible pseudo-random bytes,
  checked by length and hash), and many writes of mixed sizes in order.
"""
import hashlib
import random
import resource

import pytest

import uv

from tcp_support import HOST, S

CONNECTIONS = 1024
MiB = 1 << 20


@pytest.fixture
def enough_fds():
    """Raise the soft RLIMIT_NOFILE to what CONNECTIONS needs (at most the
    hard limit); skip if the hard limit is too low.  Restored afterwards."""
    need = 2 * CONNECTIONS + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < need:
        if hard != resource.RLIM_INFINITY and hard < need:
            pytest.skip("RLIMIT_NOFILE hard limit %d is below the %d descriptors "
                        "%d connections need" % (hard, need, CONNECTIONS))
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


class EchoServer(object):
    """Echoes every stream; counts the streams open at the same time."""

    def __init__(self, loop, backlog=511):
        self.open = 0
        self.peak = 0
        self.accepted = 0
        self.received = 0
        self.sha = hashlib.sha256()
        self.write_statuses = {}
        self.ends = []
        self.tcp = uv.TCP(loop=loop)
        self.tcp.bind((HOST, 0))
        self.tcp.listen(backlog, on_connection=self._on_connection)
        self.address = self.tcp.sockname

    def _on_connection(self, server, status):
        assert status is S.SUCCESS, status
        stream = server.accept()
        self.accepted += 1
        self.open += 1
        self.peak = max(self.peak, self.open)
        stream.read_start(on_read=self._on_read)

    def _closed(self, stream):
        self.open -= 1

    def _on_write(self, request, status):
        self.write_statuses[status] = self.write_statuses.get(status, 0) + 1

    def _on_read(self, stream, status, data):
        if status is S.SUCCESS:
            self.received += len(data)
            self.sha.update(data)
            stream.write(data, on_write=self._on_write)
            return
        self.ends.append(status)
        if status is S.EOF:
            stream.shutdown(on_shutdown=lambda req, st: req.stream.close(self._closed))
        else:
            stream.close(self._closed)

    def close(self):
        self.tcp.close()


def message(i):
    """Connection i's message: distinct, 20 to 4,000 bytes."""
    rnd = random.Random(i)
    n = rnd.randint(0, 3980)
    body = rnd.getrandbits(8 * n).to_bytes(n, "little") if n else b""
    return b"<%06d>" % i + body + b"<end %06d>" % i


class EchoClient(object):
    def __init__(self, loop, address, payload):
        self.payload = payload
        self.connected = None
        self.received = bytearray()
        self.end = None
        self.closed = False
        self.tcp = uv.TCP(loop=loop)
        self.tcp.connect(address, on_connect=self._on_connect)

    def _on_connect(self, request, status):
        self.connected = status
        if status is S.SUCCESS:
            request.stream.read_start(on_read=self._on_read)

    def send(self):
        self.tcp.write(self.payload)

    def _on_read(self, stream, status, data):
        if status is S.SUCCESS:
            self.received += data
        else:
            self.end = status
            stream.close(self._on_closed)

    def _on_closed(self, tcp):
        self.closed = True


def test_many_concurrent_connections(loop, until, enough_fds):
    server = EchoServer(loop, backlog=CONNECTIONS)
    clients = [EchoClient(loop, server.address, message(i))
               for i in range(CONNECTIONS)]
    # 1. every connection is established and open at the same time
    until(lambda: server.accepted == CONNECTIONS
          and all(c.connected is not None for c in clients), timeout=30)
    assert all(c.connected is S.SUCCESS for c in clients)
    assert server.open == CONNECTIONS
    assert server.peak == CONNECTIONS
    assert len(loop.handles) >= 2 * CONNECTIONS + 1
    # 2. all of them talk at once
    for c in clients:
        c.send()
    until(lambda: all(len(c.received) >= len(c.payload) for c in clients),
          timeout=30)
    for i, c in enumerate(clients):
        assert bytes(c.received) == c.payload, "connection %d got another echo" % i
    assert server.peak == CONNECTIONS
    # 3. they all finish cleanly: shutdown -> EOF both ways -> closed
    for c in clients:
        c.tcp.shutdown()
    until(lambda: server.open == 0 and all(c.closed for c in clients), timeout=30)
    assert all(c.end is S.EOF for c in clients)
    assert server.ends == [S.EOF] * CONNECTIONS
    assert server.received == sum(len(c.payload) for c in clients)
    assert list(server.write_statuses) == [S.SUCCESS]
    server.close()


def chunk(i, size=MiB):
    """Chunk i of the reproducible pseudo-random stream."""
    return hashlib.shake_128(b"uv tcp load chunk %d" % i).digest(size)


class Receiver(object):
    def __init__(self):
        self.count = 0
        self.sha = hashlib.sha256()
        self.end = None
        self.reads = 0

    def on_read(self, stream, status, data):
        if status is S.SUCCESS:
            self.reads += 1
            self.count += len(data)
            self.sha.update(data)
        else:
            self.end = status


def transfer(loop, until, pieces, timeout):
    """Send *pieces* (an iterable of bytes) from a uv client through a uv
    echo server and back; return (sent count, sent hash, receiver, server,
    client write statuses, shutdown statuses)."""
    server = EchoServer(loop)
    client = uv.TCP(loop=loop)
    connected = []
    client.connect(server.address, on_connect=lambda r, st: connected.append(st))
    until(lambda: connected)
    assert connected == [S.SUCCESS]
    back = Receiver()
    client.read_start(on_read=back.on_read)
    sent_sha = hashlib.sha256()
    sent = 0
    order = []
    writes = 0
    for i, piece in enumerate(pieces):
        sent_sha.update(piece)
        sent += len(piece)
        client.write(piece, on_write=lambda r, st, i=i: order.append((i, st)))
        writes += 1
    shut = []
    client.shutdown(on_shutdown=lambda r, st: shut.append(st))
    until(lambda: back.end is not None and shut, timeout=timeout)
    assert [i for i, _ in order] == list(range(writes)), "writes completed out of order"
    assert all(st is S.SUCCESS for _, st in order)
    client.close()
    until(lambda: server.open == 0 and client.closed)
    server.close()
    return sent, sent_sha.hexdigest(), back, server, shut


def test_large_transfer_64mib_each_way(loop, until):
    total = 64 * MiB
    pieces = (chunk(i) for i in range(total // MiB))
    sent, sent_hash, back, server, shut = transfer(loop, until, pieces, timeout=50)
    assert sent == total
    # what the server got, and what came back, is exactly what was sent
    assert server.received == total
    assert server.sha.hexdigest() == sent_hash
    assert back.count == total
    assert back.sha.hexdigest() == sent_hash
    assert back.end is S.EOF
    assert shut == [S.SUCCESS]
    assert server.ends == [S.EOF]
    assert list(server.write_statuses) == [S.SUCCESS]
    assert back.reads > 1              # it really arrived in pieces


def test_many_writes_of_mixed_sizes_keep_order(loop, until):
    rnd = random.Random(1234)
    stream = chunk(10 ** 6, 16 * MiB)
    pieces = []
    pos = 0
    while pos < len(stream):
        size = rnd.choice((1, 7, 100, 1500, 4096, 65536, 300000))
        pieces.append(stream[pos:pos + size])
        pos += size
    sent, sent_hash, back, server, shut = transfer(loop, until, pieces, timeout=50)
    assert sent == len(stream)
    assert sent_hash == hashlib.sha256(stream).hexdigest()
    assert back.count == len(stream)
    assert back.sha.hexdigest() == sent_hash
    assert server.sha.hexdigest() == sent_hash
    assert back.end is S.EOF
