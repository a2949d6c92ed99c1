"""Wrong arguments: they raise the documented exception, leave the object as
it was, and never crash the interpreter."""
import signal

import pytest

import uv
from uv.loop import RunModes

NOT_CALLABLE = [5, "on_x", object(), b"", [print]]
NC_IDS = ["int", "str", "object", "bytes", "list"]

# kind -> (callback attribute, start(h, **kw))
KINDS = {
    "Timer": ("on_timeout", lambda h, **kw: h.start(1000, **kw)),
    "Idle": ("on_idle", lambda h, **kw: h.start(**kw)),
    "Prepare": ("on_prepare", lambda h, **kw: h.start(**kw)),
    "Check": ("on_check", lambda h, **kw: h.start(**kw)),
    "Signal": ("on_signal", lambda h, **kw: h.start(signal.SIGUSR2, **kw)),
    "Async": ("on_wakeup", lambda h, **kw: h.send(**kw)),
}
ALL = sorted(KINDS)


def keep(*args):
    pass


@pytest.mark.parametrize("bad", NOT_CALLABLE, ids=NC_IDS)
@pytest.mark.parametrize("kind", ALL)
def test_assign_non_callable_callback(loop, kind, bad):
    cb_name = KINDS[kind][0]
    h = getattr(uv, kind)(loop, **{cb_name: keep})
    with pytest.raises(TypeError):
        setattr(h, cb_name, bad)
    assert getattr(h, cb_name) is keep


@pytest.mark.parametrize("bad", NOT_CALLABLE, ids=NC_IDS)
@pytest.mark.parametrize("kind", ALL)
def test_construct_with_non_callable_callback(loop, kind, bad):
    cb_name = KINDS[kind][0]
    with pytest.raises(TypeError):
        getattr(uv, kind)(loop, **{cb_name: bad})


@pytest.mark.parametrize("bad", NOT_CALLABLE, ids=NC_IDS)
@pytest.mark.parametrize("kind", ALL)
def test_start_with_non_callable_callback(loop, kind, bad):
    cb_name = KINDS[kind][0]
    h = getattr(uv, kind)(loop, **{cb_name: keep})
    with pytest.raises(TypeError):
        KINDS[kind][1](h, **{cb_name: bad})
    assert getattr(h, cb_name) is keep
    if kind != "Async":
        assert h.active is False       # nothing was started


@pytest.mark.parametrize("bad", NOT_CALLABLE, ids=NC_IDS)
def test_non_callable_on_closed(loop, bad):
    t = uv.Timer(loop)
    t.on_closed = keep
    with pytest.raises(TypeError):
        t.on_closed = bad
    assert t.on_closed is keep
    with pytest.raises(TypeError):
        t.close(on_closed=bad)
    assert t.on_closed is keep
    assert not t.closing               # the failed call closed nothing


def test_non_callable_close_all_handles(loop, run_loop):
    t = uv.Timer(loop)
    with pytest.raises(TypeError):
        loop.close_all_handles(on_closed=5)
    t.close()
    run_loop(loop)


def test_callback_with_wrong_signature_goes_to_excepthook(loop, run_loop):
    seen = []
    loop.excepthook = lambda *args: seen.append(args[1])
    uv.Timer(loop, on_timeout=lambda: None).start(0)   # takes no argument
    run_loop(loop)
    assert seen == [TypeError]


def test_signal_callback_with_wrong_signature(loop, run_loop, kill_self):
    seen = []
    loop.excepthook = lambda *args: (seen.append(args[1]), args[0].stop())
    s = uv.Signal(loop, on_signal=lambda handle: None)  # signum is missing
    s.start(signal.SIGUSR1)
    kill_self(signal.SIGUSR1)
    run_loop(loop)
    assert seen == [TypeError]
    s.close()


@pytest.mark.parametrize("bad", [-1, -(2 ** 63), 2 ** 63, 2 ** 64 + 1])
def test_timer_bad_values(loop, bad):
    t = uv.Timer(loop)
    t.repeat = 7
    with pytest.raises(uv.error.ArgumentError):
        t.start(bad)
    with pytest.raises(ValueError):
        t.start(10, repeat=bad)
    with pytest.raises(uv.error.ArgumentError):
        t.repeat = bad
    assert t.repeat == 7
    assert not t.active


