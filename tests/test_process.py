"""Child processes (uv.Process): spawning, arguments, environment, working
directory, user and group, flags, every stdio form, exit and signals,
lifetime (a running process is pending; no zombie is ever left), and bad
input.  API.md section 4 "Process".

The children are the interpreter running the tests (sys.executable) or
small system programs (sleep, id).  The fixtures of proc_support.py check
after every test that no file descriptor, child process or zombie is left.
"""
import errno
import os
import pathlib
import shutil
import signal
import socket
import stat
import sys
import weakref

import pytest

import uv
from uv._loader import _uv

from child import check_child
from proc_support import (ENV, PY, S, Reader, child_pids, no_leaks,  # noqa: F401
                          script, sockdir)

SLEEP = shutil.which("sleep")
ID = shutil.which("id")


class Exits(list):
    """An on_exit that records (returncode, signum) and closes the process."""

    def __call__(self, process, returncode, signum):
        assert isinstance(process, uv.Process)
        self.append((returncode, signum))
        process.close()


def run_and_read(loop, until, args, **kwargs):
    """Spawn *args* with stdout through a pipe; return (exits, output)."""
    exits = Exits()
    proc = uv.Process(args, stdout=uv.PIPE, loop=loop, on_exit=exits, **kwargs)
    out = Reader(proc.stdout)
    until(lambda: exits and out.end is not None, timeout=30)
    assert out.end is S.EOF
    return exits, bytes(out.data)


# ---------------------------------------------------------------- spawning and exit


def test_exit_code_and_on_exit(loop, until):
    calls = []

    def on_exit(process, returncode, signum):
        calls.append((process, returncode, signum, process.active))

    proc = uv.Process(script("import sys; sys.exit(7)"), loop=loop, on_exit=on_exit)
    assert isinstance(proc.pid, int) and proc.pid > 0
    assert proc.active and "running" in repr(proc)
    assert proc in loop.handles
    until(lambda: calls, timeout=30)
    assert calls == [(proc, 7, 0, False)]
    assert "exited with 7" in repr(proc)
    assert proc.pid > 0            # known until closed
    proc.close()
    until(lambda: proc.closed)
    assert proc.pid is None


def test_child_stdout_read_through_a_pipe(loop, until):
    exits, out = run_and_read(loop, until, script("print('hello from the child')"))
    assert exits == [(0, 0)]
    assert out == b"hello from the child\n"


def test_a_megabyte_through_stdout(loop, until):
    code = "import sys; sys.stdout.buffer.write(b'x' * (1 << 20))"
    exits, out = run_and_read(loop, until, script(code))
    assert exits == [(0, 0)] and out == b"x" * (1 << 20)


def test_writing_to_the_child_stdin(loop, until):
    exits = Exits()
    proc = uv.Process(script("import sys; d = sys.stdin.buffer.read(); "
                             "sys.stdout.buffer.write(d.upper() + b'|%d' % len(d))"),
                      stdin=uv.CreatePipe(readable=True, ipc=False),
                      stdout=uv.CreatePipe(writable=True, ipc=False),
                      loop=loop, on_exit=exits)
    assert isinstance(proc.stdin, uv.Pipe) and isinstance(proc.stdout, uv.Pipe)
    assert proc.stdin.writable and not proc.stdin.readable
    assert proc.stdout.readable and not proc.stdout.writable
    out = Reader(proc.stdout)
    proc.stdin.write(b"abc" * 1000)
    proc.stdin.write([b"de", bytearray(b"f")])
    proc.stdin.shutdown(on_shutdown=lambda req, st: req.stream.close())
    until(lambda: exits and out.end is not None, timeout=30)
    assert exits == [(0, 0)]
    assert bytes(out.data) == b"ABC" * 1000 + b"DEF|3003"


def test_killed_by_a_signal(loop, until):
    exits = Exits()
    proc = uv.Process([SLEEP, "30"], loop=loop, on_exit=exits)
    proc.kill(0)                      # the process exists
    proc.kill(signal.SIGTERM)
    until(lambda: exits, timeout=30)
    assert exits == [(0, uv.Signals.SIGTERM)]
    assert isinstance(exits[0][1], uv.Signals)


def test_kill_defaults_to_sigint(loop, until):
    exits = Exits()
    proc = uv.Process([SLEEP, "30"], loop=loop, on_exit=exits)
    proc.kill()
    until(lambda: exits, timeout=30)
    assert exits == [(0, uv.Signals.SIGINT)]


