"""A server run by several processes that share one listening socket.

    python examples/multiprocess_server.py [WORKERS [CLIENTS]]

The parent binds a TCP socket on 127.0.0.1 and never accepts on it: it
starts WORKERS (default 2) copies of this program, each with an IPC pipe as
its stdin, and sends the listening socket over each pipe
(``pipe.write(data, send_stream=server)``).  Every worker receives the
socket (``pipe.pending_accept()``), listens on it and accepts connections,
so the kernel spreads the clients over the workers.  Each connection is
answered with ``"worker PID: "`` and the echo of the request.

The parent then connects CLIENTS (default 8) clients, prints which worker
served each, and closes the IPC pipes: the workers see EOF, close their
socket and exit; the program ends once they have.

(``python examples/multiprocess_server.py worker`` is what a worker runs.)
"""
import os
import sys
import time
from typing import Dict, List, cast

import uv

S = uv.StatusCodes


def worker() -> None:
    loop = uv.Loop()
    pid = os.getpid()
    channel = uv.Pipe(ipc=True, loop=loop)
    channel.open(0)                     # stdin: the IPC pipe from the parent
    servers: List[uv.TCP] = []

    def on_request(conn: uv.TCP, status: uv.StatusCodes, data: bytes) -> None:
        if status is S.SUCCESS:
            conn.write(b"worker %d: %s" % (pid, data))
            time.sleep(0.02)            # a stand-in for real work: the other
            conn.shutdown()             # workers accept meanwhile
        else:
            conn.close()

    def on_connection(server: uv.TCP, status: uv.StatusCodes) -> None:
        if status is S.SUCCESS:
            server.accept().read_start(on_request)

    def on_message(pipe: uv.Pipe, status: uv.StatusCodes, data: bytes) -> None:
        if status is not S.SUCCESS:     # the parent closed the pipe: stop
            pipe.close()
            for server in servers:
                server.close()
            return
        while pipe.pending_count:       # a handle came with the data
            server = cast(uv.TCP, pipe.pending_accept())
            server.listen(on_connection=on_connection)
            servers.append(server)
            pipe.write(b"ready\n")

    channel.read_start(on_message)
    loop.run()
    loop.close()


def parent(workers: int, clients: int) -> int:
    loop = uv.Loop()
    server = uv.TCP(loop=loop)
    server.bind(("127.0.0.1", 0))
    port = server.sockname.port
    print("parent: listening socket on 127.0.0.1, %d workers, %d clients" % (workers, clients))
    procs: List[uv.Process] = []
    ready: List[bytes] = []
    served: Dict[str, List[int]] = {}

    def on_worker_exit(proc: uv.Process, returncode: int, signum: "uv.Signals | int") -> None:
        print("parent: a worker exited with status %d" % returncode)
        proc.close()

    def on_worker_message(pipe: uv.Pipe, status: uv.StatusCodes, data: bytes) -> None:
        if status is not S.SUCCESS:
            pipe.close()
            return
        ready.append(data)
        if len(ready) == workers:
            server.close()              # only the workers hold the socket now
            for i in range(clients):
                connect(i)

    def connect(i: int) -> None:
        client = uv.TCP(loop=loop)
        answer = bytearray()

        def on_read(stream: uv.TCP, status: uv.StatusCodes, data: bytes) -> None:
            if status is S.SUCCESS:
                answer.extend(data)
                return
            stream.close()
            head, _, echo = bytes(answer).partition(b": ")
            served.setdefault(head.decode(), []).append(i)
            assert echo == b"request %d" % i, answer
            if sum(map(len, served.values())) == clients:
                done()

        def on_connect(request: uv.TCPConnectRequest, status: uv.StatusCodes) -> None:
            client.read_start(on_read)
            client.write(b"request %d" % i)

        client.connect(("127.0.0.1", port), on_connect=on_connect)

    def done() -> None:
        print("parent: all %d clients answered, by %d of the %d workers"
              % (clients, len(served), workers))
        for proc in procs:
            proc.stdin.close()          # EOF: the worker stops

    for _ in range(workers):
        proc = uv.Process([sys.executable, os.path.abspath(__file__), "worker"],
                          stdin=uv.PIPE, stderr=2, loop=loop, on_exit=on_worker_exit)
        procs.append(proc)
        proc.stdin.read_start(on_worker_message)
        proc.stdin.write(b"listen", send_stream=server)

    loop.run()
    loop.close()
    total = sum(map(len, served.values()))
    print("done: %d of %d clients served" % (total, clients))
    return 0 if total == clients else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["worker"]:
        worker()
    else:
        args = [int(a) for a in sys.argv[1:3]]
        sys.exit(parent(*(args + [2, 8][len(args):])))
