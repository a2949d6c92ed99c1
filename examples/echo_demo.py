"""A tour of uv on loopback: a TCP echo server and a client exchanging
messages, a timer, an idle handle, an Async woken from another thread, and a
signal handler that shuts everything down cleanly.

    python examples/echo_demo.py [MESSAGES]
"""
import os
import signal
import sys
import threading
import time
from typing import List

import uv


def main(count: int = 5) -> None:
    loop = uv.Loop()
    impl = "%s %s" % (sys.implementation.name, sys.version.split()[0])
    print("uv %s on %s, libuv %s" % (uv.__version__, impl, uv.uv_version.string))
    started = time.monotonic()

    def say(what: str) -> None:
        print("[%6.1f ms] %s" % ((time.monotonic() - started) * 1000, what))

    # -- the echo server ----------------------------------------------------
    server = uv.TCP(loop=loop)
    server.bind(("127.0.0.1", 0))

    def on_server_read(conn: uv.TCP, status: uv.StatusCodes, data: bytes) -> None:
        if status is not uv.StatusCodes.SUCCESS:
            say("server: client %s:%d ended (%s), closing it" % (conn.data + (status.name,)))
            conn.close()
            return
        conn.write(data)

    def on_connection(srv: uv.TCP, status: uv.StatusCodes) -> None:
        conn = srv.accept()
        conn.data = conn.peername
        say("server: accepted %s:%d" % conn.data)
        conn.read_start(on_server_read)

    server.listen(on_connection=on_connection)
    address = server.sockname
    say("server: listening on %s:%d" % (address.host, address.port))

    # -- the client ---------------------------------------------------------
    client = uv.TCP(loop=loop)
    messages = [("message %d" % i).encode() for i in range(count)]
    received = bytearray()
    replies: List[bytes] = []

    def on_client_read(stream: uv.TCP, status: uv.StatusCodes, data: bytes) -> None:
        if status is uv.StatusCodes.EOF:
            say("client: server closed the connection")
            stream.close()
            return
        received.extend(data)
        say("client: echo %r" % data)
        sent = sum(map(len, messages[:len(replies) + 1]))
        if len(received) == sent:
            replies.append(data)
            if len(replies) < count:           # ping-pong: the next message
                stream.write(messages[len(replies)])
                return
        if len(received) == sum(map(len, messages)):
            assert bytes(received) == b"".join(messages)
            say("client: all %d messages came back intact; shutting down "
                "the writing side" % count)
            stream.shutdown(lambda req, st: say("client: shutdown done (%s)" % st.name))

    def on_connect(request: uv.TCPConnectRequest, status: uv.StatusCodes) -> None:
        if status is not uv.StatusCodes.SUCCESS:
            say("client: connect failed: %s" % status.message)
            return
        say("client: connected from %s:%d" % (client.sockname.host, client.sockname.port))
        client.read_start(on_client_read)
        client.write(messages[0])

    client.connect(address, on_connect)

    # -- a timer, an idle handle, an Async from a thread ----------------------
    ticks: List[int] = []

    def on_tick(timer: uv.Timer) -> None:
        ticks.append(loop.now)
        say("timer: tick %d" % len(ticks))

    ticker = uv.Timer(loop=loop, on_timeout=on_tick)
    ticker.start(50, repeat=50)

    iterations = [0]

    def on_idle(idle: uv.Idle) -> None:
        iterations[0] += 1
        if iterations[0] == 1000:
            say("idle: 1000 loop iterations, stopping the idle handle")
            idle.stop()

    uv.Idle(loop=loop, on_idle=on_idle).start()

    def on_wakeup(handle: uv.Async) -> None:
        say("async: woken up by thread %r" % handle.data)
        handle.close()

    wakeup = uv.Async(loop=loop, on_wakeup=on_wakeup)

    def worker() -> None:
        time.sleep(0.08)
        wakeup.data = threading.current_thread().name
        wakeup.send()

    threading.Thread(target=worker, name="worker-1").start()

    # -- a signal handler for a clean shutdown --------------------------------
    def on_signal(handle: uv.Signal, signum: "uv.Signals | int") -> None:
        say("signal: got %s, closing all handles" % uv.Signals(signum).name)
        loop.close_all_handles()

    uv.Signal(loop=loop, on_signal=on_signal).start(signal.SIGTERM)
    quitter = uv.Timer(loop=loop)

    def on_quit(timer: uv.Timer) -> None:
        say("timer: sending SIGTERM to myself")
        os.kill(os.getpid(), signal.SIGTERM)

    quitter.start(300, on_timeout=on_quit)

    loop.run()
    say("loop: no handles left; %d ticks, %d bytes echoed" % (len(ticks), len(received)))
    loop.close()
    say("loop: closed")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
