"""Memory per idle TCP connection and per idle handle (issue 10).

    python bench/memory.py conns uv|uvloop|asyncio [N]     (N = 10000)
    python bench/memory.py handles [N]                     (N = 10000)
    python bench/memory.py handle KIND N                   (one kind)

conns: this process is the server: it listens on 127.0.0.1, a client
process (this script, ``client`` mode, same interpreter) opens N
connections that send nothing, and the server accepts each and reads from
it (uv: ``accept()`` + ``read_start``; uvloop/asyncio: a protocol server
that keeps its transports).  Once all N are accepted, after a garbage
collection, the growth of the server's resident set (VmRSS) since it
started listening is divided by N.  Prints::

    kind=conns-uv-cpython n=10000 rss_kb=... bytes_per_conn=...

handles: the same measure for N handles of each kind, open and idle (made
and never started), on one loop, each kind in a process of its own; TTY
handles on a pty (libuv opens the terminal again for each: N descriptors), Poll handles on one socket; no Process (a
handle per child process).  Sockets and kernel buffers are not in the RSS:
what is measured is what the process itself allocates.
"""
import gc
import os
import resource
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def settle():
    for _ in range(3):
        gc.collect()


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def impl():
    return sys.implementation.name


# ---- the client: N connections that stay open until stdin closes ----

def client(port, n):
    raise_fd_limit()
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.connect(("127.0.0.1", port))
        socks.append(s)
    sys.stdout.write("connected\n")
    sys.stdout.flush()
    sys.stdin.read()


def start_client(port, n):
    return subprocess.Popen([sys.executable, os.path.abspath(__file__), "client",
                             str(port), str(n)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def report(kind, n, before, after):
    print("kind=%s n=%d rss_kb=%d bytes_per_%s=%.0f"
          % (kind, n, after - before, "conn" if kind.startswith("conns") else "handle",
             (after - before) * 1024.0 / n))
    sys.stdout.flush()


# ---- servers ----

def conns_uv(n):
    import uv
    loop = uv.Loop()
    clients = []
    server = uv.TCP(loop=loop)
    server.bind(("127.0.0.1", 0))

    def on_read(stream, status, data):
        if status is not uv.StatusCodes.SUCCESS:
            stream.close()

    def on_connection(srv, status):
        c = srv.accept()
        c.read_start(on_read)
        clients.append(c)
        if len(clients) == n:
            loop.stop()

    server.listen(1024, on_connection)
    port = server.sockname[1]
    settle()
    before = rss_kb()
    proc = start_client(port, n)
    loop.run()
    settle()
    after = rss_kb()
    proc.stdin.close()
    proc.wait()
    report("conns-uv-" + impl(), n, before, after)
    for c in clients:
        c.close()
    server.close()
    loop.run()
    loop.close()


def conns_asyncio(n, use_uvloop):
    import asyncio
    if use_uvloop:
        import uvloop
        loop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    transports = []
    done = loop.create_future()

    class Idle(asyncio.Protocol):
        def connection_made(self, transport):
            transports.append(transport)
            if len(transports) == n and not done.done():
                done.set_result(None)

        def data_received(self, data):
            pass

    server = loop.run_until_complete(
        loop.create_server(Idle, "127.0.0.1", 0, backlog=1024))
    port = server.sockets[0].getsockname()[1]
    settle()
    before = rss_kb()
    proc = start_client(port, n)
    loop.run_until_complete(done)
    settle()
    after = rss_kb()
    proc.stdin.close()
    proc.wait()
    report("conns-%s-%s" % ("uvloop" if use_uvloop else "asyncio", impl()), n, before, after)
    for t in transports:
        t.close()
    server.close()
    loop.run_until_complete(server.wait_closed())
    loop.close()


# ---- idle handles ----

HANDLE_KINDS = ["Timer", "Idle", "Prepare", "Check", "Async", "Signal", "TCP",
                "Pipe", "UDP", "Poll", "TTY", "FSEvent", "FSPoll"]


def handles(name, n):
    """N handles of one kind, in a process of their own (memory freed by
    another kind would be reused and hide the cost)."""
    import uv
    loop = uv.Loop()
    pty_master, pty_slave = os.openpty()
    sock = socket.socket()
    make = {
        "Poll": lambda: uv.Poll(sock.fileno(), loop=loop),
        "TTY": lambda: uv.TTY(pty_slave, loop=loop),
    }.get(name) or (lambda cls=getattr(uv, name): cls(loop=loop))
    make().close()                     # the first one of a kind sets things up
    loop.run()
    settle()
    before = rss_kb()
    held = [make() for _ in range(n)]
    settle()
    after = rss_kb()
    report("handle-%s-%s" % (name, impl()), n, before, after)
    for h in held:
        h.close()
    loop.run()
    loop.close()
    sock.close()
    os.close(pty_master)
    os.close(pty_slave)


def main():
    mode = sys.argv[1]
    if mode == "client":
        client(int(sys.argv[2]), int(sys.argv[3]))
        return
    raise_fd_limit()
    if mode == "conns":
        kind = sys.argv[2]
        n = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
        if kind == "uv":
            conns_uv(n)
        elif kind in ("uvloop", "asyncio"):
            conns_asyncio(n, kind == "uvloop")
        else:
            sys.exit("unknown kind: " + kind)
    elif mode == "handles":
        n = sys.argv[2] if len(sys.argv) > 2 else "10000"
        for name in HANDLE_KINDS:
            subprocess.check_call([sys.executable, os.path.abspath(__file__),
                                   "handle", name, n])
    elif mode == "handle":
        handles(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
