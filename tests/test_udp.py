"""UDP (uv.UDP) on 127.0.0.1 and ::1: binding and addresses, sending and
receiving (gathered, empty, truncated and batched datagrams), connected
sockets, queued sends (over a Unix datagram socket pair, whose sends do
block), socket options and multicast, bad input, closed handles and
lifetime.  API.md sections 4 "UDP" and 5.

Every loop run is bounded (``until`` fails after its timeout), a callback's
exception fails the test, and every test checks that it left no file
descriptor behind.
"""
import contextlib
import errno
import fcntl
import gc
import os
import socket
import struct
import weakref

import pytest

import uv
from uv.dns import AddressFamilies
from uv.request import RequestType

S = uv.StatusCodes
HOST = "127.0.0.1"
HOST6 = "::1"


def _ipv6_loopback():
    if not socket.has_ipv6:
        return "Python has no IPv6 support"
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    except OSError as exc:
        return "cannot create an IPv6 socket: %s" % exc
    try:
        s.bind((HOST6, 0))
    except OSError as exc:
        return "cannot bind ::1: %s" % exc
    finally:
        s.close()
    return None


_NO_IPV6 = _ipv6_loopback()
needs_ipv6 = pytest.mark.skipif(_NO_IPV6 is not None,
                                reason="IPv6 loopback unavailable: %s" % _NO_IPV6)


@pytest.fixture(autouse=True)
def no_fd_left(collect, fd_count):
    """Every test gives back the descriptors it opened (sockets, loops).
    (libuv opens a pipe of its own, for good, with the first loop of the
    process: one loop is made first.)"""
    uv.Loop().close()
    collect()
    before = fd_count()
    yield
    collect()
    after = fd_count()
    assert after == before, "%d file descriptor(s) left behind" % (after - before)


# ---------------------------------------------------------------- harness


class Receiver(object):
    """A uv UDP handle bound to *host*, recording what it receives."""

    def __init__(self, loop, host=HOST, echo=False):
        self.udp = uv.UDP(loop=loop)
        self.udp.bind((host, 0))
        self.address = self.udp.sockname
        self.got = []                  # (status, address, data, flags)
        self.echo = echo
        self.udp.receive_start(on_receive=self.on_receive)

    def on_receive(self, udp, status, address, data, flags):
        self.got.append((status, address, data, flags))
        if self.echo and status is S.SUCCESS:
            udp.send(data, address)

    @property
    def data(self):
        return [g[2] for g in self.got]


@contextlib.contextmanager
def dup_socket(handle):
    """A Python socket on a duplicate of ``handle.fileno()`` (closed after);
    the duplicate shares the non-blocking flag, which is put back."""
    fd = handle.fileno()
    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    sock = socket.socket(fileno=os.dup(fd))
    fcntl.fcntl(fd, fcntl.F_SETFL, flags)
    try:
        yield sock
    finally:
        sock.close()


def closed_port(host=HOST):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    try:
        s.bind((host, 0))
        return s.getsockname()[1]
    finally:
        s.close()


@pytest.fixture
def unix_pair(loop):
    """(uv UDP on one end of a Unix datagram socket pair, the other end as
    a Python socket).  A Unix datagram socket blocks when its peer's queue
    is full, so sends there really queue (loopback UDP never does)."""
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    udp = uv.UDP(loop=loop)
    udp.open(os.dup(a.fileno()))
    a.close()
    b.setblocking(False)
    yield udp, b
    udp.close()
    b.close()


def fill(udp, size=4096):
    """try_send datagrams on *udp* until the peer's queue is full."""
    n = 0
    while True:
        try:
            udp.try_send(b"f" * size, None)
        except uv.error.TemporaryUnavailableError:
            return n
        n += 1
        assert n < 100000, "the socket never filled"


def drain(sock):
    """Read a non-blocking socket until it is empty; the datagrams."""
    out = []
    while True:
        try:
            out.append(sock.recv(1 << 17))
        except BlockingIOError:
            return out


# ---------------------------------------------------------------- names


def test_udp_names_and_enums():
    assert uv.udp.UDP is uv.UDP
    assert uv.udp.UDPSendRequest is uv.UDPSendRequest
    assert uv.udp.UDPFlags is uv.UDPFlags
    assert uv.udp.UDPMembership is uv.UDPMembership
    F = uv.UDPFlags
    assert (F.IPV6ONLY, F.PARTIAL, F.REUSEADDR, F.MMSG_CHUNK, F.MMSG_FREE,
            F.LINUX_RECVERR, F.RECVMMSG) == (1, 2, 4, 8, 16, 32, 256)
    v = uv.uv_version
    assert ("REUSEPORT" in F.__members__) == ((v.major, v.minor) >= (1, 49))
    assert (uv.UDPMembership.LEAVE_GROUP, uv.UDPMembership.JOIN_GROUP) == (0, 1)
    assert uv.UDPSendRequest.type is RequestType.UDP_SEND
    assert issubclass(uv.UDPSendRequest, uv.UVRequest)
    assert isinstance(uv.UDP(), uv.Handle)


def test_udp_send_request_is_not_made_by_hand(loop):
    with pytest.raises(TypeError):
        uv.UDPSendRequest(uv.UDP(loop=loop), b"x", (HOST, 1))


