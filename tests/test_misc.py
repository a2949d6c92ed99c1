"""uv.misc: libuv's system queries, each compared with what Python's os,
resource, socket, pwd and tempfile modules say; bad input; functions that
the linked libuv lacks; the process title (in child processes: it writes
the process's command-line memory).  API.md section 7.
"""
import os
import pwd
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest

import uv
from uv import misc
from uv.error import StatusCodes as S

from child import check_child
from conftest import collect, fd_count

OPTIONAL = ["uv_available_parallelism", "uv_get_available_memory",
            "uv_clock_gettime", "uv_cpumask_size", "uv_getrusage_thread"]


@pytest.fixture(autouse=True)
def _no_fd_left():
    uv.Loop().close()       # libuv's process-wide signal pipe, opened once
    collect()
    before = fd_count()
    yield
    collect()
    assert fd_count() == before, "file descriptors were left open"


def meminfo(key):
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


# ---------------------------------------------------------------- names


def test_module():
    assert uv.misc is misc
    for name in misc.__all__:
        obj = getattr(misc, name)
        assert obj.__doc__, name


# ---------------------------------------------------------------- time


def test_hrtime_is_the_monotonic_clock():
    h0, m0 = misc.hrtime(), time.monotonic_ns()
    time.sleep(0.05)
    h1, m1 = misc.hrtime(), time.monotonic_ns()
    assert isinstance(h0, int) and h1 > h0
    # the same clock: the two intervals agree (ratio, not absolute time)
    assert abs((h1 - h0) - (m1 - m0)) <= 0.1 * (m1 - m0)


def test_gettimeofday():
    t0 = time.time()
    tv = misc.gettimeofday()
    t1 = time.time()
    assert isinstance(tv, misc.Timeval) and 0 <= tv.usec < 1000000
    assert int(t0) - 1 <= tv.sec <= int(t1) + 1
    assert t0 - 0.001 <= tv.sec + tv.usec / 1e6 <= t1 + 0.001


def test_uptime():
    with open("/proc/uptime") as f:
        before = float(f.read().split()[0])
    up = misc.uptime()
    with open("/proc/uptime") as f:
        after = float(f.read().split()[0])
    assert isinstance(up, float)
    assert before - 1 <= up <= after + 1


# ---------------------------------------------------------------- optional


@pytest.mark.parametrize("name", OPTIONAL)
def test_optional_functions(name):
    fn = {"uv_available_parallelism": misc.available_parallelism,
          "uv_get_available_memory": misc.get_available_memory,
          "uv_clock_gettime": misc.clock_gettime,
          "uv_cpumask_size": misc.cpumask_size,
          "uv_getrusage_thread": misc.getrusage_thread}[name]
    if misc.has(name):
        assert fn() is not None
    else:
        with pytest.raises(uv.error.NotSupportedError) as info:
            fn()
        assert info.value.code is S.ENOTSUP
        assert "needs libuv >=" in str(info.value)
        assert "%d.%d" % (uv.uv_version.major, uv.uv_version.minor) in str(info.value)


def test_has_unknown_name():
    with pytest.raises(ValueError):
        misc.has("uv_run")
    with pytest.raises(TypeError):
        uv._uv.misc_has(5)


def test_optional_symbols_are_weak():
    """Functions newer than libuv 1.44 are weak references in the binary: a
    binary built against a newer libuv still loads with an older one (the
    function then raises NotSupportedError)."""
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("nm (binutils) is not installed")
    out = subprocess.run([nm, "-D", uv._loader._FILE], stdout=subprocess.PIPE,
                         universal_newlines=True, check=True).stdout
    kinds = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            kinds[parts[-1]] = parts[-2]
    if kinds.get("uv_run") != "U":
        # libuv compiled into the module (the default build): no libuv
        # symbol is imported, and every optional function is there
        assert not [n for n in OPTIONAL if kinds.get(n) in ("U", "w", "v")]
        assert [n for n in OPTIONAL if not misc.has(n)] == []
        return
    for name in OPTIONAL:
        if name in kinds:
            assert kinds[name] in ("w", "v"), (name, kinds[name])


