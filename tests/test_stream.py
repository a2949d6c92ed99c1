"""Streams (uv.UVStream) over TCP on 127.0.0.1: reading, writing (every data
type write() accepts), write and shutdown requests, try_write, the write
queue, listening and accepting (API.md sections 4 "Streams" and 5).

Every loop run is bounded (``until`` fails after its timeout) and a
callback's exception fails the test that caused it.
"""
import array

import pytest

import uv
from uv.request import RequestType

from tcp_support import HOST, S, Client, Server, collect_reads, fill


# ---------------------------------------------------------------- classes


def test_stream_classes(loop):
    tcp = uv.TCP(loop=loop)
    assert isinstance(tcp, uv.UVStream)
    assert isinstance(tcp, uv.UVHandle)
    assert isinstance(tcp, uv.Stream)
    assert isinstance(tcp, uv.abstract.Stream)
    assert isinstance(tcp, uv.Handle)
    assert uv.stream.UVStream is uv.UVStream
    assert uv.stream.WriteRequest is uv.WriteRequest
    assert uv.stream.ShutdownRequest is uv.ShutdownRequest
    assert uv.stream.ConnectRequest is uv.ConnectRequest
    assert issubclass(uv.TCPConnectRequest, uv.ConnectRequest)
    for cls in (uv.WriteRequest, uv.ShutdownRequest, uv.ConnectRequest):
        assert issubclass(cls, uv.UVRequest)
        assert issubclass(cls, uv.Request)


def test_fresh_stream_state(loop):
    tcp = uv.TCP(loop=loop)
    assert tcp.readable is False
    assert tcp.writable is False
    assert tcp.write_queue_size == 0
    assert tcp.active is False


def test_connected_stream_state(pair):
    client, accepted = pair
    for s in (client, accepted):
        assert s.readable is True
        assert s.writable is True
        assert s.write_queue_size == 0
        assert s.active is False       # neither reading nor writing


# ---------------------------------------------------------------- echo


def test_echo_round_trip(loop, until, server):
    client = Client(loop, server.address)
    until(lambda: client.connected is not None)
    assert client.connected is S.SUCCESS
    client.tcp.write(b"hello, world")
    until(lambda: len(client.received) >= 12)
    assert bytes(client.received) == b"hello, world"
    for status, data in client.reads:
        assert status is S.SUCCESS
        assert type(data) is bytes
    client.tcp.shutdown()
    until(lambda: client.end is not None)
    assert client.end is S.EOF
    assert client.reads[-1] == (S.EOF, b"")
    assert client.reads[-1][0] is S.EOF
    assert type(client.reads[-1][1]) is bytes
    # EOF arrives once and ends reading: the stream is no longer active
    assert [st for st, _ in client.reads].count(S.EOF) == 1
    assert client.tcp.active is False
    until(lambda: all(s.closed for s in server.accepted))
    assert list(server.ends.values()) == [S.EOF]


def test_eof_after_peer_shutdown(pair, until):
    client, accepted = pair
    state = collect_reads(accepted)
    client.write(b"last words")
    shut = []
    client.shutdown(on_shutdown=lambda req, st: shut.append(st))
    until(lambda: state["end"] is not None)
    assert shut == [S.SUCCESS]
    assert bytes(state["data"]) == b"last words"
    assert state["end"] is S.EOF
    status, data = state["calls"][-1]
    assert status is S.EOF and data == b"" and type(data) is bytes
    # the reading side of the peer still works: it can answer after EOF
    back = collect_reads(client)
    accepted.write(b"reply")
    accepted.shutdown()
    until(lambda: back["end"] is not None)
    assert bytes(back["data"]) == b"reply"
    assert back["end"] is S.EOF


def test_read_stop_and_restart(pair, until, pause):
    client, accepted = pair
    state = collect_reads(accepted)
    client.write(b"one")
    until(lambda: state["data"] == b"one")
    assert accepted.read_stop() is None
    assert accepted.active is False
    client.write(b"two")
    pause(100)
    assert bytes(state["data"]) == b"one"       # nothing read while stopped
    accepted.read_start()                        # keeps the stored on_read
    until(lambda: state["data"] == b"onetwo")
    # read_start twice is harmless, read_stop twice too
    accepted.read_start()
    accepted.read_stop()
    assert accepted.read_stop() is None


