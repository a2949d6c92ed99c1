"""The fuzzer that tests/test_fuzz.py runs in a child process.

    python tests/fuzz_child.py EXAMPLES [--random]

Hypothesis draws programs: sequences of operations on a small world of
loops, handles, requests and native objects (``_n``).  Each operation calls
a public method or property, or a method of a native object directly, with
arguments drawn from values that the native layer must refuse cleanly:
wrong types, other kinds of native objects, closed handles and loops,
huge and negative numbers, odd strings and buffers.  Between operations the
loops run once without blocking, handles are closed and dropped, garbage is
collected and loops are closed.

An operation may raise the exceptions a user can expect from bad input
(TypeError, ValueError and OverflowError, which uv's ArgumentError is,
AttributeError for read-only properties, uv's UVError family, RuntimeError
for a loop used wrongly).  Anything else (SystemError: a native function
returned NULL without an exception, or set one and returned a value) fails
the example; a crash ends the child, which the parent reports.  The run is
derandomized (the same examples every time) unless --random is given.

Pipes and processes: the child works in a temporary directory of its own
(socket files that pipes bind land there; an absolute path given to bind
is made relative to it), processes run ``true`` (a list of drawn values is
appended to its arguments), signals sent to them are never ones that stop
them, and a file descriptor given to ``open`` that is open in this process
(a loop's epoll or eventfd, the child's own stdout) is replaced by one end
of a fresh socket pair: closing a descriptor that someone else owns cannot
be made safe by any binding, uv's included.
"""
import gc
import os
import shutil
import signal
import socket
import ssl
import sys
import tempfile
import traceback

from hypothesis import HealthCheck, given, settings, strategies as st

import uv
from uv._loader import _uv

EXPECTED = (TypeError, ValueError, OverflowError, AttributeError,
            uv.error.UVError, RuntimeError)

# methods never called: they would block, end the process, or wait for
# something that never comes
NEVER = {"run", "close_reset_forever", "__init__", "__new__", "__del__",
         "__init_subclass__", "__subclasshook__", "__reduce__",
         "__reduce_ex__", "__getstate__", "__setstate__", "__class__",
         "__delattr__", "__dir__", "__sizeof__", "__format__",
         "__class_getitem__"}
# signals a handle may watch: never one that the run itself uses or that
# stops the process
SAFE_SIGNALS = [signal.SIGUSR1, signal.SIGUSR2, signal.SIGWINCH, signal.SIGHUP,
                signal.SIGKILL, signal.SIGSTOP, 0, 65, -1, 2 ** 40]

KINDS = ["Timer", "Idle", "Prepare", "Check", "Async", "Signal", "TCP", "UDP",
         "Poll", "TTY", "FSEvent", "FSPoll", "Pipe", "Process"]
# signals sent to the fuzzer's child processes: never one that stops them
SAFE_KILL = [signal.SIGTERM, signal.SIGKILL, signal.SIGINT, 0, -1, 65, 2 ** 40,
             "TERM"]

# uv.fs functions the "fs" operation calls, with what each argument slot
# takes: p a path, f a file descriptor, d a uv.fs.Dir, x anything.  Paths
# and descriptors are confined: a path is made relative to the fuzzer's own
# temporary directory (the child's working directory), and a descriptor is
# one the fuzzer opened there (or a number that is never open), so that no
# operation can touch the machine's files or the loops' own descriptors.
FS_FUNCTIONS = [
    ("open", "pxx"), ("close", "f"), ("read", "fxx"), ("readinto", "fxx"),
    ("write", "fxx"), ("stat", "p"), ("lstat", "p"), ("fstat", "f"),
    ("unlink", "p"), ("mkdir", "px"), ("mkdtemp", "p"), ("mkstemp", "p"),
    ("rmdir", "p"), ("scandir", "p"), ("opendir", "p"), ("readdir", "dx"),
    ("closedir", "d"), ("rename", "pp"), ("fsync", "f"), ("fdatasync", "f"),
    ("ftruncate", "fx"), ("sendfile", "ffxx"), ("copyfile", "ppx"),
    ("access", "px"), ("chmod", "px"), ("fchmod", "fx"), ("utime", "pxx"),
    ("futime", "fxx"), ("lutime", "pxx"), ("link", "pp"), ("symlink", "pp"),
    ("readlink", "p"), ("realpath", "p"), ("chown", "pxx"), ("fchown", "fxx"),
    ("lchown", "pxx"), ("statfs", "p"),
]
NEVER_OPEN_FDS = [-1, -2 ** 31, 2 ** 31 - 1, 2 ** 31, 2 ** 64, None, "3", 1.5]

