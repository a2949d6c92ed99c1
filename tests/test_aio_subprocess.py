"""uv.aio subprocesses: asyncio.create_subprocess_exec/_shell and
loop.subprocess_exec/_shell on libuv's processes, with every stdio form,
signals, pass_fds, cwd and env, errors, and no child, zombie or descriptor
left behind (the no_leaks fixture of proc_support.py checks each test)."""
import asyncio
import os
import signal
import subprocess
import sys
import tempfile

import pytest

import uv.aio

from child import TIME_SCALE
from proc_support import PY, no_leaks  # noqa: F401

PIPE = asyncio.subprocess.PIPE
DEVNULL = asyncio.subprocess.DEVNULL
STDOUT = asyncio.subprocess.STDOUT


def run(coro, timeout=30):
    """Run *coro* on a new uv.aio loop with a time limit."""
    async def limited():
        assert isinstance(asyncio.get_running_loop(), uv.aio.Loop)
        return await asyncio.wait_for(coro, timeout * TIME_SCALE)
    return uv.aio.run(limited())


def py(code, *args):
    return [PY, "-c", code] + list(args)


def test_communicate_through_three_pipes():
    async def main():
        p = await asyncio.create_subprocess_exec(
            *py("import sys, os\n"
                "data = sys.stdin.buffer.read()\n"
                "sys.stdout.buffer.write(data.upper())\n"
                "sys.stderr.write('pid %d' % os.getpid())\n"
                "sys.exit(7)"),
            stdin=PIPE, stdout=PIPE, stderr=PIPE)
        out, err = await p.communicate(b"hello child")
        return p.pid, p.returncode, out, err
    pid, rc, out, err = run(main())
    assert rc == 7 and out == b"HELLO CHILD"
    assert err == ("pid %d" % pid).encode()


def test_shell_env_and_cwd():
    d = tempfile.mkdtemp()
    try:
        async def main():
            p = await asyncio.create_subprocess_shell(
                'echo "$UV_AIO_X" && pwd && exit 3', stdout=PIPE,
                env={"UV_AIO_X": "from env", "PATH": os.environ["PATH"]}, cwd=d)
            out = await p.stdout.read()
            return out, await p.wait()
        out, rc = run(main())
        assert rc == 3
        assert out.decode().split("\n")[:2] == ["from env", os.path.realpath(d)]
    finally:
        os.rmdir(d)


