"""TCP (uv.TCP) on 127.0.0.1 and ::1: connecting, binding and addresses,
listening, socket options, faults (resets, vanishing peers), closed handles,
and lifetime (garbage collection, file descriptors).  API.md sections 4
"TCP", 5 and 7.

Only loopback addresses are used.  Every loop run is bounded (``until``
fails after its timeout) and a callback's exception fails the test.
"""
import contextlib
import errno
import fcntl
import os
import socket
import struct
import weakref

import pytest

import uv
from uv.dns import AddressFamilies
from uv.request import RequestType

from tcp_support import HOST, S, Client, Server, collect_reads, fill

HOST6 = "::1"


def _ipv6_loopback():
    if not socket.has_ipv6:
        return "Python has no IPv6 support"
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
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


# ---------------------------------------------------------------- harness


def socket_on_dup(fd):
    """``socket.socket(fileno=os.dup(fd))``, leaving *fd* non-blocking.

    The duplicate shares the file status flags with *fd*, and PyPy's
    socket() sets the blocking mode of the socket it wraps: libuv's
    non-blocking descriptor would turn blocking (a later accept() or read()
    in the loop would then block the process)."""
    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    sock = socket.socket(fileno=os.dup(fd))
    fcntl.fcntl(fd, fcntl.F_SETFL, flags)
    return sock


@contextlib.contextmanager
def dup_socket(tcp):
    """A Python socket on a duplicate of ``tcp.fileno()`` (closed after)."""
    sock = socket_on_dup(tcp.fileno())
    try:
        yield sock
    finally:
        sock.close()


