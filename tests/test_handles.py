"""The handle base (uv.Handle, uv.UVHandle) and the simple handles: Async,
Idle, Prepare, Check, Timer, Signal (spec/handle-reference.txt, API.md
section 4)."""
import os
import signal
import time

import pytest

import uv
from uv.loop import RunModes

# kind name -> (callback attribute, how to start it, has stop())
KINDS = {
    "Timer": ("on_timeout", lambda h, **kw: h.start(1000, **kw), True),
    "Idle": ("on_idle", lambda h, **kw: h.start(**kw), True),
    "Prepare": ("on_prepare", lambda h, **kw: h.start(**kw), True),
    "Check": ("on_check", lambda h, **kw: h.start(**kw), True),
    "Signal": ("on_signal", lambda h, **kw: h.start(signal.SIGUSR2, **kw), True),
    "Async": ("on_wakeup", lambda h, **kw: h.send(**kw), False),
}
ALL = sorted(KINDS)
STOPPABLE = sorted(k for k in KINDS if KINDS[k][2])


def make(kind, loop, **kw):
    return getattr(uv, kind)(loop, **kw)


# ---------------------------------------------------------------- modules / ABCs


def test_handle_modules():
    assert uv.handle.UVHandle is uv.UVHandle
    assert uv.request.UVRequest is uv.UVRequest
    assert uv.timer.Timer is uv.Timer
    assert uv.idle.Idle is uv.Idle
    assert uv.prepare.Prepare is uv.Prepare
    assert uv.check.Check is uv.Check
    assert uv.async_.Async is uv.Async
    assert uv.signal.Signal is uv.Signal
    assert uv.signal.Signals is uv.Signals
    assert uv.abstract.Handle is uv.Handle
    assert uv.abstract.Request is uv.Request
    assert uv.abstract.Stream is uv.Stream
    assert uv.HandleClosedError is uv.ClosedHandleError
    assert uv.error.ClosedHandleError is uv.ClosedHandleError


@pytest.mark.parametrize("kind", ALL)
def test_abcs_registered(loop, kind):
    cls = getattr(uv, kind)
    h = make(kind, loop)
    assert isinstance(h, uv.Handle)
    assert isinstance(h, uv.abstract.Handle)
    assert isinstance(h, uv.UVHandle)
    assert issubclass(cls, uv.Handle)
    assert issubclass(cls, uv.UVHandle)
    assert not isinstance(h, uv.Request)
    assert not isinstance(h, uv.Stream)


def test_timer_without_loop_is_abc_instance(loop):
    assert isinstance(uv.Timer(), uv.Handle)


# ---------------------------------------------------------------- base state


@pytest.mark.parametrize("kind", ALL)
def test_fresh_handle_state(loop, kind):
    h = make(kind, loop)
    assert h.loop is loop
    assert h.closing is False
    assert h.closed is False
    assert h.referenced is True
    assert h.active is (kind == "Async")     # an Async is always active
    assert h.data is None
    cb_name = KINDS[kind][0]
    assert callable(getattr(h, cb_name))
    assert callable(h.on_closed)


@pytest.mark.parametrize("kind", ALL)
def test_default_loop_argument_is_current(loop, kind):
    h = getattr(uv, kind)()
    assert h.loop is loop
    h2 = getattr(uv, kind)(loop=None)
    assert h2.loop is loop


@pytest.mark.parametrize("kind", ALL)
def test_data_attribute(loop, kind):
    h = make(kind, loop)
    marker = object()
    h.data = marker
    assert h.data is marker
    h.data = [1, 2]
    assert h.data == [1, 2]


@pytest.mark.parametrize("kind", ALL)
def test_readonly_properties(loop, kind):
    h = make(kind, loop)
    for name in ("loop", "closing", "closed", "active"):
        with pytest.raises(AttributeError):
            setattr(h, name, getattr(h, name))


@pytest.mark.parametrize("kind", ALL)
def test_reference_dereference(loop, kind):
    h = make(kind, loop)
    h.dereference()
    assert h.referenced is False
    h.dereference()                 # idempotent
    assert h.referenced is False
    h.reference()
    assert h.referenced is True
    h.reference()
    assert h.referenced is True
    h.referenced = False
    assert h.referenced is False
    h.referenced = True
    assert h.referenced is True