# ---------------------------------------------------------------- construction


def test_udp_defaults(loop):
    udp = uv.UDP(loop=loop)
    assert udp.loop is loop
    assert udp in loop.handles
    assert udp.family is AddressFamilies.UNKNOWN
    assert not udp.closing and not udp.closed and not udp.active
    assert udp.send_queue_size == 0 and udp.send_queue_count == 0
    assert udp.flags == 0
    with pytest.raises(uv.error.BadFileDescriptorError):
        udp.fileno()
    with pytest.raises(uv.error.BadFileDescriptorError):
        udp.sockname
    assert "uv.udp.UDP inactive" in repr(udp)


def test_udp_current_loop(loop):
    assert uv.UDP().loop is uv.Loop.get_current() is loop


@pytest.mark.parametrize("family, expected", [
    (socket.AF_INET, AddressFamilies.INET4),
    pytest.param(socket.AF_INET6, AddressFamilies.INET6, marks=needs_ipv6),
])
def test_udp_with_family_creates_socket(loop, family, expected):
    udp = uv.UDP(family, loop=loop)
    assert udp.family is expected
    with dup_socket(udp) as sock:
        assert sock.family == family
        assert sock.type == socket.SOCK_DGRAM


@pytest.mark.parametrize("bad, exc", [
    ("2", TypeError), (2.0, TypeError), (None, TypeError), (-1, OverflowError),
    (2 ** 32, OverflowError), (2 ** 70, OverflowError),
    (12345, uv.error.ArgumentError),            # not an address family
    (socket.AF_UNIX, uv.error.ArgumentError),
])
def test_udp_bad_flags(loop, bad, exc):
    with pytest.raises(exc):
        uv.UDP(bad, loop=loop)


def test_udp_on_closed_loop(loop):
    other = uv.Loop()
    other.close()
    with pytest.raises(uv.LoopClosedError):
        uv.UDP(loop=other)
    with pytest.raises(TypeError):
        uv.UDP(loop="loop")
    loop.make_current()


# ---------------------------------------------------------------- bind


def test_bind_ipv4(loop):
    udp = uv.UDP(loop=loop)
    udp.bind((HOST, 0))
    name = udp.sockname
    assert isinstance(name, uv.Address4)
    assert name.host == HOST and name.port > 0
    assert udp.family is AddressFamilies.INET4
    with dup_socket(udp) as sock:
        assert sock.getsockname() == (HOST, name.port)


@needs_ipv6
def test_bind_ipv6_and_ipv6only(loop):
    udp = uv.UDP(loop=loop)
    udp.bind((HOST6, 0))
    assert isinstance(udp.sockname, uv.Address6)
    assert udp.sockname.host == HOST6 and udp.family is AddressFamilies.INET6
    only = uv.UDP(loop=loop)
    only.bind(("::", 0), uv.UDPFlags.IPV6ONLY)
    with dup_socket(only) as sock:
        assert sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 1
    both = uv.UDP(loop=loop)
    both.bind(("::", 0))
    with dup_socket(both) as sock:
        assert sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 0


def test_bind_address_in_use_and_reuseaddr(loop):
    first = uv.UDP(loop=loop)
    first.bind((HOST, 0))
    port = first.sockname.port
    second = uv.UDP(loop=loop)
    with pytest.raises(uv.error.AddressInUseError):
        second.bind((HOST, port))
    # with SO_REUSEADDR on both, two sockets share the address
    a, b = uv.UDP(loop=loop), uv.UDP(loop=loop)
    a.bind((HOST, 0), uv.UDPFlags.REUSEADDR)
    b.bind((HOST, a.sockname.port), uv.UDPFlags.REUSEADDR)
    assert a.sockname == b.sockname
    with dup_socket(a) as sock:
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) == 1


def test_bind_linux_recverr(loop):
    udp = uv.UDP(loop=loop)
    udp.bind((HOST, 0), uv.UDPFlags.LINUX_RECVERR)
    with dup_socket(udp) as sock:
        assert sock.getsockopt(socket.IPPROTO_IP, 11) == 1   # IP_RECVERR


def test_bind_twice(loop):
    udp = uv.UDP(loop=loop)
    udp.bind((HOST, 0))
    with pytest.raises(uv.error.ArgumentError):
        udp.bind((HOST, 0))


BAD_ADDRESSES = [
    ("127.0.0.1", TypeError),                    # not a tuple
    (("127.0.0.1",), TypeError),
    (("127.0.0.1", 1, 2), TypeError),
    ((1, 80), TypeError),
    ((b"127.0.0.1", 80), TypeError),
    ((None, 80), TypeError),
    ((HOST, "80"), TypeError),
    ((HOST, 80.0), TypeError),
    ((HOST, None), TypeError),
    ((HOST, -1), uv.error.ArgumentError),
    ((HOST, 65536), uv.error.ArgumentError),
    ((HOST, 2 ** 64), uv.error.ArgumentError),
    (("1.2.3", 80), uv.error.ArgumentError),
    (("localhost", 80), uv.error.ArgumentError),  # numeric hosts only
    (("", 80), uv.error.ArgumentError),
    (("127.0.0.1\0junk", 80), uv.error.ArgumentError),
    (("\ud800", 80), uv.error.ArgumentError),
    (("x" * 300, 80), uv.error.ArgumentError),
    (("::1", 80, -1, 0), uv.error.ArgumentError),
    (("::1", 80, 0, 2 ** 32), uv.error.ArgumentError),
    (("::1", 80, "0", 0), TypeError),
]