def test_kill_errors(loop, until):
    exits = []
    proc = uv.Process([SLEEP, "30"], loop=loop, on_exit=lambda p, rc, s: exits.append(rc))
    for bad in (-1, 65, 2 ** 40, 2 ** 70, -2 ** 70):
        with pytest.raises(uv.error.ArgumentError):
            proc.kill(bad)
    for bad in ("TERM", 1.5, None, [9]):
        with pytest.raises(TypeError):
            proc.kill(bad)
    proc.kill(signal.SIGKILL)
    until(lambda: exits, timeout=30)
    # exited and reaped: its pid may be another process's by now
    with pytest.raises(uv.error.ProcessLookupError):
        proc.kill(signal.SIGTERM)
    proc.close()
    with pytest.raises(uv.ClosedHandleError):
        proc.kill(signal.SIGTERM)


def test_on_exit_exception_goes_to_the_loop(loop, until):
    def on_exit(process, returncode, signum):
        process.close()
        raise ZeroDivisionError("in on_exit")

    uv.Process(script("pass"), loop=loop, on_exit=on_exit)
    with pytest.raises(ZeroDivisionError):
        until(lambda: False, timeout=30)


def test_on_exit_replaced_after_spawning(loop, until):
    exits = Exits()
    proc = uv.Process(script("pass"), loop=loop)
    proc.on_exit = exits
    until(lambda: exits, timeout=30)
    assert exits == [(0, 0)]
    with pytest.raises(TypeError):
        proc.on_exit = 5


# ---------------------------------------------------------------- arguments, env, cwd


def test_str_bytes_and_pathlike_everywhere(loop, until, sockdir):
    code = ("import os, sys; print(repr(sys.argv[1:])); print(os.getcwd()); "
            "print(os.environ['UVX'])")
    args = [pathlib.Path(PY), b"-c", code, "str", b"bytes", pathlib.Path("p/q"), "\u00e9"]
    env = dict(ENV)
    env.pop("UVX", None)
    env[b"UVX"] = pathlib.Path("from-env")
    for cwd in (sockdir, os.fsencode(sockdir), pathlib.Path(sockdir)):
        exits, out = run_and_read(loop, until, args, cwd=cwd, env=env)
        assert exits == [(0, 0)]
        assert out.decode().splitlines() == [repr(["str", "bytes", "p/q", "\u00e9"]),
                                             os.path.realpath(sockdir), "from-env"]


def test_env_replaces_the_environment(loop, until):
    exits, out = run_and_read(loop, until,
                              script("import os; print(sorted(k for k in os.environ "
                                     "if k.startswith('UVT')), os.environ.get('HOME'))"),
                              env={"UVT_A": "1", "UVT_B": "", "PYTHONPATH": ENV["PYTHONPATH"]})
    assert exits == [(0, 0)]
    assert out == b"['UVT_A', 'UVT_B'] None\n"


def test_env_none_inherits(loop, until, monkeypatch):
    monkeypatch.setenv("UVT_INHERITED", "yes")
    exits, out = run_and_read(loop, until, script("import os; print(os.environ['UVT_INHERITED'])"))
    assert out == b"yes\n"


def test_program_found_in_path(loop, until):
    exits, out = run_and_read(loop, until, ["sleep", "0"])
    assert exits == [(0, 0)]


def test_missing_program(loop):
    with pytest.raises(FileNotFoundError) as info:
        uv.Process(["/nonexistent/uv-test-program"], loop=loop)
    assert isinstance(info.value, uv.error.FileNotFoundError)
    assert info.value.filename == "/nonexistent/uv-test-program"
    with pytest.raises(uv.error.FileNotFoundError):
        uv.Process(["uv-test-no-such-program-in-path"], loop=loop)
    assert loop.handles == set()


def test_not_executable(loop, sockdir):
    path = os.path.join(sockdir, "prog")
    with open(path, "w") as f:
        f.write("#!/bin/sh\necho hi\n")
    os.chmod(path, 0o644)
    try:
        with pytest.raises(PermissionError) as info:
            uv.Process([path], loop=loop)
        assert isinstance(info.value, uv.error.PermissionError)
        assert info.value.filename == path
        with pytest.raises(uv.error.PermissionError):
            uv.Process([sockdir], loop=loop)         # a directory
    finally:
        os.unlink(path)


