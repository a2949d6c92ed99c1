"""Garbage collection of handles and loops (API.md section 4, DESIGN.md
section 4): pending handles live as long as their loop, the others are
collected as soon as nobody holds them, and unreachable loops are freed with
all their handles."""
import signal
import weakref

import pytest

import uv
from uv.loop import RunModes

from conftest import why_alive

SIMPLE = ["Timer", "Idle", "Prepare", "Check", "Async", "Signal"]


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


# ---------------------------------------------------------------- pending handles


def test_started_timer_without_reference_survives_and_fires(loop, run_loop,
                                                            collect):
    fired = []

    def make():
        t = uv.Timer(loop, on_timeout=lambda t: fired.append(weakref.ref(t)))
        t.start(10)
        return weakref.ref(t)

    ref = make()
    collect()                          # several full collections
    assert ref() is not None
    run_loop(loop)
    assert len(fired) == 1
    assert fired[0]() is ref() or fired[0]() is None


def test_one_shot_timer_collected_after_it_fired(loop, run_loop, collect):
    def make():
        t = uv.Timer(loop)
        t.start(1)
        return weakref.ref(t)

    ref = make()
    collect()
    assert ref() is not None
    run_loop(loop)
    collect()
    assert ref() is None


def test_repeating_timer_survives_between_runs(loop, run_loop, collect):
    count = []

    def on_timeout(t):
        count.append(1)
        loop.stop()

    def make():
        t = uv.Timer(loop, on_timeout=on_timeout)
        t.start(1, repeat=1)
        return weakref.ref(t)

    ref = make()
    for i in range(3):
        run_loop(loop)
        collect()
        assert ref() is not None
    assert len(count) == 3
    ref().stop()
    collect()
    assert ref() is None


@pytest.mark.parametrize("kind,cb_name", [("Idle", "on_idle"),
                                          ("Prepare", "on_prepare"),
                                          ("Check", "on_check")])
def test_started_phase_handle_survives_and_runs(loop, collect, kind, cb_name):
    calls = []

    def make():
        h = getattr(uv, kind)(loop, **{cb_name: lambda h: calls.append(1)})
        h.start()
        return weakref.ref(h)

    ref = make()
    collect()
    assert ref() is not None
    loop.run(RunModes.NOWAIT)
    assert calls == [1]
    ref().stop()
    collect()
    assert ref() is None


def test_started_signal_survives_and_fires(loop, run_loop, collect, kill_self):
    got = []

    def make():
        s = uv.Signal(loop, on_signal=lambda h, n: (got.append(n), h.stop()))
        s.start(signal.SIGUSR1)
        return weakref.ref(s)

    ref = make()
    collect()
    assert ref() is not None
    kill_self(signal.SIGUSR1)
    run_loop(loop)
    assert got == [signal.SIGUSR1]
    collect()
    assert ref() is None


def test_sent_async_pending_until_callback(loop, run_loop, collect):
    woke = []

    def make():
        a = uv.Async(loop, on_wakeup=lambda a: woke.append(1))
        a.send()
        return weakref.ref(a)

    ref = make()
    collect()
    assert ref() is not None           # sent: pending until its callback
    run_loop(loop, mode=RunModes.ONCE)
    assert woke == [1]
    collect()
    assert ref() is None               # not pending any more


def test_closing_handle_pending_until_closed(loop, run_loop, collect):
    closed = []

    def make():
        t = uv.Timer(loop)
        t.start(100000)
        t.close(on_closed=lambda h: closed.append(1))
        return weakref.ref(t)

    ref = make()
    collect()
    assert ref() is not None           # closing: pending
    run_loop(loop)
    assert closed == [1]
    collect()
    assert ref() is None               # closed: no longer pending


def test_closed_handle_collected_once_dropped(loop, run_loop, collect):
    t = uv.Timer(loop)
    t.start(100000)
    t.close()
    run_loop(loop)
    assert t.closed
    ref = weakref.ref(t)
    del t
    collect()
    assert ref() is None


# ---------------------------------------------------------------- not pending


@pytest.mark.parametrize("kind", SIMPLE)
def test_never_started_handle_collected(loop, run_loop, collect, kind):
    closed = []
    h = getattr(uv, kind)(loop)
    h.on_closed = lambda h: closed.append(1)
    ref = weakref.ref(h)
    del h
    for _ in range(3):                 # PyPy: seen once to need a second round
        collect()
        if ref() is None:
            break
    assert ref() is None, why_alive(ref)
    for _ in range(2):
        loop.run(RunModes.NOWAIT)
    assert closed == []                # nobody can observe it: no on_closed
    assert loop.handles == set()
    loop.close()                       # its libuv handle was closed for it
    assert loop.closed


@pytest.mark.parametrize("kind", ["Timer", "Idle", "Prepare", "Check", "Signal"])
def test_stopped_handle_collected(loop, collect, kind):
    h = getattr(uv, kind)(loop)
    if kind == "Timer":
        h.start(1000)
    elif kind == "Signal":
        h.start(signal.SIGUSR2)
    else:
        h.start()
    h.stop()
    ref = weakref.ref(h)
    del h
    collect()
    assert ref() is None, why_alive(ref)
    loop.close()
    assert loop.closed