def test_dereferenced_timer_does_not_keep_loop_alive(loop, run_loop):
    fired = []
    t = uv.Timer(loop, on_timeout=fired.append)
    t.start(2000)
    t.dereference()
    t0 = time.monotonic()
    assert run_loop(loop) is False
    assert time.monotonic() - t0 < 1.5
    assert fired == []
    assert t.active


def test_referenced_again_keeps_loop_alive(loop, run_loop):
    fired = []
    t = uv.Timer(loop, on_timeout=fired.append)
    t.start(5)
    t.dereference()
    t.reference()
    run_loop(loop)
    assert fired == [t]


@pytest.mark.parametrize("kind", ALL)
def test_fileno_not_supported(loop, kind):
    h = make(kind, loop)
    with pytest.raises(uv.error.ArgumentError) as info:
        h.fileno()
    assert isinstance(info.value, ValueError)
    assert info.value.code == uv.StatusCodes.EINVAL


@pytest.mark.parametrize("attr", ["send_buffer_size", "receive_buffer_size"])
def test_buffer_sizes_not_supported_on_timer(loop, attr):
    t = uv.Timer(loop)
    with pytest.raises(uv.error.ArgumentError):
        getattr(t, attr)
    with pytest.raises(uv.error.ArgumentError):
        setattr(t, attr, 65536)


@pytest.mark.parametrize("kind", ALL)
def test_repr_never_raises(loop, run_loop, kind):
    h = make(kind, loop)
    assert kind in repr(h)
    KINDS[kind][1](h)
    assert kind in repr(h)
    h.close()
    assert kind in repr(h)
    run_loop(loop)
    assert h.closed
    assert kind in repr(h)


# ---------------------------------------------------------------- close


@pytest.mark.parametrize("kind", ALL)
def test_close_states_and_callback(loop, run_loop, kind):
    h = make(kind, loop)
    closed = []
    h.close(on_closed=closed.append)
    assert h.closing is True
    assert h.closed is False
    assert closed == []
    run_loop(loop)
    assert h.closing is True
    assert h.closed is True
    assert h.active is False
    assert closed == [h]


@pytest.mark.parametrize("kind", ALL)
def test_close_started_handle(loop, run_loop, kind):
    h = make(kind, loop)
    KINDS[kind][1](h)
    closed = []
    h.close(on_closed=closed.append)
    assert h.closing
    run_loop(loop)
    assert closed == [h]
    assert h.closed
    assert not h.active


def test_close_is_idempotent(loop, run_loop):
    t = uv.Timer(loop)
    first, second = [], []
    t.close(on_closed=first.append)
    t.close(on_closed=second.append)        # no effect at all
    t.close()
    run_loop(loop)
    t.close(on_closed=second.append)
    run_loop(loop)
    assert first == [t]
    assert second == []


def test_on_closed_attribute(loop, run_loop):
    t = uv.Timer(loop)
    closed = []
    t.on_closed = closed.append
    assert t.on_closed == closed.append
    t.close()
    run_loop(loop)
    assert closed == [t]


def test_close_without_callback(loop, run_loop):
    t = uv.Timer(loop)
    t.close()
    run_loop(loop)
    assert t.closed


def test_close_from_own_callback(loop, run_loop):
    closed = []
    t = uv.Timer(loop, on_timeout=lambda t: t.close(on_closed=closed.append))
    t.start(1, repeat=1)
    run_loop(loop)
    assert closed == [t]


def test_close_runs_in_later_iteration(loop, run_loop):
    order = []
    t = uv.Timer(loop)
    t.close(on_closed=lambda h: order.append("closed"))
    order.append("after close()")
    run_loop(loop)
    assert order == ["after close()", "closed"]


