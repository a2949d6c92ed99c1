"""uv.aio Unix sockets and pipes: create_unix_server/create_unix_connection
(paths, abstract names, sock=), and connect_read_pipe/connect_write_pipe
on real pipes, with flow control and the reader or writer going away.  No
descriptor, child or socket file is left behind (no_leaks, sockdir)."""
import asyncio
import os
import socket
import sys
import tempfile
import threading

import pytest

import uv.aio

from child import TIME_SCALE
from proc_support import no_leaks, sockdir  # noqa: F401


def run(coro, timeout=20):
    """Run *coro* on a new uv.aio loop with a time limit."""
    async def limited():
        assert isinstance(asyncio.get_running_loop(), uv.aio.Loop)
        return await asyncio.wait_for(coro, timeout * TIME_SCALE)
    return uv.aio.run(limited())


async def in_thread(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


async def echo(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()


def unix_client(address, n=20, size=3000):
    """A blocking client: n echo round trips."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10 * TIME_SCALE)
    try:
        s.connect(address)
        for i in range(n):
            msg = bytes([i]) * size
            s.sendall(msg)
            got = b""
            while len(got) < size:
                chunk = s.recv(65536)
                assert chunk, "closed early"
                got += chunk
            assert got == msg
        return True
    finally:
        s.close()


# ---------------------------------------------------------------- servers

def test_unix_stream_server_on_a_path(sockdir):
    path = os.path.join(sockdir, "srv.sock")

    async def main():
        srv = await asyncio.start_unix_server(echo, path)
        assert srv.sockets[0].getsockname() == path
        assert srv.is_serving()
        ok = await in_thread(unix_client, path)
        srv.close()
        await srv.wait_closed()
        return ok
    assert run(main()) is True
    # the socket file goes with the server
    assert not os.path.exists(path)


@pytest.mark.parametrize("kind", ["tcp", "unix"])
def test_a_protocol_factory_that_raises_loses_one_connection_only(kind, sockdir):
    """TCP and Unix listeners share their accept path: a protocol factory
    that raises reaches the exception handler ('Error on transport creation
    for incoming connection'), that connection is closed (the client sees
    its end, or a reset), and the server goes on serving the next one with its transport
    (Unix: the peer's name in its extra information)."""
    path = os.path.join(sockdir, "f.sock")
    errors = []
    seen = []

    class Echo(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport = transport
            seen.append(transport.get_extra_info("sockname"))

        def data_received(self, data):
            self.transport.write(data)

    calls = [0]

    def factory():
        calls[0] += 1
        if calls[0] == 1:
            raise ValueError("no protocol for the first one")
        return Echo()

    def client(address):
        family = socket.AF_UNIX if kind == "unix" else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(10 * TIME_SCALE)
        try:
            s.connect(address)
            try:
                s.sendall(b"ping")
                return s.recv(100)
            except (BrokenPipeError, ConnectionResetError):
                return b""             # closed before, or with "ping" unread
        finally:
            s.close()

    async def main():
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda loop, context: errors.append(context))
        if kind == "unix":
            srv = await loop.create_unix_server(factory, path)
            address = path
        else:
            srv = await loop.create_server(factory, "127.0.0.1", 0)
            address = srv.sockets[0].getsockname()
        first = await in_thread(client, address)
        second = await in_thread(client, address)
        srv.close()
        await srv.wait_closed()
        return first, second
    first, second = run(main())
    assert first == b""                      # closed: no protocol
    assert second == b"ping"
    assert [c["message"] for c in errors] == [
        "Error on transport creation for incoming connection"]
    assert isinstance(errors[0]["exception"], ValueError)
    assert seen == [path if kind == "unix" else seen[0]]
    if kind == "tcp":
        assert seen[0][0] == "127.0.0.1"


def test_unix_server_and_client_with_an_abstract_name():
    name = "\0uv-aio-test-%d" % os.getpid()

    async def main():
        srv = await asyncio.start_unix_server(echo, name)
        reader, writer = await asyncio.open_unix_connection(name)
        writer.write(b"abstract")
        got = await reader.readexactly(8)
        assert writer.get_extra_info("peername") == name.encode()
        writer.close()
        await writer.wait_closed()
        srv.close()
        await srv.wait_closed()
        return got
    assert run(main()) == b"abstract"


def test_unix_connection_to_a_path_and_its_extra_info(sockdir):
    path = os.path.join(sockdir, "c.sock")

    async def main():
        srv = await asyncio.start_unix_server(echo, path)
        reader, writer = await asyncio.open_unix_connection(path)
        t = writer.transport
        assert t.get_extra_info("peername") == path
        assert t.get_extra_info("sockname") == ""
        sock = t.get_extra_info("socket")
        assert sock.family == socket.AF_UNIX and sock.getpeername() == path
        data = os.urandom(300000)
        writer.write(data)
        got = await reader.readexactly(len(data))
        writer.write_eof()
        assert await reader.read() == b""
        writer.close()
        await writer.wait_closed()
        srv.close()
        await srv.wait_closed()
        return got == data
    assert run(main()) is True


def test_sock_arguments_take_over_sockets(sockdir):
    path = os.path.join(sockdir, "s.sock")

    async def main():
        loop = asyncio.get_running_loop()
        lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lsock.bind(path)
        srv = await asyncio.start_unix_server(echo, sock=lsock)
        a, b = socket.socketpair()
        got = []

        class Proto(asyncio.Protocol):
            def data_received(self, data):
                got.append(data)
        transport, _ = await loop.create_unix_connection(Proto, sock=a)
        assert transport.get_extra_info("socket").fileno() == a.fileno()
        b.sendall(b"from the pair")
        while not got:
            await asyncio.sleep(0.01)
        transport.close()
        for _ in range(100):
            if a.fileno() == -1:
                break
            await asyncio.sleep(0.01)
        assert a.fileno() == -1              # closed with the transport
        b.close()
        ok = await in_thread(unix_client, path, 3)
        srv.close()
        await srv.wait_closed()
        return got, ok
    got, ok = run(main())
    assert b"".join(got) == b"from the pair" and ok


def test_stale_socket_file_is_replaced(sockdir):
    path = os.path.join(sockdir, "stale.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.close()                                 # the file stays

    async def main():
        srv = await asyncio.start_unix_server(echo, path)
        ok = await in_thread(unix_client, path, 2)
        srv.close()
        await srv.wait_closed()
        return ok
    assert run(main()) is True


def test_unix_errors(sockdir):
    async def main():
        loop = asyncio.get_running_loop()
        with pytest.raises(FileNotFoundError):
            await asyncio.open_unix_connection(os.path.join(sockdir, "missing"))
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_unix_connection("\0uv-aio-nobody-%d" % os.getpid())
        with pytest.raises(ValueError):
            await loop.create_unix_connection(asyncio.Protocol)
        with pytest.raises(ValueError):
            await loop.create_unix_connection(asyncio.Protocol, "x", sock=object())
        with pytest.raises(ValueError):
            await loop.create_unix_connection(asyncio.Protocol, "x",
                                              server_hostname="h")
        with socket.socket() as tcp:
            with pytest.raises(ValueError):
                await loop.create_unix_connection(asyncio.Protocol, sock=tcp)
            with pytest.raises(ValueError):
                await loop.create_unix_server(asyncio.Protocol, sock=tcp)
        with pytest.raises(TypeError):
            await loop.create_unix_server(asyncio.Protocol, "x", ssl=True)
        with pytest.raises(ValueError):
            await loop.create_unix_server(asyncio.Protocol)
        with pytest.raises(OSError):
            await loop.create_unix_server(asyncio.Protocol,
                                          os.path.join(sockdir, "no", "dir"))
    run(main())


# ---------------------------------------------------------------- pipes

class PipeReader(asyncio.Protocol):
    def __init__(self):
        self.data = bytearray()
        self.events = []
        self.done = asyncio.get_event_loop().create_future()

    def connection_made(self, transport):
        self.events.append("made")

    def data_received(self, data):
        self.data += data

    def eof_received(self):
        self.events.append("eof")

    def connection_lost(self, exc):
        self.events.append(("lost", exc))
        self.done.set_result(None)


def test_connect_read_pipe_reads_to_eof():
    r, w = os.pipe()

    async def main():
        loop = asyncio.get_running_loop()
        rfile = os.fdopen(r, "rb", 0)
        transport, proto = await loop.connect_read_pipe(PipeReader, rfile)
        assert transport.get_extra_info("pipe") is rfile
        assert isinstance(transport, asyncio.ReadTransport)

        def writer():
            for i in range(100):
                os.write(w, bytes([i]) * 1000)
            os.close(w)
        await in_thread(writer)
        await proto.done
        assert rfile.closed                     # closed with the transport
        return bytes(proto.data), proto.events
    data, events = run(main())
    assert data == b"".join(bytes([i]) * 1000 for i in range(100))
    assert events == ["made", "eof", ("lost", None)]


def test_read_pipe_pause_and_resume():
    r, w = os.pipe()

    async def main():
        loop = asyncio.get_running_loop()
        transport, proto = await loop.connect_read_pipe(PipeReader, os.fdopen(r, "rb", 0))
        transport.pause_reading()
        assert not transport.is_reading()
        os.write(w, b"held")
        await asyncio.sleep(0.05)
        held = bytes(proto.data)
        transport.resume_reading()
        while not proto.data:
            await asyncio.sleep(0.01)
        transport.close()
        await proto.done
        os.close(w)
        return held, bytes(proto.data), proto.events
    held, data, events = run(main())
    assert held == b"" and data == b"held"
    assert events == ["made", ("lost", None)]


class PipeWriter(asyncio.Protocol):
    def __init__(self):
        self.events = []
        self.done = asyncio.get_event_loop().create_future()

    def pause_writing(self):
        self.events.append("pause")

    def resume_writing(self):
        self.events.append("resume")

    def connection_lost(self, exc):
        self.events.append(("lost", exc))
        self.done.set_result(exc)


def test_connect_write_pipe_with_flow_control_and_write_eof():
    r, w = os.pipe()
    got = []

    def reader():
        import time
        time.sleep(0.1)
        while True:
            chunk = os.read(r, 65536)
            if not chunk:
                break
            got.append(chunk)
        os.close(r)

    async def main():
        loop = asyncio.get_running_loop()
        transport, proto = await loop.connect_write_pipe(PipeWriter, os.fdopen(w, "wb", 0))
        assert isinstance(transport, asyncio.WriteTransport)
        assert transport.can_write_eof()
        t = threading.Thread(target=reader)
        t.start()
        for i in range(32):
            transport.write(bytes([i]) * 32768)
        assert transport.get_write_buffer_size() > 0
        transport.write_eof()
        await proto.done
        await in_thread(t.join)
        return proto.events
    events = run(main())
    assert b"".join(got) == b"".join(bytes([i]) * 32768 for i in range(32))
    assert events == ["pause", "resume", ("lost", None)]


@pytest.mark.parametrize("pending", [False, True])
def test_write_pipe_learns_that_its_reader_went_away(pending):
    r, w = os.pipe()

    async def main():
        loop = asyncio.get_running_loop()
        transport, proto = await loop.connect_write_pipe(PipeWriter, os.fdopen(w, "wb", 0))
        if pending:
            transport.write(b"z" * (1 << 20))        # more than the pipe holds
        await asyncio.sleep(0.01)
        os.close(r)
        exc = await proto.done
        return exc
    exc = run(main())
    if pending:
        assert isinstance(exc, BrokenPipeError)
    else:
        assert exc is None


def test_write_pipe_on_a_socket_pair():
    a, b = socket.socketpair()

    async def main():
        loop = asyncio.get_running_loop()
        transport, proto = await loop.connect_write_pipe(PipeWriter, a)
        transport.write(b"over a socket")
        data = await in_thread(b.recv, 100)
        b.close()                                 # the peer goes away
        await proto.done
        return data, a.fileno()
    data, fd = run(main())
    assert data == b"over a socket" and fd == -1   # the socket was closed


def test_pipe_transports_refuse_files():
    with tempfile.TemporaryFile() as f:
        async def main():
            loop = asyncio.get_running_loop()
            with pytest.raises(ValueError):
                await loop.connect_read_pipe(asyncio.Protocol, f)
            with pytest.raises(ValueError):
                await loop.connect_write_pipe(asyncio.Protocol, f)
        run(main())


def test_read_and_write_transports_on_one_pty():
    # a pty master is readable when the other side writes: that must not
    # look like the reader going away to the write transport
    import pty
    master, slave = pty.openpty()
    import tty
    tty.setraw(slave)

    async def main():
        loop = asyncio.get_running_loop()
        rfile = open(master, "rb", 0)
        wfile = open(master, "wb", 0, closefd=False)
        rt, rp = await loop.connect_read_pipe(PipeReader, rfile)
        wt, wp = await loop.connect_write_pipe(PipeWriter, wfile)
        os.write(slave, b"to master")
        while len(rp.data) < 9:
            await asyncio.sleep(0.01)
        wt.write(b"to slave")
        def read_slave():
            import select
            if select.select([slave], [], [], 5 * TIME_SCALE)[0]:
                return os.read(slave, 100)
            return b""
        got = await in_thread(read_slave)
        closing = wt.is_closing()
        wt.close()
        rt.close()
        await wp.done
        await rp.done
        return bytes(rp.data), got, closing, wp.events
    try:
        data, got, closing, events = run(main())
    finally:
        os.close(slave)
    assert data == b"to master" and got == b"to slave"
    assert not closing and events == [("lost", None)]
