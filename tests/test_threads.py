"""Threads: Async.send and Loop.call_later from other threads, the
interpreter lock released while the loop waits, per-thread current loops and
LoopThreadError (API.md section 3)."""
import gc
import threading
import time
import weakref

import pytest

import uv
from uv.loop import Loop, RunModes

from child import TIME_SCALE

pytestmark = pytest.mark.threads


class Worker(threading.Thread):
    """A thread that records what its target raised (checked by join())."""

    def __init__(self, target, *args):
        super().__init__(target=target, args=args, daemon=True)
        self.error = None

    def run(self):
        try:
            super().run()
        except BaseException as exc:     # reported by join_ok
            self.error = exc

    def join_ok(self, timeout=10):
        self.join(timeout)
        assert not self.is_alive(), "worker thread did not finish"
        if self.error is not None:
            raise self.error


def start(target, *args):
    w = Worker(target, *args)
    w.start()
    return w


def when_running(loop):
    """An Event set from the loop's first iteration."""
    running = threading.Event()
    uv.Timer(loop, on_timeout=lambda t: running.set()).start(0)
    return running


# ---------------------------------------------------------------- Async.send


def test_async_send_from_thread_wakes_loop(loop, run_loop):
    main = threading.get_ident()
    woke = []

    def on_wakeup(a):
        woke.append(threading.get_ident())
        a.close()

    a = uv.Async(loop, on_wakeup=on_wakeup)
    running = when_running(loop)

    def worker():
        assert running.wait(5)
        time.sleep(0.05)           # the loop is blocked in poll by now
        a.send()

    w = start(worker)
    run_loop(loop)
    w.join_ok()
    assert woke == [main]


def test_async_many_sends_from_thread(loop, run_loop):
    n = 2000
    sent = [0]
    seen = []

    def on_wakeup(a):
        seen.append(sent[0])
        if sent[0] == n:
            a.close()

    a = uv.Async(loop, on_wakeup=on_wakeup)

    def worker():
        for _ in range(n):
            sent[0] += 1
            a.send()

    w = start(worker)
    run_loop(loop, timeout=10)
    w.join_ok()
    assert seen[-1] == n
    assert 1 <= len(seen) <= n
    assert seen == sorted(seen)


def test_async_sends_from_several_threads(loop, run_loop):
    nthreads, n = 4, 300
    lock = threading.Lock()
    done = [0]
    wakeups = []

    def on_wakeup(a):
        wakeups.append(1)
        with lock:
            finished = done[0] == nthreads
        if finished:
            a.close()

    a = uv.Async(loop, on_wakeup=on_wakeup)

    def worker():
        for _ in range(n):
            a.send()
        with lock:
            done[0] += 1
        a.send()

    workers = [start(worker) for _ in range(nthreads)]
    run_loop(loop, timeout=10)
    for w in workers:
        w.join_ok()
    assert a.closed
    assert 1 <= len(wakeups) <= nthreads * (n + 1)


def test_async_send_with_callback_from_thread(loop, run_loop):
    got = []

    def new(a):
        got.append("new")
        a.close()

    a = uv.Async(loop, on_wakeup=lambda a: got.append("old"))
    running = when_running(loop)

    def worker():
        assert running.wait(5)
        a.send(on_wakeup=new)

    w = start(worker)
    run_loop(loop)
    w.join_ok()
    assert got == ["new"]


# ---------------------------------------------------------------- call_later


def test_call_later_from_thread_while_running(loop, run_loop):
    main = threading.get_ident()
    keep = uv.Async(loop)              # keeps the loop running meanwhile
    got = []
    running = when_running(loop)

    def record(i):
        got.append((i, threading.get_ident()))

    def worker():
        assert running.wait(5)
        for i in range(200):
            loop.call_later(record, i)
        loop.call_later(keep.close)

    w = start(worker)
    run_loop(loop)
    w.join_ok()
    assert [i for i, _ in got] == list(range(200))
    assert {tid for _, tid in got} == {main}


def test_call_later_from_thread_before_run(loop, run_loop):
    got = []
    w = start(lambda: [loop.call_later(got.append, i) for i in range(10)])
    w.join_ok()
    assert got == []
    run_loop(loop)
    assert got == list(range(10))


def test_call_later_from_many_threads(loop, run_loop):
    nthreads, n = 4, 250
    keep = uv.Async(loop)
    got = {i: [] for i in range(nthreads)}
    finished = []

    def done(tid):
        finished.append(tid)
        if len(finished) == nthreads:
            keep.close()

    def worker(tid):
        for i in range(n):
            loop.call_later(got[tid].append, i)
        loop.call_later(done, tid)

    workers = [start(worker, tid) for tid in range(nthreads)]
    run_loop(loop, timeout=10)
    for w in workers:
        w.join_ok()
    assert sorted(finished) == list(range(nthreads))
    for tid in range(nthreads):
        assert got[tid] == list(range(n))      # FIFO per thread


# ---------------------------------------------------------------- the lock


def test_lock_released_while_loop_waits(loop, run_loop):
    count = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            count[0] += 1

    marks = []
    first = uv.Timer(loop, on_timeout=lambda t: marks.append(count[0]))
    second = uv.Timer(loop, on_timeout=lambda t: marks.append(count[0]))
    w = start(spin)
    try:
        first.start(20)
        second.start(20 + int(200 * TIME_SCALE))
        run_loop(loop)
    finally:
        stop.set()
        w.join_ok()
    assert len(marks) == 2
    # while the loop waited 200 ms in poll, the other thread ran freely
    # (holding the lock in poll, it would not run at all: a few counts)
    assert marks[1] - marks[0] > 1000