@pytest.mark.parametrize("address, exc", BAD_ADDRESSES, ids=range(len(BAD_ADDRESSES)))
def test_bad_addresses(loop, address, exc):
    udp = uv.UDP(loop=loop)
    with pytest.raises(exc):
        udp.bind(address)
    with pytest.raises(exc):
        udp.send(b"x", address)
    with pytest.raises(exc):
        udp.try_send(b"x", address)
    with pytest.raises(exc):
        udp.connect(address)
    assert udp.family is AddressFamilies.UNKNOWN      # nothing was created


@pytest.mark.parametrize("flags, exc", [
    ("1", TypeError), (1.0, TypeError), (None, TypeError), (-1, OverflowError),
    (2 ** 32, OverflowError), (1 << 20, uv.error.ArgumentError),
])
def test_bind_bad_flags(loop, flags, exc):
    udp = uv.UDP(loop=loop)
    with pytest.raises(exc):
        udp.bind((HOST, 0), flags)


def test_address_tuples_made_by_hand_are_checked(loop):
    """Address4/Address6 objects go to the native layer unchecked in
    Python; the native layer refuses bad ones all the same."""
    udp = uv.UDP(loop=loop)
    for address, exc in [(uv.Address4("nope", 80), uv.error.ArgumentError),
                         (uv.Address4(HOST, -5), uv.error.ArgumentError),
                         (uv.Address4(HOST, "80"), TypeError),
                         (uv.Address4(None, 80), TypeError),
                         (uv.Address4("\ud800", 80), uv.error.ArgumentError),
                         (uv.Address4("1\0", 80), uv.error.ArgumentError),
                         (uv.Address6(HOST6, 80, -1), uv.error.ArgumentError)]:
        with pytest.raises(exc):
            udp.send(b"x", address)
        with pytest.raises(exc):
            udp.try_send(b"x", address)


# ---------------------------------------------------------------- send / receive


def test_echo_round_trip(loop, until):
    srv = Receiver(loop, echo=True)
    client = Receiver(loop)
    sent = []
    req = client.udp.send(b"hello", srv.address,
                          on_send=lambda r, st: sent.append((r, st)))
    assert isinstance(req, uv.UDPSendRequest)
    assert req.udp is client.udp and req.handle is client.udp
    assert req.address == srv.address and req.loop is loop
    assert req.type is RequestType.UDP_SEND
    until(lambda: client.got and sent)
    assert sent == [(req, S.SUCCESS)] and req.finished
    status, address, data, flags = srv.got[0]
    assert status is S.SUCCESS and data == b"hello" and flags == 0
    assert type(data) is bytes
    assert isinstance(address, uv.Address4)
    assert address == (HOST, client.udp.sockname.port)
    assert client.got == [(S.SUCCESS, srv.address, b"hello", 0)]
    assert "finished" in repr(req)


@needs_ipv6
def test_echo_round_trip_ipv6(loop, until):
    srv = Receiver(loop, host=HOST6, echo=True)
    client = Receiver(loop, host=HOST6)
    client.udp.send(b"six", srv.address)
    until(lambda: client.got)
    status, address, data, flags = srv.got[0]
    assert isinstance(address, uv.Address6)
    assert address.host == HOST6 and address.port == client.address.port
    assert client.data == [b"six"]
    # an address with flowinfo and scope_id
    client.udp.send(b"4tuple", (HOST6, srv.address.port, 0, 0))
    until(lambda: len(client.got) == 2)
    assert client.got[1][1] is client.got[0][1]   # the same peer: one object


def test_peer_addresses_are_reused_and_right(loop, until):
    """The loop keeps the address objects of its last peers: a peer that
    sends again gets the same object; with more peers than it keeps, each
    datagram still comes with its own sender's address, and sending to any
    of those objects reaches the right peer."""
    srv = Receiver(loop)
    peers = [Receiver(loop) for _ in range(40)]
    for round_ in range(3):
        for i, p in enumerate(peers):
            p.udp.send(b"%d:%d" % (round_, i), srv.address)
    until(lambda: len(srv.got) == 120)
    by_port = {}
    for status, address, data, flags in srv.got:
        round_, i = map(int, data.split(b":"))
        assert address == peers[i].address
        by_port.setdefault(address.port, []).append(address)
    assert len(by_port) == 40
    # one peer that sends again and again gets one object
    srv.got[:] = []
    for i in range(5):
        peers[0].udp.send(b"again", srv.address)
    until(lambda: len(srv.got) == 5)
    assert all(g[1] is srv.got[0][1] for g in srv.got)
    # answers to cached objects, to older objects and to equal tuples
    srv.udp.send(b"to last", srv.got[-1][1])
    srv.udp.send(b"to old", by_port[peers[1].address.port][0])
    srv.udp.send(b"to tuple", (HOST, peers[2].address.port))
    srv.udp.send(b"to made", uv.Address4(HOST, peers[3].address.port))
    until(lambda: peers[0].got and peers[1].got and peers[2].got and peers[3].got)
    assert [p.data for p in peers[:4]] == [[b"to last"], [b"to old"], [b"to tuple"],
                                           [b"to made"]]
    assert all(not p.got for p in peers[4:])