def test_bad_cwd(loop, sockdir):
    missing = os.path.join(sockdir, "missing")
    with pytest.raises(uv.error.FileNotFoundError) as info:
        uv.Process(script("pass"), cwd=missing, loop=loop)
    assert info.value.filename == missing
    assert "working directory" in str(info.value)
    path = os.path.join(sockdir, "file")
    open(path, "w").close()
    try:
        with pytest.raises(uv.error.NotADirectoryError) as info:
            uv.Process(script("pass"), cwd=path, loop=loop)
        assert info.value.filename == path
    finally:
        os.unlink(path)


def test_failed_spawn_closes_the_pipes_it_made(loop, pause):
    with pytest.raises(uv.error.FileNotFoundError):
        uv.Process(["/nonexistent/uv-test-program"], stdin=uv.PIPE, stdout=uv.PIPE,
                   stdio=[uv.PIPE], loop=loop)
    pause(10)
    loop.run(uv.RunModes.NOWAIT)         # pause's own timer finishes closing
    assert loop.handles == set()


@pytest.mark.parametrize("where", ["program", "argument", "cwd", "env name", "env value"])
def test_embedded_nul_is_a_value_error(loop, where):
    args, kwargs = [PY, "-c", "pass"], {}
    if where == "program":
        args[0] = PY + "\0x"
    elif where == "argument":
        args.append(b"a\0b")
    elif where == "cwd":
        kwargs["cwd"] = "/tmp\0x"
    elif where == "env name":
        kwargs["env"] = {"A\0B": "1"}
    else:
        kwargs["env"] = {"A": pathlib.Path("1\0")}
    with pytest.raises(ValueError) as info:
        uv.Process(args, loop=loop, **kwargs)
    assert "null" in str(info.value)


def test_bad_arguments(loop):
    cases = [
        (TypeError, dict(arguments="python")),
        (TypeError, dict(arguments=b"python")),
        (TypeError, dict(arguments=pathlib.Path("python"))),
        (TypeError, dict(arguments=5)),
        (TypeError, dict(arguments=[PY, 5])),
        (TypeError, dict(arguments=[None])),
        (ValueError, dict(arguments=[])),
        (ValueError, dict(arguments=[PY, "\ud800"])),
        (TypeError, dict(env=["A=1"])),
        (TypeError, dict(env={1: "x"})),
        (TypeError, dict(env={"A": 1})),
        (ValueError, dict(env={"A=B": "1"})),
        (ValueError, dict(env={"": "1"})),
        (TypeError, dict(cwd=5)),
        (TypeError, dict(uid="0")),
        (TypeError, dict(gid=1.5)),
        (OverflowError, dict(uid=-1)),
        (OverflowError, dict(gid=2 ** 32)),
        (TypeError, dict(flags="0")),
        (TypeError, dict(flags=None)),
        (OverflowError, dict(flags=-1)),
        (uv.error.ArgumentError, dict(flags=1 << 20)),
        (TypeError, dict(stdin=object())),
        (TypeError, dict(stdout="out.txt")),
        (TypeError, dict(stderr=1.0)),
        (TypeError, dict(stdin=True)),
        (TypeError, dict(stdio="x")),
        (TypeError, dict(stdio=5)),
        (TypeError, dict(stdio=[object()])),
        (uv.error.BadFileDescriptorError, dict(stdout=-1)),
        (uv.error.BadFileDescriptorError, dict(stdout=2 ** 31)),
        (TypeError, dict(loop="loop")),
    ]
    for exc, kwargs in cases:
        kwargs.setdefault("arguments", [PY, "-c", "pass"])
        kwargs.setdefault("loop", loop)
        with pytest.raises(exc):
            uv.Process(**kwargs)
    assert loop.handles == set()


def test_inherited_fd_that_is_not_open(loop):
    # a high number: a low free one would be taken by libuv's own pipes
    # before the child duplicates it
    fd = 999
    with pytest.raises(OSError):
        os.fstat(fd)
    with pytest.raises(uv.error.BadFileDescriptorError):
        uv.Process(script("pass"), stdout=fd, loop=loop)


def test_closed_loop_and_closed_streams(loop):
    other = uv.Loop()
    other.close()
    with pytest.raises(uv.LoopClosedError):
        uv.Process(script("pass"), loop=other)
    pipe = uv.Pipe(loop=loop)
    pipe.close()
    with pytest.raises(uv.ClosedHandleError):
        uv.Process(script("pass"), stdout=pipe, loop=loop)
    unopened = uv.Pipe(loop=loop)
    with pytest.raises(uv.error.ArgumentError):        # no fd to inherit
        uv.Process(script("pass"), stdout=unopened, loop=loop)
    unopened.close()