def _idle_calls_time(loop, run_loop, n=50000):
    calls = []

    def on_idle(h):
        calls.append(1)
        if len(calls) == n:
            h.stop()

    uv.Idle(loop, on_idle=on_idle).start()
    t0 = time.monotonic()
    run_loop(loop, timeout=60)
    assert len(calls) == n
    return time.monotonic() - t0


def test_idle_callbacks_not_starved_by_busy_thread(loop, run_loop):
    alone = _idle_calls_time(loop, run_loop)
    stop = threading.Event()

    def spin():
        x = 0
        while not stop.is_set():
            x += 1

    w = start(spin)
    try:
        busy = _idle_calls_time(loop, run_loop)
    finally:
        stop.set()
        w.join_ok()
    # DESIGN.md section 5: the lock is not handed away on every callback.
    # A ratio in one run: with a busy thread the callbacks share the lock
    # and run about half as fast; handing the lock away on each would make
    # each callback wait for the switch interval (5 ms): 1000 times slower.
    assert busy < alone * 20, (alone, busy)


# ---------------------------------------------------------------- thread checks


def test_methods_from_other_thread_raise_loop_thread_error(loop, run_loop):
    a = uv.Async(loop, on_wakeup=lambda a: a.close())
    timer = uv.Timer(loop)
    idle = uv.Idle(loop)
    running = when_running(loop)
    results = {}
    ops = [
        ("timer.start", lambda: timer.start(1)),
        ("timer.stop", lambda: timer.stop()),
        ("timer.again", lambda: timer.again()),
        ("timer.reference", lambda: timer.reference()),
        ("timer.dereference", lambda: timer.dereference()),
        ("timer.close", lambda: timer.close()),
        ("idle.start", lambda: idle.start()),
        ("loop.run", lambda: loop.run(RunModes.NOWAIT)),
        ("loop.stop", lambda: loop.stop()),
        ("loop.update_time", lambda: loop.update_time()),
        ("loop.close_all_handles", lambda: loop.close_all_handles()),
        ("loop.close", lambda: loop.close()),
    ]

    def worker():
        assert running.wait(5)
        for name, op in ops:
            try:
                op()
            except uv.error.LoopThreadError as exc:
                results[name] = isinstance(exc, RuntimeError)
            except BaseException as exc:
                results[name] = repr(exc)
            else:
                results[name] = "no error"
        a.send()

    w = start(worker)
    run_loop(loop)
    w.join_ok()
    assert results == {name: True for name, _ in ops}
    assert not timer.active and not timer.closing
    assert not idle.active and not idle.closing
    assert not loop.closed


def test_loop_usable_from_other_thread_when_not_running(loop, run_loop):
    fired = []
    t = uv.Timer(loop, on_timeout=lambda t: fired.append(threading.get_ident()))

    def worker():
        t.start(1)
        run_loop(loop)

    w = start(worker)
    w.join_ok()
    assert fired == [w.ident]
    t.start(1)
    run_loop(loop)
    assert fired[-1] == threading.get_ident()


def test_close_loop_from_other_thread_when_not_running():
    lp = Loop()
    t = uv.Timer(lp)
    t.close()

    def worker():
        lp.run()
        lp.close()

    w = start(worker)
    w.join_ok()
    assert lp.closed


# ---------------------------------------------------------------- per-thread loops


def test_current_loop_is_per_thread(loop):
    out = {}

    def worker():
        out["none"] = Loop.get_current(instantiate=False)
        own = Loop.get_current()
        out["own"] = own
        out["again"] = Loop.get_current()
        other = Loop()
        out["new_is_current"] = Loop.get_current() is other
        own.close()
        other.close()

    w = start(worker)
    w.join_ok()
    assert out["none"] is None
    assert isinstance(out["own"], Loop)
    assert out["own"] is not loop
    assert out["again"] is out["own"]
    assert out["new_is_current"]
    assert Loop.get_current() is loop


def test_default_loop_shared_between_threads():
    d = Loop.get_default()
    out = []
    w = start(lambda: out.append(Loop.get_default()))
    w.join_ok()
    assert out == [d]


def test_loops_in_two_threads_at_once(run_loop):
    results = {}
    barrier = threading.Barrier(2)

    def worker(name):
        lp = Loop()
        count = []

        def on_timeout(t):
            count.append(1)
            if len(count) == 20:
                t.close()

        uv.Timer(lp, on_timeout=on_timeout).start(1, repeat=5)
        barrier.wait(5)
        run_loop(lp)
        lp.close()
        results[name] = len(count)

    workers = [start(worker, n) for n in ("a", "b")]
    for w in workers:
        w.join_ok()
    assert results == {"a": 20, "b": 20}


def test_handles_dropped_in_other_thread_while_loop_runs(loop, run_loop):
    a = uv.Async(loop, on_wakeup=lambda a: a.close())
    dropped = [uv.Timer(loop) for _ in range(50)]
    for t in dropped[::2]:
        t.start(1000)
        t.stop()
    del t
    refs = [weakref.ref(t) for t in dropped]
    running = when_running(loop)

    def worker():
        assert running.wait(5)
        dropped.clear()
        for _ in range(3):
            gc.collect()
        a.send()

    w = start(worker)
    run_loop(loop)
    w.join_ok()
    assert all(r() is None for r in refs)
    assert loop.handles == set()
    loop.run(RunModes.NOWAIT)
    loop.close()
    assert loop.closed