def test_stopped_handle_collected_without_run(collect):
    lp = uv.Loop()
    t = uv.Timer(lp)
    t.start(5)
    t.stop()
    ref = weakref.ref(t)
    del t
    collect()
    assert ref() is None
    lp.close()                         # no ResourceBusyError


def test_collected_handle_in_cycle(loop, collect):
    class Owner:
        def __init__(self):
            self.timer = uv.Timer(loop, on_timeout=self.cb)
            self.timer.data = self

        def cb(self, timer):
            pass

    owner = Owner()
    ref = weakref.ref(owner.timer)
    del owner
    collect()
    assert ref() is None


def test_handles_set_does_not_keep_handles_alive(loop, collect):
    t = uv.Timer(loop)
    assert loop.handles == {t}
    ref = weakref.ref(t)
    del t
    collect()
    assert ref() is None
    assert loop.handles == set()


def test_collected_handle_does_not_call_callbacks(loop, run_loop, collect):
    calls = []
    t = uv.Timer(loop, on_timeout=lambda t: calls.append("timeout"))
    t.start(1)
    t.stop()
    t.on_closed = lambda h: calls.append("closed")
    del t
    collect()
    uv.Timer(loop).start(5)            # keep the loop iterating a bit
    run_loop(loop)
    assert calls == []


# ---------------------------------------------------------------- the loop


def test_handle_keeps_its_loop_alive(run_loop, collect):
    fired = []
    t = uv.Timer(uv.Loop(), on_timeout=fired.append)
    collect()
    lp = t.loop
    assert not lp.closed
    t.start(1)
    run_loop(lp)
    assert fired == [t]
    t.close()
    run_loop(lp)
    lp.close()


def test_pending_handle_reachable_keeps_loop(run_loop, collect):
    lp = uv.Loop()
    t = uv.Timer(lp)
    t.start(1)
    ref = weakref.ref(lp)
    del lp
    collect()
    assert ref() is not None
    assert t.loop is ref()
    run_loop(t.loop)
    t.close()
    run_loop(t.loop)
    t.loop.close()
    assert ref().closed


def build_unreachable_loop(with_exception=False):
    """A loop with a started, a closing, a never-started and a sent handle,
    reference cycles between them and the loop; returns weakrefs only."""
    lp = uv.Loop()
    started = uv.Timer(lp)
    started.start(100000)
    started.data = lp
    never = uv.Idle(lp)
    never.data = started
    closing = uv.Check(lp)
    closing.start()
    closing.close(on_closed=lambda h: None)
    closing.data = never
    sent = uv.Async(lp, on_wakeup=lambda a: a.data)
    sent.send()
    sent.data = closing
    spinning = uv.Idle(lp, on_idle=lambda h: h.data)
    spinning.data = [lp, sent]
    spinning.start()
    started.on_timeout = lambda t: (lp, never, spinning)
    if with_exception:
        lp.excepthook = lambda *args: None

        def bad(timer):
            raise ValueError(lp)

        boom = uv.Timer(lp, on_timeout=bad)
        boom.start(0)
        lp.run(RunModes.NOWAIT)
        assert lp.exc_type is ValueError
    return [weakref.ref(o) for o in (lp, started, never, closing, sent, spinning)]


def test_unreachable_loop_collected(collect):
    refs = build_unreachable_loop()
    collect()
    assert [r() for r in refs] == [None] * len(refs)


def test_unreachable_loop_with_stored_exception_collected(collect):
    refs = build_unreachable_loop(with_exception=True)
    collect()
    assert [r() for r in refs] == [None] * len(refs)


def test_unreachable_loop_after_run_collected(collect):
    def build():
        lp = uv.Loop()
        t = uv.Timer(lp, on_timeout=lambda t: t.loop.stop())
        t.start(1, repeat=1)
        t.data = lp
        lp.run()
        return weakref.ref(lp), weakref.ref(t)

    refs = build()
    collect()
    assert [r() for r in refs] == [None, None]


def test_closed_loop_collected(collect):
    lp = uv.Loop()
    uv.Timer(lp).close()
    lp.run()
    lp.close()
    ref = weakref.ref(lp)
    del lp
    collect()
    assert ref() is None


def test_unreachable_loops_do_not_leak(collect, fd_count):
    # warm up: process-wide libuv state, allocator arenas, caches
    for _ in range(100):
        build_unreachable_loop()
    collect()
    fd_before = fd_count()
    rss_before = rss_kib()
    refs = []
    for i in range(1000):
        refs.append(build_unreachable_loop()[0])
        if i % 100 == 99:
            collect()
    collect()
    assert sum(r() is not None for r in refs) == 0
    assert fd_count() == fd_before
    growth = rss_kib() - rss_before
    # a leaked loop with its handles costs several KiB: 1000 of them show
    assert growth < 6 * 1024, "RSS grew by %d KiB" % growth


def test_many_stopped_handles_do_not_leak(loop, collect):
    for _ in range(2000):
        t = uv.Timer(loop)
        t.start(1000)
        t.stop()
    del t
    collect()
    assert loop.handles == set()
    loop.run(RunModes.NOWAIT)
    loop.close()
