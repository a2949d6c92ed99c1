"""A TCP echo server and its clients.

    python examples/tcp_echo.py                 # server and 3 clients in one loop
    python examples/tcp_echo.py server [PORT]   # a server until SIGINT/SIGTERM
    python examples/tcp_echo.py client PORT MESSAGE...

The server writes back whatever it reads.  A client connects, sends its
messages, shuts its writing side down (the server sees EOF and closes the
connection) and prints what came back.  Without arguments the server and
three clients share one loop on 127.0.0.1 and the program ends once every
client has its echo.
"""
import signal
import sys
from typing import Callable, List

import uv

S = uv.StatusCodes


def start_server(loop: uv.Loop, port: int = 0) -> uv.TCP:
    """Listen on 127.0.0.1:port; echo every read back to its sender."""

    def on_read(conn: uv.TCP, status: uv.StatusCodes, data: bytes) -> None:
        if status is S.SUCCESS:
            conn.write(data)
        else:                           # S.EOF, or an error status
            conn.close()

    def on_connection(server: uv.TCP, status: uv.StatusCodes) -> None:
        if status is not S.SUCCESS:
            print("server: accept failed: %s" % status.name)
            return
        conn = server.accept()
        conn.set_nodelay(True)
        conn.read_start(on_read)

    server = uv.TCP(loop=loop)
    server.bind(("127.0.0.1", port))
    server.listen(on_connection=on_connection)
    return server


def start_client(loop: uv.Loop, port: int, messages: List[bytes],
                 on_done: Callable[[bytes], object]) -> uv.TCP:
    """Connect to 127.0.0.1:port, send the messages, shut the writing side
    down, collect the echo until EOF; then call on_done(echo)."""
    client = uv.TCP(loop=loop)
    received = bytearray()

    def on_read(stream: uv.TCP, status: uv.StatusCodes, data: bytes) -> None:
        if status is S.SUCCESS:
            received.extend(data)
            return
        stream.close()
        on_done(bytes(received))

    def on_connect(request: uv.TCPConnectRequest, status: uv.StatusCodes) -> None:
        if status is not S.SUCCESS:
            print("client: connect failed: %s" % status.message)
            client.close()
            return
        client.read_start(on_read)
        for message in messages:
            client.write(message)
        client.shutdown()

    client.connect(("127.0.0.1", port), on_connect=on_connect)
    return client


def demo() -> int:
    loop = uv.Loop()
    server = start_server(loop)
    port = server.sockname.port
    print("server: listening on 127.0.0.1 (port %d)" % port)
    done: List[bool] = []

    def finished(name: str, messages: List[bytes]) -> Callable[[bytes], None]:
        def on_done(echo: bytes) -> None:
            ok = echo == b"".join(messages)
            print("%s: got %d bytes back, %s" % (name, len(echo), "intact" if ok else "WRONG"))
            done.append(ok)
            if len(done) == 3:
                server.close()          # the loop ends: nothing is left to do
        return on_done

    for i in range(3):
        messages = [b"client %d, message %d\n" % (i, j) for j in range(4)]
        start_client(loop, port, messages, finished("client %d" % i, messages))
    loop.run()
    loop.close()
    print("done: %d of 3 echoes intact" % sum(done))
    return 0 if all(done) else 1


def serve(port: int) -> int:
    loop = uv.Loop()
    server = start_server(loop, port)
    print("server: listening on 127.0.0.1 port %d" % server.sockname.port)
    sys.stdout.flush()

    def on_signal(handle: uv.Signal, signum: "uv.Signals | int") -> None:
        print("server: %s, closing" % uv.Signals(signum).name)
        loop.close_all_handles()        # every connection, the server, the signals

    for signum in (signal.SIGINT, signal.SIGTERM):
        uv.Signal(loop=loop, on_signal=on_signal).start(signum)
    loop.run()
    loop.close()
    print("server: done")
    return 0


def client(port: int, words: List[str]) -> int:
    loop = uv.Loop()
    result: List[bytes] = []
    start_client(loop, port, [w.encode() + b"\n" for w in words], result.append)
    loop.run()
    loop.close()
    if not result:
        return 1
    sys.stdout.write(result[0].decode())
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["server"]:
        sys.exit(serve(int(args[1]) if len(args) > 1 else 0))
    elif args[:1] == ["client"]:
        sys.exit(client(int(args[1]), args[2:]))
    sys.exit(demo())