def test_data_types_and_gathered_datagrams(loop, until):
    srv = Receiver(loop)
    udp = uv.UDP(loop=loop)
    payloads = [b"bytes", bytearray(b"bytearray"), memoryview(b"memoryview"),
                memoryview(b"s-t-r-i-d-e-d")[::2], [b"a", bytearray(b"b"), memoryview(b"c")],
                (b"tu", b"ple"), [b"x"] * 2000, [], b"", [b"", b""]]
    for p in payloads:
        udp.send(p, srv.address)
    until(lambda: len(srv.got) == len(payloads))
    assert srv.data == [b"bytes", b"bytearray", b"memoryview", b"strided",
                        b"abc", b"tuple", b"x" * 2000, b"", b"", b""]
    # each gathered list is one datagram
    assert all(g[3] == 0 for g in srv.got)


@pytest.mark.parametrize("bad", ["text", 5, None, object(), [b"a", "b"], [b"a", 1],
                                 [[b"a"]], 1.5])
def test_send_bad_data(loop, bad):
    udp = uv.UDP(loop=loop)
    with pytest.raises(TypeError):
        udp.send(bad, (HOST, 9))
    with pytest.raises(TypeError):
        udp.try_send(bad, (HOST, 9))
    assert udp.family is AddressFamilies.UNKNOWN      # nothing was sent


@pytest.mark.parametrize("bad", [5, "cb", object()])
def test_send_bad_callback(loop, bad):
    udp = uv.UDP(loop=loop)
    with pytest.raises(TypeError):
        udp.send(b"x", (HOST, 9), on_send=bad)
    with pytest.raises(TypeError):
        udp.receive_start(on_receive=bad)
    with pytest.raises(TypeError):
        udp.on_receive = bad
    assert not udp.active


def test_on_send_set_later_and_in_order(loop, until):
    srv = Receiver(loop)
    udp = uv.UDP(loop=loop)
    order = []
    reqs = [udp.send(b"%d" % i, srv.address) for i in range(100)]
    for i, r in enumerate(reqs):
        if i % 3 == 0:
            r.on_send = lambda r, st, i=i: order.append((i, st))
    assert not any(r.finished for r in reqs)
    until(lambda: len(srv.got) == 100 and reqs[-1].finished)
    assert order == [(i, S.SUCCESS) for i in range(0, 100, 3)]
    assert srv.data == [b"%d" % i for i in range(100)]
    with pytest.raises(TypeError):
        reqs[0].on_send = 5
    with pytest.raises(uv.error.ArgumentError):
        reqs[0].cancel()


def test_sends_of_a_dropped_handle_complete(loop, until, collect):
    srv = Receiver(loop)
    done = []

    def go():
        udp = uv.UDP(loop=loop)
        udp.send(b"gone", srv.address, on_send=lambda r, st: done.append(st))

    go()
    collect()
    until(lambda: done and srv.got)
    assert done == [S.SUCCESS] and srv.data == [b"gone"]


def test_empty_and_maximal_datagrams(loop, until):
    srv = Receiver(loop)
    udp = uv.UDP(loop=loop)
    udp.send(b"", srv.address)
    udp.send(b"m" * 65507, srv.address)          # the largest IPv4 datagram
    until(lambda: len(srv.got) == 2)
    assert srv.data == [b"", b"m" * 65507]
    assert all(g[3] == 0 for g in srv.got)       # batched receive: not truncated


def test_oversized_datagrams(loop):
    udp = uv.UDP(loop=loop)
    with pytest.raises(uv.error.MessageTooLongError) as info:
        udp.send(b"m" * 65508, (HOST, 9))
    assert info.value.code is S.EMSGSIZE
    with pytest.raises(uv.error.MessageTooLongError):
        udp.send([b"m" * 40000, b"m" * 40000], (HOST, 9))
    with pytest.raises(uv.error.MessageTooLongError):
        udp.try_send(b"m" * 65508, (HOST, 9))
    with pytest.raises(uv.error.MessageTooLongError):
        udp.send(b"m" * (1 << 20), (HOST6, 9))
    assert udp.send_queue_count == 0


@needs_ipv6
def test_largest_ipv6_datagram(loop, until):
    srv = Receiver(loop, host=HOST6)
    udp = uv.UDP(loop=loop)
    udp.send(b"6" * 65527, srv.address)
    with pytest.raises(uv.error.MessageTooLongError):
        udp.send(b"6" * 65528, srv.address)
    until(lambda: srv.got)
    assert srv.data == [b"6" * 65527]


