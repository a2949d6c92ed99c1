"""uv.secure: TLS over uv streams with the standard library's ssl (API.md
section 8): handshakes on both sides, SNI and name checks, TLS 1.2 and 1.3,
writes queued before the handshake, close_notify, failed handshakes (never
a hang), interoperation with ssl's own sockets, bad input.

Real TLS over loopback TCP with certificates made by ``openssl req`` once
per session (tests/tls_support.py); every loop run is bounded.
"""
import os
import socket
import ssl
import sys
import threading

import pytest

import uv
from uv.secure import (HandshakeRequest, Secure, SecureShutdownRequest,
                       SecureWriteRequest)
from uv.request import requests_in_flight

from conftest import collect, fd_count
from tls_support import HOST, S, Certificates, TLSClient, TLSServer

TLS12 = ssl.TLSVersion.TLSv1_2
TLS13 = ssl.TLSVersion.TLSv1_3


@pytest.fixture(scope="session")
def certs():
    c = Certificates()
    yield c
    c.remove()
    assert not os.path.exists(c.dir)


@pytest.fixture(autouse=True)
def _no_fd_left():
    uv.Loop().close()       # libuv's process-wide signal pipe, opened once
    collect()
    before = fd_count()
    yield
    collect()
    assert fd_count() == before, "file descriptors were left open"


@pytest.fixture
def loop(loop):
    yield loop
    if not loop.closed:
        assert requests_in_flight(loop) == 0, "a request is still in flight"


def connect(loop, until, certs, server_ctx=None, client_ctx=None, **kw):
    """A TLSServer (echo) and a TLSClient; runs until the client's
    handshake is done."""
    server = TLSServer(loop, server_ctx or certs.server_context())
    client = TLSClient(loop, server.address, client_ctx or certs.client_context(), **kw)
    until(lambda: client.handshake is not None or client.connected not in (None, S.SUCCESS))
    return server, client


def finish(loop, until, *peers):
    """Close the peers (TLSClient / TLSServer) and wait for their streams."""
    streams = []
    for p in peers:
        p.close()
        if isinstance(p, TLSServer):
            streams.append(p.tcp)
            streams.extend(s.stream for s in p.secures)
        else:
            streams.append(p.tcp)
    until(lambda: all(s.closed for s in streams))


# ---------------------------------------------------------------- basics


@pytest.mark.parametrize("version", [TLS12, TLS13], ids=["TLSv1.2", "TLSv1.3"])
def test_echo(loop, until, certs, version):
    server, client = connect(loop, until, certs, client_ctx=certs.client_context(
        version=version))
    assert client.handshake == (S.SUCCESS, None)
    sec = client.secure
    assert sec.handshake_done is True
    assert sec.version() == {TLS12: "TLSv1.2", TLS13: "TLSv1.3"}[version]
    assert sec.cipher() is not None
    assert sec.getpeercert()["subject"] == ((("commonName", "localhost"),),)
    until(lambda: server.handshakes)
    assert server.handshakes[0][1:] == (S.SUCCESS, None)
    assert server.secures[0].version() == sec.version()
    got = []
    req = sec.write(b"hello over tls", on_write=lambda r, st: got.append((r, st)))
    assert isinstance(req, SecureWriteRequest) and isinstance(req, uv.Request)
    assert req.stream is sec and req.loop is loop
    until(lambda: bytes(client.received) == b"hello over tls" and got)
    assert got == [(req, S.SUCCESS)] and req.finished
    finish(loop, until, client, server)