def test_on_read_replaced_while_reading(pair, until):
    client, accepted = pair
    first = collect_reads(accepted)
    client.write(b"a")
    until(lambda: first["data"] == b"a")
    second = []
    accepted.on_read = lambda s, st, data: second.append(data)
    client.write(b"b")
    until(lambda: second)
    assert second == [b"b"]
    assert bytes(first["data"]) == b"a"


def test_on_read_must_be_callable(loop):
    tcp = uv.TCP(loop=loop)
    with pytest.raises(TypeError):
        tcp.on_read = 42
    with pytest.raises(TypeError):
        tcp.read_start(on_read="not callable")


# ---------------------------------------------------------------- write data types


DATA_KINDS = [
    ("bytes", lambda: b"bytes data", b"bytes data"),
    ("empty bytes", lambda: b"", b""),
    ("bytearray", lambda: bytearray(b"bytearray data"), b"bytearray data"),
    ("memoryview", lambda: memoryview(b"memoryview data"), b"memoryview data"),
    ("memoryview slice", lambda: memoryview(b"0123456789")[2:6], b"2345"),
    ("strided memoryview", lambda: memoryview(b"abcdefgh")[::2], b"aceg"),
    ("memoryview of bytearray", lambda: memoryview(bytearray(b"mv-ba")), b"mv-ba"),
    ("array.array('B')", lambda: array.array("B", b"array data"), b"array data"),
    ("array.array('i')", lambda: array.array("i", [1, 2, 3]),
     array.array("i", [1, 2, 3]).tobytes()),
    ("list", lambda: [b"a", bytearray(b"b"), memoryview(b"c"),
                      array.array("B", b"d"), b"", b"efg"], b"abcdefg"),
    ("tuple", lambda: (b"t1-", bytearray(b"t2-"), memoryview(b"t3")), b"t1-t2-t3"),
    ("empty list", lambda: [], b""),
    ("long list", lambda: [b"%03d," % i for i in range(100)],
     b"".join(b"%03d," % i for i in range(100))),
]


@pytest.mark.parametrize("make, expected", [k[1:] for k in DATA_KINDS],
                         ids=[k[0] for k in DATA_KINDS])
def test_write_data_types(pair, until, make, expected):
    client, accepted = pair
    state = collect_reads(accepted)
    done = []
    req = client.write(make(), on_write=lambda r, st: done.append(st))
    assert isinstance(req, uv.WriteRequest)
    client.write(b"|end")
    until(lambda: done and state["data"].endswith(b"|end"))
    assert done == [S.SUCCESS]
    assert bytes(state["data"]) == expected + b"|end"


def test_write_list_is_one_gathered_write_in_order(pair, until):
    client, accepted = pair
    state = collect_reads(accepted)
    parts = [bytes([65 + i % 26]) * (1000 + i) for i in range(40)]
    done = []
    client.write(parts, on_write=lambda r, st: done.append(st))
    total = sum(map(len, parts))
    until(lambda: done and len(state["data"]) >= total)
    assert done == [S.SUCCESS]                  # one request, one callback
    assert bytes(state["data"]) == b"".join(parts)


def test_write_copies_mutable_data(pair, until):
    """The data is taken at write() time: changing a bytearray afterwards
    does not change what is sent."""
    client, accepted = pair
    state = collect_reads(accepted)
    buf = bytearray(b"original")
    client.write(buf)
    buf[:] = b"changed!"
    client.write(b"|end")
    until(lambda: state["data"].endswith(b"|end"))
    assert bytes(state["data"]) == b"original|end"


@pytest.mark.parametrize("bad", [
    "a str", 42, 3.5, None, object(), {"a": 1}, [b"ok", "str item"], [b"ok", 7],
    (u"str",), [[b"nested"]],
], ids=["str", "int", "float", "None", "object", "dict", "list with str",
        "list with int", "tuple with str", "nested list"])
