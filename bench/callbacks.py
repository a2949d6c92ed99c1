"""Chained-callback rate of uv: N callbacks, each one leading to the next.

    python bench/callbacks.py KIND [N]

KIND: idle (an Idle handle called once per loop iteration), timer (a Timer
re-started with timeout 0 from its own callback).  Prints the same line as
../shared/bench/callbacks_peers.py: kind=... n=... seconds=... rate=...,
best of 3.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import uv  # noqa: E402


def idle_chain(loop, n):
    left = [n]

    def on_idle(handle):
        left[0] -= 1
        if not left[0]:
            handle.stop()

    idle = uv.Idle(loop=loop, on_idle=on_idle)
    idle.start()
    t = time.perf_counter()
    loop.run()
    s = time.perf_counter() - t
    idle.close()
    return s


def timer_chain(loop, n):
    left = [n]

    def on_timeout(timer):
        left[0] -= 1
        if left[0]:
            timer.start(0)

    timer = uv.Timer(loop=loop, on_timeout=on_timeout)
    timer.start(0)
    t = time.perf_counter()
    loop.run()
    s = time.perf_counter() - t
    timer.close()
    return s


def main():
    kind = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    chain = {"idle": idle_chain, "timer": timer_chain}[kind]
    loop = uv.Loop()
    best = min(chain(loop, n) for _ in range(3))
    loop.run()
    loop.close()
    impl = sys.implementation.name
    print("kind=uv-%s-%s n=%d seconds=%.3f rate=%.0f" % (kind, impl, n, best, n / best))


if __name__ == "__main__":
    main()
