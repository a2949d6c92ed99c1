"""Regression tests of the defects found by fault, fuzz and valgrind testing
(issue 6): crashes, silent data loss and lifetimes that depended on when the
garbage collector runs.  Workloads that could crash the interpreter run in a
child process (tests/child.py); each test failed before its fix."""
import errno
import gc
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import weakref

import pytest

import uv
from uv._loader import _uv
from uv.loop import RunModes

from child import ROOT, TIME_SCALE, check_child, describe, run_child

S = uv.StatusCodes


# ------------------------------------------------ 1. write completion (UAF)

def test_many_writes_with_on_write_complete_in_a_child():
    # the request was freed before its kind was read to pick the callback:
    # CPython died after about 1,000 such writes, PyPy after 20,000
    out = check_child('''
        loop = uv.Loop()
        srv = uv.TCP(loop=loop)
        srv.bind(("127.0.0.1", 0))
        got = []
        def on_read(s, st, data):
            if st is uv.StatusCodes.SUCCESS:
                got.append(len(data))
            else:
                s.close()
        srv.listen(on_connection=lambda s, st: s.accept().read_start(on_read))
        c = uv.TCP(loop=loop)
        c.connect(srv.sockname)
        loop.run(uv.RunModes.ONCE)
        done = []
        N = 30000
        for _ in range(N):
            c.write(b"w" * 100, on_write=lambda r, s: done.append(s))
        c.shutdown(on_shutdown=lambda r, s: (c.close(), srv.close()))
        run(loop, 60)
        assert len(done) == N and all(s is uv.StatusCodes.SUCCESS for s in done)
        assert sum(got) == N * 100, sum(got)
        print("ok")
    ''', timeout=120, env={"MALLOC_PERTURB_": "165"})   # freed memory is garbage
    assert out.strip() == "ok"


# ------------------------------------------------ 2. native type confusion

def test_native_objects_of_the_wrong_kind_are_type_errors_in_a_child():
    # each call used to read a native object as another kind of object
    out = check_child('''
        from uv._loader import _uv
        loop = uv.Loop()
        srv = uv.TCP(loop=loop)
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        tcp = uv.TCP(loop=loop)
        timer = uv.Timer(loop)
        conn = _uv.ConnectRequest(loop._n)
        shut = _uv.ShutdownRequest(loop._n)
        client = uv.TCP(loop=loop)
        client.connect(srv.sockname)
        loop.run(uv.RunModes.ONCE)
        calls = [
            lambda: client.write(b"x", send_stream=loop),
            lambda: client.write(b"x", send_stream=timer),
            lambda: client.write(b"x", send_stream=uv.Idle(loop)),
            lambda: client.write(b"x", send_stream=object()),
            lambda: tcp._n.write(b"x", loop._n, None),
            lambda: tcp._n.write(b"x", timer._n, None),
            lambda: tcp._n.write(b"x", conn, None),
            lambda: tcp._n.write(b"x", 5, None),
            lambda: srv._n.accept(loop._n),
            lambda: srv._n.accept(conn),
            lambda: srv._n.accept(timer._n),
            lambda: shut.start(None, conn),
            lambda: shut.start(None, timer._n),
            lambda: shut.start(None, loop._n),
            lambda: _uv.ConnectRequest(loop._n).start_tcp(None, timer._n, "127.0.0.1", 1, 0, 0),
            lambda: _uv.ConnectRequest(loop._n).start_tcp(None, shut, "127.0.0.1", 1, 0, 0),
            lambda: _uv.Timer(tcp._n),
            lambda: _uv.TCP(conn),
        ]
        for call in calls:
            try:
                call()
            except TypeError:
                continue
            raise AssertionError("no TypeError")
        assert client.write_queue_size == 0
        print("ok", len(calls))
    ''')
    assert out.strip() == "ok 18"


# ------------------------------------------------ 3. signals after teardown

SIGNAL_CHILD = '''
    import signal
    got = []
    signal.signal(signal.SIGUSR1, lambda n, f: got.append(n))

    def make():
        loop = uv.Loop()
        s = uv.Signal(loop, on_signal=lambda h, n: None)
        s.start(signal.SIGUSR1)
        {teardown}

    make()
    os.kill(os.getpid(), signal.SIGUSR1)      # killed the child before the fix
    for _ in range(100):
        if got:
            break
        import time; time.sleep(0.01)
    assert got == [signal.SIGUSR1], got
    try:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(100):
            import time; time.sleep(0.01)
    except KeyboardInterrupt:
        print("ok")
'''

TEARDOWNS = {
    # the loop and its started handle are collected together
    "collected": "return",
    # Loop.close() after the handles were closed
    "closed": "loop.close_all_handles(); loop.run(); loop.close()",
    # the signal handle is stopped and dropped, the loop lives on
    "stopped": "s.stop(); make.loop = loop",
}


