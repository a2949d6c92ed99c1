"""uv.aio datagrams: create_datagram_endpoint on libuv's UDP handles
(local_addr, remote_addr, family, reuse_port, allow_broadcast, sock=),
sendto, error_received, write flow control, close and abort, over real
loopback sockets.  No descriptor is left behind (no_leaks)."""
import asyncio
import socket

import pytest

import uv.aio

from child import TIME_SCALE
from proc_support import no_leaks  # noqa: F401


def run(coro, timeout=20):
    """Run *coro* on a new uv.aio loop with a time limit."""
    async def limited():
        assert isinstance(asyncio.get_running_loop(), uv.aio.Loop)
        return await asyncio.wait_for(coro, timeout * TIME_SCALE)
    return uv.aio.run(limited())


class Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.transport.sendto(data.upper(), addr)


class Collect(asyncio.DatagramProtocol):
    def __init__(self):
        self.got = []
        self.errors = []
        self.events = []
        self.lost = asyncio.get_event_loop().create_future()
        self.waiter = None

    def connection_made(self, transport):
        self.events.append("made")

    def datagram_received(self, data, addr):
        self.got.append((data, addr))
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def error_received(self, exc):
        self.errors.append(exc)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def pause_writing(self):
        self.events.append("pause")

    def resume_writing(self):
        self.events.append("resume")

    def connection_lost(self, exc):
        self.events.append(("lost", exc))
        self.lost.set_result(exc)

    async def next(self):
        self.waiter = asyncio.get_running_loop().create_future()
        await self.waiter


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_echo_between_a_server_and_a_connected_client(host):
    if host == "::1" and not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")

    async def main():
        loop = asyncio.get_running_loop()
        st, _ = await loop.create_datagram_endpoint(Echo, local_addr=(host, 0))
        addr = st.get_extra_info("sockname")
        ct, cp = await loop.create_datagram_endpoint(Collect, remote_addr=addr[:2])
        assert ct.get_extra_info("peername")[:2] == addr[:2]
        for i in range(50):
            ct.sendto(b"ping %d" % i)
            await cp.next()
        with pytest.raises(ValueError):
            ct.sendto(b"x", (host, 9))          # not the connected address
        with pytest.raises(TypeError):
            ct.sendto("text")
        ct.close()
        st.close()
        await cp.lost
        return cp.got, ct.get_extra_info("sockname")
    got, mine = run(main())
    assert [d for d, _ in got] == [b"PING %d" % i for i in range(50)]
    assert all(a[:2] == got[0][1][:2] for _, a in got)


def test_sendto_addresses_and_the_sender_address():
    async def main():
        loop = asyncio.get_running_loop()
        at, ap = await loop.create_datagram_endpoint(Collect, local_addr=("127.0.0.1", 0))
        bt, bp = await loop.create_datagram_endpoint(Collect, local_addr=("127.0.0.1", 0),
                                                     family=socket.AF_INET)
        a_addr = at.get_extra_info("sockname")
        b_addr = bt.get_extra_info("sockname")
        bt.sendto(b"one", a_addr)
        await ap.next()
        data, sender = ap.got[0]
        at.sendto(b"two", sender)               # answer where it came from
        await bp.next()
        bt.sendto(memoryview(b"three"), a_addr)
        bt.sendto(bytearray(b"four"), a_addr)
        while len(ap.got) < 3:
            await ap.next()
        at.close()
        bt.close()
        await ap.lost
        await bp.lost
        return ap.got, bp.got, a_addr, b_addr
    agot, bgot, a_addr, b_addr = run(main())
    assert agot[0] == (b"one", b_addr) and tuple(agot[0][1]) == b_addr
    assert bgot == [(b"two", a_addr)]
    assert [d for d, _ in agot[1:]] == [b"three", b"four"]


def test_sock_argument_and_extra_socket():
    async def main():
        loop = asyncio.get_running_loop()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        t, p = await loop.create_datagram_endpoint(Collect, sock=s)
        assert t.get_extra_info("socket").fileno() == s.fileno()
        assert t.get_extra_info("sockname") == s.getsockname()
        peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        peer.sendto(b"via sock", s.getsockname())
        await p.next()
        peer.close()
        t.close()
        await p.lost
        return p.got[0][0], s.fileno()
    data, fd = run(main())
    assert data == b"via sock" and fd == -1     # closed with the transport


def test_error_received_for_a_refused_datagram():
    async def main():
        loop = asyncio.get_running_loop()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()                                # nobody listens there now
        t, p = await loop.create_datagram_endpoint(
            Collect, remote_addr=("127.0.0.1", port))
        for _ in range(20):
            t.sendto(b"anyone?")
            try:
                await asyncio.wait_for(p.next(), 0.2)
            except asyncio.TimeoutError:
                continue
            if p.errors:
                break
        t.close()
        await p.lost
        return p.errors
    errors = run(main())
    assert errors and isinstance(errors[0], ConnectionRefusedError)


def test_close_and_abort_end_the_transport():
    async def main():
        loop = asyncio.get_running_loop()
        sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sink.bind(("127.0.0.1", 0))
        results = []
        for how in ("close", "abort"):
            t, p = await loop.create_datagram_endpoint(Collect, local_addr=("127.0.0.1", 0))
            t.sendto(b"sent", sink.getsockname())
            getattr(t, how)()
            assert t.is_closing()
            t.sendto(b"dropped", sink.getsockname())   # after close: ignored
            exc = await p.lost
            results.append((how, exc, p.events))
        sink.settimeout(5)
        got = [sink.recv(100), sink.recv(100)]
        sink.setblocking(False)
        with pytest.raises(BlockingIOError):
            sink.recv(100)
        sink.close()
        return results, got
    results, got = run(main())
    assert results == [("close", None, ["made", ("lost", None)]),
                       ("abort", None, ["made", ("lost", None)])]
    assert got == [b"sent", b"sent"]


def test_allow_broadcast_and_reuse_port():
    async def main():
        loop = asyncio.get_running_loop()
        t, p = await loop.create_datagram_endpoint(
            Collect, local_addr=("127.0.0.1", 0), allow_broadcast=True)
        sock = t.get_extra_info("socket")
        broadcast = sock.getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST)
        t.close()
        await p.lost
        out = [broadcast]
        if hasattr(socket, "SO_REUSEPORT"):
            a, ap = await loop.create_datagram_endpoint(
                Collect, local_addr=("127.0.0.1", 0), reuse_port=True)
            port = a.get_extra_info("sockname")[1]
            b, bp = await loop.create_datagram_endpoint(
                Collect, local_addr=("127.0.0.1", port), reuse_port=True)
            out.append(b.get_extra_info("sockname")[1] == port)
            a.close()
            b.close()
            await ap.lost
            await bp.lost
        return out
    out = run(main())
    assert out[0] != 0 and all(out[1:])


def test_unix_datagram_sockets_are_refused():
    async def main():
        loop = asyncio.get_running_loop()
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            with pytest.raises(NotImplementedError, match="UDP"):
                await loop.create_datagram_endpoint(Collect, sock=a)
        finally:
            a.close()
            b.close()
    run(main())