def test_abc_and_repr(loop, until, certs):
    server, client = connect(loop, until, certs)
    sec = client.secure
    assert isinstance(sec, uv.Stream) and isinstance(sec, uv.Handle)
    r = repr(sec)
    assert "client" in r and "open" in r and "TLSv1.3" in r and "TCP" in r
    assert sec.loop is loop and sec.stream is client.tcp
    assert sec.readable and sec.writable and sec.active
    assert sec.fileno() == client.tcp.fileno()
    assert sec.write_queue_size == 0
    sec.dereference()
    assert sec.referenced is False
    sec.referenced = True
    assert sec.referenced is True
    w = sec.write(b"x")                  # the fast path: no on_write
    assert isinstance(w, SecureWriteRequest) and w.loop is loop
    until(lambda: w.finished)
    assert "finished" in repr(w)
    assert isinstance(sec.handshake(), HandshakeRequest)
    assert sec.handshake() is sec.handshake()        # once
    assert "finished" in repr(sec.handshake())
    assert "server" in repr(server.secures[0])
    finish(loop, until, client, server)
    assert "closed" in repr(sec)


def test_large_transfer_both_ways(loop, until, certs):
    server, client = connect(loop, until, certs)
    blob = os.urandom(3 << 20) + b"end"
    client.secure.write([blob[:1000], bytearray(blob[1000:2000]), memoryview(blob)[2000:]])
    until(lambda: len(client.received) == len(blob), timeout=60)
    assert bytes(client.received) == blob
    assert bytes(server.received[server.secures[0]]) == blob
    finish(loop, until, client, server)


def test_write_before_handshake_is_queued(loop, until, certs):
    """Writes made before the handshake finished (right after the Secure
    was made) go out after it, in order, and their callbacks run."""
    done = []

    def early(secure):
        assert secure.handshake_done is False
        for i in range(5):
            secure.write(b"%d," % i, on_write=lambda r, st: done.append(st))

    server, client = connect(loop, until, certs, on_secure=early)
    until(lambda: bytes(client.received) == b"0,1,2,3,4," and len(done) == 5)
    assert done == [S.SUCCESS] * 5
    finish(loop, until, client, server)


def test_implicit_handshake_with_read_start_and_write(loop, until, certs):
    """read_start or write alone starts the handshake."""
    server = TLSServer(loop, certs.server_context())
    results = {}

    def on_connect(request, status):
        sec = Secure(request.stream, certs.client_context(), server_hostname="localhost")
        results["secure"] = sec
        sec.write(b"implicit")
        sec.read_start(on_read=lambda s, st, d: results.setdefault("data", d))

    tcp = uv.TCP(loop=loop)
    tcp.connect(server.address, on_connect=on_connect)
    until(lambda: "data" in results)
    assert results["data"] == b"implicit"
    assert results["secure"].handshake_done
    results["secure"].close()
    server.close()
    until(lambda: tcp.closed)


def test_tls_over_tls(loop, until, certs):
    """Secure works over any uv.Stream, another Secure included: an inner
    TLS session tunnelled through an outer one."""
    outer_server = TLSServer(loop, certs.server_context(), echo=False)
    inner = {}

    def on_outer_handshake(request, status, error):
        assert status is S.SUCCESS, error
        # the server side: an inner server Secure over the outer one
        srv = outer_server.secures[0]
        isec = Secure(srv, certs.server_context("other"), server_side=True)
        inner["server"] = isec
        isec.read_start(on_read=lambda s, st, d: s.write(d.upper()) if st is S.SUCCESS
                        else None)

    def client_secure(sec):
        pass

    client = TLSClient(loop, outer_server.address, certs.client_context(), read=False,
                       on_secure=client_secure)
    until(lambda: outer_server.secures)
    outer_server.secures[0].handshake(on_handshake=on_outer_handshake)
    until(lambda: client.handshake is not None and "server" in inner)
    got = bytearray()
    icl = Secure(client.secure, certs.client_context(), server_hostname="other.example")
    icl.read_start(on_read=lambda s, st, d: got.extend(d))
    icl.write(b"tunnel")
    until(lambda: bytes(got) == b"TUNNEL")
    assert icl.version() and icl.getpeercert()["subject"][0][0][1] == "other.example"
    icl.close()
    outer_server.close()
    until(lambda: client.tcp.closed)


# ---------------------------------------------------------------- SNI, names


