"""File-system benchmarks: uv.fs against os and the executor way.

    python bench/fs_bench.py uv FILE [STAT_N]        (uv on this interpreter)
    python bench/fs_bench.py peers FILE [STAT_N]     (os, asyncio, uvloop)

FILE is a large file (bench/run.sh makes 1 GiB in a temp dir).  Each line
printed is ``name: value unit`` (best of 3).

- read: the whole FILE in 64 KiB and 1 MiB chunks, one read in flight at a
  time (each callback or await starts the next): uv.fs.read with a
  callback; plain os.read in a loop; ``loop.run_in_executor(None, os.read,
  fd, n)`` on asyncio and on uvloop; and, for reference, uv.fs.read without
  a callback and uv.fs.readinto into a uv.fs.Buffer (no copy) with and
  without a callback.  The file is in the page cache after the first pass, so this
  measures memory copies and per-call overhead, not the disk.
- stat: STAT_N (default 100,000) stat() calls of one path: uv.fs.stat with
  a callback and up to 64 in flight; os.stat in a loop; run_in_executor
  with 64 in flight (64 tasks awaiting one after the other) on asyncio and
  uvloop; uv.fs.stat without a callback.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHUNKS = (64 * 1024, 1024 * 1024)
WINDOW = 64


def best(fn, runs=3):
    return min(fn() for _ in range(runs))


# ---- uv ----

def uv_read_async(path, chunk):
    import uv
    from uv import fs
    loop = uv.Loop()
    fd = os.open(path, os.O_RDONLY)
    state = {"off": 0}

    def on_read(req, status, data):
        if status is not uv.StatusCodes.SUCCESS:
            raise req.error
        if data:
            state["off"] += len(data)
            fs.read(fd, chunk, state["off"], callback=on_read, loop=loop)

    t = time.perf_counter()
    fs.read(fd, chunk, 0, callback=on_read, loop=loop)
    loop.run()
    t = time.perf_counter() - t
    os.close(fd)
    loop.close()
    assert state["off"] == os.path.getsize(path)
    return t


def uv_readinto_async(path, chunk):
    """Async reads into one uv.fs.Buffer (no copy at all)."""
    import uv
    from uv import fs
    loop = uv.Loop()
    fd = os.open(path, os.O_RDONLY)
    buf = fs.Buffer(chunk)
    state = {"off": 0}

    def on_read(req, status, n):
        if status is not uv.StatusCodes.SUCCESS:
            raise req.error
        if n:
            state["off"] += n
            fs.readinto(fd, buf, state["off"], callback=on_read, loop=loop)

    t = time.perf_counter()
    fs.readinto(fd, buf, 0, callback=on_read, loop=loop)
    loop.run()
    t = time.perf_counter() - t
    os.close(fd)
    loop.close()
    assert state["off"] == os.path.getsize(path)
    return t


def uv_readinto_sync(path, chunk):
    from uv import fs
    fd = os.open(path, os.O_RDONLY)
    buf = fs.Buffer(chunk)
    readinto = fs.readinto
    n = 0
    t = time.perf_counter()
    while True:
        k = readinto(fd, buf)
        if not k:
            break
        n += k
    t = time.perf_counter() - t
    os.close(fd)
    assert n == os.path.getsize(path)
    return t


def uv_read_sync(path, chunk):
    from uv import fs
    fd = os.open(path, os.O_RDONLY)
    n = 0
    t = time.perf_counter()
    while True:
        data = fs.read(fd, chunk)
        if not data:
            break
        n += len(data)
    t = time.perf_counter() - t
    os.close(fd)
    assert n == os.path.getsize(path)
    return t


def uv_stat_async(path, count):
    import uv
    from uv import fs
    loop = uv.Loop()
    state = {"started": 0, "done": 0}

    def on_stat(req, status, st):
        state["done"] += 1
        if state["started"] < count:
            state["started"] += 1
            fs.stat(path, callback=on_stat, loop=loop)

    t = time.perf_counter()
    for _ in range(min(WINDOW, count)):
        state["started"] += 1
        fs.stat(path, callback=on_stat, loop=loop)
    loop.run()
    t = time.perf_counter() - t
    loop.close()
    assert state["done"] == count
    return t


def uv_stat_sync(path, count):
    from uv import fs
    stat = fs.stat
    t = time.perf_counter()
    for _ in range(count):
        stat(path)
    return time.perf_counter() - t


# ---- peers ----

def os_read(path, chunk):
    fd = os.open(path, os.O_RDONLY)
    n = 0
    t = time.perf_counter()
    while True:
        data = os.read(fd, chunk)
        if not data:
            break
        n += len(data)
    t = time.perf_counter() - t
    os.close(fd)
    assert n == os.path.getsize(path)
    return t


def _new_loop(kind):
    import asyncio
    if kind == "uvloop":
        import uvloop
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def executor_read(kind, path, chunk):
    loop = _new_loop(kind)
    fd = os.open(path, os.O_RDONLY)

    async def main():
        n = 0
        while True:
            data = await loop.run_in_executor(None, os.read, fd, chunk)
            if not data:
                return n
            n += len(data)

    loop.run_until_complete(loop.run_in_executor(None, int))   # start the pool
    t = time.perf_counter()
    n = loop.run_until_complete(main())
    t = time.perf_counter() - t
    os.close(fd)
    loop.close()
    assert n == os.path.getsize(path)
    return t


def os_stat(path, count):
    stat = os.stat
    t = time.perf_counter()
    for _ in range(count):
        stat(path)
    return time.perf_counter() - t


def executor_stat(kind, path, count):
    import asyncio
    loop = _new_loop(kind)
    per = count // WINDOW

    async def worker():
        for _ in range(per):
            await loop.run_in_executor(None, os.stat, path)

    async def main():
        await asyncio.gather(*[worker() for _ in range(WINDOW)])

    loop.run_until_complete(loop.run_in_executor(None, int))
    t = time.perf_counter()
    loop.run_until_complete(main())
    t = time.perf_counter() - t
    loop.close()
    return t * count / (per * WINDOW)


def main():
    which, path = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
    size = os.path.getsize(path)
    impl = "%s-%d.%d" % (sys.implementation.name, sys.version_info[0], sys.version_info[1])
    mib = size / (1024.0 * 1024.0)
    if which == "uv":
        for chunk in CHUNKS:
            k = chunk // 1024
            print("read %dK uv async (%s): %.0f MiB/s" % (k, impl, mib / best(lambda: uv_read_async(path, chunk))))
            print("read %dK uv sync (%s): %.0f MiB/s" % (k, impl, mib / best(lambda: uv_read_sync(path, chunk))))
            print("read %dK uv async readinto Buffer (%s): %.0f MiB/s" % (k, impl, mib / best(lambda: uv_readinto_async(path, chunk))))
            print("read %dK uv sync readinto Buffer (%s): %.0f MiB/s" % (k, impl, mib / best(lambda: uv_readinto_sync(path, chunk))))
        print("stat uv async x%d (%s): %.0f /s" % (WINDOW, impl, count / best(lambda: uv_stat_async(path, count))))
        print("stat uv sync (%s): %.0f /s" % (impl, count / best(lambda: uv_stat_sync(path, count))))
    else:
        for chunk in CHUNKS:
            k = chunk // 1024
            print("read %dK os.read (%s): %.0f MiB/s" % (k, impl, mib / best(lambda: os_read(path, chunk))))
            for kind in ("asyncio", "uvloop"):
                print("read %dK %s executor: %.0f MiB/s" % (k, kind, mib / best(lambda: executor_read(kind, path, chunk))))
        print("stat os.stat (%s): %.0f /s" % (impl, count / best(lambda: os_stat(path, count))))
        for kind in ("asyncio", "uvloop"):
            print("stat %s executor x%d: %.0f /s" % (kind, WINDOW, count / best(lambda: executor_stat(kind, path, count))))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