def test_native_process_refuses_bad_stdio(loop):
    """The checks of the native layer, behind those of uv/process.py."""
    def native(stdio, loop_n=None, args=(b"true",)):
        p = object()
        return _uv.Process(loop_n or loop._n, p, args[0], list(args), None, None, 0, 0, 0, stdio)

    a, b = socket.socketpair()
    opened = uv.Pipe(loop=loop)
    opened.open(a.detach())
    fresh = uv.Pipe(loop=loop)
    other_loop = uv.Loop()
    foreign = uv.Pipe(loop=other_loop)
    try:
        with pytest.raises(uv.error.ResourceBusyError):
            native([(_uv.UV_CREATE_PIPE, opened._n)])
        with pytest.raises(ValueError):
            native([(_uv.UV_CREATE_PIPE, fresh._n), (_uv.UV_CREATE_PIPE, fresh._n)])
        with pytest.raises(ValueError):
            native([(_uv.UV_CREATE_PIPE, foreign._n)])
        with pytest.raises(ValueError):
            native([(0x1000, None)])
        with pytest.raises(TypeError):
            native([(_uv.UV_CREATE_PIPE, uv.Timer(loop=loop)._n)])
        with pytest.raises(TypeError):
            native([(_uv.UV_INHERIT_STREAM, 5)])
        with pytest.raises(TypeError):
            native([(_uv.UV_INHERIT_FD, "1")])
        with pytest.raises(TypeError):
            native([_uv.UV_IGNORE])
        with pytest.raises(TypeError):
            native([(_uv.UV_IGNORE, None, None)])
        with pytest.raises(ValueError):
            native([(_uv.UV_IGNORE, None)] * 5000)
        with pytest.raises(TypeError):
            native(None)
        with pytest.raises(TypeError):
            native([], args=("true",))
        with pytest.raises(ValueError):
            _uv.Process(loop._n, None, b"true", [], None, None, 0, 0, 0, [])
        with pytest.raises(TypeError):
            _uv.Process(loop._n)
        with pytest.raises(TypeError):
            native([], loop_n=object())
        assert not fresh.closing and fresh.fileno  # still usable
    finally:
        for h in (opened, fresh):
            h.close()
        b.close()
        foreign.close()
        other_loop.run(uv.RunModes.NOWAIT)
        other_loop.close()


# ---------------------------------------------------------------- user, group, flags


def test_uid_and_gid(loop, until):
    nobody = 65534
    if os.getuid() != 0:
        with pytest.raises(uv.error.PermissionError):
            uv.Process([ID, "-u"], uid=nobody, loop=loop)
        return
    exits, out = run_and_read(loop, until, [ID, "-u"], uid=nobody)
    assert exits == [(0, 0)] and out == b"%d\n" % nobody
    exits, out = run_and_read(loop, until, [ID, "-g"], gid=nobody)
    assert exits == [(0, 0)] and out == b"%d\n" % nobody
    exits, out = run_and_read(loop, until, [ID, "-u"], uid=0, gid=0)
    assert out == b"0\n"


def test_setuid_flag_without_uid_is_ignored(loop, until):
    exits, out = run_and_read(loop, until, [ID, "-u"],
                              flags=uv.ProcessFlags.SETUID | uv.ProcessFlags.SETGID)
    assert out == b"%d\n" % os.getuid()


def test_detached_process_leads_its_session(loop, until):
    exits, out = run_and_read(loop, until, script("import os; print(os.getsid(0) == os.getpid())"),
                              flags=uv.ProcessFlags.DETACHED)
    assert exits == [(0, 0)] and out == b"True\n"
    exits, out = run_and_read(loop, until, script("import os; print(os.getsid(0) == os.getpid())"))
    assert out == b"False\n"


def test_windows_flags_are_accepted_and_ignored(loop, until):
    flags = (uv.ProcessFlags.WINDOWS_HIDE | uv.ProcessFlags.WINDOWS_HIDE_CONSOLE
             | uv.ProcessFlags.WINDOWS_HIDE_GUI | uv.ProcessFlags.WINDOWS_VERBATIM_ARGUMENTS)
    exits, out = run_and_read(loop, until, script("print('ok')"), flags=flags)
    assert exits == [(0, 0)] and out == b"ok\n"
    assert uv.ProcessFlags.WINDOWS_VERBATIM is uv.ProcessFlags.WINDOWS_VERBATIM_ARGUMENTS