def test_write_bad_data_raises_type_error(pair, until, bad):
    client, accepted = pair
    with pytest.raises(TypeError):
        client.write(bad)
    with pytest.raises(TypeError):
        client.try_write(bad)
    # nothing was sent and the stream still works
    state = collect_reads(accepted)
    client.write(b"fine")
    until(lambda: state["data"] == b"fine")


def test_write_on_write_must_be_callable(pair):
    client, accepted = pair
    with pytest.raises(TypeError):
        client.write(b"x", on_write=5)


def test_write_on_unconnected_stream_raises(loop):
    tcp = uv.TCP(loop=loop)
    with pytest.raises(uv.UVError):
        tcp.write(b"nobody listens")


# ---------------------------------------------------------------- write requests


def test_write_request_attributes(pair, until):
    client, accepted = pair
    calls = []

    def on_write(request, status):
        calls.append((request, status, request.finished))

    req = client.write(b"payload", on_write=on_write)
    # callbacks never run inside write()
    assert calls == []
    assert req.finished is False
    assert req.stream is client
    assert req.loop is client.loop
    assert req.type is RequestType.WRITE
    assert req.type is uv.request.RequestType.WRITE
    assert isinstance(req, uv.WriteRequest)
    assert isinstance(req, uv.UVRequest)
    assert isinstance(req, uv.Request)
    req.data = "user data"
    until(lambda: calls)
    assert len(calls) == 1
    request, status, finished_inside = calls[0]
    assert request is req
    assert status is S.SUCCESS
    assert req.finished is True
    assert req.data == "user data"
    # called once only
    client.write(b"more")
    state = collect_reads(accepted)
    until(lambda: state["data"] == b"payloadmore")
    assert len(calls) == 1


def test_write_callback_replaceable_before_completion(pair, until):
    client, accepted = pair
    first, second = [], []
    req = client.write(b"x", on_write=lambda r, st: first.append(st))
    req.on_write = lambda r, st: second.append(st)
    until(lambda: second)
    assert first == [] and second == [S.SUCCESS]


def test_writes_complete_in_order(pair, until):
    client, accepted = pair
    state = collect_reads(accepted)
    order = []
    sizes = [1, 10, 100, 4096, 1 << 20, 3, 1 << 18, 7, 65536, 2] * 5
    expected = bytearray()
    for i, size in enumerate(sizes):
        chunk = bytes([i % 251]) * size
        expected += chunk
        client.write(chunk, on_write=lambda r, st, i=i: order.append((i, st)))
    until(lambda: len(order) == len(sizes) and len(state["data"]) >= len(expected),
          timeout=10)
    assert [i for i, _ in order] == list(range(len(sizes)))
    assert all(st is S.SUCCESS for _, st in order)
    assert state["data"] == expected


def test_write_callbacks_run_before_shutdown_callback(pair, until):
    """libuv's shutdown waits for the queued writes: their callbacks come
    first, in order, then the shutdown callback."""
    client, accepted = pair
    collect_reads(accepted)
    events = []
    client.write(b"small", on_write=lambda r, st: events.append(("write1", st)))
    client.write(b"x" * 100, on_write=lambda r, st: events.append(("write2", st)))
    client.shutdown(on_shutdown=lambda r, st: events.append(("shutdown", st)))
    until(lambda: len(events) == 3)
    assert events == [("write1", S.SUCCESS), ("write2", S.SUCCESS),
                      ("shutdown", S.SUCCESS)]


def test_write_callbacks_run_before_shutdown_callback_while_reading(pair, until):
    client, accepted = pair
    collect_reads(accepted)
    collect_reads(client)
    events = []
    client.write(b"small", on_write=lambda r, st: events.append(("write", st)))
    client.shutdown(on_shutdown=lambda r, st: events.append(("shutdown", st)))
    until(lambda: len(events) == 2)
    assert events == [("write", S.SUCCESS), ("shutdown", S.SUCCESS)]