INTS = st.one_of(
    st.sampled_from([0, 1, -1, 2, 7, 255, 511, 65535, 65536, 2 ** 31 - 1,
                     2 ** 31, -2 ** 31, 2 ** 32, 2 ** 32 + 16, 2 ** 63 - 1,
                     2 ** 63, -2 ** 63, 2 ** 64, 2 ** 70, -2 ** 70, True, False]),
    st.integers(min_value=-2 ** 66, max_value=2 ** 66))

PLAIN = st.one_of(
    st.none(), INTS,
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from(["127.0.0.1", "::1", "0.0.0.0", "\ud800", "1.2.3", "a\0b",
                     "localhost", "", "x" * 300, "sock", b"sock", "\0uv-fuzz",
                     "\0uv-fuzz\0nul", "\0" + "a" * 108]),
    st.binary(max_size=40),
    st.sampled_from(["bytearray", "memoryview", "strided", "list", "object",
                     "big", "fsbuffer", "pipe", "createpipe"]).map(lambda k: ("make", k)),
)

# ("pool", i): the i-th object of the world (handle, loop, request, or a
# native object), resolved when the operation runs
POOLREF = st.integers(min_value=0, max_value=40).map(lambda i: ("pool", i))
ADDRESS = st.tuples(st.sampled_from(["127.0.0.1", "::1", "\ud800", 5, None]),
                    st.sampled_from([0, 1, 65536, -1, "80", 2 ** 64]))
VALUE = st.one_of(PLAIN, POOLREF, ADDRESS, st.lists(PLAIN, max_size=3))
ARGS = st.lists(VALUE, max_size=5)

OPERATION = st.one_of(
    st.tuples(st.just("new"), st.sampled_from(KINDS), st.integers(0, 3), ARGS),
    st.tuples(st.just("call"), st.integers(0, 40), st.integers(0, 10 ** 6), ARGS),
    st.tuples(st.just("native"), st.integers(0, 40), st.integers(0, 10 ** 6), ARGS),
    st.tuples(st.just("set"), st.integers(0, 40), st.integers(0, 10 ** 6), VALUE),
    st.tuples(st.just("tick"), st.integers(0, 3)),
    st.tuples(st.just("close"), st.integers(0, 40)),
    st.tuples(st.just("drop"), st.integers(0, 40)),
    st.tuples(st.just("collect")),
    st.tuples(st.just("close_loop"), st.integers(0, 3)),
    st.tuples(st.just("start"), st.integers(0, 40), ARGS),
    st.tuples(st.just("request"), st.integers(0, 40), st.integers(0, 3), ARGS),
    st.tuples(st.just("dns"), st.integers(0, 7), ARGS),
    st.tuples(st.just("misc"), st.integers(0, 10 ** 6), ARGS),
    st.tuples(st.just("secure"), st.integers(0, 40), st.integers(0, 3), ARGS),
    st.tuples(st.just("closefd"), st.integers(0, 5)),
    st.tuples(st.just("fs"), st.integers(0, len(FS_FUNCTIONS) - 1),
              st.integers(0, 10 ** 6), st.integers(0, 3), ARGS),
)

# uv.misc functions the fuzzer calls with any arguments; kill and
# setpriority get a signal/priority of their own (see perform)
MISC_FUNCTIONS = ["hrtime", "guess_handle", "cpu_info", "interface_addresses",
                  "loadavg", "uptime", "get_free_memory", "get_total_memory",
                  "get_constrained_memory", "get_available_memory",
                  "resident_set_memory", "getrusage", "getrusage_thread",
                  "hostname", "uname", "os_homedir", "os_tmpdir", "get_passwd",
                  "getpid", "getppid", "getpriority", "available_parallelism",
                  "cpumask_size", "gettimeofday", "clock_gettime",
                  "get_process_title", "set_process_title",
                  "process_title_capacity", "has", "kill", "setpriority"]