def test_truncated_datagram_with_a_small_loop_buffer(until, run_loop):
    loop = uv.Loop(buffer_size=64)
    try:
        srv = Receiver(loop)
        assert srv.udp.using_recvmmsg is False    # one datagram per call
        udp = uv.UDP(loop=loop)
        udp.send(b"t" * 100, srv.address)
        udp.send(b"s" * 10, srv.address)
        stop = uv.Check(loop, on_check=lambda c: len(srv.got) == 2 and loop.stop())
        stop.start()
        run_loop(loop)
        status, address, data, flags = srv.got[0]
        assert status is S.SUCCESS and data == b"t" * 64
        assert flags is uv.UDPFlags.PARTIAL
        assert srv.got[1][2:] == (b"s" * 10, 0)
    finally:
        loop.close_all_handles()
        loop.run()
        loop.close()


def test_batched_receive(loop, until):
    """Many datagrams waiting at once arrive in order, none truncated
    (recvmmsg reads up to 20 per call where libuv can)."""
    srv = Receiver(loop)
    v = uv.uv_version
    assert srv.udp.using_recvmmsg is ((v.major, v.minor) >= (1, 40))
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for i in range(60):
            sender.sendto(b"%03d" % i + b"." * (i * 7), srv.address)
    finally:
        sender.close()
    until(lambda: len(srv.got) == 60)
    assert srv.data == [b"%03d" % i + b"." * (i * 7) for i in range(60)]
    assert all(g[3] == 0 and g[0] is S.SUCCESS for g in srv.got)


def test_custom_allocator(loop, until):
    class Small(uv.loop.Allocator):
        def __init__(self):
            self.calls = []

        def allocate(self, handle, suggested_size):
            self.calls.append(suggested_size)
            return bytearray(4)

        def finalize(self, handle, length, buffer):
            return ("mine", bytes(buffer[:length]))

    srv = Receiver(loop)
    srv.udp.allocator = alloc = Small()
    assert srv.udp.allocator is alloc
    udp = uv.UDP(loop=loop)
    udp.send(b"abcdef", srv.address)
    udp.send(b"ab", srv.address)
    until(lambda: len(srv.got) == 2)
    assert srv.got[0][2:] == (("mine", b"abcd"), uv.UDPFlags.PARTIAL)
    assert srv.got[1][2:] == (("mine", b"ab"), 0)
    assert alloc.calls == [6, 2]


def test_receive_stop_and_restart(loop, until, pause):
    srv = Receiver(loop)
    udp = uv.UDP(loop=loop)

    def once(handle, status, address, data, flags):
        srv.got.append((status, address, data, flags))
        handle.receive_stop()

    srv.udp.on_receive = once
    udp.send(b"1", srv.address)
    until(lambda: srv.got)
    assert not srv.udp.active and not srv.udp._n.is_pending()
    udp.send(b"2", srv.address)
    pause(50)
    assert srv.data == [b"1"]                      # not receiving
    srv.udp.receive_start(srv.on_receive)
    until(lambda: len(srv.got) == 2)
    assert srv.data == [b"1", b"2"]               # waited in the socket
    srv.udp.receive_start()                        # twice: fine
    assert srv.udp.active


def test_receive_start_binds_an_unbound_handle(loop, until):
    udp = uv.UDP(loop=loop)
    got = []
    udp.receive_start(lambda *a: got.append(a[3]))
    assert udp.family is AddressFamilies.INET4 and udp.sockname.port > 0
    sender = uv.UDP(loop=loop)
    sender.send(b"in", (HOST, udp.sockname.port))
    until(lambda: got)
    assert got == [b"in"]


def test_send_binds_an_unbound_handle(loop, until):
    srv = Receiver(loop)
    udp = uv.UDP(loop=loop)
    udp.send(b"x", srv.address)
    assert udp.sockname.port > 0
    until(lambda: srv.got)
    assert srv.got[0][1].port == udp.sockname.port


# ---------------------------------------------------------------- connected


def test_connect_send_and_disconnect(loop, until):
    srv = Receiver(loop, echo=True)
    udp = uv.UDP(loop=loop)
    with pytest.raises(uv.error.BadFileDescriptorError):
        udp.peername                                # no socket yet
    udp.bind((HOST, 0))
    with pytest.raises(uv.error.NotConnectedError):
        udp.peername
    udp.connect(srv.address)
    assert udp.peername == srv.address
    got = []
    udp.receive_start(lambda h, st, a, d, f: got.append((st, a, d)))
    udp.send(b"conn", None)
    assert udp.try_send(b"try", None) == 3
    until(lambda: len(got) == 2)
    assert got == [(S.SUCCESS, srv.address, b"conn"), (S.SUCCESS, srv.address, b"try")]
    with pytest.raises(uv.error.IsConnectedError):
        udp.send(b"x", srv.address)
    with pytest.raises(uv.error.IsConnectedError):
        udp.try_send(b"x", srv.address)
    with pytest.raises(uv.error.IsConnectedError):
        udp.connect(srv.address)
    with pytest.raises(TypeError):
        udp.connect(None)
    # only the peer's datagrams are received
    other = uv.UDP(loop=loop)
    other.send(b"stranger", udp.sockname)
    udp.send(b"again", None)
    until(lambda: len(got) == 3)
    assert got[2][2] == b"again"
    udp.disconnect()
    with pytest.raises(uv.error.NotConnectedError):
        udp.peername
    with pytest.raises(uv.error.NotConnectedError):
        udp.disconnect()
    with pytest.raises(uv.error.AddressRequiredError):
        udp.send(b"x", None)
    with pytest.raises(uv.error.AddressRequiredError):
        udp.try_send(b"x", None)
    udp.send(b"free", srv.address)
    until(lambda: len(got) == 4)