def test_write_in_write_callback(pair, until):
    client, accepted = pair
    state = collect_reads(accepted)
    count = []

    def on_write(req, status):
        count.append(status)
        if len(count) < 20:
            req.stream.write(b"%d," % len(count), on_write=on_write)

    client.write(b"0,", on_write=on_write)
    until(lambda: len(count) == 20)
    until(lambda: state["data"].count(b",") == 20)
    assert bytes(state["data"]) == b"".join(b"%d," % i for i in range(20))
    assert all(st is S.SUCCESS for st in count)


# ---------------------------------------------------------------- try_write


def test_try_write_returns_int(pair, until):
    client, accepted = pair
    state = collect_reads(accepted)
    n = client.try_write(b"tried")
    assert type(n) is int and n == 5
    n = client.try_write([b"li", bytearray(b"st"), memoryview(b"!")])
    assert type(n) is int and n == 5
    assert client.try_write(b"") == 0
    until(lambda: len(state["data"]) >= 10)
    assert bytes(state["data"]) == b"triedlist!"


def test_try_write_on_full_socket(pair, until):
    client, accepted = pair
    total = fill(client)
    assert total > 0
    n = client.try_write(b"more")
    assert type(n) is int and n == 0
    state = collect_reads(accepted)
    until(lambda: len(state["data"]) >= total, timeout=10)
    assert len(state["data"]) == total


def test_try_write_while_writes_are_queued_takes_nothing(pair, until):
    """try_write must not overtake queued writes: it returns 0 while the
    write queue is not empty, and the data stays in order."""
    client, accepted = pair
    fill(client)
    client.write(b"Q" * 100000)
    assert client.write_queue_size > 0
    assert client.try_write(b"overtake") == 0
    state = collect_reads(accepted)
    until(lambda: state["data"].endswith(b"Q" * 100000), timeout=10)
    assert b"overtake" not in state["data"]


# ---------------------------------------------------------------- write queue


def test_write_queue_grows_and_drains(pair, until, pause):
    client, accepted = pair
    assert client.write_queue_size == 0
    size = 64 << 20
    done = []
    req = client.write(b"\xab" * size, on_write=lambda r, st: done.append(st))
    # the peer does not read: most of the data must be queued
    queued = client.write_queue_size
    assert queued > 0
    assert queued <= size
    assert req.finished is False
    extra = b"tail" * 1000
    client.write(extra, on_write=lambda r, st: done.append(st))
    assert client.write_queue_size == queued + len(extra)
    # running the loop while nobody reads does not complete it
    pause(100)
    assert done == []
    assert client.write_queue_size > 0
    # the peer reads: the queue drains, both writes complete
    state = collect_reads(accepted)
    seen = []

    def watch(_h):
        seen.append(client.write_queue_size)

    watcher = uv.Check(client.loop, on_check=watch)
    watcher.start()
    watcher.dereference()
    until(lambda: len(done) == 2, timeout=15)
    watcher.close()
    assert done == [S.SUCCESS, S.SUCCESS]
    assert client.write_queue_size == 0
    assert req.finished is True
    # the queue was observed going down while it drained
    assert seen and max(seen) <= queued + len(extra)
    assert any(0 < v < queued for v in seen)
    until(lambda: len(state["data"]) >= size + len(extra), timeout=15)
    assert len(state["data"]) == size + len(extra)
    assert state["data"].count(b"\xab") == size
    assert state["data"].endswith(extra)


# ---------------------------------------------------------------- shutdown


def test_shutdown_request(pair, until):
    client, accepted = pair
    state = collect_reads(accepted)
    calls = []
    req = client.shutdown(on_shutdown=lambda r, st: calls.append((r, st)))
    assert isinstance(req, uv.ShutdownRequest)
    assert isinstance(req, uv.UVRequest)
    assert req.type is RequestType.SHUTDOWN
    assert req.stream is client
    assert req.loop is client.loop
    assert req.finished is False
    assert calls == []
    until(lambda: calls and state["end"] is not None)
    assert calls == [(req, S.SUCCESS)]
    assert calls[0][1] is S.SUCCESS
    assert req.finished is True
    assert state["end"] is S.EOF


def test_shutdown_state(pair, until):
    client, accepted = pair
    client.shutdown()
    assert client.writable is False
    assert client.readable is True