def test_clock_gettime_and_getrusage_thread_when_present():
    if misc.has("uv_clock_gettime"):
        t = misc.clock_gettime(misc.ClockId.REALTIME)
        assert isinstance(t, misc.Timespec)
        assert abs(t.sec + t.nsec / 1e9 - time.time()) < 5
        m = misc.clock_gettime()
        assert abs(m.sec + m.nsec / 1e9 - time.monotonic()) < 5
        with pytest.raises(uv.error.ArgumentError):
            misc.clock_gettime(77)
    with pytest.raises(TypeError):
        misc.clock_gettime("monotonic") if misc.has("uv_clock_gettime") else \
            uv._uv.misc_clock_gettime("monotonic")
    if misc.has("uv_getrusage_thread"):
        r = misc.getrusage_thread()
        assert r.utime <= resource.getrusage(resource.RUSAGE_SELF).ru_utime + 0.01


# ---------------------------------------------------------------- CPUs, memory


def test_cpu_info():
    cpus = misc.cpu_info()
    assert len(cpus) == os.cpu_count()
    for c in cpus:
        assert isinstance(c, misc.CpuInfo) and isinstance(c.times, misc.CpuTimes)
        assert isinstance(c.model, str) and isinstance(c.speed, int) and c.speed >= 0
        assert all(isinstance(t, int) and t >= 0 for t in c.times)
    # the times only grow
    later = misc.cpu_info()
    assert all(b.times.idle + b.times.user + b.times.sys >= a.times.idle + a.times.user
               + a.times.sys for a, b in zip(cpus, later))


def test_available_parallelism():
    if not misc.has("uv_available_parallelism"):
        pytest.skip("libuv < 1.44 (tested by test_optional_functions)")
    assert misc.available_parallelism() == len(affinity())


def affinity():
    """The CPUs this process may run on (PyPy has no os.sched_getaffinity:
    /proc/self/status then says)."""
    if hasattr(os, "sched_getaffinity"):
        return os.sched_getaffinity(0)
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Cpus_allowed_list:"):
                cpus = set()
                for part in line.split(":", 1)[1].strip().split(","):
                    lo, _, hi = part.partition("-")
                    cpus.update(range(int(lo), int(hi or lo) + 1))
                return cpus
    raise AssertionError("no Cpus_allowed_list in /proc/self/status")


def test_loadavg():
    ours = misc.loadavg()
    theirs = os.getloadavg()
    assert isinstance(ours, misc.LoadAverage) and len(ours) == 3
    for a, b in zip(ours, theirs):
        assert a >= 0 and abs(a - b) <= 0.5 + 0.2 * b


def test_memory():
    total = misc.get_total_memory()
    assert total == os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") or \
        abs(total - meminfo("MemTotal")) <= 0.01 * total
    free = misc.get_free_memory()
    assert 0 < free <= total
    assert abs(free - meminfo("MemAvailable")) <= 0.2 * total
    assert misc.get_constrained_memory() >= 0
    if misc.has("uv_get_available_memory"):
        assert 0 < misc.get_available_memory() <= max(total, misc.get_constrained_memory())


def test_resident_set_memory_follows_allocations():
    page = os.sysconf("SC_PAGE_SIZE")
    with open("/proc/self/statm") as f:
        statm = int(f.read().split()[1]) * page
    rss = misc.resident_set_memory()
    assert abs(rss - statm) <= 0.2 * statm + (4 << 20)
    block = bytearray(64 << 20)          # 64 MiB, touched (zeroed)
    for i in range(0, len(block), page):
        block[i] = 1
    grown = misc.resident_set_memory()
    assert grown - rss >= 48 << 20, (rss, grown)
    del block


def test_getrusage():
    before = resource.getrusage(resource.RUSAGE_SELF)
    ours = misc.getrusage()
    after = resource.getrusage(resource.RUSAGE_SELF)
    assert isinstance(ours, misc.ResourceUsage)
    assert isinstance(ours.utime, float) and isinstance(ours.stime, float)
    for field in misc.ResourceUsage._fields:
        b, o, a = (getattr(before, "ru_" + field), getattr(ours, field),
                   getattr(after, "ru_" + field))
        assert b <= o + 1e-6 and o <= a + 1e-6, (field, b, o, a)


# ---------------------------------------------------------------- names


def test_hostname_and_uname():
    assert misc.hostname() == socket.gethostname()
    u = misc.uname()
    assert isinstance(u, misc.Uname)
    o = os.uname()
    assert (u.sysname, u.release, u.version, u.machine) == (
        o.sysname, o.release, o.version, o.machine)


def test_passwd_and_ids():
    p = misc.get_passwd()
    e = pwd.getpwuid(os.geteuid())
    assert p == (e.pw_name, e.pw_uid, e.pw_gid, e.pw_shell, e.pw_dir)
    assert misc.getpid() == os.getpid()
    assert misc.getppid() == os.getppid()