def closed_port(host=HOST):
    """A port on *host* that nothing listens on (bound, then released)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    try:
        s.bind((host, 0))
        return s.getsockname()[1]
    finally:
        s.close()


def echo_check(loop, until, address, message=b"ping"):
    """Connect a fresh client to *address*, echo *message*, close it."""
    c = Client(loop, address)
    until(lambda: c.connected is not None)
    assert c.connected is S.SUCCESS
    c.tcp.write(message)
    until(lambda: len(c.received) >= len(message))
    assert bytes(c.received) == message
    c.tcp.close()
    return c


# ---------------------------------------------------------------- construction


def test_tcp_module_names():
    assert uv.tcp.TCP is uv.TCP
    assert uv.tcp.TCPFlags is uv.TCPFlags
    assert uv.tcp.TCPConnectRequest is uv.TCPConnectRequest
    assert uv.dns.Address4 is uv.Address4
    assert uv.dns.Address6 is uv.Address6
    assert uv.dns.AddressFamilies is uv.AddressFamilies
    assert int(uv.TCPFlags.IPV6ONLY) == 1          # UV_TCP_IPV6ONLY


def test_tcp_defaults(loop):
    tcp = uv.TCP(loop=loop)
    assert tcp.loop is loop
    assert tcp in loop.handles
    assert tcp.family is AddressFamilies.UNKNOWN
    assert tcp.closing is False and tcp.closed is False
    with pytest.raises(uv.error.BadFileDescriptorError):
        tcp.fileno()


def test_tcp_current_loop(loop):
    tcp = uv.TCP()
    assert tcp.loop is uv.Loop.get_current()
    assert tcp.loop is loop


@pytest.mark.parametrize("family, expected", [
    (socket.AF_INET, AddressFamilies.INET4),
    pytest.param(socket.AF_INET6, AddressFamilies.INET6, marks=needs_ipv6),
])
def test_tcp_with_family_creates_socket(loop, family, expected):
    tcp = uv.TCP(family, loop=loop)
    assert tcp.family is expected
    fd = tcp.fileno()
    assert type(fd) is int and fd >= 0
    with dup_socket(tcp) as sock:
        assert sock.family == family
        assert sock.type == socket.SOCK_STREAM


def test_tcp_on_closed_loop_raises(loop):
    other = uv.Loop()
    other.close()
    with pytest.raises(uv.LoopClosedError):
        uv.TCP(loop=other)
    loop.make_current()


# ---------------------------------------------------------------- connect


def test_connect_ipv4(loop, until, server):
    calls = []
    tcp = uv.TCP(loop=loop)
    req = tcp.connect(server.address, on_connect=lambda r, st: calls.append((r, st)))
    assert isinstance(req, uv.TCPConnectRequest)
    assert isinstance(req, uv.ConnectRequest)
    assert isinstance(req, uv.UVRequest)
    assert isinstance(req, uv.Request)
    assert req.type is RequestType.CONNECT
    assert req.stream is tcp
    assert req.loop is loop
    assert req.finished is False
    assert calls == []
    until(lambda: calls and server.accepted)
    assert calls == [(req, S.SUCCESS)]
    assert calls[0][1] is S.SUCCESS
    assert req.finished is True
    peer = tcp.peername
    local = tcp.sockname
    assert isinstance(peer, uv.Address4) and isinstance(peer, uv.Address)
    assert isinstance(local, uv.Address4)
    assert peer.host == HOST and peer.port == server.address.port
    assert peer == (HOST, server.address.port)
    assert local.host == HOST and type(local.port) is int and local.port > 0
    assert tcp.family is AddressFamilies.INET4
    assert tcp.readable and tcp.writable
    accepted = server.accepted[0]
    assert accepted.peername == local
    assert accepted.sockname == peer
    # the addresses agree with the kernel's view
    with dup_socket(tcp) as sock:
        assert sock.getsockname() == tuple(local)
        assert sock.getpeername() == tuple(peer)


@needs_ipv6
def test_connect_ipv6(loop, until):
    srv = Server(loop, host=HOST6)
    assert isinstance(srv.address, uv.Address6)
    assert srv.address.host == HOST6
    assert srv.tcp.family is AddressFamilies.INET6
    c = Client(loop, srv.address)
    until(lambda: c.connected is not None)
    assert c.connected is S.SUCCESS
    peer, local = c.tcp.peername, c.tcp.sockname
    assert isinstance(peer, uv.Address6) and isinstance(local, uv.Address6)
    assert peer.host == HOST6 and peer.port == srv.address.port
    assert local.host == HOST6
    assert (peer.flowinfo, peer.scope_id) == (0, 0)
    assert c.tcp.family is AddressFamilies.INET6
    with dup_socket(c.tcp) as sock:
        assert sock.getsockname()[:2] == (local.host, local.port)
    c.tcp.write(b"over ipv6")
    c.tcp.shutdown()
    until(lambda: c.end is not None)
    assert bytes(c.received) == b"over ipv6"
    assert c.end is S.EOF
    srv.close()


@needs_ipv6
def test_connect_ipv6_four_tuple(loop, until):
    srv = Server(loop, host=HOST6)
    c = Client(loop, (HOST6, srv.address.port, 0, 0))
    until(lambda: c.connected is not None)
    assert c.connected is S.SUCCESS
    c2 = Client(loop, uv.Address6(HOST6, srv.address.port))
    until(lambda: c2.connected is not None)
    assert c2.connected is S.SUCCESS
    srv.close()


def test_connect_with_address_objects(loop, until, server):
    c = Client(loop, uv.Address4(HOST, server.address.port))
    until(lambda: c.connected is not None)
    assert c.connected is S.SUCCESS
    c2 = Client(loop, [HOST, server.address.port])         # a list works too
    until(lambda: c2.connected is not None)
    assert c2.connected is S.SUCCESS


@pytest.mark.parametrize("host", [HOST, pytest.param(HOST6, marks=needs_ipv6)])
def test_connect_refused(loop, until, host):
    calls = []
    tcp = uv.TCP(loop=loop)
    req = tcp.connect((host, closed_port(host)),
                      on_connect=lambda r, st: calls.append(st))
    until(lambda: calls)
    assert len(calls) == 1
    status = calls[0]
    assert status is S.ECONNREFUSED
    assert status.exception is uv.error.ConnectionRefusedError
    assert issubclass(status.exception, ConnectionRefusedError)     # builtin
    exc = uv.UVError(status)
    assert isinstance(exc, uv.error.ConnectionRefusedError)
    assert isinstance(exc, ConnectionRefusedError)
    assert exc.errno == errno.ECONNREFUSED
    assert req.finished is True
    tcp.close()
    until(lambda: tcp.closed)


def test_connect_request_cancel_raises(loop, until, server):
    calls = []
    tcp = uv.TCP(loop=loop)
    req = tcp.connect(server.address, on_connect=lambda r, st: calls.append(st))
    with pytest.raises(uv.error.ArgumentError):
        req.cancel()
    with pytest.raises(ValueError):
        req.cancel()
    # the connect goes on regardless
    until(lambda: calls)
    assert calls == [S.SUCCESS]
    with pytest.raises(uv.error.ArgumentError):
        req.cancel()          # finished: still not cancellable


def test_close_while_connecting_cancels(loop, until, server):
    calls, closed = [], []
    tcp = uv.TCP(loop=loop)
    req = tcp.connect(server.address, on_connect=lambda r, st: calls.append((r, st)))
    tcp.close(on_closed=lambda h: closed.append(h))
    assert calls == []
    until(lambda: calls and closed)
    assert calls == [(req, S.ECANCELED)]
    assert calls[0][1] is S.ECANCELED
    assert S.ECANCELED.exception is uv.error.CanceledError
    assert closed == [tcp]
    assert req.finished is True
    assert tcp.closed is True


def test_close_with_queued_writes_cancels_them(pair, until):
    client, accepted = pair
    fill(client)
    statuses = {}
    for i in range(3):
        client.write(b"q%d" % i * 50000,
                     on_write=lambda r, st, i=i: statuses.setdefault(i, []).append(st))
    assert client.write_queue_size >= 150000
    shut = []
    client.shutdown(on_shutdown=lambda r, st: shut.append(st))
    client.close()
    until(lambda: len(statuses) == 3 and shut and client.closed)
    assert statuses == {0: [S.ECANCELED], 1: [S.ECANCELED], 2: [S.ECANCELED]}
    assert all(v[0] is S.ECANCELED for v in statuses.values())
    assert shut == [S.ECANCELED]


def test_connect_while_connecting_raises(loop, until, server):
    calls = []
    tcp = uv.TCP(loop=loop)
    tcp.connect(server.address, on_connect=lambda r, st: calls.append(st))
    with pytest.raises(uv.UVError):
        tcp.connect(server.address)
    until(lambda: calls)
    assert calls == [S.SUCCESS]


def test_connect_callback_runs_once(loop, until, server):
    """A connect callback runs exactly once even when the loop runs on."""
    calls = []
    tcp = uv.TCP(loop=loop)
    tcp.connect(server.address, on_connect=lambda r, st: calls.append(st))
    until(lambda: calls)
    tcp.close()
    until(lambda: tcp.closed)
    assert calls == [S.SUCCESS]


def test_on_connect_must_be_callable(loop, server):
    tcp = uv.TCP(loop=loop)
    with pytest.raises(TypeError):
        tcp.connect(server.address, on_connect="nope")


def test_peername_unconnected_raises(loop):
    tcp = uv.TCP(loop=loop)
    tcp.bind((HOST, 0))
    with pytest.raises(uv.error.NotConnectedError):
        tcp.peername
    assert isinstance(tcp.sockname, uv.Address4)


# ---------------------------------------------------------------- bind


BAD_ADDRESSES = [
    ("999.1.1.1", ("999.1.1.1", 0), uv.error.ArgumentError),
    ("not-an-ip", ("not-an-ip", 0), uv.error.ArgumentError),
    ("hostname", ("localhost", 0), uv.error.ArgumentError),
    ("empty host", ("", 0), uv.error.ArgumentError),
    ("NUL in host", ("127.0.0.1\x00", 0), uv.error.ArgumentError),
    ("3-tuple", (HOST, 0, 0), TypeError),
    ("1-tuple", (HOST,), TypeError),
    ("5-tuple", (HOST6, 0, 0, 0, 0), TypeError),
    ("str", "127.0.0.1:0", TypeError),
    ("int", 8080, TypeError),
    ("None", None, TypeError),
    ("dict", {"host": HOST, "port": 0}, TypeError),
    ("bytes host", (b"127.0.0.1", 0), TypeError),
    ("int host", (2130706433, 0), TypeError),
    ("None host", (None, 0), TypeError),
    ("str port", (HOST, "80"), TypeError),
    ("float port", (HOST, 80.0), TypeError),
    ("None port", (HOST, None), TypeError),
    ("port -1", (HOST, -1), uv.error.ArgumentError),
    ("port 65536", (HOST, 65536), uv.error.ArgumentError),
    ("huge port", (HOST, 2 ** 70), uv.error.ArgumentError),
    ("flowinfo -1", (HOST6, 0, -1, 0), uv.error.ArgumentError),
    ("scope_id -1", (HOST6, 0, 0, -1), uv.error.ArgumentError),
]


@pytest.mark.parametrize("address, exc", [b[1:] for b in BAD_ADDRESSES],
                         ids=[b[0] for b in BAD_ADDRESSES])
def test_bind_bad_address(loop, address, exc):
    tcp = uv.TCP(loop=loop)
    with pytest.raises(exc):
        tcp.bind(address)
    # nothing happened: the handle can still bind a good address
    tcp.bind((HOST, 0))
    assert tcp.sockname.host == HOST


@pytest.mark.parametrize("address, exc", [b[1:] for b in BAD_ADDRESSES],
                         ids=[b[0] for b in BAD_ADDRESSES])
def test_connect_bad_address(loop, until, server, address, exc):
    tcp = uv.TCP(loop=loop)
    calls = []
    with pytest.raises(exc):
        tcp.connect(address, on_connect=lambda r, st: calls.append(st))
    tcp.connect(server.address, on_connect=lambda r, st: calls.append(st))
    until(lambda: calls)
    assert calls == [S.SUCCESS]


def test_argument_error_is_value_error():
    assert issubclass(uv.error.ArgumentError, ValueError)
    assert issubclass(uv.error.ArgumentError, uv.UVError)


@pytest.mark.parametrize("port", [-1, 65536])
def test_bind_port_out_of_range(loop, port):
    tcp = uv.TCP(loop=loop)
    with pytest.raises(uv.error.ArgumentError) as info:
        tcp.bind((HOST, port))
    assert info.value.code is S.EINVAL


def test_bind_port_bool_rejected(loop):
    tcp = uv.TCP(loop=loop)
    with pytest.raises(TypeError):
        tcp.bind((HOST, True))


def test_bind_ipv4(loop):
    tcp = uv.TCP(loop=loop)
    tcp.bind((HOST, 0))
    name = tcp.sockname
    assert isinstance(name, uv.Address4)
    assert name.host == HOST and 0 < name.port <= 65535
    assert tcp.family is AddressFamilies.INET4
    assert tcp.family == socket.AF_INET


def test_bind_explicit_port(loop):
    port = closed_port()
    tcp = uv.TCP(loop=loop)
    tcp.bind((HOST, port))
    assert tcp.sockname == (HOST, port)


def test_bind_twice_raises(loop):
    tcp = uv.TCP(loop=loop)
    tcp.bind((HOST, 0))
    with pytest.raises(uv.error.ArgumentError):
        tcp.bind((HOST, 0))


def test_bind_port_in_use_raises(loop):
    srv = uv.TCP(loop=loop)
    srv.bind((HOST, 0))
    srv.listen()
    tcp = uv.TCP(loop=loop)
    with pytest.raises(uv.error.AddressInUseError) as info:
        tcp.bind(srv.sockname)
    assert isinstance(info.value, OSError)
    assert info.value.errno == errno.EADDRINUSE
    assert info.value.code is S.EADDRINUSE
    # the failed bind left the handle usable: another address works
    tcp.bind((HOST, 0))
    tcp.listen()
    assert tcp.sockname.port not in (0, srv.sockname.port)


def test_bind_port_in_use_fails_by_listen(loop):
    """Whatever step reports it, a port in use cannot be listened on and the
    error is AddressInUseError (not a generic one)."""
    srv = uv.TCP(loop=loop)
    srv.bind((HOST, 0))
    srv.listen()
    tcp = uv.TCP(loop=loop)
    with pytest.raises(uv.error.AddressInUseError) as info:
        tcp.bind(srv.sockname)
        tcp.listen()
    assert isinstance(info.value, OSError)
    assert info.value.errno == errno.EADDRINUSE


def test_bind_port_in_use_by_plain_socket(loop):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, 0))
        sock.listen(1)
        tcp = uv.TCP(loop=loop)
        with pytest.raises(uv.error.AddressInUseError):
            tcp.bind(sock.getsockname())
            tcp.listen()
    finally:
        sock.close()


@needs_ipv6
def test_bind_ipv6(loop):
    tcp = uv.TCP(loop=loop)
    tcp.bind((HOST6, 0))
    name = tcp.sockname
    assert isinstance(name, uv.Address6)
    assert name.host == HOST6 and name.port > 0
    assert name.flowinfo == 0 and name.scope_id == 0
    assert tcp.family is AddressFamilies.INET6
    with dup_socket(tcp) as sock:
        assert sock.family == socket.AF_INET6
        assert sock.getsockname()[:2] == (HOST6, name.port)


@needs_ipv6
def test_bind_ipv6only(loop, until):
    srv = Server(loop, host=HOST6, flags=uv.TCPFlags.IPV6ONLY)
    assert srv.tcp.family is AddressFamilies.INET6
    with dup_socket(srv.tcp) as sock:
        # (Linux also sets it by itself for a socket bound to ::1, so this
        # only shows the flag is accepted and the socket is IPv6 only)
        assert sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 1
    echo_check(loop, until, srv.address, b"v6 only")
    srv.close()


def test_bind_ipv6only_on_ipv4_address_raises(loop):
    tcp = uv.TCP(loop=loop)
    with pytest.raises(uv.error.ArgumentError):
        tcp.bind((HOST, 0), uv.TCPFlags.IPV6ONLY)


# ---------------------------------------------------------------- listen / accept


def test_listen_unbound_raises(loop):
    tcp = uv.TCP(loop=loop)
    with pytest.raises(uv.error.ArgumentError):
        tcp.listen()


def test_listen_unbound_with_socket_raises(loop):
    tcp = uv.TCP(socket.AF_INET, loop=loop)
    with pytest.raises(uv.error.ArgumentError):
        tcp.listen()


def test_listen_negative_backlog_raises(loop):
    tcp = uv.TCP(loop=loop)
    tcp.bind((HOST, 0))
    with pytest.raises(uv.error.ArgumentError):
        tcp.listen(-1)


def test_accept_without_pending_connection_raises(loop):
    tcp = uv.TCP(loop=loop)
    tcp.bind((HOST, 0))
    tcp.listen()
    with pytest.raises(uv.error.TemporaryUnavailableError):
        tcp.accept()


def test_accept_subclass_same_loop(loop, until):
    class Sub(uv.TCP):
        pass

    got = []
    srv = uv.TCP(loop=loop)
    srv.bind((HOST, 0))
    srv.listen(on_connection=lambda s, st: got.append(s.accept(cls=Sub)))
    c = Client(loop, srv.sockname)
    until(lambda: got and c.connected is not None)
    assert type(got[0]) is Sub and isinstance(got[0], uv.TCP)
    assert got[0].loop is loop
    assert got[0].peername == c.tcp.sockname


def test_listen_then_connect_plain_socket(loop, until, server):
    """A plain (blocking) Python socket talks to the uv echo server."""
    sock = socket.create_connection(server.address, timeout=5)
    try:
        sock.sendall(b"from a plain socket")
        sock.setblocking(False)
        got = bytearray()

        def have_echo():
            try:
                got.extend(sock.recv(65536))
            except BlockingIOError:
                pass
            return len(got) >= 19

        until(have_echo)
        assert bytes(got) == b"from a plain socket"
    finally:
        sock.close()


# ---------------------------------------------------------------- open


def test_open_connected_socket(loop, until, server):
    sock = socket.create_connection(server.address, timeout=5)
    fd = sock.detach()
    tcp = uv.TCP(loop=loop)
    tcp.open(fd)
    assert tcp.fileno() == fd
    assert tcp.peername == server.address
    assert tcp.family is AddressFamilies.INET4
    state = collect_reads(tcp)
    tcp.write(b"opened")
    until(lambda: state["data"] == b"opened")
    tcp.close()
    until(lambda: tcp.closed)
    # the handle owned the descriptor and closed it
    with pytest.raises(OSError):
        os.fstat(fd)


def test_open_bad_fd_raises(loop):
    tcp = uv.TCP(loop=loop)
    with pytest.raises(uv.UVError):
        tcp.open(-1)
    with pytest.raises(TypeError):
        tcp.open("3")


# ---------------------------------------------------------------- options


def test_set_nodelay(pair):
    client, accepted = pair
    for tcp in (client, accepted):
        assert tcp.set_nodelay(True) is None
        with dup_socket(tcp) as sock:
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        tcp.set_nodelay(False)
        with dup_socket(tcp) as sock:
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0


def test_set_nodelay_before_connect_applies(loop, until, server):
    tcp = uv.TCP(loop=loop)
    tcp.set_nodelay(True)
    calls = []
    tcp.connect(server.address, on_connect=lambda r, st: calls.append(st))
    until(lambda: calls)
    assert calls == [S.SUCCESS]
    with dup_socket(tcp) as sock:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_set_keepalive_with_delay(pair):
    client, _ = pair
    assert client.set_keepalive(True, 60) is None
    with dup_socket(client) as sock:
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0
        if hasattr(socket, "TCP_KEEPIDLE"):
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 60


def test_set_keepalive_default_delay(pair):
    client, _ = pair
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        system_idle = plain.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
    finally:
        plain.close()
    client.set_keepalive(True)          # delay 0: the system's default
    with dup_socket(client) as sock:
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == system_idle
    client.set_keepalive(True, 0)
    with dup_socket(client) as sock:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == system_idle


def test_set_keepalive_off(pair):
    client, _ = pair
    client.set_keepalive(True, 30)
    client.set_keepalive(False)
    with dup_socket(client) as sock:
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 0


def test_set_keepalive_negative_delay_raises(pair):
    client, _ = pair
    with pytest.raises(uv.error.ArgumentError):
        client.set_keepalive(True, -1)


def test_set_simultaneous_accepts(loop):
    tcp = uv.TCP(loop=loop)
    tcp.bind((HOST, 0))
    assert tcp.set_simultaneous_accepts(True) is None
    assert tcp.set_simultaneous_accepts(False) is None
    tcp.listen()
    tcp.set_simultaneous_accepts(True)


@pytest.mark.parametrize("attr", ["send_buffer_size", "receive_buffer_size"])
@pytest.mark.parametrize("size", [65536, 16384])
def test_buffer_sizes(pair, attr, size):
    client, _ = pair
    setattr(client, attr, size)
    assert getattr(client, attr) == size
    value = getattr(client, attr)
    assert type(value) is int


@pytest.mark.parametrize("attr", ["send_buffer_size", "receive_buffer_size"])
def test_buffer_size_without_socket_raises(loop, attr):
    tcp = uv.TCP(loop=loop)
    with pytest.raises(uv.error.BadFileDescriptorError):
        getattr(tcp, attr)


def test_buffer_sizes_on_bound_socket(loop):
    tcp = uv.TCP(loop=loop)
    tcp.bind((HOST, 0))
    tcp.send_buffer_size = 65536
    tcp.receive_buffer_size = 65536
    assert tcp.send_buffer_size == 65536
    assert tcp.receive_buffer_size == 65536


@pytest.mark.parametrize("host", [HOST, pytest.param(HOST6, marks=needs_ipv6)])
def test_fileno(loop, host):
    tcp = uv.TCP(loop=loop)
    tcp.bind((host, 0))
    fd = tcp.fileno()
    assert type(fd) is int and fd >= 0
    assert tcp.fileno() == fd
    sock = socket_on_dup(fd)
    try:
        name = sock.getsockname()
        assert name[:2] == (tcp.sockname.host, tcp.sockname.port)
        assert sock.type == socket.SOCK_STREAM
    finally:
        sock.close()
    # closing the duplicate left the handle's descriptor alone
    os.fstat(fd)
    assert tcp.fileno() == fd


# ---------------------------------------------------------------- faults


def test_close_reset_gives_peer_an_error(pair, until):
    client, accepted = pair
    state = collect_reads(accepted)
    client.write(b"before the reset")
    until(lambda: state["data"] == b"before the reset")
    closed = []
    assert client.close_reset(on_closed=lambda h: closed.append(h)) is None
    assert client.closing is True
    until(lambda: state["end"] is not None and closed)
    assert state["end"] in (S.ECONNRESET, S.EOF)
    assert state["end"] is S.ECONNRESET          # a RST, not a FIN, on Linux
    assert closed == [client]
    assert client.closed is True
    # the other side stays usable for closing
    accepted.close()
    until(lambda: accepted.closed)


def test_close_reset_twice_is_harmless(pair, until):
    client, accepted = pair
    client.close_reset()
    assert client.close_reset() is None
    client.close()
    until(lambda: client.closed)


def test_plain_socket_reset(loop, until):
    srv = Server(loop, echo=False)
    sock = socket.create_connection(srv.address, timeout=5)
    try:
        until(lambda: srv.accepted)
        state = collect_reads(srv.accepted[0])
        sock.sendall(b"hi")
        until(lambda: state["data"] == b"hi")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    finally:
        sock.close()
    until(lambda: state["end"] is not None)
    assert state["end"] in (S.ECONNRESET, S.EOF)
    assert state["end"] is not S.SUCCESS
    # writing to the reset stream fails cleanly, via the callback or at once
    results = []
    try:
        srv.accepted[0].write(b"x" * 100000, on_write=lambda r, st: results.append(st))
    except uv.UVError as exc:
        results.append(exc)
    until(lambda: results)
    assert results[0] is not S.SUCCESS
    srv.close()
    until(lambda: all(s.closed for s in srv.accepted))


def test_peer_vanishes_mid_write(loop, until):
    srv = Server(loop, echo=False)
    client = Client(loop, srv.address, read=False)
    until(lambda: srv.accepted and client.connected is not None)
    stream = srv.accepted[0]
    read_state = collect_reads(stream)
    statuses = {}
    chunk = b"v" * (512 << 10)
    count = 32                                  # 16 MiB

    def on_write(req, status, i):
        statuses.setdefault(i, []).append(status)
        if status is not S.SUCCESS and not req.stream.closing:
            req.stream.close()

    for i in range(count):
        stream.write(chunk, on_write=lambda r, st, i=i: on_write(r, st, i))
    # the client goes away without reading
    client.tcp.close()
    until(lambda: len(statuses) == count, timeout=15)
    assert all(len(v) == 1 for v in statuses.values())      # once each
    flat = [v[0] for _, v in sorted(statuses.items())]
    allowed = (S.SUCCESS, S.EPIPE, S.ECONNRESET, S.ECANCELED)
    assert all(st in allowed for st in flat), flat
    assert any(st is not S.SUCCESS for st in flat), flat
    # a failed write is never followed by a successful one
    first_bad = next(i for i, st in enumerate(flat) if st is not S.SUCCESS)
    assert all(st is not S.SUCCESS for st in flat[first_bad:]), flat
    until(lambda: stream.closed)
    assert read_state["end"] in (None, S.EOF, S.ECONNRESET)
    srv.close()


def test_server_survives_losing_a_client(loop, until, server):
    clients = [Client(loop, server.address) for _ in range(4)]
    until(lambda: all(c.connected is not None for c in clients)
          and len(server.accepted) == 4)
    for i, c in enumerate(clients):
        c.tcp.write(b"round one %d" % i)
    until(lambda: all(len(c.received) == len(b"round one %d" % i)
                      for i, c in enumerate(clients)))
    # one client resets, another closes abruptly
    clients[1].tcp.close_reset()
    clients[2].tcp.close()
    until(lambda: len(server.ends) == 2)
    assert set(server.ends.values()) <= {S.ECONNRESET, S.EOF}
    # the survivors and a newcomer are still served
    for i in (0, 3):
        clients[i].tcp.write(b"+round two")
    until(lambda: all(c.received.endswith(b"+round two")
                      for c in (clients[0], clients[3])))
    assert bytes(clients[0].received) == b"round one 0+round two"
    assert bytes(clients[3].received) == b"round one 3+round two"
    echo_check(loop, until, server.address, b"newcomer")
    assert server.tcp.active is True


def test_connection_refused_does_not_disturb_server(loop, until, server):
    refused = []
    tcp = uv.TCP(loop=loop)
    tcp.connect((HOST, closed_port()), on_connect=lambda r, st: refused.append(st))
    until(lambda: refused)
    assert refused == [S.ECONNREFUSED]
    echo_check(loop, until, server.address)


# ---------------------------------------------------------------- closed handles


def _bound(loop):
    tcp = uv.TCP(loop=loop)
    tcp.bind((HOST, 0))
    return tcp


RAISING_OPS = {
    "read_start": lambda t: t.read_start(),
    "write": lambda t: t.write(b"x"),
    "write list": lambda t: t.write([b"x", b"y"]),
    "try_write": lambda t: t.try_write(b"x"),
    "shutdown": lambda t: t.shutdown(),
    "listen": lambda t: t.listen(),
    "accept": lambda t: t.accept(),
    "bind": lambda t: t.bind((HOST, 0)),
    "connect": lambda t: t.connect((HOST, 1)),
    "open": lambda t: t.open(0),
    "set_nodelay": lambda t: t.set_nodelay(True),
    "set_keepalive": lambda t: t.set_keepalive(True, 10),
    "set_simultaneous_accepts": lambda t: t.set_simultaneous_accepts(True),
    "sockname": lambda t: t.sockname,
    "peername": lambda t: t.peername,
    "family": lambda t: t.family,
    "fileno": lambda t: t.fileno(),
    "get send_buffer_size": lambda t: t.send_buffer_size,
    "set send_buffer_size": lambda t: setattr(t, "send_buffer_size", 65536),
    "get receive_buffer_size": lambda t: t.receive_buffer_size,
    "set receive_buffer_size": lambda t: setattr(t, "receive_buffer_size", 65536),
    "reference": lambda t: t.reference(),
    "dereference": lambda t: t.dereference(),
}


@pytest.mark.parametrize("state", ["closing", "closed"])
@pytest.mark.parametrize("op", sorted(RAISING_OPS))
def test_operation_on_closed_tcp_raises(loop, until, state, op):
    tcp = _bound(loop)
    tcp.close()
    if state == "closed":
        until(lambda: tcp.closed)
    with pytest.raises(uv.ClosedHandleError):
        RAISING_OPS[op](tcp)


@pytest.mark.parametrize("state", ["closing", "closed"])
def test_stop_like_on_closed_tcp_return_none(loop, until, state):
    tcp = _bound(loop)
    tcp.close()
    if state == "closed":
        until(lambda: tcp.closed)
    assert tcp.read_stop() is None
    assert tcp.close() is None
    assert tcp.close_reset() is None
    assert tcp.readable is False
    assert tcp.writable is False
    assert tcp.write_queue_size == 0
    assert tcp.active is False


def test_closed_connected_tcp(pair, until):
    client, accepted = pair
    collect_reads(client)
    client.close()
    with pytest.raises(uv.ClosedHandleError):
        client.write(b"x")
    with pytest.raises(uv.ClosedHandleError):
        client.peername
    assert client.read_stop() is None
    until(lambda: client.closed)
    with pytest.raises(uv.ClosedHandleError):
        client.read_start()
    assert client.read_stop() is None


# ---------------------------------------------------------------- lifetime


def test_reading_streams_nobody_holds_survive_gc(loop, until, collect):
    accepted_refs = []
    echoes = []

    def on_read_server(stream, status, data):
        if status is S.SUCCESS:
            stream.write(data)
        else:
            stream.close()

    def on_connection(server, status):
        s = server.accept()
        s.read_start(on_read=on_read_server)
        accepted_refs.append(weakref.ref(s))

    def on_read_client(stream, status, data):
        echoes.append((status, data))

    def make():
        srv = uv.TCP(loop=loop)
        srv.bind((HOST, 0))
        srv.listen(on_connection=on_connection)
        c = uv.TCP(loop=loop)
        c.connect(srv.sockname,
                  on_connect=lambda r, st: r.stream.read_start(on_read=on_read_client))
        return weakref.ref(srv), weakref.ref(c)

    srv_ref, client_ref = make()
    collect()
    assert srv_ref() is not None               # listening: pending
    assert client_ref() is not None            # connecting: its request holds it
    until(lambda: accepted_refs and client_ref() is not None
          and client_ref().readable and client_ref().active)
    collect()
    assert accepted_refs[0]() is not None      # reading: pending
    assert client_ref() is not None
    client_ref().write(b"still here?")
    collect()
    until(lambda: echoes)
    assert echoes[0] == (S.SUCCESS, b"still here?")
    collect()
    client_ref().write(b"again")
    until(lambda: len(echoes) >= 2)
    assert b"".join(d for _, d in echoes) == b"still here?again"
    srv_ref().close()
    client_ref().close()
    until(lambda: accepted_refs[0]() is None or accepted_refs[0]().closed)


def test_connect_request_nobody_holds_calls_back(loop, until, server, collect):
    calls = []

    def make():
        tcp = uv.TCP(loop=loop)
        req = tcp.connect(server.address,
                          on_connect=lambda r, st: calls.append(st))
        return weakref.ref(req), weakref.ref(tcp)

    req_ref, tcp_ref = make()
    collect()
    assert req_ref() is not None
    assert tcp_ref() is not None
    until(lambda: calls)
    assert calls == [S.SUCCESS]


def test_unreferenced_connected_tcp_is_closed_when_collected(loop, until, server,
                                                            collect):
    """Once connected and not reading, nobody holds the client: it is
    collected and closed for us, and the server reads EOF."""
    calls = []

    def make():
        tcp = uv.TCP(loop=loop)
        tcp.connect(server.address, on_connect=lambda r, st: calls.append(st))
        return weakref.ref(tcp)

    ref = make()
    until(lambda: calls and server.accepted)
    assert calls == [S.SUCCESS]

    def gone():
        collect()
        return ref() is None

    until(gone)
    until(lambda: server.ends)
    assert list(server.ends.values()) == [S.EOF]


def test_listening_server_nobody_holds_keeps_accepting(loop, until, collect):
    got = []

    def make():
        srv = uv.TCP(loop=loop)
        srv.bind((HOST, 0))
        srv.listen(on_connection=lambda s, st: got.append(s.accept()))
        return srv.sockname, weakref.ref(srv)

    address, ref = make()
    collect()
    assert ref() is not None
    c = Client(loop, address)
    until(lambda: got and c.connected is not None)
    assert c.connected is S.SUCCESS
    ref().close()


def test_no_fd_leak(loop, until, collect, fd_count):
    def cycle(n):
        srv = Server(loop)
        clients = [Client(loop, srv.address) for _ in range(n)]
        until(lambda: len(srv.accepted) == n
              and all(c.connected is not None for c in clients), timeout=10)
        for c in clients:
            assert c.connected is S.SUCCESS
            c.tcp.write(b"bye")
            c.tcp.shutdown()
        until(lambda: all(c.end is not None for c in clients), timeout=10)
        assert all(bytes(c.received) == b"bye" for c in clients)
        srv.close()
        for c in clients:
            c.tcp.close()
        until(lambda: srv.tcp.closed and all(c.tcp.closed for c in clients)
              and all(s.closed for s in srv.accepted), timeout=10)

    cycle(5)                    # warm up: the loop's own descriptors
    collect()
    before = fd_count()
    cycle(200)
    collect()
    loop.run(uv.RunModes.NOWAIT)
    after = fd_count()
    assert after == before, "%d descriptors leaked" % (after - before)


def test_no_fd_leak_when_handles_are_dropped(loop, until, collect, fd_count):
    """TCP handles nobody holds (bound, or connected and not reading) are
    closed by the collector: their descriptors go away."""
    server = Server(loop)
    loop.run(uv.RunModes.NOWAIT)   # the loop's own descriptors exist from here
    collect()
    before = fd_count()
    calls = []

    def make():
        for _ in range(50):
            t = uv.TCP(loop=loop)
            t.bind((HOST, 0))
        for _ in range(50):
            uv.TCP(loop=loop).connect(server.address,
                                      on_connect=lambda r, st: calls.append(st))

    make()
    until(lambda: len(calls) == 50 and len(server.accepted) == 50)
    until(lambda: len(server.ends) == 50 or (collect() or False), timeout=10)
    until(lambda: all(s.closed for s in server.accepted))
    collect()
    loop.run(uv.RunModes.NOWAIT)
    loop.run(uv.RunModes.NOWAIT)
    after = fd_count()
    assert after == before, "%d descriptors leaked" % (after - before)
    server.close()