def test_a_megabyte_each_way_with_flow_control():
    size = 1 << 20

    async def main():
        p = await asyncio.create_subprocess_exec(
            *py("import sys\n"
                "n = 0\n"
                "while True:\n"
                "    chunk = sys.stdin.buffer.read1(65536)\n"
                "    if not chunk: break\n"
                "    n += len(chunk)\n"
                "    sys.stdout.buffer.write(chunk)\n"
                "sys.stdout.flush()\n"),
            stdin=PIPE, stdout=PIPE)

        async def feed():
            for _ in range(size // 65536):
                p.stdin.write(b"a" * 65536)
                await p.stdin.drain()
            p.stdin.close()

        async def drain():
            total = 0
            while True:
                chunk = await p.stdout.read(1 << 16)
                if not chunk:
                    return total
                total += len(chunk)
        _, total = await asyncio.gather(feed(), drain())
        return total, await p.wait()
    assert run(main()) == (size, 0)


@pytest.mark.parametrize("how, sig", [("terminate", signal.SIGTERM),
                                      ("kill", signal.SIGKILL),
                                      ("send_signal", signal.SIGUSR1)])
def test_signals_end_the_child(how, sig):
    async def main():
        p = await asyncio.create_subprocess_exec(
            *py("import sys, time\nprint('ready', flush=True)\ntime.sleep(60)"),
            stdout=PIPE)
        assert await p.stdout.readline() == b"ready\n"
        assert p.returncode is None
        if how == "send_signal":
            p.send_signal(sig)
        else:
            getattr(p, how)()
        rc = await p.wait()
        # a child that has exited gets no signal: nothing happens, or (once
        # the transport has lost its connection) ProcessLookupError, as asyncio
        for _ in range(2):
            try:
                p.send_signal(signal.SIGTERM)
                p.kill()
            except ProcessLookupError:
                pass
            await asyncio.sleep(0.01)
        return rc
    assert run(main()) == -sig


def test_wait_without_pipes_and_inherited_stdio():
    async def main():
        p = await asyncio.create_subprocess_exec("true")
        q = await asyncio.create_subprocess_exec("false")
        return await p.wait(), await q.wait()
    assert run(main()) == (0, 1)


def test_stderr_to_stdout():
    async def main():
        p = await asyncio.create_subprocess_exec(
            *py("import sys\nsys.stdout.write('out ')\nsys.stdout.flush()\n"
                "sys.stderr.write('err')"),
            stdout=PIPE, stderr=STDOUT)
        out, err = await p.communicate()
        return out, err
    assert run(main()) == (b"out err", None)


def test_devnull_and_files_as_stdio():
    with tempfile.TemporaryFile() as src, tempfile.TemporaryFile() as dst:
        src.write(b"from a file")
        src.flush()
        src.seek(0)

        async def main():
            # stdin from a file object, stdout to a descriptor
            p = await asyncio.create_subprocess_exec(
                "cat", stdin=src, stdout=dst.fileno())
            await p.wait()
            # DEVNULL: nothing comes in, nothing goes out
            q = await asyncio.create_subprocess_exec(
                *py("import sys\nprint(len(sys.stdin.read()))"),
                stdin=DEVNULL, stdout=PIPE, stderr=DEVNULL)
            out, _ = await q.communicate()
            r = await asyncio.create_subprocess_exec(
                *py("print('lost')"), stdout=DEVNULL)
            return out, await r.wait()
        out, rc = run(main())
        dst.seek(0)
        assert dst.read() == b"from a file"
        assert out == b"0\n" and rc == 0


def test_pass_fds_keeps_a_descriptor_open_in_the_child():
    r, w = os.pipe()
    try:
        async def main():
            p = await asyncio.create_subprocess_exec(
                *py("import os, sys\nos.write(int(sys.argv[1]), b'through fd')"
                    "\nos.close(int(sys.argv[1]))", str(w)),
                pass_fds=(w,))
            rc = await p.wait()
            # without pass_fds the descriptor is not inherited
            q = await asyncio.create_subprocess_exec(
                *py("import os, sys\ntry:\n    os.fstat(int(sys.argv[1]))\n"
                    "except OSError:\n    sys.exit(9)", str(w)))
            return rc, await q.wait()
        assert run(main()) == (0, 9)
        os.close(w)
        w = -1
        assert os.read(r, 100) == b"through fd"
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)


def test_start_new_session():
    async def main():
        p = await asyncio.create_subprocess_exec(
            *py("import os\nprint(os.getsid(0) == os.getpid())"),
            stdout=PIPE, start_new_session=True)
        out, _ = await p.communicate()
        return out
    assert run(main()) == b"True\n"


def test_spawn_errors_are_popens():
    d = tempfile.mkdtemp()
    try:
        async def main():
            with pytest.raises(FileNotFoundError) as e1:
                await asyncio.create_subprocess_exec("/nonexistent/program", stdout=PIPE)
            with pytest.raises(FileNotFoundError) as e2:
                await asyncio.create_subprocess_exec(PY, "-c", "", cwd=d + "/missing")
            with pytest.raises(PermissionError):
                await asyncio.create_subprocess_exec(d, stdin=PIPE)
            with pytest.raises(ValueError):
                await asyncio.create_subprocess_exec("true", preexec_fn=print)
            with pytest.raises(ValueError):
                await asyncio.create_subprocess_exec("true\0")
            with pytest.raises(TypeError):
                await asyncio.create_subprocess_exec("true", stdout=1.5)
            return e1.value.filename, e2.value.filename
        assert run(main()) == ("/nonexistent/program", d + "/missing")
    finally:
        os.rmdir(d)