def test_sni_selects_the_certificate(loop, until, certs):
    seen = []
    sctx = certs.server_context()
    other = certs.server_context("other")

    def sni(sslobj, name, ctx):
        seen.append(name)
        if name == "other.example":
            sslobj.context = other

    sctx.sni_callback = sni
    server, client = connect(loop, until, certs, server_ctx=sctx,
                             server_hostname="other.example")
    assert client.handshake == (S.SUCCESS, None)
    assert seen == ["other.example"]
    assert client.secure.getpeercert()["subject"] == ((("commonName", "other.example"),),)
    finish(loop, until, client, server)


@pytest.mark.parametrize("version", [TLS12, TLS13], ids=["TLSv1.2", "TLSv1.3"])
def test_wrong_server_hostname_fails_the_handshake(loop, until, certs, version):
    server, client = connect(loop, until, certs, server_hostname="wrong.example",
                             client_ctx=certs.client_context(version=version))
    status, error = client.handshake
    assert status is S.EPROTO
    assert isinstance(error, ssl.SSLCertVerificationError)
    assert "wrong.example" in str(error) or "mismatch" in str(error).lower()
    assert client.ends == [S.EPROTO]                  # on_read too
    assert client.secure.error is error
    assert client.secure.handshake_done is False
    # the server learns it from the client's alert
    until(lambda: server.handshakes)
    _sec, sstatus, serror = server.handshakes[0]
    assert sstatus in (S.EPROTO, S.EOF) and isinstance(serror, ssl.SSLError)
    with pytest.raises(uv.UVError):
        client.secure.write(b"no")
    with pytest.raises(uv.UVError):
        client.secure.read_start()
    finish(loop, until, client, server)


def test_untrusted_certificate(loop, until, certs):
    server, client = connect(loop, until, certs, server_ctx=certs.server_context("stranger"))
    status, error = client.handshake
    assert status is S.EPROTO and isinstance(error, ssl.SSLCertVerificationError)
    assert error.verify_code != 0
    finish(loop, until, client, server)


def test_unverified_client_context(loop, until, certs):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    server, client = connect(loop, until, certs, server_ctx=certs.server_context("stranger"),
                             client_ctx=ctx, server_hostname=None)
    assert client.handshake == (S.SUCCESS, None)
    finish(loop, until, client, server)


def test_client_certificate_required(loop, until, certs):
    sctx = certs.server_context()
    sctx.verify_mode = ssl.CERT_REQUIRED
    sctx.load_verify_locations(certs.trusted)
    cctx = certs.client_context()
    server, client = connect(loop, until, certs, server_ctx=sctx, client_ctx=cctx)
    # TLS 1.3: the client's handshake ends before the server checks it
    until(lambda: server.handshakes)
    _s, status, error = server.handshakes[0]
    assert status is S.EPROTO and isinstance(error, ssl.SSLError)
    until(lambda: client.ends)
    assert client.ends[0] in (S.EPROTO, S.EOF)
    finish(loop, until, client, server)
    # with a certificate it works
    cctx2 = certs.client_context()
    cctx2.load_cert_chain(*certs.other)
    server, client = connect(loop, until, certs, server_ctx=sctx, client_ctx=cctx2)
    client.secure.write(b"with cert")
    until(lambda: bytes(client.received) == b"with cert")
    assert server.secures[0].getpeercert()["subject"][0][0][1] == "other.example"
    finish(loop, until, client, server)


# ---------------------------------------------------------------- failures


def test_plaintext_peer_fails_the_server_handshake(loop, until, certs):
    server = TLSServer(loop, certs.server_context())
    tcp = uv.TCP(loop=loop)
    reads = []

    def on_connect(request, status):
        tcp.write(b"GET / HTTP/1.0\r\n\r\n")
        tcp.read_start(on_read=lambda s, st, d: reads.append(st))

    tcp.connect(server.address, on_connect=on_connect)
    until(lambda: server.handshakes)
    _sec, status, error = server.handshakes[0]
    assert status is S.EPROTO and isinstance(error, ssl.SSLError)
    assert server.ends[server.secures[0]] is S.EPROTO     # on_read too
    until(lambda: reads)                                  # got an alert or EOF
    tcp.close()
    server.close()
    until(lambda: tcp.closed)