# ---------------------------------------------------------------- stdio forms

FD_INFO = ("import os, sys\n"
           "for fd in map(int, sys.argv[1:]):\n"
           "    try:\n"
           "        print(fd, os.readlink('/proc/self/fd/%d' % fd))\n"
           "    except OSError:\n"
           "        print(fd, 'closed')\n")


def test_none_is_dev_null_for_0_to_2(loop, until, sockdir):
    path = os.path.join(sockdir, "out")
    with open(path, "wb") as f:
        exits = Exits()
        uv.Process(script(FD_INFO + "sys.stdout.flush(); os.write(3, b'x')", "0", "1", "2", "4"),
                   stdio=[f], stderr=f, loop=loop, on_exit=exits)
        until(lambda: exits, timeout=30)
    with open(path, "rb") as f:
        data = f.read()
    os.unlink(path)
    assert exits == [(0, 0)]
    # stdout is /dev/null: the report went nowhere; fd 3 (the file) got x
    assert data == b"x"


def test_int_fd_and_fileno_object(loop, until, sockdir):
    r, w = os.pipe()
    path = os.path.join(sockdir, "err")
    try:
        with open(path, "wb") as f:
            exits = Exits()
            proc = uv.Process(script("import sys; print('out'); print('err', file=sys.stderr)"),
                              stdout=w, stderr=f, loop=loop, on_exit=exits)
            assert proc.stdout == w and proc.stderr is f
            until(lambda: exits, timeout=30)
        os.close(w)
        w = None
        assert os.read(r, 100) == b"out\n"
        with open(path, "rb") as f:
            assert f.read() == b"err\n"
    finally:
        os.close(r)
        if w is not None:
            os.close(w)
        os.unlink(path)


def test_inherit_a_uv_stream(loop, until):
    a, b = socket.socketpair()
    mine, theirs = uv.Pipe(loop=loop), uv.Pipe(loop=loop)
    mine.open(a.detach())
    theirs.open(b.detach())
    out = Reader(mine)
    exits = Exits()
    proc = uv.Process(script("print('through an inherited stream')"), stdout=theirs,
                      loop=loop, on_exit=exits)
    assert proc.stdout is theirs
    theirs.close()            # the child has its own copy
    until(lambda: exits and out.end is not None, timeout=30)
    assert bytes(out.data) == b"through an inherited stream\n"


def test_inherit_a_tcp_stream(loop, until, pair):
    client, server_side = pair
    out = Reader(client, close=False)
    exits = Exits()
    uv.Process(script("import os; os.write(1, b'to the tcp peer')"), stdout=server_side,
               loop=loop, on_exit=exits)
    until(lambda: exits and out.data == b"to the tcp peer", timeout=30)


def test_extra_stdio_slots(loop, until):
    exits = Exits()
    proc = uv.Process(script("import os; os.write(3, b'three'); os.write(4, b'four')"),
                      stdio=[uv.CreatePipe(writable=True, ipc=False), uv.PIPE],
                      loop=loop, on_exit=exits)
    assert len(proc.stdio) == 2 and all(isinstance(p, uv.Pipe) for p in proc.stdio)
    assert not proc.stdio[0].ipc and proc.stdio[1].ipc
    assert proc.stdin is None and proc.stdout is None and proc.stderr is None
    r3, r4 = Reader(proc.stdio[0]), Reader(proc.stdio[1])
    until(lambda: exits and r3.end and r4.end, timeout=30)
    assert bytes(r3.data) == b"three" and bytes(r4.data) == b"four"


def test_create_pipe_and_pipe_preset():
    assert uv.PIPE.readable and uv.PIPE.writable and uv.PIPE.ipc
    assert uv.PIPE.flags == _uv.UV_CREATE_PIPE | _uv.UV_READABLE_PIPE | _uv.UV_WRITABLE_PIPE
    cp = uv.CreatePipe()
    assert (cp.readable, cp.writable, cp.ipc) == (False, False, True)
    assert cp.flags == _uv.UV_CREATE_PIPE
    assert repr(uv.CreatePipe(readable=True, ipc=False)) == \
        "<uv.CreatePipe readable=True writable=False ipc=False>"