def test_write_after_shutdown_raises_broken_pipe(pair, until):
    client, accepted = pair
    done = []
    client.shutdown(on_shutdown=lambda r, st: done.append(st))
    # before the shutdown ran ...
    with pytest.raises(uv.error.BrokenPipeError) as info:
        client.write(b"too late")
    assert isinstance(info.value, BrokenPipeError)      # the builtin
    assert isinstance(info.value, uv.UVError)
    until(lambda: done)
    # ... and after it
    with pytest.raises(uv.error.BrokenPipeError):
        client.write(b"too late")
    with pytest.raises(BrokenPipeError):
        client.write([b"too", b"late"])
    with pytest.raises(BrokenPipeError):
        client.try_write(b"too late")
    # nothing of it reached the peer
    state = collect_reads(accepted)
    until(lambda: state["end"] is not None)
    assert state["end"] is S.EOF
    assert bytes(state["data"]) == b""


def test_shutdown_twice_raises(pair, until):
    client, accepted = pair
    client.shutdown()
    with pytest.raises(uv.UVError):
        client.shutdown()


def test_shutdown_on_unconnected_stream_raises(loop):
    tcp = uv.TCP(loop=loop)
    with pytest.raises(uv.UVError):
        tcp.shutdown()


def test_shutdown_after_queued_writes(pair, until):
    """The shutdown waits for the queued data: the peer gets all of it, then
    EOF."""
    client, accepted = pair
    fill(client)
    client.write(b"W" * 300000)
    events = []
    client.shutdown(on_shutdown=lambda r, st: events.append(st))
    state = collect_reads(accepted)
    until(lambda: events and state["end"] is not None, timeout=10)
    assert events == [S.SUCCESS]
    assert state["end"] is S.EOF
    assert state["data"].endswith(b"W" * 300000)


def test_on_shutdown_must_be_callable(pair):
    client, accepted = pair
    with pytest.raises(TypeError):
        client.shutdown(on_shutdown=1)


# ---------------------------------------------------------------- listen / accept


def test_listen_unbound_raises_argument_error(loop):
    tcp = uv.TCP(loop=loop)
    with pytest.raises(uv.error.ArgumentError):
        tcp.listen()
    with pytest.raises(ValueError):
        tcp.listen(on_connection=lambda s, st: None)
    assert tcp.active is False


def test_listen_negative_backlog_raises_argument_error(loop):
    tcp = uv.TCP(loop=loop)
    tcp.bind((HOST, 0))
    with pytest.raises(uv.error.ArgumentError):
        tcp.listen(-1)
    with pytest.raises(uv.error.ArgumentError):
        tcp.listen(backlog=-100)
    assert tcp.active is False
    tcp.listen(0)           # 0 is a valid backlog
    assert tcp.active is True


def test_listen_backlog_type(loop):
    tcp = uv.TCP(loop=loop)
    tcp.bind((HOST, 0))
    with pytest.raises(TypeError):
        tcp.listen("10")


def test_listening_stream_is_active(loop):
    tcp = uv.TCP(loop=loop)
    tcp.bind((HOST, 0))
    assert tcp.active is False
    tcp.listen()
    assert tcp.active is True


def test_accept_nothing_pending_raises(loop):
    tcp = uv.TCP(loop=loop)
    tcp.bind((HOST, 0))
    tcp.listen()
    with pytest.raises(uv.error.TemporaryUnavailableError) as info:
        tcp.accept()
    assert isinstance(info.value, BlockingIOError)
    # a failed accept leaves no open handle behind
    assert loop.handles == {tcp} or all(
        h.closing for h in loop.handles if h is not tcp)


def test_accept_returns_tcp_on_same_loop(loop, until):
    srv = Server(loop, echo=False)
    client = Client(loop, srv.address)
    until(lambda: srv.accepted and client.connected is not None)
    accepted = srv.accepted[0]
    assert type(accepted) is uv.TCP
    assert accepted.loop is loop
    assert accepted.peername == client.tcp.sockname
    assert accepted.sockname == srv.address
    assert accepted in loop.handles
    srv.close()


