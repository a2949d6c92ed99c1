"""Shared test infrastructure.

- marker ``threads``: tests that use Python threads.  The HPy debug-mode run
  excludes them (``-m 'not threads'``): debug mode can abort when other threads
  call into the module while the loop waits (shared/DESIGN.md, HPy rule 9).
- every test runs under ``faulthandler.dump_traceback_later``: a test that hangs
  dumps all stacks and ends the process instead of hanging CI (after 60 s, or
  what a ``hang_timeout(seconds)`` marker says; ``UV_TEST_TIME_SCALE``
  multiplies every timeout, for runs under valgrind).
- ``HPY=debug`` in the environment (the binary is then loaded in HPy debug
  mode): every test runs inside ``hpy.debug.LeakDetector``, which fails the
  test on a leaked HPy handle; the session prints the total count of leaks.
- fixtures ``loop`` (a fresh loop, closed at teardown), ``run_loop`` (run a
  loop with a timeout guard) and ``collect`` (a full garbage collection, three
  passes so that PyPy finalizes what it found in the first one); also
  ``kill_self`` (send this process a signal it handles) and ``fd_count``
  (the number of open file descriptors).
- fixtures that drive ``loop``: ``until`` (run it until a condition holds)
  and ``pause`` (run it for some milliseconds); both re-raise a callback's
  exception.
- fixtures of the stream and TCP tests, built on the helpers in
  tcp_support.py: ``server`` (an echoing ``Server`` on 127.0.0.1) and
  ``pair`` (a connected client TCP and the server's accepted TCP).
"""
import faulthandler
import gc
import os
import sys

import pytest

IS_PYPY = sys.implementation.name == "pypy"
HPY_DEBUG = os.environ.get("HPY", "").strip().lower() in ("debug", "1:debug")

# every timeout is multiplied by this (tools/memcheck.sh runs the suite
# under valgrind, about 30 times slower)
TIME_SCALE = float(os.environ.get("UV_TEST_TIME_SCALE", "1"))

# seconds before a hanging test dumps its stacks and ends the process
HANG_TIMEOUT = 60 * TIME_SCALE

_leaks = {"count": 0, "tests": []}


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "threads: the test uses Python threads (excluded from the HPy debug-mode "
        "run, where other threads calling into the module can abort)")
    config.addinivalue_line(
        "markers",
        "hang_timeout(seconds): a test that may take longer than the usual "
        "hang guard (60 s) before it is considered hung")


# where a hang's stacks go: pytest captures fd 2 while a test runs, so they
# are written to a file that tools/test-all.sh prints (UV_TEST_HANG_LOG)
_hang_log_path = os.environ.get("UV_TEST_HANG_LOG")
_hang_log = open(_hang_log_path, "a") if _hang_log_path else sys.__stderr__


@pytest.fixture(autouse=True)
def _hang_guard(request):
    if _hang_log is not sys.__stderr__:
        _hang_log.write("\n[uv tests] hang guard: %s\n" % request.node.nodeid)
        _hang_log.flush()
    marker = request.node.get_closest_marker("hang_timeout")
    seconds = marker.args[0] * TIME_SCALE if marker else HANG_TIMEOUT
    faulthandler.dump_traceback_later(seconds, exit=True, file=_hang_log)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


if HPY_DEBUG:
    @pytest.fixture(autouse=True)
    def _hpy_leak_detector(request):
        from hpy.debug import HPyLeakError, LeakDetector
        try:
            with LeakDetector():
                yield
        except HPyLeakError as exc:
            _leaks["count"] += len(exc.leaks)
            _leaks["tests"].append(request.node.nodeid)
            raise

    def pytest_terminal_summary(terminalreporter):
        tr = terminalreporter
        tr.write_sep("=", "HPy debug mode")
        tr.write_line("leaked HPy handles: %d (in %d tests)"
                      % (_leaks["count"], len(_leaks["tests"])))
        for nodeid in _leaks["tests"]:
            tr.write_line("    " + nodeid)


def collect():
    """A full collection: three passes (PyPy finalizes objects found
    unreachable in one pass only in a later one)."""
    for _ in range(3):
        gc.collect()


