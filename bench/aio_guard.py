"""Scheduling guard rails of uv.aio against asyncio (and uvloop), one loop
kind per process: how many operations per second each loop runs.

    python bench/aio_guard.py LOOP [N]

LOOP: uv (uv.aio), uvloop, asyncio.  N (default 200,000) operations of each
kind, best of 3:

  call_soon       a chain: each callback schedules the next with call_soon
  call_later      call_later(1 h) then cancel(), N times, inside one callback
  sleep0          a task awaiting asyncio.sleep(0) N times
  ping-pong       two tasks handing a future back and forth N times

Prints one line per kind: "KIND LOOP ops/s".
"""
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def new_loop(kind):
    if kind == "uv":
        import uv.aio
        return uv.aio.new_event_loop()
    if kind == "uvloop":
        import uvloop
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def bench_call_soon(loop, n):
    done = loop.create_future()
    state = [0]

    def step():
        state[0] += 1
        if state[0] < n:
            loop.call_soon(step)
        else:
            done.set_result(None)
    t0 = time.perf_counter()
    loop.call_soon(step)
    loop.run_until_complete(done)
    return time.perf_counter() - t0


def bench_call_later(loop, n):
    def work():
        for _ in range(n):
            loop.call_later(3600, int).cancel()
    t0 = time.perf_counter()
    loop.call_soon(work)
    loop.run_until_complete(asyncio.sleep(0))
    return time.perf_counter() - t0


async def sleeper(n):
    for _ in range(n):
        await asyncio.sleep(0)


def bench_sleep0(loop, n):
    t0 = time.perf_counter()
    loop.run_until_complete(sleeper(n))
    return time.perf_counter() - t0


async def ping_pong(n):
    loop = asyncio.get_running_loop()
    box = [loop.create_future()]

    async def pong():
        for _ in range(n):
            fut = box[0]
            await fut
    task = loop.create_task(pong())
    for _ in range(n):
        await asyncio.sleep(0)
        fut = box[0]
        box[0] = loop.create_future()
        fut.set_result(None)
    await asyncio.sleep(0)
    box[0].set_result(None)
    await task


def bench_ping_pong(loop, n):
    t0 = time.perf_counter()
    loop.run_until_complete(ping_pong(n))
    return time.perf_counter() - t0


KINDS = [("call_soon", bench_call_soon), ("call_later", bench_call_later),
         ("sleep0", bench_sleep0), ("ping-pong", bench_ping_pong)]


def main():
    kind = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
    label = "%s-%s" % (kind, sys.implementation.name)
    for name, fn in KINDS:
        best = None
        for _ in range(3):
            loop = new_loop(kind)
            try:
                fn(loop, n // 10)                      # warm-up (PyPy's JIT)
                t = fn(loop, n)
            finally:
                loop.close()
            best = t if best is None else min(best, t)
        print("%-11s %-18s %12.0f ops/s" % (name, label, n / best))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