MISC_NATIVE = sorted(n for n in dir(_uv) if n.startswith("misc_")
                     and n not in ("misc_kill", "misc_setpriority"))

_contexts = []


def contexts():
    """A client context that checks nothing and a server context without a
    certificate (its handshakes fail): made once."""
    if not _contexts:
        client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        client.check_hostname = False
        client.verify_mode = ssl.CERT_NONE
        _contexts.extend([client, ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)])
    return _contexts


def any_callback(*args):
    pass


class World(object):
    """Loops, handles, requests and native objects an example works on."""

    def __init__(self):
        self.loops = [uv.Loop() for _ in range(2)]
        for lp in self.loops:
            lp.excepthook = self.excepthook
        self.pool = list(self.loops)
        self.raised = 0
        # descriptors for Poll and TTY (a socket pair, a pipe, a pty); the
        # fuzzer may close them under the handles ("closefd")
        a, b = socket.socketpair()
        self.sockets = [a, b]
        r, w = os.pipe()
        master, slave = os.openpty()
        self.fds = [a.fileno(), b.fileno(), r, w, master, slave]
        self.own = [r, w, master, slave]
        self.ident = dict((fd, self.identity(fd)) for fd in self.fds)
        self.fs_fds = []         # descriptors uv.fs opened in the fuzzer's directory
        self.dirs = []           # uv.fs.Dir objects

    @staticmethod
    def identity(fd):
        try:
            st_ = os.fstat(fd)
        except OSError:
            return None
        return (st_.st_dev, st_.st_ino, st_.st_rdev)

    def still_ours(self, fd):
        """The fd was not closed by a handle that took it (TCP/UDP.open, a
        TTY on the pty master) and its number given to something else
        (a loop's epoll fd: closing that would end the process)."""
        return self.identity(fd) == self.ident.get(fd)

    def fd(self, v):
        """A descriptor for Poll / TTY: one of the world's (maybe closed
        by now), or a bad number; never 0-2, which libuv would make
        non-blocking (the parent reads this process's output)."""
        if isinstance(v, int) and not isinstance(v, bool) and (v < 0 or v > 2 ** 20):
            return v
        if isinstance(v, int):
            return self.fds[v % len(self.fds)]
        return v

    def close_fd(self, i):
        fd = self.fds[i % len(self.fds)]
        for s in self.sockets:
            if s.fileno() == fd:
                if self.still_ours(fd):
                    s.close()
                else:
                    s.detach()
                return
        if fd in self.own:
            self.own.remove(fd)
            if self.still_ours(fd):
                os.close(fd)

    def close_fds(self):
        for s in self.sockets:
            if s.fileno() >= 0:
                if self.still_ours(s.fileno()):
                    s.close()
                else:
                    s.detach()
        for fd in self.own:
            if self.still_ours(fd):
                os.close(fd)
        self.own = []

    def excepthook(self, loop, exc_type, exc_value, tb):
        if not issubclass(exc_type, EXPECTED + (KeyError, IndexError)):
            # a callback of the fuzzer's own: only the native layer matters
            pass
        self.raised += 1

    def obj(self, i):
        if not self.pool:
            return None
        return self.pool[i % len(self.pool)]

    def value(self, v):
        if isinstance(v, tuple) and len(v) == 2 and v[0] == "pool":
            o = self.obj(v[1])
            if v[1] % 3 == 0 and hasattr(o, "_n"):
                return o._n              # a native object of some kind
            return o
        if isinstance(v, tuple) and len(v) == 2 and v[0] == "make":
            return {"bytearray": lambda: bytearray(b"abc"),
                    "memoryview": lambda: memoryview(b"abcdef"),
                    "strided": lambda: memoryview(b"abcdef")[::2],
                    "list": lambda: [b"a", bytearray(b"b"), memoryview(b"c")],
                    "object": object,
                    "big": lambda: b"z" * (1 << 20),
                    "fsbuffer": lambda: uv.fs.Buffer(16),
                    "pipe": lambda: uv.PIPE,
                    "createpipe": lambda: uv.CreatePipe(writable=True, ipc=False),
                    }[v[1]]()
        if isinstance(v, tuple):
            return tuple(self.value(x) for x in v)
        if isinstance(v, list):
            return [self.value(x) for x in v]
        return v

    def args(self, args):
        return [self.value(a) for a in args]

    def add(self, o):
        self.pool.append(o)
        if len(self.pool) > 60:
            del self.pool[2:12]