@pytest.mark.parametrize("bad", [0.0, 1.5, float("nan"), "1", "10", None, b"1",
                                 [1], object(), 1j])
def test_timer_bad_types(loop, bad):
    t = uv.Timer(loop)
    with pytest.raises(TypeError):
        t.start(bad)
    with pytest.raises(TypeError):
        t.start(1, repeat=bad)
    with pytest.raises(TypeError):
        t.repeat = bad
    assert not t.active
    assert t.repeat == 0


def test_timer_missing_argument(loop):
    t = uv.Timer(loop)
    with pytest.raises(TypeError):
        t.start()
    with pytest.raises(TypeError):
        t.start(1, 2, keep, "extra")
    with pytest.raises(TypeError):
        t.start(1, bogus=2)


def test_timer_int_subclass_accepted(loop, run_loop):
    fired = []
    t = uv.Timer(loop, on_timeout=fired.append)
    t.start(RunModes.NOWAIT)           # an IntEnum member is an int (2 ms)
    run_loop(loop)
    assert fired == [t]


@pytest.mark.parametrize("bad", [0, -1, 100000, 2 ** 31 - 1, -(2 ** 31)])
def test_signal_bad_numbers(loop, bad):
    s = uv.Signal(loop)
    with pytest.raises(uv.error.ArgumentError):
        s.start(bad)
    assert not s.active
    # the handle is still usable
    s.start(signal.SIGUSR2)
    assert s.active
    s.stop()


@pytest.mark.parametrize("bad", ["SIGUSR1", 1.0, None])
def test_signal_bad_types(loop, bad):
    s = uv.Signal(loop)
    with pytest.raises(TypeError):
        s.start(bad)
    assert not s.active


@pytest.mark.parametrize("kind", ALL)
@pytest.mark.parametrize("bad", [5, "loop", object()], ids=["int", "str", "object"])
def test_handle_with_non_loop(kind, bad):
    # not spelled out in API.md: anything but a Loop (or None) is a TypeError
    with pytest.raises(TypeError):
        getattr(uv, kind)(bad)


def test_operations_after_loop_close(loop):
    loop.close()
    with pytest.raises(uv.LoopClosedError):
        loop.run()
    with pytest.raises(uv.LoopClosedError):
        uv.Timer(loop)
    loop.close()
    assert "Loop" in repr(loop)


def test_loop_close_twice_with_busy_handle():
    lp = uv.Loop()
    t = uv.Timer(lp)
    for _ in range(2):
        with pytest.raises(uv.error.ResourceBusyError):
            lp.close()
    t.close()
    lp.run()
    lp.close()
    lp.close()
    assert lp.closed


def test_callback_replaced_during_dispatch(loop, run_loop):
    calls = []

    def second(t):
        calls.append("second")
        t.stop()

    def first(t):
        calls.append("first")
        t.on_timeout = second

    uv.Timer(loop, on_timeout=first).start(1, repeat=1)
    run_loop(loop)
    assert calls == ["first", "second"]


def test_handle_closed_inside_own_callback_then_used(loop, run_loop):
    errors = []
    stopped = []

    def on_timeout(t):
        t.close()
        try:
            t.start(1)
        except uv.ClosedHandleError as exc:
            errors.append(exc)
        stopped.append(t.stop())

    uv.Timer(loop, on_timeout=on_timeout).start(1, repeat=1)
    run_loop(loop)
    assert len(errors) == 1
    assert stopped == [None]


def test_exception_state_after_reset(loop, run_loop, capfd):
    count = []

    def bad(t):
        count.append(1)
        raise RuntimeError("x-%d" % len(count))

    t = uv.Timer(loop, on_timeout=bad)
    t.start(0)
    run_loop(loop)
    assert str(loop.exc_value) == "x-1"
    loop.reset_exception()
    t.start(0)
    run_loop(loop)
    assert str(loop.exc_value) == "x-2"
    capfd.readouterr()