def test_accept_subclass(loop, until):
    class MyTCP(uv.TCP):
        def __init__(self, tag, loop=None, extra=None):
            uv.TCP.__init__(self, loop=loop)
            self.tag = tag
            self.extra = extra

    got = []

    def on_connection(server, status):
        got.append(server.accept(MyTCP, "tagged", extra="kw"))

    srv = uv.TCP(loop=loop, on_connection=on_connection)
    srv.bind((HOST, 0))
    srv.listen()
    client = Client(loop, srv.sockname)
    until(lambda: got and client.connected is not None)
    accepted = got[0]
    assert type(accepted) is MyTCP
    assert accepted.tag == "tagged" and accepted.extra == "kw"
    assert accepted.loop is loop
    # it works as a stream
    state = collect_reads(accepted)
    client.tcp.write(b"to subclass")
    until(lambda: state["data"] == b"to subclass")


def test_accept_cls_keyword(loop, until):
    class Sub(uv.TCP):
        pass

    got = []
    srv = uv.TCP(loop=loop)
    srv.bind((HOST, 0))
    srv.listen(on_connection=lambda s, st: got.append(s.accept(cls=Sub)))
    Client(loop, srv.sockname)
    until(lambda: got)
    assert type(got[0]) is Sub
    assert got[0].loop is loop


def test_subclassed_server_accepts_its_own_kind(loop, until):
    class Srv(uv.TCP):
        pass

    got = []
    srv = Srv(loop=loop)
    srv.bind((HOST, 0))
    srv.listen(on_connection=lambda s, st: got.append(s.accept()))
    Client(loop, srv.sockname)
    until(lambda: got)
    assert type(got[0]) is Srv


def test_on_connection_status_and_argument(loop, until):
    calls = []
    srv = uv.TCP(loop=loop)
    srv.bind((HOST, 0))

    def on_connection(server, status):
        calls.append((server, status))
        server.accept()

    srv.listen(5, on_connection=on_connection)
    Client(loop, srv.sockname)
    Client(loop, srv.sockname)
    until(lambda: len(calls) == 2)
    for server, status in calls:
        assert server is srv
        assert status is S.SUCCESS


def test_connection_not_accepted_stays_pending(loop, until, pause):
    """Without accept() in on_connection the connection waits in the
    backlog; a later accept() takes it."""
    calls = []
    srv = uv.TCP(loop=loop)
    srv.bind((HOST, 0))
    srv.listen(on_connection=lambda s, st: calls.append(st))
    client = Client(loop, srv.sockname)
    until(lambda: calls and client.connected is not None)
    accepted = srv.accept()
    state = collect_reads(accepted)
    client.tcp.write(b"late accept")
    until(lambda: state["data"] == b"late accept")


def test_many_echo_clients_one_server(loop, until, server):
    clients = [Client(loop, server.address) for _ in range(20)]
    until(lambda: all(c.connected is not None for c in clients))
    for i, c in enumerate(clients):
        assert c.connected is S.SUCCESS
        c.tcp.write(b"message %d" % i)
        c.tcp.shutdown()
    until(lambda: all(c.end is not None for c in clients))
    for i, c in enumerate(clients):
        assert c.end is S.EOF
        assert bytes(c.received) == b"message %d" % i


# ---------------------------------------------------------------- more reading


def test_read_after_eof(pair, until):
    client, accepted = pair
    state = collect_reads(accepted)
    client.shutdown()
    until(lambda: state["end"] is not None)
    assert state["end"] is S.EOF
    # EOF ends reading; the writing side is untouched
    assert accepted.writable is True
    assert accepted.active is False
    assert accepted.read_stop() is None
    accepted.write(b"still writable")
    back = collect_reads(client)
    until(lambda: back["data"] == b"still writable")