def names(o):
    out = []
    for n in dir(o):
        if n in NEVER or (n.startswith("__") and n not in ("__repr__", "__enter__",
                                                               "__exit__")):
            continue
        out.append(n)
    return out


_spare_sockets = []


def sanitize(o, name, a):
    """Arguments that keep the run inside its sandbox (see the module)."""
    if name == "kill" and isinstance(o, (uv.Process, _uv.Process)) and a:
        a[0] = SAFE_KILL[hash(repr(a[0])) % len(SAFE_KILL)]
    elif name == "bind" and isinstance(o, (uv.Pipe, _uv.Pipe)) and a:
        p = a[0]
        if isinstance(p, str) and p.startswith("/"):
            a[0] = "." + p
        elif isinstance(p, bytes) and p.startswith(b"/"):
            a[0] = b"." + p
    elif name == "open" and a and isinstance(a[0], int) and 0 <= a[0] < 4096:
        try:
            os.fstat(a[0])
        except OSError:
            return a
        mine, theirs = socket.socketpair()
        _spare_sockets.append(theirs)
        a[0] = mine.detach()
    return a


def attempt(fn, *args):
    try:
        fn(*args)
    except EXPECTED:
        pass


def perform(world, op):
    kind = op[0]
    if kind == "new":
        _, name, li, args = op
        loop = world.loops[li % len(world.loops)] if li < 3 else None
        cls = getattr(uv, name)
        a = world.args(args)
        try:
            if name == "Process":
                first = a[0] if a else []
                arguments = (["true"] + list(first) if isinstance(first, (list, tuple))
                             else first)
                keywords = dict(zip(("stdout", "cwd", "stdin", "flags", "stdio"), a[1:]))
                h = cls(arguments, loop=loop, **keywords)
            elif name in ("TCP", "UDP", "Pipe") and a:
                h = cls(*a[:1], loop=loop)
            elif name in ("Poll", "TTY"):
                h = cls(world.fd(a[0] if a else li), *a[1:2], loop=loop)
            else:
                h = cls(loop=loop)
        except EXPECTED:
            return
        world.add(h)
        world.add(h._n)
    elif kind in ("call", "native"):
        _, i, which, args = op
        o = world.obj(i)
        if kind == "native":
            o = getattr(o, "_n", o)
        ns = names(o)
        if not ns:
            return
        name = ns[which % len(ns)]
        if name in ("run",):
            return
        try:
            attr = getattr(o, name)
        except EXPECTED:
            return
        if not callable(attr):
            return
        a = world.args(args)
        if name in ("start",) and isinstance(o, uv.Signal) and a:
            a[0] = SAFE_SIGNALS[hash(repr(a[0])) % len(SAFE_SIGNALS)]
        if isinstance(o, uv.Loop) and name in ("close", "run", "stop"):
            pass
        if isinstance(o, (_uv.Signal,)) and name == "start" and len(a) > 1:
            a[1] = SAFE_SIGNALS[hash(repr(a[1])) % len(SAFE_SIGNALS)]
        if name == "open" and a and isinstance(a[0], int) and 0 <= a[0] <= 2:
            a[0] = world.fd(a[0])        # never the parent's pipes
        a = sanitize(o, name, a)
        try:
            r = attr(*a)
        except EXPECTED:
            return
        if r is not None and not isinstance(r, (int, float, str, bytes, bool, tuple, set)):
            world.add(r)
    elif kind == "set":
        _, i, which, value = op
        o = world.obj(i)
        ns = [n for n in names(o) if not n.startswith("_")]
        if not ns:
            return
        name = ns[which % len(ns)]
        attempt(setattr, o, name, world.value(value))
    elif kind == "tick":
        lp = world.loops[op[1] % len(world.loops)]
        attempt(lp.run, uv.RunModes.NOWAIT)
    elif kind == "close":
        o = world.obj(op[1])
        if hasattr(o, "close") and not isinstance(o, uv.Loop):
            attempt(o.close)
    elif kind == "drop":
        if len(world.pool) > 2:
            del world.pool[2 + op[1] % (len(world.pool) - 2)]
    elif kind == "collect":
        gc.collect()
    elif kind == "closefd":
        world.close_fd(op[1])
    elif kind == "close_loop":
        lp = world.loops[op[1] % len(world.loops)]
        attempt(lp.close_all_handles)
        attempt(lp.run, uv.RunModes.NOWAIT)
        attempt(lp.close)
    elif kind == "start":
        _, i, args = op
        o = world.obj(i)
        a = world.args(args)
        if isinstance(o, uv.Signal):
            a = [SAFE_SIGNALS[len(a) % len(SAFE_SIGNALS)]]
        for name in ("start", "read_start", "receive_start", "listen", "send"):
            if hasattr(o, name):
                attempt(getattr(o, name), *a)
                break
    elif kind == "fs":
        fs_operation(world, op)
    elif kind == "request":
        _, i, which, args = op
        o = world.obj(i)
        a = world.args(args)
        fn = None
        if isinstance(o, (uv.TCP, uv.Pipe)):
            fn = [o.connect, o.write, o.shutdown, o.bind][which]
            a = sanitize(o, fn.__name__, a)
        elif isinstance(o, uv.UDP):
            fn = [o.send, o.try_send, o.connect, o.bind][which]
        elif isinstance(o, uv.TTY):
            fn = [o.write, o.set_mode, o.read_start, o.try_write][which]
        elif isinstance(o, uv.Poll):
            fn = [o.start, o.stop, o.start, o.fileno][which]
        if fn is not None:
            try:
                r = fn(*a)
            except EXPECTED:
                return
            if r is not None:
                world.add(r)
                if hasattr(r, "_n"):
                    world.add(r._n)
    else:
        perform_more(world, op)


