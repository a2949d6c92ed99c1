"""getaddrinfo throughput: N lookups of ``localhost`` (from /etc/hosts, no
name server), at most K in flight, best of 3 runs.

    python bench/dns.py uv|asyncio|uvloop [N [K]]      (default 10000 64)

- uv: ``uv.getaddrinfo(..., callback=...)``: libuv's thread pool (4
  threads, of which libuv lets at most 2 run lookups at once);
- asyncio: ``loop.getaddrinfo`` (``socket.getaddrinfo`` in the default
  ThreadPoolExecutor);
- uvloop: ``loop.getaddrinfo`` (libuv's uv_getaddrinfo, as uv).

Prints the lookups per second and the process's CPU time per lookup.
"""
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

HOST, PORT = "localhost", 80


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_uv(n, k):
    import socket
    import uv
    loop = uv.Loop()
    state = {"started": 0, "done": 0}

    def start():
        state["started"] += 1
        uv.getaddrinfo(HOST, PORT, socktype=socket.SOCK_STREAM, callback=on_done,
                       loop=loop)

    def on_done(request, status, infos):
        assert status is uv.StatusCodes.SUCCESS and infos, status
        state["done"] += 1
        if state["started"] < n:
            start()

    for _ in range(min(k, n)):
        start()
    loop.run()
    assert state["done"] == n
    loop.close()


def run_asyncio(n, k, use_uvloop):
    import asyncio
    import socket
    if use_uvloop:
        import uvloop
        loop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()

    async def worker(count):
        for _ in range(count):
            infos = await loop.getaddrinfo(HOST, PORT, type=socket.SOCK_STREAM)
            assert infos

    async def main():
        per, extra = divmod(n, k)
        await asyncio.gather(*(worker(per + (1 if i < extra else 0)) for i in range(k)))

    loop.run_until_complete(main())
    loop.close()


def main():
    kind = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    fn = {"uv": lambda: run_uv(n, k),
          "asyncio": lambda: run_asyncio(n, k, False),
          "uvloop": lambda: run_asyncio(n, k, True)}[kind]
    best = None
    for _ in range(3):
        c0, t0 = cpu(), time.perf_counter()
        fn()
        t1, c1 = time.perf_counter(), cpu()
        if best is None or t1 - t0 < best[0]:
            best = (t1 - t0, c1 - c0)
    impl = sys.implementation.name
    print("%-8s %-7s n=%d in_flight=%d  %8.0f lookups/s  %6.1f us CPU/lookup"
          % (kind, impl, n, k, n / best[0], best[1] / n * 1e6))


if __name__ == "__main__":
    main()