def _closed_ops(kind, h):
    """Operations that must raise ClosedHandleError on a closing handle."""
    cb_name = KINDS[kind][0]
    ops = [
        ("reference", lambda: h.reference()),
        ("dereference", lambda: h.dereference()),
        ("referenced=", lambda: setattr(h, "referenced", False)),
        ("fileno", lambda: h.fileno()),
        ("send_buffer_size", lambda: h.send_buffer_size),
        ("receive_buffer_size", lambda: h.receive_buffer_size),
        ("send_buffer_size=", lambda: setattr(h, "send_buffer_size", 4096)),
        ("start", lambda: KINDS[kind][1](h)),
        ("start(cb)", lambda: KINDS[kind][1](h, **{cb_name: lambda *a: None})),
    ]
    if kind == "Timer":
        ops += [("again", lambda: h.again()),
                ("repeat=", lambda: setattr(h, "repeat", 10)),
                ("repeat", lambda: h.repeat)]
    if kind == "Signal":
        ops += [("signum", lambda: h.signum)]
    return ops


@pytest.mark.parametrize("when", ["closing", "closed"])
@pytest.mark.parametrize("kind", ALL)
def test_operations_on_closed_handle_raise(loop, run_loop, kind, when):
    h = make(kind, loop)
    h.close()
    if when == "closed":
        run_loop(loop)
        assert h.closed
    wrong = []
    for name, op in _closed_ops(kind, h):
        try:
            op()
        except uv.ClosedHandleError:
            pass
        except BaseException as exc:      # noqa: B902 -- list every deviation
            wrong.append("%s raised %r" % (name, exc))
        else:
            wrong.append("%s did not raise" % name)
    assert wrong == []
    assert h.active is False


@pytest.mark.parametrize("when", ["closing", "closed"])
@pytest.mark.parametrize("kind", STOPPABLE)
def test_stop_on_closed_handle_returns_none(loop, run_loop, kind, when):
    h = make(kind, loop)
    KINDS[kind][1](h)
    h.close()
    if when == "closed":
        run_loop(loop)
    assert h.stop() is None


def test_closed_handle_error_is_uv_error(loop):
    t = uv.Timer(loop)
    t.close()
    with pytest.raises(uv.UVError):
        t.start(1)
    with pytest.raises(uv.error.ClosedStructureError):
        t.start(1)


# ---------------------------------------------------------------- callbacks


@pytest.mark.parametrize("kind", ALL)
def test_callback_attribute_replaceable(loop, kind):
    cb_name = KINDS[kind][0]
    h = make(kind, loop)

    def f(*args):
        pass

    setattr(h, cb_name, f)
    assert getattr(h, cb_name) is f
    h2 = make(kind, loop, **{cb_name: f})
    assert getattr(h2, cb_name) is f


@pytest.mark.parametrize("kind", ALL)
def test_start_callback_replaces_stored_one(loop, kind):
    cb_name = KINDS[kind][0]

    def f(*args):
        pass

    def g(*args):
        pass

    h = make(kind, loop, **{cb_name: f})
    KINDS[kind][1](h)                            # None leaves it alone
    assert getattr(h, cb_name) is f
    KINDS[kind][1](h, **{cb_name: g})
    assert getattr(h, cb_name) is g
    if KINDS[kind][2]:
        h.stop()


def test_default_callbacks_are_noops(loop, run_loop):
    t = uv.Timer(loop)
    t.start(0)
    i = uv.Idle(loop)
    i.start()
    p = uv.Prepare(loop)
    p.start()
    c = uv.Check(loop)
    c.start()
    a = uv.Async(loop)
    a.send()
    for h in (i, p, c, a):
        h.dereference()
    run_loop(loop)
    loop.run(RunModes.NOWAIT)
    assert loop.exc_type is None
    for h in (i, p, c):
        h.stop()


# ---------------------------------------------------------------- Timer


def test_timer_one_shot(loop, run_loop):
    fired = []
    t = uv.Timer(loop, on_timeout=fired.append)
    t.start(5)
    assert t.active
    assert run_loop(loop) is False
    assert fired == [t]
    assert not t.active


def test_timer_positional_and_keyword_arguments(loop, run_loop):
    fired = []
    t = uv.Timer(loop, fired.append)
    t.start(timeout=1, repeat=0)
    run_loop(loop)
    assert fired == [t]
    t.start(1, 0, lambda h: fired.append("new"))
    run_loop(loop)
    assert fired == [t, "new"]


