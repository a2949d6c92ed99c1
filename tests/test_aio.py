"""uv.aio: asyncio on libuv.  Scheduling and lifecycle, TCP servers and
transports, TLS, threads and executors, signals, on every interpreter."""
import asyncio
import contextvars
import gc
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

import pytest

import uv
import uv.aio

from child import TIME_SCALE, check_child


def run(coro, timeout=20):
    """Run *coro* on a new uv.aio loop with a time limit."""
    async def limited():
        return await asyncio.wait_for(coro, timeout * TIME_SCALE)
    return uv.aio.run(limited())


def client_roundtrips(port, n, size=1000):
    """A blocking client in a thread: n echo round trips of size bytes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10 * TIME_SCALE)
    try:
        for _ in range(n):
            s.sendall(b"x" * size)
            got = 0
            while got < size:
                chunk = s.recv(65536)
                if not chunk:
                    raise AssertionError("closed early")
                got += len(chunk)
        return True
    finally:
        s.close()


async def in_thread(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


# ---------------------------------------------------------------- the loop

def test_new_event_loop_is_a_uv_loop():
    loop = uv.aio.new_event_loop()
    try:
        assert isinstance(loop, uv.aio.Loop)
        assert isinstance(loop, asyncio.AbstractEventLoop)
        assert not loop.is_running() and not loop.is_closed()
        assert "Loop" in repr(loop)
    finally:
        loop.close()
    assert loop.is_closed()
    loop.close()                      # idempotent


def test_run_returns_the_result_and_closes_the_loop():
    seen = []

    async def main():
        seen.append(asyncio.get_running_loop())
        await asyncio.sleep(0)
        return 42

    assert uv.aio.run(main()) == 42
    assert isinstance(seen[0], uv.aio.Loop) and seen[0].is_closed()


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.Runner is 3.11+")
def test_runner_loop_factory():
    with asyncio.Runner(loop_factory=uv.aio.new_event_loop) as runner:
        assert runner.run(asyncio.sleep(0, "ok")) == "ok"
        assert isinstance(runner.get_loop(), uv.aio.Loop)


def test_policy_makes_uv_loops():
    if sys.version_info >= (3, 14):
        with pytest.warns(DeprecationWarning):       # as asyncio's policies
            policy = uv.aio.EventLoopPolicy()
    else:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            policy = uv.aio.EventLoopPolicy()
    loop = policy.new_event_loop()
    try:
        assert isinstance(loop, uv.aio.Loop)
    finally:
        loop.close()


def test_call_soon_order_and_arguments():
    async def main():
        loop = asyncio.get_running_loop()
        out = []
        for i in range(100):
            loop.call_soon(out.append, i)
        await asyncio.sleep(0)
        return out
    assert run(main()) == list(range(100))


def test_timers_never_fire_early():
    async def main():
        loop = asyncio.get_running_loop()
        lateness = []
        done = loop.create_future()
        for delay in (0.0005, 0.001, 0.0017, 0.003, 0.01, 0.02):
            want = loop.time() + delay

            def fired(want=want):
                lateness.append(loop.time() - want)
                if len(lateness) == 6:
                    done.set_result(None)
            loop.call_at(want, fired)
        await done
        return lateness
    lateness = run(main())
    assert min(lateness) >= 0, lateness


def _spin_until(loop, stop, start=None, limit=200000):
    """Run a chain of call_soon callbacks (every select() of the loop is then
    a non-blocking one) until stop() is true; call start() at the 100th
    callback.  Returns how many callbacks ran (limit + 1: stop() never
    became true)."""
    count = [0]
    done = loop.create_future()

    def spin():
        count[0] += 1
        if count[0] == 100 and start is not None:
            start()
        if stop() or count[0] > limit:
            done.set_result(count[0])
        else:
            loop.call_soon(spin)
    loop.call_soon(spin)
    return loop.run_until_complete(asyncio.wait_for(done, 20 * TIME_SCALE))


def test_a_reader_added_while_callbacks_keep_the_loop_busy_is_called():
    """Data already waiting on a file descriptor whose reader is added
    during a busy chain of callbacks is seen at the next iteration, as a
    selector loop sees it.  (libuv adds a watcher started since its last
    poll to its epoll set in the next poll: a select() that skipped libuv's
    iteration whenever its epoll fd is not readable would never see it;
    such a select() was tried, and these tests failed on it.)"""
    loop = uv.aio.new_event_loop()
    a, b = socket.socketpair()
    seen = []
    try:
        b.send(b"x")

        def readable():
            seen.append(a.recv(1))
            loop.remove_reader(a.fileno())
        n = _spin_until(loop, lambda: seen,
                        start=lambda: loop.add_reader(a.fileno(), readable))
        assert seen == [b"x"]
        assert n < 110, "the reader ran only after %d callbacks" % n
    finally:
        a.close()
        b.close()
        loop.close()


def test_io_and_wakeups_reach_a_loop_kept_busy_by_callbacks():
    """Data arriving on a connection and call_soon_threadsafe() from
    another thread reach a loop whose ready queue never empties (every
    select() is a non-blocking one)."""
    loop = uv.aio.new_event_loop()
    a, b = socket.socketpair()
    got = []
    woken = []

    class Proto(asyncio.Protocol):
        def data_received(self, data):
            got.append(data)
    try:
        transport, _ = loop.run_until_complete(
            loop.connect_accepted_socket(Proto, a))

        def later():
            time.sleep(0.05)
            b.send(b"data")
            time.sleep(0.05)
            loop.call_soon_threadsafe(woken.append, 1)
        thread = threading.Thread(target=later)
        n = _spin_until(loop, lambda: got and woken, start=thread.start,
                        limit=10 ** 7)
        thread.join()
        assert got == [b"data"] and woken == [1], (got, woken, n)
        transport.close()
        loop.run_until_complete(asyncio.sleep(0))
    finally:
        a.close()
        b.close()
        loop.close()


def test_short_wait_after_a_busy_callback_ends():
    """A wait of a millisecond or two that starts after a callback kept
    the loop busy for longer than that: the wait must end.  (libuv before
    1.45 runs UV_RUN_ONCE's timers before its poll: select()'s timer, due
    by the loop's cached time, expired there and left the poll waiting for
    an event that never came.)  A thread stops a stuck loop, which the test
    reports as a failure, not a hang."""
    loop = uv.aio.new_event_loop()
    waits = []

    async def main():
        for _ in range(30):
            t = time.monotonic()
            while time.monotonic() - t < 0.004:    # busy: 4 ms
                pass
            t = time.monotonic()
            await asyncio.sleep(0.0005 + 0.0001 * (_ % 15))
            waits.append(time.monotonic() - t)
        return "finished"

    stuck = threading.Event()

    def guard():
        if not finished.wait(10 * TIME_SCALE):
            stuck.set()
            loop.call_soon_threadsafe(loop.stop)

    finished = threading.Event()
    thread = threading.Thread(target=guard)
    thread.start()
    try:
        task = loop.create_task(main())
        try:
            loop.run_until_complete(task)
        except RuntimeError:           # stopped by the guard
            pass
        finally:
            finished.set()
            thread.join()
        assert not stuck.is_set(), "a wait never ended after %d waits" % len(waits)
        assert task.result() == "finished"
    finally:
        if not task.done():
            task.cancel()
            loop.run_until_complete(asyncio.gather(task, return_exceptions=True))
        loop.close()


def test_time_is_monotonic_with_microseconds():
    async def main():
        loop = asyncio.get_running_loop()
        a = loop.time()
        await asyncio.sleep(0.002)
        b = loop.time()
        return a, b
    a, b = run(main())
    assert b - a >= 0.002
    assert abs(time.monotonic() - b) < 5 * TIME_SCALE


def test_call_later_cancel():
    async def main():
        loop = asyncio.get_running_loop()
        fired = []
        h = loop.call_later(0.01, fired.append, 1)
        h.cancel()
        await asyncio.sleep(0.03)
        return fired, h.cancelled()
    assert run(main()) == ([], True)


def test_stop_and_run_forever():
    loop = uv.aio.new_event_loop()
    try:
        loop.call_later(0.01, loop.stop)
        loop.run_forever()
        assert not loop.is_running()
        loop.call_soon(loop.stop)
        loop.run_forever()               # runs again
    finally:
        loop.close()


def test_running_a_running_loop_raises():
    async def main():
        loop = asyncio.get_running_loop()
        coro = asyncio.sleep(0)
        with pytest.raises(RuntimeError):
            loop.run_until_complete(coro)
        coro.close()
        with pytest.raises(RuntimeError):
            loop.close()
    run(main())


def test_tasks_futures_and_gather():
    async def square(x):
        await asyncio.sleep(0.001 * x)
        return x * x

    async def main():
        return await asyncio.gather(*(square(i) for i in range(10)))
    assert run(main()) == [i * i for i in range(10)]


def test_contextvars_follow_callbacks():
    var = contextvars.ContextVar("var", default="unset")

    async def main():
        loop = asyncio.get_running_loop()
        var.set("main")
        seen = loop.create_future()
        ctx = contextvars.copy_context()
        ctx.run(var.set, "other")
        loop.call_soon(lambda: seen.set_result(var.get()), context=ctx)
        return await seen, var.get()
    assert run(main()) == ("other", "main")


def test_exception_handler_gets_callback_errors():
    async def main():
        loop = asyncio.get_running_loop()
        got = []
        loop.set_exception_handler(lambda lp, ctx: got.append(ctx))

        def boom():
            raise ValueError("boom")
        loop.call_soon(boom)
        await asyncio.sleep(0.01)
        return got
    got = run(main())
    assert len(got) == 1 and isinstance(got[0]["exception"], ValueError)


def test_debug_mode():
    async def main():
        return asyncio.get_running_loop().get_debug()
    assert uv.aio.run(main(), debug=True) is True


def test_async_generators_are_finalized():
    closed = []

    async def agen():
        try:
            for i in range(10):
                yield i
        finally:
            closed.append(True)

    async def main():
        async for i in agen():
            if i == 2:
                break
    run(main())
    assert closed == [True]


def test_call_soon_threadsafe_wakes_a_waiting_loop():
    async def main():
        loop = asyncio.get_running_loop()
        fut = loop.create_future()

        def other():
            time.sleep(0.05)
            loop.call_soon_threadsafe(fut.set_result, "woken")
        t = threading.Thread(target=other)
        t.start()
        result = await fut               # nothing else wakes the loop
        t.join()
        return result
    assert run(main()) == "woken"


def test_run_in_executor_and_to_thread():
    async def main():
        loop = asyncio.get_running_loop()
        a = await loop.run_in_executor(None, sum, [1, 2, 3])
        if hasattr(asyncio, "to_thread"):
            b = await asyncio.to_thread(threading.get_ident)
            assert b != threading.get_ident()
        return a
    assert run(main()) == 6


def test_run_coroutine_threadsafe():
    loop = uv.aio.new_event_loop()
    t = threading.Thread(target=loop.run_forever)
    t.start()
    try:
        fut = asyncio.run_coroutine_threadsafe(asyncio.sleep(0.01, "done"), loop)
        assert fut.result(10 * TIME_SCALE) == "done"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        t.join(10 * TIME_SCALE)
        loop.close()


# ---------------------------------------------------------------- TCP serving

async def echo_handler(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()


def test_stream_server_echoes_to_a_blocking_client():
    async def main():
        srv = await asyncio.start_server(echo_handler, "127.0.0.1", 0)
        port = srv.sockets[0].getsockname()[1]
        ok = await in_thread(client_roundtrips, port, 200)
        srv.close()
        await srv.wait_closed()
        return ok
    assert run(main()) is True


def test_protocol_server_and_transport_api():
    events = []

    class Proto(asyncio.Protocol):
        def connection_made(self, transport):
            self.t = transport
            events.append(("made", transport.get_extra_info("peername")[0]))

        def data_received(self, data):
            events.append(("data", data))
            self.t.write(data.upper())
            if data.endswith(b"!"):
                self.t.write_eof()

        def eof_received(self):
            events.append("eof")

        def connection_lost(self, exc):
            events.append(("lost", exc))

    async def main():
        loop = asyncio.get_running_loop()
        srv = await loop.create_server(Proto, "127.0.0.1", 0)
        port = srv.sockets[0].getsockname()[1]

        def client():
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"hello!")
            data = b""
            while True:
                chunk = s.recv(100)
                if not chunk:
                    break
                data += chunk
            s.close()
            return data
        data = await in_thread(client)
        for _ in range(100):
            if events and events[-1][0] == "lost":
                break
            await asyncio.sleep(0.01)
        srv.close()
        await srv.wait_closed()
        return data
    assert run(main()) == b"HELLO!"
    assert events[0] == ("made", "127.0.0.1")
    assert ("data", b"hello!") in events and "eof" in events
    assert events[-1] == ("lost", None)


def test_transport_extra_info_socket_is_a_real_socket():
    async def main():
        loop = asyncio.get_running_loop()
        got = loop.create_future()

        class Proto(asyncio.Protocol):
            def connection_made(self, transport):
                sock = transport.get_extra_info("socket")
                got.set_result((sock.getsockname(), transport.get_extra_info("sockname"),
                                sock.family, isinstance(transport, asyncio.Transport)))
                transport.close()
        srv = await loop.create_server(Proto, "127.0.0.1", 0)
        port = srv.sockets[0].getsockname()[1]
        s = socket.create_connection(("127.0.0.1", port))
        result = await got
        s.close()
        srv.close()
        await srv.wait_closed()
        return result, port
    (sockname, extra, family, is_transport), port = run(main())
    assert sockname == extra == ("127.0.0.1", port)
    assert family == socket.AF_INET and is_transport


def test_flow_control_pauses_and_resumes_writing():
    states = []

    class Writer(asyncio.Protocol):
        def connection_made(self, transport):
            self.t = transport
            transport.set_write_buffer_limits(high=64 * 1024)
            for _ in range(64):
                transport.write(b"z" * 65536)   # 4 MiB to a peer that waits
            states.append(("size", transport.get_write_buffer_size()))

        def pause_writing(self):
            states.append("pause")

        def resume_writing(self):
            states.append("resume")
            self.t.close()

    async def main():
        loop = asyncio.get_running_loop()
        srv = await loop.create_server(Writer, "127.0.0.1", 0)
        port = srv.sockets[0].getsockname()[1]

        def slow_reader():
            s = socket.create_connection(("127.0.0.1", port))
            time.sleep(0.2)
            total = 0
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                total += len(chunk)
            s.close()
            return total
        total = await in_thread(slow_reader)
        srv.close()
        await srv.wait_closed()
        return total
    assert run(main()) == 64 * 65536
    assert states[0] == "pause" and states[2] == "resume" and len(states) == 3
    assert states[1][0] == "size" and states[1][1] > 64 * 1024


def test_buffered_protocol_gets_its_buffer_filled():
    got = bytearray()

    class Proto(asyncio.BufferedProtocol):
        def connection_made(self, transport):
            self.buf = bytearray(7)          # smaller than what arrives

        def get_buffer(self, sizehint):
            return self.buf

        def buffer_updated(self, nbytes):
            got.extend(self.buf[:nbytes])

        def eof_received(self):
            return False

    async def main():
        loop = asyncio.get_running_loop()
        srv = await loop.create_server(Proto, "127.0.0.1", 0)
        port = srv.sockets[0].getsockname()[1]

        def client():
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(bytes(range(256)) * 40)
            s.shutdown(socket.SHUT_WR)
            s.recv(1)
            s.close()
        await in_thread(client)
        srv.close()
        await srv.wait_closed()
    run(main())
    assert bytes(got) == bytes(range(256)) * 40


def test_what_resume_writing_writes_after_close_arrives():
    """A protocol that holds data back while writing is paused (asyncio's
    SSL protocol does: its TLS stream, then close_notify) writes it from
    resume_writing(), after close(): all of it arrives before the end (it
    used to be dropped: the transport closed as soon as the first data was
    out)."""
    first = b"f" * (8 << 20)
    held = b"h" * (8 << 20)

    class Holder(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport = transport
            self.lost = asyncio.get_running_loop().create_future()
            self.held = held
            transport.set_write_buffer_limits(high=65536)
            transport.write(first)     # more than the socket takes: paused
            transport.close()

        def resume_writing(self):
            if self.held:
                self.transport.write(self.held)
                self.held = None

        def connection_lost(self, exc):
            self.lost.set_result(exc)

    def receive(port):
        s = socket.create_connection(("127.0.0.1", port), timeout=20 * TIME_SCALE)
        try:
            time.sleep(0.2)            # let the server's writes pile up
            got = bytearray()
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    return bytes(got)
                got += chunk
        finally:
            s.close()

    protocols = []

    def factory():
        p = Holder()
        protocols.append(p)
        return p

    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(factory, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        got = await in_thread(receive, port)
        exc = await protocols[0].lost
        server.close()
        await server.wait_closed()
        return got, exc

    got, exc = run(main())
    assert exc is None
    assert len(got) == len(first) + len(held)
    assert got == first + held


def test_abort_drops_queued_data_and_reports_lost():
    lost = []

    class Proto(asyncio.Protocol):
        def connection_made(self, transport):
            for _ in range(64):
                transport.write(b"q" * 65536)
            transport.abort()

        def connection_lost(self, exc):
            lost.append(exc)

    async def main():
        loop = asyncio.get_running_loop()
        srv = await loop.create_server(Proto, "127.0.0.1", 0)
        port = srv.sockets[0].getsockname()[1]
        s = socket.create_connection(("127.0.0.1", port))
        for _ in range(200):
            if lost:
                break
            await asyncio.sleep(0.01)
        s.close()
        srv.close()
        await srv.wait_closed()
    run(main())
    assert lost == [None]


def test_server_close_stops_accepting():
    async def main():
        srv = await asyncio.start_server(echo_handler, "127.0.0.1", 0)
        port = srv.sockets[0].getsockname()[1]
        srv.close()
        await srv.wait_closed()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5)
    run(main())


def test_many_connections_are_served():
    async def main():
        srv = await asyncio.start_server(echo_handler, "127.0.0.1", 0)
        port = srv.sockets[0].getsockname()[1]
        results = await asyncio.gather(*(in_thread(client_roundtrips, port, 20, 100)
                                         for _ in range(20)))
        srv.close()
        await srv.wait_closed()
        return results
    assert run(main()) == [True] * 20


def test_ipv6_server():
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")

    async def main():
        srv = await asyncio.start_server(echo_handler, "::1", 0)
        port = srv.sockets[0].getsockname()[1]

        def client():
            s = socket.create_connection(("::1", port))
            s.sendall(b"six")
            data = s.recv(10)
            s.close()
            return data
        data = await in_thread(client)
        srv.close()
        await srv.wait_closed()
        return data
    assert run(main()) == b"six"


# ---------------------------------------------------------------- TLS

@pytest.fixture(scope="module")
def certificate():
    d = tempfile.mkdtemp()
    key, cert = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "1", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield key, cert
    for f in (key, cert):
        os.unlink(f)
    os.rmdir(d)


def test_tls_server_with_a_blocking_tls_client(certificate):
    key, cert = certificate

    async def main():
        server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_ctx.load_cert_chain(cert, key)
        srv = await asyncio.start_server(echo_handler, "127.0.0.1", 0, ssl=server_ctx)
        port = srv.sockets[0].getsockname()[1]

        def client():
            ctx = ssl.create_default_context(cafile=cert)
            with socket.create_connection(("127.0.0.1", port)) as raw:
                with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                    s.sendall(b"secret")
                    data = s.recv(100)
                    return data, s.version()
        data, version = await in_thread(client)
        srv.close()
        await srv.wait_closed()
        return data, version
    data, version = run(main())
    assert data == b"secret" and version in ("TLSv1.2", "TLSv1.3")


# ---------------------------------------------------------------- signals

def test_add_signal_handler_runs_the_callback_on_the_loop():
    out = check_child('''
        import asyncio, signal, uv.aio
        async def main():
            loop = asyncio.get_running_loop()
            got = loop.create_future()
            loop.add_signal_handler(signal.SIGUSR1, got.set_result, "usr1")
            loop.call_later(0.05, os.kill, os.getpid(), signal.SIGUSR1)
            result = await asyncio.wait_for(got, 10)
            assert loop.remove_signal_handler(signal.SIGUSR1)
            assert not loop.remove_signal_handler(signal.SIGUSR1)
            return result
        print(uv.aio.run(main()))
    ''')
    assert out.strip() == "usr1"


def test_ctrl_c_raises_keyboard_interrupt_out_of_run():
    # the loop waits in libuv with nothing to do: SIGINT must still end it
    out = check_child('''
        import asyncio, signal, threading, time, uv.aio
        def later():
            time.sleep(0.2)
            os.kill(os.getpid(), signal.SIGINT)
        threading.Thread(target=later, daemon=True).start()
        async def main():
            await asyncio.sleep(30)
        try:
            uv.aio.run(main())
        except KeyboardInterrupt:
            print("interrupted")
    ''')
    assert out.strip() == "interrupted"


def test_signal_handler_bad_input():
    async def main():
        loop = asyncio.get_running_loop()
        with pytest.raises(TypeError):
            loop.add_signal_handler("SIGUSR1", print)
        with pytest.raises(ValueError):
            loop.add_signal_handler(99999, print)
        with pytest.raises(RuntimeError):
            loop.add_signal_handler(signal.SIGKILL, print)
        with pytest.raises(TypeError):
            async def coro():
                pass
            loop.add_signal_handler(signal.SIGUSR1, coro)
    run(main())


# ---------------------------------------------------------------- lifetime

def test_closing_the_loop_gives_back_its_fds(fd_count):
    gc.collect()
    before = fd_count()

    async def main():
        srv = await asyncio.start_server(echo_handler, "127.0.0.1", 0)
        port = srv.sockets[0].getsockname()[1]
        await in_thread(client_roundtrips, port, 5)
        srv.close()
        await srv.wait_closed()
    for _ in range(3):
        run(main())
    gc.collect()
    assert fd_count() == before


# ---------------------------------------------------------------- connecting, readiness, sock_*

def test_create_connection_by_name_to_a_uv_server():
    """create_connection resolves 'localhost' (getaddrinfo on libuv's pool),
    connects with sock_connect, and talks to a uv.aio server."""
    async def main():
        async def handle(reader, writer):
            writer.write((await reader.readline()).upper())
            await writer.drain()
            writer.close()
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("localhost", port)
        writer.write(b"over uv\n")
        line = await reader.readline()
        sock = writer.get_extra_info("socket")
        nodelay = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        writer.close()
        server.close()
        await server.wait_closed()
        return line, nodelay
    line, nodelay = run(main())
    assert line == b"OVER UV\n"
    assert nodelay


def test_create_connection_refused_raises():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()                                    # nothing listens there

    async def main():
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection("127.0.0.1", port)
    run(main())


def test_getaddrinfo_and_getnameinfo_match_the_socket_module():
    async def main():
        loop = asyncio.get_running_loop()
        got = await loop.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM)
        numeric = await loop.getaddrinfo("127.0.0.1", "80", proto=socket.IPPROTO_TCP)
        name = await loop.getnameinfo(("127.0.0.1", 80))
        with pytest.raises(socket.gaierror) as info:
            await loop.getaddrinfo("no-such-host.invalid", 80)
        with pytest.raises(TypeError):
            await loop.getaddrinfo("localhost", 80, family="x")
        return got, numeric, name, info.value
    got, numeric, name, error = run(main())
    assert got == socket.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM)
    assert numeric == socket.getaddrinfo("127.0.0.1", "80", proto=socket.IPPROTO_TCP)
    assert isinstance(got[0][0], socket.AddressFamily)
    assert name == socket.getnameinfo(("127.0.0.1", 80), 0)
    assert error.errno in (socket.EAI_NONAME, getattr(socket, "EAI_AGAIN", None))


def test_add_reader_and_add_writer_on_a_socket_pair():
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)

    async def main():
        loop = asyncio.get_running_loop()
        readable = loop.create_future()
        loop.add_reader(a, lambda: readable.done() or readable.set_result(a.recv(100)))
        writable = loop.create_future()
        loop.add_writer(b.fileno(), lambda: writable.done() or writable.set_result(True))
        assert await writable
        assert loop.remove_writer(b) is True
        assert loop.remove_writer(b) is False
        b.send(b"ping")
        data = await readable
        # a second add_reader replaces the first
        second = loop.create_future()
        loop.add_reader(a, lambda: second.done() or second.set_result(a.recv(100)))
        b.send(b"again")
        data2 = await second
        assert loop.remove_reader(a.fileno()) is True
        assert loop.remove_reader(a) is False
        with pytest.raises(ValueError):
            loop.add_reader(-1, print)
        with pytest.raises(ValueError):
            loop.add_reader(object(), print)
        return data, data2
    try:
        assert run(main()) == (b"ping", b"again")
    finally:
        a.close()
        b.close()


def test_reader_of_a_closed_fd_runs_and_meets_the_error():
    """An fd closed under add_reader: the reader runs (as after a selector
    reports the fd ready) and its own call meets the error; no crash."""
    a, b = socket.socketpair()

    async def main():
        loop = asyncio.get_running_loop()
        seen = loop.create_future()

        def reader():
            try:
                os.fstat(fd)
            except OSError as exc:
                if not seen.done():
                    seen.set_result(exc.errno)
        fd = a.fileno()
        loop.add_reader(fd, reader)
        a.close()
        result = await seen
        loop.remove_reader(fd)
        return result
    try:
        assert run(main()) == 9                 # EBADF
    finally:
        b.close()


def test_add_reader_on_a_transport_fd_is_refused():
    async def main():
        loop = asyncio.get_running_loop()
        server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        fd = writer.get_extra_info("socket").fileno()
        native_fd = writer.transport._n.fileno()
        with pytest.raises(RuntimeError):
            loop.add_reader(native_fd, print)
        writer.close()
        server.close()
        await server.wait_closed()
        return fd
    run(main())


def test_sock_methods_move_data_and_accept_connections():
    async def main():
        loop = asyncio.get_running_loop()
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        client = socket.socket()
        client.setblocking(False)
        accepting = loop.create_task(loop.sock_accept(listener))
        await loop.sock_connect(client, listener.getsockname())
        conn, address = await accepting
        assert address == client.getsockname()
        assert conn.gettimeout() == 0
        big = os.urandom(3 << 20)               # more than the socket buffers
        sending = loop.create_task(loop.sock_sendall(client, big))
        got = bytearray()
        buf = bytearray(65536)
        while len(got) < len(big):
            n = await loop.sock_recv_into(conn, buf)
            got += buf[:n]
        await sending
        await loop.sock_sendall(conn, b"tail")
        tail = await loop.sock_recv(client, 10)
        for s in (listener, client, conn):
            s.close()
        return bytes(got) == big, tail
    assert run(main()) == (True, b"tail")


def test_sock_recv_cancelled_then_again():
    """A cancelled sock_recv leaves no watch behind that steals the next
    one's wake-up."""
    a, b = socket.socketpair()
    a.setblocking(False)

    async def main():
        loop = asyncio.get_running_loop()
        first = loop.create_task(loop.sock_recv(a, 10))
        await asyncio.sleep(0)
        first.cancel()
        second = loop.create_task(loop.sock_recv(a, 10))
        await asyncio.sleep(0)
        b.send(b"data")
        return await second
    try:
        assert run(main()) == b"data"
    finally:
        a.close()
        b.close()


def test_udp_sock_sendto_and_recvfrom():
    async def main():
        loop = asyncio.get_running_loop()
        r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        r.bind(("127.0.0.1", 0))
        r.setblocking(False)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        receiving = loop.create_task(loop.sock_recvfrom(r, 100))
        await asyncio.sleep(0)
        await loop.sock_sendto(s, b"dgram", r.getsockname())
        data, address = await receiving
        ok = address[1] == s.getsockname()[1]
        r.close()
        s.close()
        return data, ok
    assert run(main()) == (b"dgram", True)


def test_sendfile_on_a_transport_and_on_a_socket(tmp_path):
    """loop.sendfile on a uv.aio transport (os.sendfile, native) and
    loop.sock_sendfile; the file position ends after what was sent."""
    data = os.urandom(1 << 20) + b"end"
    path = tmp_path / "payload"
    path.write_bytes(data)

    async def main():
        loop = asyncio.get_running_loop()
        received = loop.create_future()
        chunks = []

        class Sink(asyncio.Protocol):
            def data_received(self, chunk):
                chunks.append(chunk)

            def eof_received(self):
                received.set_result(b"".join(chunks))
        server = await loop.create_server(Sink, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        transport, _ = await loop.create_connection(asyncio.Protocol, "127.0.0.1", port)
        with open(path, "rb") as f:
            transport.write(b"head:")
            sent = await loop.sendfile(transport, f, offset=10, count=500000)
            position = f.tell()
            with pytest.raises(RuntimeError):
                loop.add_reader(transport._n.fileno(), print)
        transport.write_eof()
        got = await received
        transport.close()
        # sock_sendfile on a plain socket
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        client = socket.socket()
        client.setblocking(False)
        accepting = loop.create_task(loop.sock_accept(listener))
        await loop.sock_connect(client, listener.getsockname())
        conn, _ = await accepting
        with open(path, "rb") as f:
            sent2 = await loop.sock_sendfile(client, f)
        client.close()
        got2 = bytearray()
        while True:
            chunk = await loop.sock_recv(conn, 1 << 16)
            if not chunk:
                break
            got2 += chunk
        conn.close()
        listener.close()
        server.close()
        await server.wait_closed()
        return sent, position, got, sent2, bytes(got2)
    sent, position, got, sent2, got2 = run(main())
    assert sent == 500000 and position == 500010
    assert got == b"head:" + data[10:500010]
    assert sent2 == len(data) and got2 == data
