"""Processes and pipes with uv: a child process whose output is read
through a pipe as it comes, then a multi-process TCP echo server: the
parent binds a listening socket and hands it over IPC pipes to two worker
processes, which accept and serve the clients (each connection costs a
worker 50 ms of blocking work, so the other one accepts meanwhile).

    python examples/process_demo.py [CLIENTS]

(``python examples/process_demo.py worker`` is what the workers run.)
"""
import os
import sys
import time
from typing import Dict, List, Optional, Tuple

import uv

S = uv.StatusCodes
started = time.monotonic()


def say(what: str) -> None:
    print("[%7.1f ms] %s" % ((time.monotonic() - started) * 1000, what))
    sys.stdout.flush()


# ---------------------------------------------------------------- 1. a child's output

def read_a_child(loop: uv.Loop) -> None:
    """Run a child that prints three lines, 50 ms apart; read them through a
    pipe as they come."""
    code = ("import sys, time\n"
            "for i in range(3):\n"
            "    print('line %d from the child' % i); sys.stdout.flush(); time.sleep(0.05)\n"
            "sys.exit(3)\n")

    pending = bytearray()

    def on_read(pipe: uv.Pipe, status: uv.StatusCodes, data: bytes) -> None:
        if status is S.SUCCESS:
            pending.extend(data)
            while b"\n" in pending:
                line, _, rest = bytes(pending).partition(b"\n")
                pending[:] = rest
                say("parent read: %r" % line.decode())
        else:
            say("parent read: %s (the child closed its stdout)" % status.name)
            pipe.close()

    def on_exit(proc: uv.Process, returncode: int, signum: "uv.Signals | int") -> None:
        say("child %s exited with %d" % (proc.pid, returncode))
        proc.close()

    proc = uv.Process([sys.executable, "-c", code], stdout=uv.PIPE, loop=loop,
                      on_exit=on_exit)
    say("spawned child %s, stdout is %r" % (proc.pid, proc.stdout))
    proc.stdout.read_start(on_read)
    loop.run()


# ---------------------------------------------------------------- 2. the server

def serve_with_workers(loop: uv.Loop, clients: int) -> None:
    server = uv.TCP(loop=loop)
    server.bind(("127.0.0.1", 0))
    port = server.sockname.port
    say("parent: bound 127.0.0.1:%d; it never accepts itself" % port)
    ready: List[bytes] = []
    workers: List[uv.Process] = []
    served: Dict[int, int] = {}

    def on_worker_message(pipe: uv.Pipe, status: uv.StatusCodes, data: bytes) -> None:
        if status is S.SUCCESS:
            ready.append(data)
            say("parent: worker says %r" % data.decode().strip())
            if len(ready) == len(workers):
                start_clients()
        else:
            pipe.close()

    def on_worker_exit(proc: uv.Process, returncode: int, signum: "uv.Signals | int"
                       ) -> None:
        say("parent: worker %s exited with %d" % (proc.pid, returncode))
        proc.close()

    for _ in range(2):
        proc = uv.Process([sys.executable, os.path.abspath(__file__), "worker"],
                          stdin=uv.PIPE, stderr=2, loop=loop, on_exit=on_worker_exit)
        workers.append(proc)
        proc.stdin.read_start(on_worker_message)
        # the listening socket goes to the worker with one byte of data
        proc.stdin.write(b"s", send_stream=server)
        say("parent: spawned worker %s and sent it the listening socket" % proc.pid)

    def start_clients() -> None:
        server.close()                  # the workers hold the socket now
        for i in range(clients):
            client = uv.TCP(loop=loop)
            client.data = (b"hello from client %d" % i, bytearray())
            client.connect(("127.0.0.1", port), on_connect)

    def on_connect(request: uv.TCPConnectRequest, status: uv.StatusCodes) -> None:
        client = request.stream
        client.read_start(on_client_read)
        client.write(client.data[0])

    def on_client_read(client: uv.TCP, status: uv.StatusCodes, data: bytes) -> None:
        if status is not S.SUCCESS:
            client.close()
            return
        message, received = client.data
        received += data
        # the worker's greeting line, then the echo
        head, _, echo = bytes(received).partition(b"\n")
        if echo != message:
            return
        pid = int(head.split()[1])
        served[pid] = served.get(pid, 0) + 1
        say("client: %r echoed by worker %d" % (echo.decode(), pid))
        client.close()
        if sum(served.values()) == clients:
            say("parent: all %d clients served: %s" % (clients, ", ".join(
                "worker %d served %d" % item for item in sorted(served.items()))))
            for proc in workers:
                proc.stdin.close()      # EOF: the workers stop

    loop.run()


def worker() -> None:
    """Accept the listening socket from the parent (stdin is an IPC pipe),
    serve connections until the parent closes the pipe."""
    loop = uv.Loop()
    pid = os.getpid()
    channel = uv.Pipe(ipc=True, loop=loop)
    channel.open(0)
    state: Dict[str, Optional[uv.TCP]] = {"server": None}

    def on_client_read(client: uv.TCP, status: uv.StatusCodes, data: bytes) -> None:
        if status is S.SUCCESS:
            client.write(data)
        else:
            client.close()

    def on_connection(server: uv.TCP, status: uv.StatusCodes) -> None:
        client = server.accept()
        # each connection costs this worker 50 ms of work (a stand-in for
        # CPU-bound work, which is why servers run several processes):
        # meanwhile the other worker accepts the next connections
        time.sleep(0.05)
        client.write(b"worker %d\n" % pid)
        client.read_start(on_client_read)

    def on_channel(pipe: uv.Pipe, status: uv.StatusCodes, data: bytes) -> None:
        if status is not S.SUCCESS:
            pipe.close()
            listening = state["server"]
            if listening is not None:
                listening.close()
            return
        while pipe.pending_count:
            server = pipe.pending_accept()
            assert isinstance(server, uv.TCP)
            state["server"] = server
            server.listen(on_connection=on_connection)
            pipe.write(b"ready: worker %d listens on %s:%d\n" % (
                pid, server.sockname.host.encode(), server.sockname.port))

    channel.read_start(on_channel)
    loop.run()
    loop.close()


def main(clients: int = 6) -> None:
    loop = uv.Loop()
    impl = "%s %s" % (sys.implementation.name, sys.version.split()[0])
    print("uv %s on %s, libuv %s" % (uv.__version__, impl, uv.uv_version.string))
    print("--- a child process whose stdout is read through a pipe")
    read_a_child(loop)
    print("--- a multi-process server: one listening socket, two workers")
    serve_with_workers(loop, clients)
    loop.close()
    say("done")


if __name__ == "__main__":
    if sys.argv[1:] == ["worker"]:
        worker()
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