@pytest.mark.parametrize("teardown", sorted(TEARDOWNS))
def test_teardown_puts_pythons_signal_handlers_back(teardown):
    code = SIGNAL_CHILD.replace("{teardown}", TEARDOWNS[teardown])
    if teardown == "collected":
        code = code.replace("make()\n", "make()\n    collect()\n", 1)
    out = check_child(code)
    assert out.strip() == "ok"


def test_signal_watched_by_two_loops_stays_with_uv_until_both_stop():
    out = check_child('''
        import signal, time
        py = []
        signal.signal(signal.SIGUSR2, lambda n, f: py.append(n))
        a, b = uv.Loop(), uv.Loop()
        got = []
        sa = uv.Signal(a, on_signal=lambda h, n: got.append("a"))
        sb = uv.Signal(b, on_signal=lambda h, n: got.append("b"))
        sa.start(signal.SIGUSR2)
        sb.start(signal.SIGUSR2)
        sa.close()
        a.run()
        a.close()                       # b still watches: uv keeps the signal
        os.kill(os.getpid(), signal.SIGUSR2)
        b.run(uv.RunModes.NOWAIT)
        assert got == ["b"] and py == [], (got, py)
        sb.stop()                       # the last one: Python's handler is back
        os.kill(os.getpid(), signal.SIGUSR2)
        time.sleep(0.05)
        assert py == [signal.SIGUSR2], py
        print("ok")
    ''')
    assert out.strip() == "ok"


# ------------------------------------------------ 4. Asyncs nobody holds

@pytest.mark.parametrize("sent", [True, False], ids=["sent", "never-sent"])
def test_loop_ends_when_an_async_nobody_holds_is_its_last_handle(loop, run_loop, sent):
    woke = []
    a = uv.Async(loop, on_wakeup=lambda h: woke.append(1))
    if sent:
        a.send()
    del a
    run_loop(loop)                  # blocked forever on PyPy before the fix
    assert woke == ([1] if sent else [])
    assert loop.handles == set()


def test_loop_ends_when_an_async_in_a_cycle_is_dropped(loop, run_loop):
    class Owner(object):
        def __init__(self):
            self.a = uv.Async(loop, on_wakeup=self.woke)
            self.a.data = self

        def woke(self, handle):
            pass

    Owner().a.send()
    run_loop(loop)                  # CPython needs a collection here too


def test_an_async_somebody_holds_keeps_the_loop_alive(loop, run_loop):
    a = uv.Async(loop, on_wakeup=lambda h: h.close())
    ticks = []

    def tick(t):
        ticks.append(1)
        if len(ticks) == 3:
            a.send()                # wakes it; its callback closes it

    t = uv.Timer(loop, on_timeout=tick)
    t.start(5, repeat=5)
    t.dereference()                 # only the Async keeps the loop alive
    run_loop(loop)
    assert len(ticks) == 3 and a.closed
    t.close()


def test_loop_ends_once_the_last_holder_drops_an_async(loop, run_loop):
    holder = [uv.Async(loop)]
    t = uv.Timer(loop, on_timeout=lambda t: holder.clear())
    t.start(20)
    run_loop(loop)                  # the timer drops it, then nothing is left
    assert holder == []
    assert loop.handles == {t}


# ------------------------------------------------ 5. writes over 4 GiB

def _mem_available_gib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2.0 ** 20
    return 0.0


@pytest.mark.hang_timeout(900)
@pytest.mark.skipif(_mem_available_gib() < 14,
                    reason="needs 14 GiB of free memory: a 4 GiB buffer, the "
                           "copy of what does not go out at once, and PyPy's "
                           "copy of the buffer")
def test_a_write_over_4_gib_arrives_whole():
    # the length went through an unsigned int: SUCCESS, and 16 bytes arrived
    out = check_child('''
        loop = uv.Loop()
        srv = uv.TCP(loop=loop)
        srv.bind(("127.0.0.1", 0))
        got = [0]
        def on_read(s, st, data):
            if st is uv.StatusCodes.SUCCESS:
                got[0] += len(data)
            else:
                s.close()
                srv.close()
        srv.listen(on_connection=lambda s, st: s.accept().read_start(on_read))
        c = uv.TCP(loop=loop)
        c.connect(srv.sockname)
        loop.run(uv.RunModes.ONCE)
        N = 2 ** 32 + 16
        status = []
        data = bytes(N)
        c.write(data, on_write=lambda r, s: status.append(s))
        del data
        c.shutdown(on_shutdown=lambda r, s: c.close())
        run(loop, 300)
        assert status == [uv.StatusCodes.SUCCESS], status
        assert got[0] == N, got[0]
        print("ok")
    ''', timeout=600)
    assert out.strip() == "ok"