def numeric(flags, bits):
    """flags with *bits* set when it is an int: the fuzzer's lookups never
    ask a name server (none is reachable; a silent one would stall)."""
    if isinstance(flags, int) and not isinstance(flags, bool):
        return flags | bits
    return flags


def perform_more(world, op):
    kind = op[0]
    if kind == "dns":
        _, which, args = op
        a = world.args(args)
        loop = world.loops[which % 2] if which < 6 else None
        callback = any_callback if which % 2 else None
        if which in (0, 1, 4, 6):
            a = (a + [0] * 6)[:6] if len(a) < 6 else a[:6]
            if a[0] is not None:
                a[5] = numeric(a[5], socket.AI_NUMERICHOST)
            fn = uv.getaddrinfo
        else:
            a = (a + [0] * 3)[:3]
            a[2] = numeric(a[2], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)
            fn = uv.getnameinfo
        try:
            r = fn(*a, callback=callback, loop=loop)
        except EXPECTED:
            return
        if callback is not None:
            world.add(r)
            world.add(r._n)
            if which == 5:
                attempt(r.cancel)
    elif kind == "misc":
        _, which, args = op
        a = world.args(args)
        if which % 3 == 2:
            name = MISC_NATIVE[which % len(MISC_NATIVE)]
            fn = getattr(_uv, name)
        else:
            name = MISC_FUNCTIONS[which % len(MISC_FUNCTIONS)]
            fn = getattr(uv.misc, name)
            if name == "kill":
                # signal 0 only: a test of existence, whatever the pid
                a = (a + [os.getpid()])[:1] + [0]
            elif name == "setpriority":
                # this process only
                a = [0] + (a + [10])[1:2]
        attempt(fn, *a)
    elif kind == "secure":
        _, i, which, args = op
        o = world.obj(i)
        a = world.args(args)
        ctx = contexts()[which % 2]
        if which == 3:
            ctx = a[0] if a else None
        hostname = a[1] if len(a) > 1 and which == 2 else None
        try:
            sec = uv.secure.Secure(o, ctx, server_side=which == 1,
                                   server_hostname=hostname)
        except EXPECTED:
            return
        world.add(sec)
        for name in ("handshake", "read_start", "write", "shutdown"):
            if which == ("handshake", "read_start", "write", "shutdown").index(name):
                try:
                    r = getattr(sec, name)(*a[2:3]) if name == "write" else \
                        getattr(sec, name)()
                except EXPECTED:
                    return
                world.add(r)