def test_peer_closes_during_the_handshake(loop, until, certs):
    """A server whose client vanishes mid-handshake: EOF, SSLEOFError."""
    server = TLSServer(loop, certs.server_context())
    tcp = uv.TCP(loop=loop)
    tcp.connect(server.address, on_connect=lambda r, st: tcp.close())
    until(lambda: server.handshakes)
    _sec, status, error = server.handshakes[0]
    assert status is S.EOF and isinstance(error, ssl.SSLEOFError)
    server.close()
    until(lambda: server.secures[0].closed)


def test_silent_server_then_close_cancels(loop, until, pause, certs):
    """A server that never answers: the handshake is pending, not failed;
    close() ends it with ECANCELED, and queued writes and shutdown too."""
    listener = uv.TCP(loop=loop)
    listener.bind((HOST, 0))
    accepted = []
    listener.listen(on_connection=lambda s, st: accepted.append(s.accept()))
    client = TLSClient(loop, listener.sockname, certs.client_context(), read=True)
    until(lambda: accepted and client.secure is not None)
    writes, shut, closed = [], [], []
    client.secure.write(b"queued", on_write=lambda r, st: writes.append(st))
    client.secure.shutdown(on_shutdown=lambda r, st: shut.append(st))
    pause(50)
    assert client.handshake is None and writes == [] and shut == []
    client.secure.close(on_closed=closed.append)
    assert client.handshake == (S.ECANCELED, None)
    assert writes == [S.ECANCELED] and shut == [S.ECANCELED]
    until(lambda: closed == [client.secure])
    client.secure.close()                           # idempotent
    listener.close()
    accepted[0].close()
    until(lambda: accepted[0].closed)


# ---------------------------------------------------------------- shutdown


def test_shutdown_sends_close_notify(loop, until, certs):
    server, client = connect(loop, until, certs)
    sec = client.secure
    sec.write(b"last words")
    shut = []
    req = sec.shutdown(on_shutdown=lambda r, st: shut.append((r, st)))
    assert isinstance(req, SecureShutdownRequest)
    with pytest.raises(uv.ClosedHandleError):
        sec.write(b"too late")
    with pytest.raises(uv.ClosedHandleError):
        sec.shutdown()
    # the server reads the data, then EOF from close_notify (not a ragged
    # EOF), answers with its own close_notify; the client reads EOF
    until(lambda: server.ends and client.ends and shut)
    ssec = server.secures[0]
    assert bytes(server.received[ssec]) == b"last words"
    assert server.ends[ssec] is S.EOF and ssec.eof_without_close_notify is False
    assert client.ends == [S.EOF] and sec.eof_without_close_notify is False
    assert shut == [(req, S.SUCCESS)] and req.finished
    finish(loop, until, client, server)


def test_ragged_eof(loop, until, certs):
    server, client = connect(loop, until, certs)
    client.secure.write(b"x")          # the round trip also reads the tickets
    until(lambda: client.received)
    client.tcp.close()                 # no close_notify
    until(lambda: server.ends)
    ssec = server.secures[0]
    assert server.ends[ssec] is S.EOF and ssec.eof_without_close_notify is True
    server.close()
    until(lambda: ssec.closed)


# ---------------------------------------------------------------- interop


@pytest.mark.threads
def test_against_ssl_socket_server(loop, until, certs):
    """A uv client against the standard library's blocking SSLSocket server
    in a thread: echo, then close_notify both ways."""
    sctx = certs.server_context()
    lsock = socket.socket()
    lsock.bind((HOST, 0))
    lsock.listen(1)
    result = {}

    def serve():
        conn, _ = lsock.accept()
        with sctx.wrap_socket(conn, server_side=True) as s:
            data = s.recv(100)
            s.sendall(data[::-1])
            result["version"] = s.version()
            s = s.unwrap()             # close_notify both ways
            s.close()

    t = threading.Thread(target=serve)
    t.start()
    client = TLSClient(loop, uv.Address4(*lsock.getsockname()), certs.client_context())
    until(lambda: client.handshake is not None)
    client.secure.write(b"abcdef")
    until(lambda: bytes(client.received) == b"fedcba")
    client.secure.shutdown()
    until(lambda: client.ends)
    t.join(30)
    assert client.ends == [S.EOF] and result["version"] == client.secure.version()
    client.close()
    lsock.close()
    until(lambda: client.tcp.closed)