def why_alive(ref, depth=6):
    """A description of what keeps alive the object of the weak reference
    *ref*, for a failure message: the chains of its referrers (frames with
    their function, line and caller, tracebacks, containers) up to *depth*
    levels, found with ``gc.get_referrers``.  What this function makes to
    look (its frames, lists, argument tuples) is left out."""
    import types
    skip = set()            # ids of this function's own objects
    lines = []
    skip.add(id(lines))
    mine = (why_alive.__code__,)

    def describe(o):
        if isinstance(o, types.FrameType):
            back = o.f_back
            return "frame %s (%s:%d)%s" % (
                o.f_code.co_name, os.path.basename(o.f_code.co_filename),
                o.f_lineno, " called by %s" % back.f_code.co_name if back else "")
        if isinstance(o, types.TracebackType):
            return "traceback of %s" % o.tb_frame.f_code.co_name
        try:
            text = repr(o)
        except Exception as exc:        # a broken repr must not hide the rest
            text = "<repr failed: %r>" % (exc,)
        return "%s %s" % (type(o).__name__, text[:160])

    def own(r):
        if id(r) in skip:
            return True
        if isinstance(r, types.FrameType) and r.f_code in mine:
            return True
        # PyPy: the argument tuples of the calls made here
        return isinstance(r, tuple) and len(r) > 0 and all(id(x) in skip for x in r)

    def walk(o, level):
        referrers = gc.get_referrers(o)
        skip.add(id(referrers))
        for r in referrers:
            if len(lines) >= 80:
                break
            if own(r):
                skip.add(id(r))
                continue
            lines.append("  " * level + "<- " + describe(r))
            if level < depth and not isinstance(r, types.ModuleType):
                skip.add(id(o))
                walk(r, level + 1)
        del referrers

    mine += (walk.__code__,)
    gc.collect()
    obj = ref()
    if obj is None:
        return "collected now"
    walk(obj, 0)
    head = "%s is alive; its referrers:" % describe(obj)
    address = id(obj)
    del obj
    if hasattr(gc, "dump_rpy_heap"):
        lines.append("PyPy's heap (interpreter-level objects too):")
        lines.extend(_rpy_holders(address))
    return "\n".join([head] + lines)


def _rpy_holders(address, depth=10, width=4, limit=120):
    """PyPy: the tree of what holds the object at *address* (``id()`` of an
    old object is its address), interpreter-level objects included -- the
    links ``gc.get_referrers`` cannot see (a frame's ``f_back``, PyPy's own
    structures) -- from ``gc.dump_rpy_heap``: records of address, type
    number, size, the addresses it refers to and -1."""
    import array
    import tempfile
    import zlib
    names = zlib.decompress(gc.get_typeids_z()).decode().splitlines()
    with tempfile.TemporaryFile() as f:
        gc.collect()
        gc.dump_rpy_heap(f.fileno())
        f.seek(0)
        words = array.array("l")
        words.frombytes(f.read())
    kind, referrers = {}, {}
    i = 0
    while i < len(words):
        obj, kind[words[i]] = words[i], words[i + 1]
        i += 3
        while words[i] != -1:
            referrers.setdefault(words[i], []).append(obj)
            i += 1
        i += 1
    del words

    def name(a):
        text = names[kind[a]] if kind.get(a, -1) < len(names) else "?"
        return text.split("{")[0].split(None, 1)[-1].strip()

    out = ["%#x %s" % (address, name(address))]
    seen = {address}

    def up(a, level):
        for r in referrers.get(a, ())[:width]:
            if len(out) >= limit:
                return
            out.append("  " * level + "<- %#x %s%s"
                       % (r, name(r), " (above)" if r in seen else ""))
            if r not in seen and level < depth:
                seen.add(r)
                up(r, level + 1)

    up(address, 1)
    return out


@pytest.fixture(name="collect")
def _collect_fixture():
    return collect