def test_timer_waits_its_timeout(loop, run_loop):
    fired = []
    t = uv.Timer(loop, on_timeout=lambda t: fired.append(time.monotonic()))
    loop.update_time()
    t0 = time.monotonic()
    t.start(50)
    run_loop(loop)
    # libuv's clock is coarse (a few ms): allow it to fire slightly early
    assert fired and fired[0] - t0 >= 0.040


def test_timer_order(loop, run_loop):
    order = []
    for ms in (30, 10, 20, 0):
        uv.Timer(loop, on_timeout=lambda t, ms=ms: order.append(ms)).start(ms)
    run_loop(loop)
    assert order == [0, 10, 20, 30]


def test_timer_repeat(loop, run_loop):
    fired = []

    def on_timeout(t):
        fired.append(t.repeat)
        if len(fired) == 3:
            t.stop()

    t = uv.Timer(loop, on_timeout=on_timeout)
    t.start(1, repeat=2)
    assert t.repeat == 2
    assert run_loop(loop) is False
    assert fired == [2, 2, 2]
    assert not t.active


def test_timer_repeat_property(loop):
    t = uv.Timer(loop)
    assert t.repeat == 0
    t.repeat = 5
    assert t.repeat == 5
    assert isinstance(t.repeat, int)
    t.repeat = 0
    assert t.repeat == 0


def test_timer_stop(loop, run_loop):
    fired = []
    t = uv.Timer(loop, on_timeout=fired.append)
    t.start(1)
    assert t.stop() is None
    assert not t.active
    assert run_loop(loop) is False
    assert fired == []
    assert t.stop() is None             # stopping a stopped timer is fine


def test_stop_never_started(loop):
    for kind in STOPPABLE:
        h = make(kind, loop)
        assert h.stop() is None
        assert not h.active


def test_timer_again_uses_repeat(loop, run_loop):
    fired = []

    def on_timeout(t):
        fired.append(1)
        if len(fired) == 2:
            t.stop()

    t = uv.Timer(loop, on_timeout=on_timeout)
    t.start(100000, repeat=1)
    t.again()                           # restart with the repeat value
    assert t.active
    t0 = time.monotonic()
    run_loop(loop, timeout=5)
    assert time.monotonic() - t0 < 2
    assert fired == [1, 1]


def test_timer_restart_replaces_timeout(loop, run_loop):
    fired = []
    t = uv.Timer(loop, on_timeout=fired.append)
    t.start(100000)
    t.start(1)
    run_loop(loop, timeout=5)
    assert fired == [t]


def test_one_shot_timer_not_active_in_callback_and_restarts(loop, run_loop):
    states = []
    fires = []

    def on_timeout(t):
        fires.append(1)
        states.append(t.active)
        if len(fires) < 3:
            t.start(1)
            states.append(t.active)

    t = uv.Timer(loop, on_timeout=on_timeout)
    t.start(1)
    run_loop(loop)
    assert len(fires) == 3
    assert states == [False, True, False, True, False]


def test_repeating_timer_active_in_callback(loop, run_loop):
    states = []

    def on_timeout(t):
        states.append(t.active)
        t.stop()

    uv.Timer(loop, on_timeout=on_timeout).start(1, repeat=1)
    run_loop(loop)
    assert states == [True]


def test_timer_huge_but_valid_timeout(loop):
    fired = []
    t = uv.Timer(loop, on_timeout=fired.append)
    t.start(2 ** 63 - 1)
    assert t.active
    for _ in range(3):
        assert loop.run(RunModes.NOWAIT) is True
    assert fired == []
    assert t.active
    t.repeat = 2 ** 63 - 1
    assert t.repeat == 2 ** 63 - 1
    t.stop()