def test_connected_to_a_closed_port(loop, until):
    """An ICMP port-unreachable reaches the connected socket as an error
    status; receiving goes on."""
    udp = uv.UDP(loop=loop)
    udp.connect((HOST, closed_port()))
    got = []
    udp.receive_start(lambda h, st, a, d, f: got.append((st, a, d, f)))
    udp.send(b"anyone?", None)
    until(lambda: got)
    assert got[0] == (S.ECONNREFUSED, None, b"", 0)
    assert udp.active and udp._n.is_pending()


def test_send_without_address_on_unconnected(loop):
    udp = uv.UDP(loop=loop)
    with pytest.raises(uv.error.AddressRequiredError):
        udp.send(b"x", None)


# ---------------------------------------------------------------- queued sends


def test_queued_sends_complete_in_order(loop, until, unix_pair):
    udp, peer = unix_pair
    n = fill(udp)
    drained = []
    statuses = []
    reqs = [udp.send(b"q%d" % i, None,
                     on_send=lambda r, st, i=i: statuses.append((i, st)))
            for i in range(50)]
    assert udp.send_queue_count == 50
    assert udp.send_queue_size == sum(len(b"q%d" % i) for i in range(50))
    with pytest.raises(uv.error.TemporaryUnavailableError):
        udp.try_send(b"no", None)                 # queued sends first
    assert not reqs[0].finished

    # the peer reads before each poll: the socket gets room, libuv sends
    reader = uv.Prepare(loop, on_prepare=lambda h: drained.extend(drain(peer)))
    reader.start()
    reader.dereference()
    until(lambda: len(statuses) == 50)
    reader.close()
    drained.extend(drain(peer))
    assert statuses == [(i, S.SUCCESS) for i in range(50)]
    assert drained[n:] == [b"q%d" % i for i in range(50)]
    assert udp.send_queue_count == 0 and udp.send_queue_size == 0
    assert all(r.finished for r in reqs)


def test_close_cancels_queued_sends(loop, until, unix_pair):
    udp, peer = unix_pair
    early = []
    udp.send(b"first", None, on_send=lambda r, st: early.append(st))  # sent at once
    fill(udp)
    statuses = []
    for i in range(5):
        udp.send(b"late", None, on_send=lambda r, st, i=i: statuses.append((i, st)))
    closed = []
    udp.close(on_closed=closed.append)
    until(lambda: closed)
    assert early == [S.SUCCESS]
    assert statuses == [(i, S.ECANCELED) for i in range(5)]


def test_queued_oversized_datagram_is_refused_at_once(loop, unix_pair):
    udp, peer = unix_pair
    fill(udp)
    udp.send(b"queued", None)
    with pytest.raises(uv.error.MessageTooLongError):
        udp.send(b"z" * 70000, None)
    assert udp.send_queue_count == 1


def test_open_and_unix_datagrams_have_no_address(loop, until, unix_pair):
    udp, peer = unix_pair
    got = []
    udp.receive_start(lambda h, st, a, d, f: got.append((st, a, d, f)))
    peer.send(b"from unix")
    until(lambda: got)
    assert got == [(S.SUCCESS, None, b"from unix", 0)]


# ---------------------------------------------------------------- open


def test_open_fd(loop, until):
    srv = Receiver(loop)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((HOST, 0))
    port = sock.getsockname()[1]
    udp = uv.UDP(loop=loop)
    udp.open(sock.detach())                       # the handle owns it now
    assert udp.sockname == (HOST, port)
    other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        with pytest.raises(uv.error.ResourceBusyError):
            udp.open(other.fileno())              # it has a socket already
    finally:
        other.close()
    udp.send(b"opened", srv.address)
    until(lambda: srv.got)
    assert srv.got[0][1].port == port


def test_open_bad_fds(loop, tmp_path):
    udp = uv.UDP(loop=loop)
    r, w = os.pipe()
    os.close(w)
    try:
        with pytest.raises(uv.error.NotASocketError):
            udp.open(r)
        assert not fcntl.fcntl(r, fcntl.F_GETFL) & os.O_NONBLOCK   # left alone
    finally:
        os.close(r)
    stream = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(uv.error.ArgumentError):
            udp.open(stream.fileno())
    finally:
        stream.close()
    with pytest.raises(uv.error.BadFileDescriptorError):
        udp.open(r)                               # closed now
    for bad in (-1, 2 ** 31, 2 ** 63 - 1):
        with pytest.raises(uv.error.BadFileDescriptorError):
            udp.open(bad)
    for bad in ("3", 3.0, None):
        with pytest.raises(TypeError):
            udp.open(bad)
    with pytest.raises(OverflowError):
        udp.open(2 ** 64)
    assert udp.family is AddressFamilies.UNKNOWN


# ---------------------------------------------------------------- options