def test_read_chunks_bounded_by_loop_buffer_size(run_loop):
    loop = uv.Loop(buffer_size=1024)
    try:
        srv = Server(loop, echo=False)
        client = Client(loop, srv.address, read=False)
        sizes = []
        got = bytearray()

        def on_read(stream, status, data):
            if status is S.SUCCESS:
                sizes.append(len(data))
                got.extend(data)

        def tick(_h):
            if srv.accepted and len(got) >= 100000:
                loop.stop()

        checker = uv.Check(loop, on_check=tick)
        checker.start()
        checker.dereference()
        done = {"accepted": False}

        def on_connect_check(_h):
            if srv.accepted and not done["accepted"]:
                done["accepted"] = True
                srv.accepted[0].read_start(on_read=on_read)
                client.tcp.write(b"z" * 100000)

        starter = uv.Check(loop, on_check=on_connect_check)
        starter.start()
        starter.dereference()
        run_loop(loop, 10)
        assert loop.exc_value is None
        assert len(got) == 100000
        assert max(sizes) <= 1024
        assert len(sizes) >= 100000 // 1024
    finally:
        loop.close_all_handles()
        for _ in range(2):
            loop.run(uv.RunModes.NOWAIT)
        loop.close()


def test_read_buffer_size_defaults_to_the_loop_buffer_size(loop):
    assert uv.Loop.__init__.__defaults__[1] == 262144      # as uvloop's
    assert uv.TCP(loop=loop).read_buffer_size == loop.buffer_size
    small = uv.Loop(buffer_size=4096)
    try:
        tcp = uv.TCP(loop=small)
        assert tcp.read_buffer_size == 4096
        tcp.read_buffer_size = 100000
        assert tcp.read_buffer_size == 100000
        tcp.read_buffer_size = 0                # back to the loop's
        assert tcp.read_buffer_size == 4096
        tcp.close()
    finally:
        small.close_all_handles()
        small.run()
        small.close()


def test_read_buffer_size_bounds_each_read(pair, until):
    """A stream's read_buffer_size bounds its reads, whatever the loop's
    buffer size; the other stream of the loop keeps the loop's."""
    client, accepted = pair
    accepted.read_buffer_size = 1000
    state = collect_reads(accepted)
    client.write(b"r" * 100000)
    until(lambda: len(state["data"]) >= 100000)
    sizes = [len(d) for st, d in state["calls"] if st is S.SUCCESS]
    assert max(sizes) <= 1000
    assert len(sizes) >= 100
    assert state["data"] == b"r" * 100000
    # larger again, while reading: later reads may be larger
    accepted.read_buffer_size = 1 << 20
    back = collect_reads(client)
    accepted.write(b"s" * 300000)
    until(lambda: len(back["data"]) >= 300000)
    assert back["data"] == b"s" * 300000
    assert client.read_buffer_size == client.loop.buffer_size


@pytest.mark.parametrize("bad, exc", [
    (-1, uv.error.ArgumentError), (2 ** 30 + 1, uv.error.ArgumentError),
    (2 ** 64, OverflowError), ("4096", TypeError), (4096.0, TypeError),
    (None, TypeError),
])
def test_read_buffer_size_bad_values(loop, bad, exc):
    tcp = uv.TCP(loop=loop)
    with pytest.raises(exc):
        tcp.read_buffer_size = bad
    assert tcp.read_buffer_size == loop.buffer_size
    tcp.close()


def test_read_buffer_size_of_a_closed_stream_raises(loop, run_loop):
    tcp = uv.TCP(loop=loop)
    tcp.close()
    with pytest.raises(uv.ClosedHandleError):
        tcp.read_buffer_size = 4096
    run_loop(loop)
    with pytest.raises(uv.ClosedHandleError):
        tcp.read_buffer_size
    with pytest.raises(uv.ClosedHandleError):
        tcp.read_buffer_size = 4096


def test_write_send_stream_on_tcp_raises(pair):
    """Only IPC pipes can send handles: over TCP it is refused at once."""
    client, accepted = pair
    other = uv.TCP(loop=client.loop)
    other.bind((HOST, 0))
    with pytest.raises(uv.UVError):
        client.write(b"x", send_stream=other)


# ---------------------------------------------------------------- exceptions


class Boom(Exception):
    pass


def _raiser(*args):
    raise Boom("from a stream callback")