@pytest.mark.parametrize("bad", [-1, -(2 ** 63), 2 ** 63, 2 ** 64, 2 ** 100])
def test_timer_bad_timeout_value(loop, bad):
    t = uv.Timer(loop)
    with pytest.raises(uv.error.ArgumentError) as info:
        t.start(bad)
    assert isinstance(info.value, ValueError)
    assert not t.active
    with pytest.raises(uv.error.ArgumentError):
        t.start(1, repeat=bad)
    assert not t.active
    with pytest.raises(uv.error.ArgumentError):
        t.repeat = bad
    assert t.repeat == 0


def test_timer_reenable_after_exception(loop, run_loop):
    seen = []
    loop.excepthook = lambda *a: seen.append(a[1])
    count = []

    def on_timeout(t):
        count.append(1)
        if len(count) == 3:
            t.stop()
        raise ValueError

    uv.Timer(loop, on_timeout=on_timeout).start(1, repeat=1)
    run_loop(loop)
    assert seen == [ValueError] * 3


# ---------------------------------------------------------------- Idle / Prepare / Check

PHASES = [("Idle", "on_idle"), ("Prepare", "on_prepare"), ("Check", "on_check")]


def spinner(loop):
    """A started, dereferenced Idle: the loop polls without blocking while it
    runs (a loop whose only handle is a Prepare or Check blocks in poll)."""
    idle = uv.Idle(loop)
    idle.start()
    idle.dereference()
    return idle


@pytest.mark.parametrize("kind,cb_name", PHASES)
def test_phase_handle_once_per_iteration(loop, kind, cb_name):
    calls = []
    h = make(kind, loop, **{cb_name: calls.append})
    h.start()
    assert h.active
    for _ in range(5):
        assert loop.run(RunModes.NOWAIT) is True
    assert calls == [h] * 5
    h.stop()
    assert not h.active
    loop.run(RunModes.NOWAIT)
    assert len(calls) == 5


@pytest.mark.parametrize("kind,cb_name", PHASES)
def test_phase_handle_stop_in_callback(loop, run_loop, kind, cb_name):
    calls = []

    def cb(h):
        calls.append(h)
        if len(calls) == 3:
            h.stop()

    spin = spinner(loop)
    h = make(kind, loop)
    h.start(**{cb_name: cb})
    assert run_loop(loop) is False
    assert calls == [h] * 3
    spin.stop()


@pytest.mark.parametrize("kind,cb_name", PHASES)
def test_phase_handle_start_twice(loop, kind, cb_name):
    calls = []
    h = make(kind, loop, **{cb_name: calls.append})
    h.start()
    h.start()
    loop.run(RunModes.NOWAIT)
    assert calls == [h]
    h.stop()


def test_iteration_phase_order(loop):
    order = []
    uv.Timer(loop, on_timeout=lambda h: order.append("timer")).start(0)
    uv.Check(loop, on_check=lambda h: order.append("check")).start()
    uv.Prepare(loop, on_prepare=lambda h: order.append("prepare")).start()
    uv.Idle(loop, on_idle=lambda h: order.append("idle")).start()
    uv.Timer(loop).close(on_closed=lambda h: order.append("closed"))
    loop.run(RunModes.NOWAIT)
    if uv.uv_version[1:3] >= (1, 45):
        # libuv 1.45 moved the timers to the end of an iteration
        assert order == ["idle", "prepare", "check", "closed", "timer"]
    else:
        assert order == ["timer", "idle", "prepare", "check", "closed"]


def test_idle_keeps_loop_spinning(loop, run_loop):
    calls = []

    def on_idle(h):
        calls.append(1)
        if len(calls) == 100:
            h.stop()

    uv.Idle(loop, on_idle=on_idle).start()
    run_loop(loop)
    assert len(calls) == 100


# ---------------------------------------------------------------- Async


def test_async_send_before_run(loop, run_loop):
    calls = []

    def on_wakeup(a):
        calls.append(a)
        a.close()

    a = uv.Async(loop, on_wakeup=on_wakeup)
    a.send()
    run_loop(loop)
    assert calls == [a]
    assert a.closed


def test_async_always_active(loop):
    a = uv.Async(loop)
    assert a.active
    a.send()
    assert a.active
    a.dereference()
    assert a.active