def test_socket_options(loop):
    udp = uv.UDP(loop=loop)
    udp.bind((HOST, 0))
    with dup_socket(udp) as sock:
        udp.set_ttl(7)
        assert sock.getsockopt(socket.IPPROTO_IP, socket.IP_TTL) == 7
        udp.set_broadcast(True)
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST) == 1
        udp.set_broadcast(False)
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST) == 0
        udp.set_multicast_ttl(3)
        assert sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL) == 3
        udp.set_multicast_ttl(0)
        udp.set_multicast_loop(False)
        assert sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP) == 0
        udp.set_multicast_loop(True)
        assert sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP) == 1
        udp.set_multicast_interface(HOST)
        assert socket.inet_ntoa(struct.pack(
            "I", sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF))) == HOST
        udp.set_multicast_interface(None)
        udp.send_buffer_size = 65536
        assert udp.send_buffer_size == 65536
        udp.receive_buffer_size = 32768
        assert udp.receive_buffer_size == 32768


def test_bad_option_values(loop):
    udp = uv.UDP(loop=loop)
    udp.bind((HOST, 0))
    for bad in (0, 256, -1, 2 ** 40):
        with pytest.raises(uv.error.ArgumentError):
            udp.set_ttl(bad)
    for bad in (256, -1, 2 ** 40):
        with pytest.raises(uv.error.ArgumentError):
            udp.set_multicast_ttl(bad)
    for bad in ("7", 7.0, None):
        with pytest.raises(TypeError):
            udp.set_ttl(bad)
        with pytest.raises(TypeError):
            udp.set_multicast_ttl(bad)
    with pytest.raises(OverflowError):
        udp.set_ttl(2 ** 64)
    for bad in ("nope", "1.2.3", "", "127.0.0.1\0x", "\ud800"):
        with pytest.raises(uv.error.ArgumentError):
            udp.set_multicast_interface(bad)
    for bad in (5, b"127.0.0.1", ("127.0.0.1",)):
        with pytest.raises(TypeError):
            udp.set_multicast_interface(bad)


def test_options_need_a_socket(loop):
    udp = uv.UDP(loop=loop)
    with pytest.raises(uv.error.BadFileDescriptorError):
        udp.set_ttl(5)
    with pytest.raises(uv.error.BadFileDescriptorError):
        udp.set_broadcast(True)


def test_broadcast_needs_set_broadcast(loop):
    udp = uv.UDP(loop=loop)
    udp.bind((HOST, 0))
    with pytest.raises(uv.error.PermissionError):
        udp.send(b"all", ("255.255.255.255", closed_port()))


def _multicast_on_loopback():
    """None if this system delivers multicast over the loopback interface,
    else why not."""
    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        r.bind(("0.0.0.0", 0))
        mreq = struct.pack("4s4s", socket.inet_aton("239.255.77.77"),
                           socket.inet_aton(HOST))
        r.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(HOST))
        s.sendto(b"probe", ("239.255.77.77", r.getsockname()[1]))
        r.settimeout(2)
        r.recv(10)
    except OSError as exc:
        return "multicast over loopback does not work here: %s" % exc
    finally:
        r.close()
        s.close()
    return None


_NO_MULTICAST = _multicast_on_loopback()


@pytest.mark.skipif(_NO_MULTICAST is not None, reason=str(_NO_MULTICAST))
def test_multicast_membership(loop, until, pause):
    group = "239.255.77.78"
    member = uv.UDP(loop=loop)
    member.bind(("0.0.0.0", 0))
    member.set_membership(group, uv.UDPMembership.JOIN_GROUP, HOST)
    got = []
    member.receive_start(lambda h, st, a, d, f: got.append(d))
    sender = uv.UDP(loop=loop)
    sender.bind((HOST, 0))
    sender.set_multicast_interface(HOST)
    sender.set_multicast_loop(True)
    sender.set_multicast_ttl(1)
    port = member.sockname.port
    sender.send(b"to the group", (group, port))
    until(lambda: got)
    assert got == [b"to the group"]
    member.set_membership(group, uv.UDPMembership.LEAVE_GROUP, HOST)
    sender.send(b"nobody", (group, port))
    pause(100)
    assert got == [b"to the group"]
    with pytest.raises(uv.error.AddressUnavailableError):
        member.set_membership(group, uv.UDPMembership.LEAVE_GROUP, HOST)


def test_bad_membership(loop):
    udp = uv.UDP(loop=loop)
    udp.bind(("0.0.0.0", 0))
    with pytest.raises(uv.error.ArgumentError):
        udp.set_membership("239.1.2.3", 7)
    with pytest.raises(uv.error.ArgumentError):
        udp.set_membership("not a group", uv.UDPMembership.JOIN_GROUP)
    with pytest.raises(uv.error.ArgumentError):
        udp.set_membership("239.1.2.3\0", uv.UDPMembership.JOIN_GROUP)
    with pytest.raises(uv.error.ArgumentError):
        udp.set_membership("239.1.2.3", uv.UDPMembership.JOIN_GROUP, "x.y")
    with pytest.raises(TypeError):
        udp.set_membership(b"239.1.2.3", uv.UDPMembership.JOIN_GROUP)
    with pytest.raises(TypeError):
        udp.set_membership("239.1.2.3", "join")
    with pytest.raises(TypeError):
        udp.set_membership("239.1.2.3", uv.UDPMembership.JOIN_GROUP, 5)
    with pytest.raises(OverflowError):
        udp.set_membership("239.1.2.3", 2 ** 64)