def _fs_path(v, choice):
    """A path inside the working directory (the fuzzer's own temp dir),
    or a value that is not a valid path at all."""
    if isinstance(v, (str, bytes)):
        sep, dots = ("/", "..") if isinstance(v, str) else (b"/", b"..")
        v = v.replace(sep, v[:0] + ("_" if isinstance(v, str) else b"_"))
        v = v.replace(dots, v[:0] + ("__" if isinstance(v, str) else b"__"))
        if not v:
            v = "e" if isinstance(v, str) else b"e"
        if choice % 5 == 0:
            v += "XXXXXX" if isinstance(v, str) else b"XXXXXX"
        return v
    if isinstance(v, list):
        return v                       # a TypeError
    return ["f", b"g", "d", "fXXXXXX", "a\0b", None, 7][choice % 7]


def _fs_fd(world, choice):
    if world.fs_fds and choice % 3:
        return world.fs_fds[choice % len(world.fs_fds)]
    return NEVER_OPEN_FDS[choice % len(NEVER_OPEN_FDS)]


def _fs_collect(world, name, result):
    if name == "open" and isinstance(result, int):
        world.fs_fds.append(result)
    elif name == "mkstemp" and isinstance(result, tuple):
        world.fs_fds.append(result[0])
    elif name == "opendir" and isinstance(result, uv.fs.Dir):
        world.dirs.append(result)


def fs_operation(world, op):
    _, which, choice, mode, args = op
    name, slots = FS_FUNCTIONS[which]
    fn = getattr(uv.fs, name)
    raw = world.args(args)
    a = []
    for i, slot in enumerate(slots):
        v = raw[i] if i < len(raw) else None
        c = choice + i * 7
        if slot == "p":
            v = _fs_path(v, c)
        elif slot == "f":
            v = _fs_fd(world, c)
        elif slot == "d":
            v = world.dirs[c % len(world.dirs)] if world.dirs and c % 4 else v
        elif name in ("chmod", "fchmod", "mkdir", "open") and isinstance(v, int):
            v &= 0o777 if i else v    # never a setuid bit or a mode 0 dir
        a.append(v)
    if name == "close" and a and a[0] in world.fs_fds:
        world.fs_fds.remove(a[0])         # never used again, whatever happens
    kwargs = {}
    if mode:
        loop = world.loops[mode % len(world.loops)]

        def callback(request, status, result, name=name):
            _fs_collect(world, name, result)
        kwargs = {"callback": callback, "loop": loop}
    try:
        r = fn(*a, **kwargs)
    except EXPECTED:
        return
    if mode:
        world.add(r)
    else:
        _fs_collect(world, name, r)


def finish(world):
    for lp in world.loops:
        attempt(lp.close_all_handles)
        for _ in range(3):
            attempt(lp.run, uv.RunModes.NOWAIT)
    world.pool = []
    gc.collect()
    for lp in world.loops:
        attempt(lp.close)
    world.close_fds()
    for fd in world.fs_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    world.fs_fds = []
    world.dirs = []
    gc.collect()


def main():
    examples = int(sys.argv[1])
    randomize = "--random" in sys.argv
    counts = {"examples": 0, "operations": 0}

    @settings(max_examples=examples, deadline=None, derandomize=not randomize,
              database=None, print_blob=True,
              suppress_health_check=list(HealthCheck))
    @given(st.lists(OPERATION, min_size=1, max_size=25))
    def program(ops):
        world = World()
        counts["examples"] += 1
        try:
            for op in ops:
                counts["operations"] += 1
                perform(world, op)
        finally:
            finish(world)

    # other signals the fuzzer may watch must not end the process if one
    # arrives after a handle stopped watching it
    for s in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP, signal.SIGWINCH):
        signal.signal(s, lambda n, f: None)
    # uv.fs, FSEvent and FSPoll work on relative paths, and pipes bind their
    # socket files: inside a directory of the fuzzer's own, removed at the end
    home = tempfile.mkdtemp(prefix="uv-fuzz-")
    os.chdir(home)
    try:
        program()
    except Exception:
        traceback.print_exc()
        print("fuzz: FAILED after %(examples)d examples, %(operations)d operations" % counts)
        sys.stdout.flush()
        os._exit(1)
    os.chdir("/")
    shutil.rmtree(home)
    for sock in _spare_sockets:
        sock.close()
    print("fuzz: ok %(examples)d examples %(operations)d operations" % counts)


if __name__ == "__main__":
    main()