def test_async_sends_may_coalesce(loop, run_loop):
    calls = []
    a = uv.Async(loop, on_wakeup=calls.append)
    for _ in range(5):
        a.send()
    uv.Timer(loop, on_timeout=lambda t: a.close()).start(30)
    run_loop(loop)
    assert 1 <= len(calls) <= 5
    assert all(c is a for c in calls)


def test_async_send_replaces_callback(loop, run_loop):
    calls = []
    a = uv.Async(loop, on_wakeup=lambda h: calls.append("old"))

    def new(h):
        calls.append("new")
        h.close()

    a.send(on_wakeup=new)
    assert a.on_wakeup is new
    run_loop(loop)
    assert calls == ["new"]


def test_async_send_again_from_callback(loop, run_loop):
    calls = []

    def on_wakeup(a):
        calls.append(1)
        if len(calls) < 3:
            a.send()
        else:
            a.close()

    uv.Async(loop, on_wakeup=on_wakeup).send()
    run_loop(loop)
    assert len(calls) == 3


def test_async_keeps_loop_alive(loop, run_loop):
    a = uv.Async(loop)
    assert loop.alive
    assert loop.run(RunModes.NOWAIT) is True
    a.dereference()
    assert loop.alive is False
    assert run_loop(loop) is False


def test_async_no_wakeup_without_send(loop):
    calls = []
    a = uv.Async(loop, on_wakeup=calls.append)
    for _ in range(3):
        loop.run(RunModes.NOWAIT)
    assert calls == []
    a.close()


# ---------------------------------------------------------------- Signal


def test_signals_enum():
    assert uv.Signals.SIGUSR1 == signal.SIGUSR1
    assert uv.Signals.SIGUSR2 == signal.SIGUSR2
    assert uv.Signals.SIGINT == signal.SIGINT
    assert uv.Signals.SIGTERM == signal.SIGTERM
    assert uv.Signals.SIGHUP == signal.SIGHUP


def test_signal_delivered(loop, run_loop, kill_self):
    got = []

    def on_signal(handle, signum):
        got.append((handle, signum))
        handle.close()

    s = uv.Signal(loop, on_signal=on_signal)
    s.start(signal.SIGUSR1)
    assert s.active
    assert s.signum == signal.SIGUSR1
    kill_self(signal.SIGUSR1)
    run_loop(loop)
    assert got == [(s, signal.SIGUSR1)]


def test_signal_start_with_enum_and_callback(loop, run_loop, kill_self):
    got = []

    def on_signal(handle, signum):
        got.append(signum)
        handle.stop()

    s = uv.Signal(loop)
    s.start(uv.Signals.SIGUSR2, on_signal=on_signal)
    assert s.on_signal is on_signal
    assert s.signum == signal.SIGUSR2
    kill_self(signal.SIGUSR2)
    run_loop(loop)
    assert got == [signal.SIGUSR2]
    assert not s.active


def test_signal_only_matching_handle(loop, run_loop, kill_self):
    got = []
    s1 = uv.Signal(loop, on_signal=lambda h, n: got.append(("usr1", n)))
    s2 = uv.Signal(loop, on_signal=lambda h, n: (got.append(("usr2", n)),
                                                 h.stop(), s1.stop()))
    s1.start(signal.SIGUSR1)
    s2.start(signal.SIGUSR2)
    kill_self(signal.SIGUSR2)
    run_loop(loop)
    assert got == [("usr2", signal.SIGUSR2)]


def test_signal_two_handles_same_signal(loop, run_loop, kill_self):
    got = []
    s1 = uv.Signal(loop, on_signal=lambda h, n: (got.append("a"), h.stop()))
    s2 = uv.Signal(loop, on_signal=lambda h, n: (got.append("b"), h.stop()))
    s1.start(signal.SIGUSR1)
    s2.start(signal.SIGUSR1)
    kill_self(signal.SIGUSR1)
    run_loop(loop)
    assert sorted(got) == ["a", "b"]