# ------------------------------------------------ 6. Loop.close() and the collector

def test_close_after_an_unreferenced_one_shot_timer_fired():
    lp = uv.Loop()
    fired = []
    uv.Timer(lp, on_timeout=lambda t: fired.append(1)).start(1)
    lp.run()                        # no guard timer: run_loop collects on PyPy
    assert fired == [1]
    lp.close()                      # ResourceBusyError on PyPy before the fix
    assert lp.closed


def test_close_still_refuses_a_handle_the_user_holds():
    lp = uv.Loop()
    t = uv.Timer(lp)
    with pytest.raises(uv.error.ResourceBusyError):
        lp.close()
    t.close()
    lp.run()
    lp.close()


# ------------------------------------------------ 7. loops dropped without close()

def test_dropped_loops_give_back_their_fds_in_a_child():
    # 4 fds a loop: with 256 fds, PyPy failed after about 60 loops
    out = check_child('''
        import resource
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
        for i in range(3000):
            uv.Loop()
        for i in range(300):
            lp = uv.Loop()
            uv.Timer(lp).start(10)        # a pending handle: a cycle with its loop
        print("ok", len(os.listdir("/proc/self/fd")) < 256)
    ''', timeout=120)
    assert out.strip() == "ok True"


def test_open_loops_counts_loops_not_closed():
    collect_all()
    base = _uv.open_loops()
    lp = uv.Loop()
    assert _uv.open_loops() == base + 1
    lp.close()
    assert _uv.open_loops() == base


def collect_all():
    gc.collect()


# ------------------------------------------------ 8. unknown error codes

def test_unknown_error_codes_do_not_leak_in_a_child():
    out = check_child('''
        def rss():
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        for i in range(1000000):            # PyPy's heap grows in the first round
            uv.UVError(-99999 - i % 7)
        collect()
        before = rss()
        for i in range(1000000):
            uv.UVError(-99999 - i % 7)
        collect()
        print((rss() - before) // 1024)
    ''', timeout=300)
    # 48 bytes per error leaked: 45 MiB here before the fix
    assert int(out.strip()) < 10, out


def test_unknown_error_code_message_and_name():
    e = uv.UVError(-99999)
    assert e.name == "UNKNOWN"
    assert "99999" in e.message or "nknown" in e.message


# ------------------------------------------------ 9. on_write set after write()