def test_exception_in_on_read_reaches_excepthook(pair, until):
    client, accepted = pair
    seen = []

    def hook(loop, exc_type, exc_value, tb):
        seen.append(exc_value)
        loop.stop()

    accepted.loop.excepthook = hook
    accepted.read_start(on_read=_raiser)
    client.write(b"data")
    with pytest.raises(Boom):
        until(lambda: False, timeout=5)
    assert len(seen) == 1 and isinstance(seen[0], Boom)
    # reading goes on with a working callback
    state = collect_reads(accepted)
    client.write(b"more")
    until(lambda: state["data"].endswith(b"more"))


@pytest.mark.parametrize("which", ["on_write", "on_shutdown"])
def test_exception_in_request_callback_reaches_excepthook(pair, until, which):
    client, accepted = pair
    seen = []

    def hook(loop, exc_type, exc_value, tb):
        seen.append(exc_type)
        loop.stop()

    client.loop.excepthook = hook
    if which == "on_write":
        req = client.write(b"x", on_write=_raiser)
    else:
        req = client.shutdown(on_shutdown=_raiser)
    with pytest.raises(Boom):
        until(lambda: False, timeout=5)
    assert seen == [Boom]
    assert req.finished is True
    state = collect_reads(accepted)
    until(lambda: len(state["data"]) >= (1 if which == "on_write" else 0)
          and (which == "on_write" or state["end"] is not None))


@pytest.mark.parametrize("which", ["on_connect", "on_connection"])
def test_exception_in_connect_callbacks_reaches_excepthook(loop, until, which):
    seen = []

    def hook(lp, exc_type, exc_value, tb):
        seen.append(exc_type)
        lp.stop()

    loop.excepthook = hook
    srv = uv.TCP(loop=loop)
    srv.bind((HOST, 0))
    accepted = []
    if which == "on_connection":
        srv.listen(on_connection=_raiser)
    else:
        srv.listen(on_connection=lambda s, st: accepted.append(s.accept()))
    tcp = uv.TCP(loop=loop)
    tcp.connect(srv.sockname, on_connect=_raiser if which == "on_connect" else None)
    with pytest.raises(Boom):
        until(lambda: False, timeout=5)
    assert seen == [Boom]
    # the server still accepts (the connection whose callback raised waits
    # in libuv until accepted, and libuv takes no other before)
    if which == "on_connection":
        accepted.append(srv.accept())
        srv.on_connection = lambda s, st: accepted.append(s.accept())
        accepted.clear()
    c = Client(loop, srv.sockname)
    until(lambda: c.connected is not None and accepted)
    assert c.connected is S.SUCCESS


# ---------------------------------------------------------------- write requests


def test_on_write_set_after_a_write_without_callback(pair, until):
    """A write made without on_write is not kept by the loop; setting
    on_write before it completes still gets the callback."""
    client, accepted = pair
    got = []
    req = client.write(b"late")
    req.on_write = lambda r, st: got.append((r, st))
    until(lambda: got)
    assert got == [(req, S.SUCCESS)]
    assert req.finished is True


def test_on_write_set_after_completion_is_not_called(pair, until, pause):
    client, accepted = pair
    req = client.write(b"x")
    until(lambda: req.finished)
    got = []
    req.on_write = lambda r, st: got.append(st)
    pause(20)
    assert got == []


def test_finished_follows_a_queued_write(pair, until):
    """A write too large for the socket goes through libuv's queue: it is
    not finished until the peer has read enough of it."""
    client, accepted = pair
    big = client.write(b"z" * (32 << 20))
    small = client.write(b"tail")
    assert big.finished is False and small.finished is False
    assert client.write_queue_size > 0
    state = collect_reads(accepted)
    until(lambda: small.finished, timeout=20)
    assert big.finished is True
    until(lambda: len(state["data"]) == (32 << 20) + 4, timeout=20)


def test_write_request_cannot_be_cancelled_or_made_directly(pair):
    client, accepted = pair
    req = client.write(b"x")
    with pytest.raises(uv.error.ArgumentError):
        req.cancel()
    with pytest.raises(TypeError):
        uv.WriteRequest(client, b"x")
    req.data = {"mine": 1}
    assert req.data == {"mine": 1}
    assert req.loop is client.loop
    assert req.send_stream is None
    assert "WriteRequest" in repr(req)