def test_signal_stopped_handle_not_called(loop, run_loop, kill_self):
    got = []
    s1 = uv.Signal(loop, on_signal=lambda h, n: got.append("stopped"))
    s2 = uv.Signal(loop, on_signal=lambda h, n: (got.append("live"), h.stop()))
    s1.start(signal.SIGUSR1)
    s2.start(signal.SIGUSR1)
    s1.stop()
    assert not s1.active
    kill_self(signal.SIGUSR1)      # s2 still catches it
    run_loop(loop)
    assert got == ["live"]


def test_signal_keeps_loop_alive(loop, run_loop):
    s = uv.Signal(loop)
    s.start(signal.SIGUSR2)
    assert loop.alive
    s.dereference()
    assert not loop.alive
    s.stop()


@pytest.mark.parametrize("bad", [0, -1, 100000])
def test_signal_invalid_number(loop, bad):
    s = uv.Signal(loop)
    with pytest.raises(uv.error.ArgumentError):
        s.start(bad)
    assert not s.active


# ---------------------------------------------------------------- subclassing


class MyTimer(uv.Timer):
    def __init__(self, name, loop=None):
        super().__init__(loop=loop, on_timeout=self.fire)
        self.name = name
        self.starts = []
        self.fired = []

    def start(self, timeout, repeat=0, on_timeout=None):
        self.starts.append(timeout)
        return super().start(timeout, repeat, on_timeout=on_timeout)

    def fire(self, timer):
        self.fired.append(timer)


def test_timer_subclass(loop, run_loop):
    t = MyTimer("x", loop)
    assert isinstance(t, uv.Timer)
    assert isinstance(t, uv.Handle)
    assert t.name == "x"
    t.start(1)
    run_loop(loop)
    assert t.starts == [1]
    assert t.fired == [t]
    assert type(t.fired[0]) is MyTimer
    closed = []
    t.close(on_closed=closed.append)
    run_loop(loop)
    assert closed == [t]
    assert "Timer" in repr(t)


@pytest.mark.parametrize("kind,cb_name", PHASES + [("Async", "on_wakeup")])
def test_handle_subclass_receives_instance(loop, run_loop, kind, cb_name):
    base = getattr(uv, kind)
    seen = []

    class Sub(base):
        def __init__(self, tag):
            super().__init__(loop)
            self.tag = tag

    h = Sub("tagged")
    assert h.loop is loop

    def cb(handle):
        seen.append((type(handle), handle.tag))
        handle.close()

    setattr(h, cb_name, cb)
    KINDS[kind][1](h)
    spin = spinner(loop)
    run_loop(loop)
    spin.stop()
    assert seen == [(Sub, "tagged")]
    assert h.closed


def test_signal_subclass(loop, run_loop, kill_self):
    seen = []

    class MySignal(uv.Signal):
        def __init__(self):
            super().__init__(loop, on_signal=self.got)

        def got(self, handle, signum):
            seen.append((handle, signum))
            handle.close()

    s = MySignal()
    s.start(signal.SIGUSR2)
    kill_self(signal.SIGUSR2)
    run_loop(loop)
    assert seen == [(s, signal.SIGUSR2)]


def test_python_signal_handler_is_back_after_the_last_uv_signal_stops(loop, run_loop):
    import signal as pysignal
    got = []
    previous = pysignal.signal(pysignal.SIGUSR2, lambda n, f: got.append(("python", n)))
    try:
        handles = [uv.Signal(loop, on_signal=lambda h, n: got.append(("uv", n)))
                   for _ in range(2)]
        for h in handles:
            h.start(pysignal.SIGUSR2)
        os.kill(os.getpid(), pysignal.SIGUSR2)
        run_loop(loop, mode=RunModes.ONCE)
        handles[0].stop()                  # one uv handle still watches
        os.kill(os.getpid(), pysignal.SIGUSR2)
        run_loop(loop, mode=RunModes.ONCE)
        assert got == [("uv", pysignal.SIGUSR2)] * 3
        handles[1].close()                 # the last one: Python's is back
        os.kill(os.getpid(), pysignal.SIGUSR2)
        for _ in range(100):
            if got[-1][0] == "python":
                break
            time.sleep(0.001)
        assert got[-1] == ("python", pysignal.SIGUSR2)
    finally:
        pysignal.signal(pysignal.SIGUSR2, previous)