@pytest.mark.threads
def test_against_ssl_socket_client(loop, until, certs):
    server = TLSServer(loop, certs.server_context())
    result = {}

    def talk():
        cctx = certs.client_context(version=TLS12)
        with socket.create_connection(tuple(server.address)) as raw:
            with cctx.wrap_socket(raw, server_hostname="localhost") as s:
                s.sendall(b"ping" * 1000)
                got = b""
                while len(got) < 4000:
                    got += s.recv(65536)
                result["echo"] = got
                result["version"] = s.version()
        loop.call_later(lambda: None)

    t = threading.Thread(target=talk)
    t.start()
    until(lambda: "echo" in result, timeout=30)
    t.join(30)
    assert result == {"echo": b"ping" * 1000, "version": "TLSv1.2"}
    until(lambda: server.ends)
    server.close()
    until(lambda: all(s.closed for s in server.secures))


# ---------------------------------------------------------------- bad input


def test_bad_arguments(loop, until, certs):
    ctx = certs.client_context()
    tcp = uv.TCP(loop=loop)
    with pytest.raises(TypeError):
        Secure(object(), ctx)
    with pytest.raises(TypeError):
        Secure(tcp, "context")
    with pytest.raises(ValueError):            # check_hostname without a name
        Secure(tcp, ctx)
    with pytest.raises(ValueError):            # a server has no server_hostname
        Secure(tcp, certs.server_context(), server_side=True, server_hostname="x")
    with pytest.raises(TypeError):
        Secure(tcp, ctx, server_hostname=5)
    sec = Secure(tcp, ctx, server_hostname="localhost")
    for name in ("on_read", "on_closed"):
        with pytest.raises(TypeError):
            setattr(sec, name, 5)
    with pytest.raises(TypeError):
        sec.read_start(on_read="x")
    with pytest.raises(TypeError):
        sec.write("text")
    with pytest.raises(TypeError):
        sec.write(5)
    with pytest.raises(TypeError):
        sec.write(b"x", on_write=5)
    with pytest.raises(uv.error.ArgumentError):
        sec.write(b"x", send_stream=tcp)
    with pytest.raises(TypeError):
        sec.handshake(on_handshake=3)
    with pytest.raises(TypeError):
        sec.shutdown(on_shutdown=[])
    with pytest.raises(uv.error.NotSupportedError):
        sec.try_write(b"x")
    sec.close()
    until(lambda: tcp.closed)
    for fn in (lambda: sec.write(b"x"), sec.read_start, sec.shutdown, sec.handshake):
        with pytest.raises(uv.ClosedHandleError):
            fn()
    sec.read_stop()                   # stop-like: no error
    with pytest.raises(uv.ClosedHandleError):
        Secure(tcp, ctx, server_hostname="localhost")


def test_requests_cannot_be_cancelled(loop, until, certs):
    server, client = connect(loop, until, certs)
    for req in (client.secure.handshake(), client.secure.write(b"x"),
                client.secure.shutdown()):
        with pytest.raises(uv.error.ArgumentError):
            req.cancel()
    until(lambda: client.ends)
    finish(loop, until, client, server)


def test_callback_exception_goes_to_excepthook(loop, until, run_loop, certs):
    seen = []
    server, client = connect(loop, until, certs)

    def hook(lp, exc_type, exc, tb):
        seen.append(exc)
        lp.stop()

    def boom(secure, status, data):
        raise KeyError("from on_read")

    loop.excepthook = hook
    client.secure.read_start(on_read=boom)
    client.secure.write(b"x")
    run_loop(loop)
    assert len(seen) == 1 and isinstance(seen[0], KeyError)
    loop.reset_exception()
    finish(loop, until, client, server)