def _set_oldest_time(in_flight, times=20000, budget=None):
    """Seconds to set on_write *times* times on the oldest of *in_flight*
    writes (the worst case before the fix); None past *budget* seconds."""
    lp = uv.Loop()
    a, b = socket.socketpair()
    try:
        t = uv.TCP(loop=lp)
        t.open(a.detach())
        reqs = [t.write(b"x" * 200) for _ in range(in_flight)]
        oldest = reqs[0]
        gc.disable()                        # no collection inside the timing
        try:
            start = time.perf_counter()
            for i in range(times // 1000):
                for _ in range(1000):
                    oldest.on_write = _noop
                took = time.perf_counter() - start
                if budget is not None and took > budget:
                    took = None
                    break
        finally:
            gc.enable()
        t.close()
        lp.run()
        lp.close()
    finally:
        b.close()
    return took


def _noop(*args):
    pass


def test_setting_on_write_does_not_depend_on_writes_in_flight():
    # each setting scanned every write in flight: 40,000 writes took 2.9 s.
    # A ratio in one run, not a time: with 64 times as many writes in
    # flight, setting on_write on the oldest must not take 16 times as long
    # (the same: about 1 time, 3 on PyPy, whose minor collections trace
    # the loop's requests; a scan: 64 times).  Best of three, each side.
    few = min(_set_oldest_time(1000) for _ in range(3))
    for _ in range(3):
        many = _set_oldest_time(64000, budget=few * 16)
        if many is not None:
            break
    assert many is not None, "64,000 writes in flight made on_write 16 times slower"


def test_on_write_set_after_write_is_called(pair, until):
    client, server = pair
    reqs = [client.write(b"y" * 1000) for _ in range(50)]
    calls = []
    for i, r in enumerate(reqs):
        r.on_write = lambda req, st, i=i: calls.append((i, st))
    server.read_start(lambda s, st, d: None)
    until(lambda: len(calls) == 50)
    assert calls == [(i, S.SUCCESS) for i in range(50)]


# ------------------------------------------------ 10. smaller ones

@pytest.mark.parametrize("flags", [2 ** 32 + 2, -1, 2 ** 64])
def test_out_of_range_tcp_flags_raise(loop, flags):
    with pytest.raises(OverflowError):
        uv.TCP(flags=flags, loop=loop)


@pytest.mark.parametrize("flags", [2 ** 32 + 1, -1])
def test_out_of_range_bind_flags_raise(loop, flags):
    t = uv.TCP(loop=loop)
    with pytest.raises(OverflowError):
        t.bind(("127.0.0.1", 0), flags)
    t.close()


@pytest.mark.parametrize("value", [memoryview(b"abcd")[::2], memoryview(bytearray(b"ab")),
                                   "EINVAL", 1.5, b"\x01"], ids=["strided", "writable", "str",
                                                                "float", "bytes"])
def test_enumeration_get_wants_an_integer(value):
    with pytest.raises(TypeError):
        S.get(value)
    with pytest.raises(TypeError):
        uv.RunModes.get(value)


def test_enumeration_get_still_takes_ints_and_falsy():
    assert S.get(0) is S.SUCCESS and S.get(None) is S.SUCCESS
    assert S.get(S.ENOENT.value) is S.ENOENT
    assert S.get(True) == 1
    assert uv.RunModes.get(1) is uv.RunModes.ONCE and uv.RunModes.get(99) == 99


@pytest.mark.parametrize("host", ["\ud800", "127.0.0.\udcff", "\u0661\u0662\u0667.0.0.1",
                                  "127.0.0.1\x00"], ids=["surrogate", "trailing-surrogate",
                                                         "arabic-digits", "nul"])
def test_bad_host_strings_are_argument_errors(loop, host):
    t = uv.TCP(loop=loop)
    with pytest.raises(uv.error.ArgumentError):
        t.bind((host, 0))
    with pytest.raises(uv.error.ArgumentError):
        t.connect((host, 80))
    t.close()


EMFILE_SERVER = '''
import resource, sys
loop = uv.Loop()
srv = uv.TCP(loop=loop)
srv.bind(("127.0.0.1", 0))
statuses = []
accepted = []

def on_read(s, st, data):
    if st is uv.StatusCodes.SUCCESS:
        s.write(data)
    else:
        s.close()

def on_connection(server, status):
    statuses.append(status)
    if status is uv.StatusCodes.SUCCESS:
        c = server.accept()
        accepted.append(c)
        c.read_start(on_read)

srv.listen(on_connection=on_connection)
# use up every descriptor
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))
fillers = []
while True:
    try:
        fillers.append(os.open("/dev/null", os.O_RDONLY))
    except OSError:
        break
def on_stdin(t):
    line = sys.stdin.readline().strip()
    if line == "free":
        for fd in fillers:
            os.close(fd)
        del fillers[:]
        print("freed", flush=True)
    elif line == "quit":
        print("statuses", [getattr(s, "name", s) for s in statuses], flush=True)
        srv.close()
        for c in accepted:
            c.close()
        poll.close()

import select
def poll_stdin(t):
    if select.select([sys.stdin], [], [], 0)[0]:
        on_stdin(t)

poll = uv.Timer(loop, on_timeout=poll_stdin)
poll.start(5, repeat=5)
print("port", srv.sockname.port, flush=True)
run(loop, 60)
'''


def test_accept_out_of_file_descriptors_sheds_the_connection_and_survives():
    # What libuv does, and so uv: when accept() fails with EMFILE, libuv
    # accepts each pending connection with a descriptor it kept in reserve
    # and closes it at once; on_connection is not called for them.  The
    # server serves again once descriptors are free.
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("UV_TEST_HANG_LOG", None)
    from child import PRELUDE
    p = subprocess.Popen([sys.executable, "-c", PRELUDE + EMFILE_SERVER],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True, env=env)
    try:
        line = p.stdout.readline().split()
        assert line[:1] == ["port"], (line, p.stderr.read() if p.poll() is not None else "")
        port = int(line[1])
        shed = socket.create_connection(("127.0.0.1", port), timeout=10 * TIME_SCALE)
        shed.settimeout(10 * TIME_SCALE)
        try:
            assert shed.recv(10) == b""         # closed by the server
        except ConnectionResetError:
            pass
        shed.close()
        p.stdin.write("free\n")
        p.stdin.flush()
        assert p.stdout.readline().strip() == "freed"
        ok = socket.create_connection(("127.0.0.1", port), timeout=10 * TIME_SCALE)
        ok.settimeout(10 * TIME_SCALE)
        ok.sendall(b"ping")
        assert ok.recv(10) == b"ping"
        ok.close()
        p.stdin.write("quit\n")
        p.stdin.flush()
        out, err = p.communicate(timeout=30 * TIME_SCALE)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    assert p.returncode == 0, (p.returncode, err)
    assert "statuses ['SUCCESS']" in out, (out, err)
