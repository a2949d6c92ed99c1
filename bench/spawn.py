"""Process spawn+exit round trips per second: spawn ``true``, wait for its
exit, spawn the next, N times in a row (closed loop); the best of 3 runs.

    python bench/spawn.py uv|uvloop|asyncio|fork [N]

uv: ``uv.Process`` with ``on_exit`` starting the next one; uvloop and
asyncio: ``await asyncio.create_subprocess_exec(...)`` then ``await
proc.wait()``.  Every child inherits the benchmark's stdin, stdout and
stderr (asyncio's default; uv is given the descriptors 0, 1, 2).
fork: ``os.fork()``, ``os.execv()`` in the child, ``os.waitpid()``, with no
event loop: the floor of what fork+exec costs in the interpreter running it
(libuv's uv_spawn forks; asyncio's subprocess module uses vfork or
posix_spawn where it can, whose cost does not grow with the parent's
memory).
"""
import os
import shutil
import sys
import time

PROGRAM = shutil.which("true")


def run_uv(n):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import uv

    loop = uv.Loop()
    left = [n]

    def spawn():
        uv.Process([PROGRAM], stdin=0, stdout=1, stderr=2, loop=loop, on_exit=on_exit)

    def on_exit(proc, returncode, signum):
        assert returncode == 0, returncode
        proc.close()
        left[0] -= 1
        if left[0]:
            spawn()

    start = time.perf_counter()
    spawn()
    loop.run()
    elapsed = time.perf_counter() - start
    loop.close()
    return elapsed


def run_asyncio(n, use_uvloop):
    import asyncio
    if use_uvloop:
        import uvloop
        uvloop.install()

    async def main():
        start = time.perf_counter()
        for _ in range(n):
            proc = await asyncio.create_subprocess_exec(PROGRAM)
            assert await proc.wait() == 0
        return time.perf_counter() - start

    return asyncio.run(main())


def run_fork(n):
    start = time.perf_counter()
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            try:
                os.execv(PROGRAM, [PROGRAM])
            finally:
                os._exit(127)
        _, status = os.waitpid(pid, 0)
        assert status == 0, status
    return time.perf_counter() - start


def main():
    kind = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    runs = []
    for _ in range(3):
        if kind == "uv":
            runs.append(run_uv(n))
        elif kind == "fork":
            runs.append(run_fork(n))
        elif kind in ("uvloop", "asyncio"):
            runs.append(run_asyncio(n, kind == "uvloop"))
        else:
            raise SystemExit("unknown kind %r" % kind)
    best = min(runs)
    impl = "%s %s" % (sys.implementation.name, sys.version.split()[0])
    print("spawn %-8s %-16s n=%d best=%.3fs  %8.0f spawns/s"
          % (kind, impl, n, best, n / best))


if __name__ == "__main__":
    main()