def run_loop(loop, timeout=5.0, mode=None):
    """Run ``loop`` (``loop.run()`` or ``loop.run(mode)``) and return what it
    returns; fail if it has not returned after ``timeout`` seconds.

    A dereferenced guard timer stops the loop at the deadline, so the guard
    itself keeps nothing alive.  Afterwards the guard is stopped and dropped
    (a stopped handle nobody holds is collected and closed by the loop), so it
    leaves no trace in ``loop.handles`` and does not make ``loop.close()``
    busy.
    """
    import uv
    state = {"timed_out": False}

    def on_guard(timer):
        state["timed_out"] = True
        timer.loop.stop()

    guard = uv.Timer(loop, on_timeout=on_guard)
    guard.start(int(timeout * TIME_SCALE * 1000))
    guard.dereference()
    try:
        result = loop.run() if mode is None else loop.run(mode)
    finally:
        guard.stop()
        del guard
        if IS_PYPY:
            gc.collect()    # one major collection clears the guard's weakrefs
    assert not state["timed_out"], "the loop ran longer than %ss" % timeout
    return result


@pytest.fixture(name="run_loop")
def _run_loop_fixture():
    return run_loop


def finish_loop(loop):
    """Close every handle of ``loop``, let the close callbacks run, close it."""
    import uv
    if loop.closed:
        return
    loop.close_all_handles()
    for _ in range(2):
        loop.run(uv.RunModes.NOWAIT)
    loop.close()


@pytest.fixture
def loop():
    import uv
    lp = uv.Loop()
    yield lp
    finish_loop(lp)


@pytest.fixture
def until(loop, run_loop):
    """``until(predicate, timeout=5)``: run ``loop`` until ``predicate()`` is
    true.  Fails if it is not true in time, or re-raises the first exception a
    callback raised (the default excepthook stores it and stops the loop)."""
    import uv

    def run_until(predicate, timeout=5.0):
        def tick(_handle):
            if predicate():
                loop.stop()

        if not predicate():
            # a Prepare handle stops the loop before it would block in poll,
            # a Check handle right after poll; both are dereferenced so they
            # do not keep the loop alive by themselves
            prep = uv.Prepare(loop, on_prepare=tick)
            check = uv.Check(loop, on_check=tick)
            for h in (prep, check):
                h.start()
                h.dereference()
            try:
                run_loop(loop, timeout)
            except AssertionError:
                if loop.exc_value is None:
                    raise
            finally:
                prep.close()
                check.close()
                del prep, check
        exc = loop.exc_value
        if exc is not None:
            loop.reset_exception()
            raise exc
        assert predicate(), "the loop ended before the condition was met"

    return run_until


@pytest.fixture
def pause(loop, run_loop):
    """``pause(ms)``: run ``loop`` for *ms* milliseconds; re-raises the first
    exception a callback raised."""
    import uv

    def run_for(ms):
        timer = uv.Timer(loop, on_timeout=lambda t: loop.stop())
        timer.start(ms)
        try:
            run_loop(loop, ms / 1000.0 + 5)
        finally:
            timer.close()
        exc = loop.exc_value
        if exc is not None:
            loop.reset_exception()
            raise exc

    return run_for


@pytest.fixture
def server(loop):
    """An echoing ``tcp_support.Server`` on 127.0.0.1, closed at teardown."""
    from tcp_support import Server
    s = Server(loop)
    yield s
    s.close()


@pytest.fixture
def pair(loop, until):
    """A connected (client TCP, accepted server TCP), neither reading."""
    from tcp_support import S, Client, Server
    srv = Server(loop, echo=False)
    cl = Client(loop, srv.address, read=False)
    until(lambda: cl.connected is not None and srv.accepted)
    assert cl.connected is S.SUCCESS
    yield cl.tcp, srv.accepted[0]
    srv.close()
    cl.tcp.close()


def caught_signals():
    """Signal numbers this process has a handler for (Linux /proc)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("SigCgt:"):
                mask = int(line.split()[1], 16)
                return {n for n in range(1, 65) if mask >> (n - 1) & 1}
    return set()


def kill_self(signum):
    """Send ``signum`` to this process, after checking that a handler is
    installed for it: SIGUSR1/SIGUSR2 end a process that does not catch them,
    so a missing handler fails the test instead of killing the run."""
    assert signum in caught_signals(), (
        "no handler is installed for signal %d; sending it would end the "
        "process" % signum)
    os.kill(os.getpid(), signum)


@pytest.fixture(name="kill_self")
def _kill_self_fixture():
    return kill_self


def fd_count():
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture(name="fd_count")
def _fd_count_fixture():
    return fd_count