# ---------------------------------------------------------------- closed handles


def test_closed_handle(loop, until):
    udp = uv.UDP(loop=loop)
    udp.bind((HOST, 0))
    closed = []
    udp.close(on_closed=closed.append)
    assert udp.closing and not udp.closed
    udp.close()                                     # idempotent
    calls = [lambda: udp.bind((HOST, 0)), lambda: udp.send(b"x", (HOST, 9)),
             lambda: udp.try_send(b"x", (HOST, 9)), lambda: udp.receive_start(),
             lambda: udp.connect((HOST, 9)), udp.disconnect, lambda: udp.open(0),
             lambda: udp.set_ttl(5), lambda: udp.set_broadcast(True),
             lambda: udp.set_multicast_ttl(5), lambda: udp.set_multicast_loop(True),
             lambda: udp.set_multicast_interface(HOST),
             lambda: udp.set_membership("239.1.1.1", uv.UDPMembership.JOIN_GROUP),
             lambda: udp.sockname, lambda: udp.peername, lambda: udp.family,
             udp.fileno, lambda: udp.using_recvmmsg]
    for call in calls:
        with pytest.raises(uv.ClosedHandleError):
            call()
    assert udp.receive_stop() is None
    until(lambda: closed)
    assert closed == [udp] and udp.closed
    for call in calls:
        with pytest.raises(uv.ClosedHandleError):
            call()
    assert udp.send_queue_size == 0 and udp.send_queue_count == 0
    assert "closed" in repr(udp)


def test_close_inside_on_receive_drops_the_rest(loop, until, pause):
    srv = Receiver(loop)
    calls = []

    def first_only(handle, status, address, data, flags):
        calls.append(data)
        handle.close()

    srv.udp.on_receive = first_only
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for i in range(10):
            sender.sendto(b"%d" % i, srv.address)
    finally:
        sender.close()
    until(lambda: srv.udp.closed)
    assert calls == [b"0"]


# ---------------------------------------------------------------- lifetime


def test_receiving_handle_is_pending(loop, until, collect):
    got = []

    def make():
        udp = uv.UDP(loop=loop)
        udp.bind((HOST, 0))
        udp.receive_start(lambda h, st, a, d, f: (got.append(d), h.close()))
        return udp.sockname, weakref.ref(udp)

    address, ref = make()
    collect()
    assert ref() is not None                        # the loop keeps it
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.sendto(b"still here", address)
    finally:
        s.close()
    until(lambda: got)
    assert got == [b"still here"]
    loop.run(uv.RunModes.NOWAIT)
    collect()
    assert ref() is None


def test_stopped_handle_is_collected_and_closed(loop, collect, fd_count):
    loop.run(uv.RunModes.NOWAIT)
    collect()
    before = fd_count()

    def make():
        udp = uv.UDP(loop=loop)
        udp.bind((HOST, 0))
        udp.receive_start()
        udp.receive_stop()
        return weakref.ref(udp)

    ref = make()
    collect()
    assert ref() is None
    loop.run(uv.RunModes.NOWAIT)
    assert fd_count() == before


def test_loop_handles_and_close_all(loop, run_loop):
    a = uv.UDP(loop=loop)
    b = uv.UDP(loop=loop)
    b.bind((HOST, 0))
    b.receive_start()
    assert {a, b} <= loop.handles
    closed = []
    loop.close_all_handles(on_closed=closed.append)
    run_loop(loop)
    assert set(closed) >= {a, b} and a.closed and b.closed
    assert not (loop.handles & {a, b})


def test_unreachable_loop_with_receiving_udp_is_freed(collect, fd_count):
    collect()
    before = fd_count()

    def make():
        lp = uv.Loop()
        udp = uv.UDP(loop=lp)
        udp.bind((HOST, 0))
        udp.receive_start()
        udp.send(b"x", udp.sockname)
        return weakref.ref(lp)

    ref = make()
    collect()
    assert ref() is None
    assert fd_count() == before


def test_no_fd_leak_many_handles(loop, until, collect, fd_count):
    srv = Receiver(loop, echo=True)
    loop.run(uv.RunModes.NOWAIT)
    collect()
    before = fd_count()
    got = []
    for i in range(100):
        udp = uv.UDP(loop=loop)
        udp.receive_start(lambda h, st, a, d, f: (got.append(d), h.close()))
        udp.send(b"%d" % i, srv.address)
        del udp
    until(lambda: len(got) == 100)
    loop.run(uv.RunModes.NOWAIT)
    collect()
    assert fd_count() == before


def test_exception_in_on_receive_goes_to_excepthook(loop, run_loop):
    seen = []
    loop.excepthook = lambda lp, t, v, tb: (seen.append(t), lp.stop())
    srv = Receiver(loop)
    srv.udp.on_receive = lambda *a: 1 / 0
    uv.UDP(loop=loop).send(b"boom", srv.address)
    run_loop(loop)
    assert seen == [ZeroDivisionError]