def test_protocol_sees_the_whole_story():
    events = []

    class Proto(asyncio.SubprocessProtocol):
        def __init__(self, done):
            self.done = done

        def connection_made(self, transport):
            events.append("made")

        def pipe_data_received(self, fd, data):
            events.append((fd, data))

        def pipe_connection_lost(self, fd, exc):
            events.append(("pipe lost", fd, exc))

        def process_exited(self):
            events.append("exited")

        def connection_lost(self, exc):
            events.append(("lost", exc))
            self.done.set_result(None)

    async def main():
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        transport, proto = await loop.subprocess_exec(
            lambda: Proto(done), *py("import sys\nsys.stdout.write(sys.stdin.read())"),
            stdin=PIPE, stdout=PIPE, stderr=None)
        child = transport.get_extra_info("subprocess")
        assert transport.get_pid() == child.pid > 0
        assert transport.get_pipe_transport(2) is None
        stdin = transport.get_pipe_transport(0)
        assert isinstance(stdin, asyncio.WriteTransport)
        assert isinstance(transport.get_pipe_transport(1), asyncio.ReadTransport)
        stdin.write(b"echo")
        stdin.write_eof()
        await done
        rc = transport.get_returncode()
        transport.close()
        assert "pid=%d" % child.pid in repr(transport)
        return rc
    assert run(main()) == 0
    assert events[0] == "made" and events[-1] == ("lost", None)
    assert (1, b"echo") in events and "exited" in events
    assert ("pipe lost", 0, None) in events and ("pipe lost", 1, None) in events


def test_closing_the_transport_kills_a_running_child():
    async def main():
        loop = asyncio.get_running_loop()
        transport, _ = await loop.subprocess_exec(
            asyncio.SubprocessProtocol, "sleep", "60")
        transport.close()
        return await transport._wait()
    assert run(main()) == -signal.SIGKILL


@pytest.mark.filterwarnings("ignore::ResourceWarning",
                            "ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_child_running_when_the_loop_closes_is_reaped():
    # the transport is left unclosed (asyncio warns); no zombie is left (the no_leaks fixture waits for the child's end)
    async def main():
        p = await asyncio.create_subprocess_exec(PY, "-c", "import time; time.sleep(0.3)")
        return p.pid
    assert run(main()) > 0


def test_many_children_at_once():
    async def one(i):
        p = await asyncio.create_subprocess_exec(
            *py("import sys\nprint(sys.argv[1])\nsys.exit(int(sys.argv[1]))", str(i)),
            stdout=PIPE)
        out, _ = await p.communicate()
        return int(out), p.returncode

    async def main():
        return await asyncio.gather(*(one(i) for i in range(20)))
    assert run(main()) == [(i, i) for i in range(20)]


def test_write_to_a_child_that_closed_its_stdin():
    async def main():
        p = await asyncio.create_subprocess_exec(
            *py("import os, time\nos.close(0)\nprint('closed', flush=True)\n"
                "time.sleep(0.2)"),
            stdin=PIPE, stdout=PIPE)
        assert await p.stdout.readline() == b"closed\n"
        with pytest.raises((BrokenPipeError, ConnectionResetError)):
            for _ in range(100):
                p.stdin.write(b"x" * 65536)
                await p.stdin.drain()
        return await p.wait()
    assert run(main()) == 0


def test_shell_bytes_command_and_exec_pathlike():
    import pathlib

    async def main():
        p = await asyncio.create_subprocess_shell(b"printf bytes", stdout=PIPE)
        a, _ = await p.communicate()
        q = await asyncio.create_subprocess_exec(pathlib.Path(PY), "-c", "print('path')",
                                                 stdout=PIPE)
        b, _ = await q.communicate()
        return a, b
    assert run(main()) == (b"bytes", b"path\n")


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout is 3.11+")
def test_wait_for_with_a_timeout_then_kill():
    async def main():
        p = await asyncio.create_subprocess_exec("sleep", "60")
        with pytest.raises(asyncio.TimeoutError):
            async with asyncio.timeout(0.05):
                await p.wait()
        p.kill()
        return await p.wait()
    assert run(main()) == -signal.SIGKILL


def test_popen_like_child_wait_and_poll():
    # the transport's 'subprocess' waits like Popen without reaping (libuv
    # reaps and reports); a finished child is not killed by close()
    async def main():
        loop = asyncio.get_running_loop()
        transport, _ = await loop.subprocess_exec(
            asyncio.SubprocessProtocol, "sleep", "60")
        child = transport.get_extra_info("subprocess")
        assert child.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            child.wait(0.01)
        child.kill()
        rc = child.wait()
        seen = transport.get_returncode()        # not reported to the loop yet
        transport.close()
        return rc, child.poll(), seen, await transport._wait()
    assert run(main()) == (-signal.SIGKILL, -signal.SIGKILL, None, -signal.SIGKILL)