def test_disable_stdio_inheritance():
    # in a child: it marks the descriptors of the process close-on-exec
    out = check_child('''
        r, w = os.pipe()
        os.set_inheritable(w, True)
        assert os.get_inheritable(w) and os.get_inheritable(1)
        uv.process.disable_stdio_inheritance()
        print(os.get_inheritable(w), os.get_inheritable(0), os.get_inheritable(1))
    ''')
    assert out.split() == ["False", "False", "False"]


# ---------------------------------------------------------------- lifetime


def test_dropped_process_still_calls_on_exit(loop, until, collect):
    exits = []
    proc = uv.Process(script("import time; time.sleep(0.2)"), stdout=uv.PIPE, loop=loop,
                      on_exit=lambda p, rc, sig: exits.append((rc, sig)))
    ref, pipe_ref = weakref.ref(proc), weakref.ref(proc.stdout)
    pid = proc.pid
    del proc
    collect()
    assert ref() is not None             # pending while it runs
    assert pid in child_pids()
    until(lambda: exits, timeout=30)
    assert exits == [(0, 0)]
    collect()
    assert ref() is None                 # exited: collected
    assert pipe_ref() is None
    assert pid not in child_pids()       # reaped: no zombie


def test_exited_process_stays_while_held(loop, until, collect):
    exits = Exits()
    proc = uv.Process(script("pass"), loop=loop, on_exit=lambda p, rc, s: exits.append(rc))
    until(lambda: exits, timeout=30)
    collect()
    assert proc in loop.handles and not proc.active
    proc.close()


def test_process_in_loop_handles_and_close_all_handles(loop, until):
    proc = uv.Process([SLEEP, "30"], stdout=uv.PIPE, loop=loop)
    pid = proc.pid
    assert loop.handles == {proc, proc.stdout}
    with pytest.raises(uv.error.ResourceBusyError):
        loop.close()
    closed = []
    loop.close_all_handles(on_closed=closed.append)
    until(lambda: len(closed) == 2)
    assert set(closed) == {proc, proc.stdout}
    # the handle is closed but the child runs on; it is reaped once killed
    assert pid in child_pids()
    os.kill(pid, signal.SIGKILL)
    until_gone(pid)


def until_gone(pid, seconds=20):
    import time
    deadline = time.monotonic() + seconds
    while pid in child_pids():
        assert time.monotonic() < deadline, "pid %d was not reaped" % pid
        time.sleep(0.01)


def test_closing_a_running_process_reaps_it_later(loop, until):
    exits = []
    proc = uv.Process([SLEEP, "0.3"], loop=loop, on_exit=lambda *a: exits.append(a))
    pid = proc.pid
    proc.close()
    until(lambda: proc.closed)
    until_gone(pid)                      # exited by itself, reaped: no zombie
    assert exits == []


def test_loop_collected_with_a_running_process(collect):
    loop = uv.Loop()
    proc = uv.Process([SLEEP, "30"], loop=loop)
    pid = proc.pid
    ref = weakref.ref(loop)
    del proc, loop
    collect()
    assert ref() is None                 # the loop and its pending process
    os.kill(pid, signal.SIGKILL)
    until_gone(pid)


def test_dereferenced_process_does_not_keep_the_loop(loop, until, run_loop):
    exits = []
    proc = uv.Process([SLEEP, "30"], loop=loop, on_exit=lambda *a: exits.append(a))
    proc.dereference()
    assert not proc.referenced
    assert run_loop(loop) is False
    assert exits == [] and proc.active
    proc.reference()
    proc.kill(signal.SIGKILL)
    until(lambda: exits, timeout=30)
    proc.close()


def test_methods_on_a_closed_process(loop, until):
    proc = uv.Process(script("pass"), loop=loop)
    proc.close()
    until(lambda: proc.closed)
    assert proc.pid is None and not proc.active
    assert "closed" in repr(proc)
    for call in (proc.kill, proc.reference, proc.dereference):
        with pytest.raises(uv.ClosedHandleError):
            call()
    with pytest.raises(uv.ClosedHandleError):
        proc.fileno()
    proc.close()                         # idempotent


def test_process_has_no_fileno(loop, until):
    exits = Exits()
    proc = uv.Process(script("pass"), loop=loop, on_exit=exits)
    with pytest.raises(uv.error.ArgumentError):
        proc.fileno()
    with pytest.raises(uv.error.ArgumentError):
        proc.send_buffer_size
    until(lambda: exits, timeout=30)