def test_secure_nobody_holds_is_collected_with_its_stream(loop, until, certs):
    """A Secure that is not reading is not pending: dropped, it goes with its
    stream (the loop closes the stream)."""
    import weakref
    tcp = uv.TCP(loop=loop)
    sec = Secure(tcp, certs.client_context(), server_hostname="localhost")
    ref = weakref.ref(sec)
    del sec, tcp
    collect()
    assert ref() is None


class Dribble(object):
    """A uv.Stream over a TCP handle that sends what it is given 7 bytes per
    loop iteration: the peer reads TLS records in pieces."""

    def __init__(self, tcp):
        self.tcp = tcp
        self.pieces = []
        self.idle = uv.Idle(tcp.loop, on_idle=self._send_one)

    def _send_one(self, idle):
        if self.pieces:
            self.tcp.write(self.pieces.pop(0))
        else:
            idle.stop()

    def write(self, data, send_stream=None, on_write=None):
        self.pieces.extend(data[i:i + 7] for i in range(0, len(data), 7))
        self.idle.start()

    def read_start(self, on_read=None):
        self.tcp.read_start(lambda s, st, d: on_read(self, st, d))

    def read_stop(self):
        self.tcp.read_stop()

    def shutdown(self, on_shutdown=None):
        return self.tcp.shutdown(on_shutdown)

    def close(self, on_closed=None):
        self.idle.close()
        self.tcp.close(on_closed and (lambda h: on_closed(self)))

    loop = property(lambda self: self.tcp.loop)
    closing = property(lambda self: self.tcp.closing)
    closed = property(lambda self: self.tcp.closed)
    active = property(lambda self: self.tcp.active)
    referenced = property(lambda self: self.tcp.referenced)

    def reference(self):
        self.tcp.reference()

    def dereference(self):
        self.tcp.dereference()


uv.Stream.register(Dribble)


def test_records_split_across_reads(loop, until, certs):
    """A client whose records reach the server 7 bytes at a time (a Python
    uv.Stream under the client's Secure): the server reassembles them,
    handshake included, and echoes; the client reads the echo whole."""
    server = TLSServer(loop, certs.server_context())
    tcp = uv.TCP(loop=loop)
    state = {}

    def on_connect(request, status):
        sec = Secure(Dribble(tcp), certs.client_context(), server_hostname="localhost")
        state["secure"] = sec
        got = state["got"] = bytearray()
        sec.read_start(on_read=lambda s, st, d: got.extend(d))
        sec.write(b"".join(b"%05d" % i for i in range(2000)))

    tcp.connect(server.address, on_connect=on_connect)
    expected = b"".join(b"%05d" % i for i in range(2000))
    until(lambda: "got" in state and len(state["got"]) == len(expected), timeout=30)
    assert bytes(state["got"]) == expected
    state["secure"].close()
    server.close()
    until(lambda: tcp.closed)


def test_stream_not_connected(loop, until, certs):
    """The handshake on a stream that is not connected raises the stream's
    error at once (no callback runs); the Secure has failed for good."""
    tcp = uv.TCP(loop=loop)
    calls = []
    sec = Secure(tcp, certs.client_context(), server_hostname="localhost")
    with pytest.raises(uv.error.NotConnectedError):
        sec.handshake(on_handshake=lambda *a: calls.append(a))
    assert calls == [] and sec.handshake().finished
    assert isinstance(sec.error, uv.error.NotConnectedError)
    with pytest.raises(uv.UVError):
        sec.write(b"x")
    with pytest.raises(uv.UVError):
        sec.read_start()
    sec2 = Secure(tcp, certs.client_context(), server_hostname="localhost")
    with pytest.raises(uv.error.NotConnectedError):
        sec2.write(b"x", on_write=lambda *a: calls.append(a))
    assert calls == []
    sec.close()
    until(lambda: tcp.closed)