def test_homedir_and_tmpdir():
    assert misc.os_homedir() == os.environ.get("HOME") or \
        misc.os_homedir() == os.path.expanduser("~")
    expected = None
    for name in ("TMPDIR", "TMP", "TEMP", "TEMPDIR"):
        if os.environ.get(name):
            expected = os.environ[name].rstrip("/") or "/"
            break
    assert misc.os_tmpdir() == (expected or "/tmp")


def test_homedir_and_tmpdir_from_the_environment():
    """HOME unset: the passwd entry; TMPDIR set: that (no trailing /);
    none: /tmp."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("HOME", "TMPDIR", "TMP", "TEMP", "TEMPDIR")}
    code = '''
        import os, pwd, uv.misc as m
        home = m.os_homedir()
        assert home == pwd.getpwuid(os.geteuid()).pw_dir, home
        assert m.os_tmpdir() == "/tmp", m.os_tmpdir()
        os.environ["TMPDIR"] = "/var/tmp/"
        assert m.os_tmpdir() == "/var/tmp", m.os_tmpdir()
        os.environ["HOME"] = "/nowhere/home"
        assert m.os_homedir() == "/nowhere/home"
        print("ok")
    '''
    r = subprocess.run([sys.executable, "-c", _prelude(code)], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def _prelude(code):
    import textwrap
    from child import ROOT
    return "import sys; sys.path.insert(0, %r)\n" % ROOT + textwrap.dedent(code)


def test_interface_addresses():
    addrs = misc.interface_addresses()
    names = {n for _i, n in socket.if_nameindex()}
    assert addrs
    for a in addrs:
        assert isinstance(a, misc.InterfaceAddress)
        assert a.name in names
        assert isinstance(a.address, uv.Address) and isinstance(a.netmask, uv.Address)
        assert a.address.family == a.netmask.family
        assert len(a.physical) == 17 and a.physical.count(":") == 5
        path = "/sys/class/net/%s/address" % a.name
        if os.path.exists(path) and not a.internal:
            with open(path) as f:
                assert f.read().strip().lower() == a.physical
    lo = [a for a in addrs if a.address.host == "127.0.0.1"]
    assert lo and lo[0].internal is True
    assert lo[0].netmask.host == "255.0.0.0"
    assert lo[0].physical == "00:00:00:00:00:00"


# ---------------------------------------------------------------- handles


def test_guess_handle(tmp_path):
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a, b = socket.socketpair()
    r, w = os.pipe()
    path = tmp_path / "file"
    path.write_bytes(b"x")
    f = open(str(path), "rb")
    master, slave = os.openpty()
    try:
        assert misc.guess_handle(tcp.fileno()) is misc.HandleType.TCP
        assert misc.guess_handle(tcp) is misc.HandleType.TCP     # fileno()
        assert misc.guess_handle(udp.fileno()) is misc.HandleType.UDP
        assert misc.guess_handle(a.fileno()) is misc.HandleType.NAMED_PIPE
        assert misc.guess_handle(r) is misc.HandleType.NAMED_PIPE
        assert misc.guess_handle(f) is misc.HandleType.FILE
        assert misc.guess_handle(slave) is misc.HandleType.TTY
    finally:
        for s in (tcp, udp, a, b, f):
            s.close()
        for fd in (r, w, master, slave):
            os.close(fd)


@pytest.mark.parametrize("bad, exc", [
    (-1, uv.error.BadFileDescriptorError), (2 ** 31, uv.error.BadFileDescriptorError),
    (2 ** 70, OverflowError), ("0", TypeError), (1.0, TypeError), (None, TypeError),
    (object(), TypeError),
])
def test_guess_handle_bad(bad, exc):
    with pytest.raises(exc):
        misc.guess_handle(bad)


def test_guess_handle_closed_fd():
    r, w = os.pipe()
    os.close(r)
    os.close(w)
    with pytest.raises(uv.error.BadFileDescriptorError):
        misc.guess_handle(r)


def test_kill():
    misc.kill(os.getpid(), 0)             # exists
    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        misc.kill(p.pid, uv.Signals.SIGTERM)
        assert p.wait(timeout=30) == -15
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    with pytest.raises(uv.error.ProcessLookupError):
        misc.kill(p.pid, 0)                    # reaped: gone
    with pytest.raises(uv.error.ArgumentError):
        misc.kill(os.getpid(), 12345)
    with pytest.raises(TypeError):
        misc.kill("1", 0)
    with pytest.raises(TypeError):
        misc.kill(os.getpid(), None)
    with pytest.raises(OverflowError):
        misc.kill(2 ** 40, 0)
    with pytest.raises(OverflowError):
        misc.kill(os.getpid(), -2 ** 63)


def test_priority():
    assert misc.getpriority() == os.getpriority(os.PRIO_PROCESS, 0)
    assert misc.getpriority(os.getpid()) == os.getpriority(os.PRIO_PROCESS, os.getpid())
    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        misc.setpriority(p.pid, misc.Priority.LOW)
        assert os.getpriority(os.PRIO_PROCESS, p.pid) == 19
        assert misc.getpriority(p.pid) == 19
    finally:
        p.kill()
        p.wait()
    with pytest.raises(uv.error.ProcessLookupError):
        misc.getpriority(p.pid)
    with pytest.raises(TypeError):
        misc.setpriority(0, "low")
    with pytest.raises(OverflowError):
        misc.setpriority(0, 2 ** 40)
    with pytest.raises(TypeError):
        misc.getpriority(None)


@pytest.mark.parametrize("fn", ["misc_cpu_info", "misc_loadavg", "misc_uptime",
                                "misc_hostname", "misc_uname", "misc_getpid"])
def test_no_argument_functions_refuse_arguments(fn):
    with pytest.raises(TypeError):
        getattr(uv._uv, fn)(1)


@pytest.mark.parametrize("which, exc", [(5, OverflowError), (-1, OverflowError),
                                        ("0", TypeError)])
def test_native_memory_bad(which, exc):
    with pytest.raises(exc):
        uv._uv.misc_memory(which)


# ---------------------------------------------------------------- the title


def test_process_title_in_a_child():
    """The title goes to the process's command line (ps, /proc/PID/cmdline)
    and its thread name (/proc/PID/comm, 15 bytes); sys.argv is untouched."""
    out = check_child('''
        import uv.misc as m
        argv = list(sys.argv)
        with open("/proc/self/cmdline", "rb") as f:
            cmdline = f.read()
        assert m.get_process_title() == cmdline.split(b"\\0")[0].decode()
        cap, in_cmdline = m.process_title_capacity()
        assert in_cmdline is True and cap == len(cmdline) - 1, (cap, len(cmdline))
        m.set_process_title("uv-title-test-éé")
        assert m.get_process_title() == "uv-title-test-éé"
        with open("/proc/self/cmdline", "rb") as f:
            now = f.read()
        assert now.split(b"\\0")[0] == "uv-title-test-éé".encode(), now[:60]
        with open("/proc/self/comm", "rb") as f:
            assert f.read().strip() == "uv-title-test-éé".encode()[:15]
        assert sys.argv == argv
        import subprocess
        ps = subprocess.run(["cat", "/proc/%d/cmdline" % os.getpid()],
                            stdout=subprocess.PIPE).stdout
        assert ps.startswith("uv-title-test-éé".encode()), ps[:40]
        m.set_process_title("x" * cap)
        assert m.get_process_title() == "x" * cap
        for bad, exc in (("y" * (cap + 1), ValueError), ("a\\0b", ValueError),
                         (b"bytes", TypeError), (None, TypeError)):
            try:
                m.set_process_title(bad)
            except exc:
                pass
            else:
                raise AssertionError("no %s for %r" % (exc.__name__, bad))
        assert m.get_process_title() == "x" * cap
        m.set_process_title("")
        assert m.get_process_title() == ""
        print("ok")
    ''')
    assert out.strip() == "ok"


def test_process_title_private_buffer_when_the_command_line_is_elsewhere():
    """When /proc/self/cmdline does not show the memory the kernel names
    (here: a child that changed its own command line first, as valgrind's
    fake one does), libuv gets a private buffer of 255 bytes; the thread name
    still changes."""
    out = check_child('''
        import ctypes, uv.misc as m
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start, end = int(fields[45]), int(fields[46])
        # overwrite our argv area with different bytes ending without a NUL:
        # the kernel then reads on into the environment, so cmdline no
        # longer matches the area
        ctypes.memset(start, ord("z"), end - start)
        cap, in_cmdline = m.process_title_capacity()
        assert (cap, in_cmdline) == (255, False), (cap, in_cmdline)
        assert m.get_process_title() == ""
        m.set_process_title("private-title")
        assert m.get_process_title() == "private-title"
        with open("/proc/self/comm") as f:
            assert f.read().strip() == "private-title"
        print("ok")
    ''')
    assert out.strip() == "ok"
