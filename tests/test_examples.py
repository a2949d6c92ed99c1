"""The programs of examples/ (and the docs that include them) run and say
what they should.

Each example runs in a child process with the interpreter running the
tests (so on every interpreter of the test command, with the same binary)
and a timeout; the test checks its exit status, that it wrote nothing to
stderr, and the lines it printed.  The examples that have a server mode
(``tcp_echo.py server``, ``chat_server.py server``) are also run as
separate processes talked to over loopback, and stopped with SIGTERM.
No child process, descriptor or temporary file may be left behind.

A wheel run (tools/test-wheels.sh) copies examples/ beside tests/; a copy
of tests/ without it skips these tests, saying so.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

from proc_support import ENV, PY, TIME_SCALE, no_leaks  # noqa: F401

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "examples")
pytestmark = pytest.mark.skipif(
    not os.path.isdir(EXAMPLES),
    reason="examples/ is not beside tests/ (a copy of tests/ alone): nothing to run")

TIMEOUT = 40          # seconds per example: below the hang guard of conftest (60)


def example(name):
    return os.path.join(EXAMPLES, name)


def run(name, *args, timeout=TIMEOUT, env=None):
    """Run examples/NAME with ARGS; return its stdout (exit status 0 and an
    empty stderr are asserted)."""
    try:
        r = subprocess.run([PY, example(name)] + list(args), env=env or ENV,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=timeout * TIME_SCALE)
    except subprocess.TimeoutExpired as e:
        out = e.stdout or b""
        if isinstance(out, bytes):
            out = out.decode("utf-8", "replace")
        pytest.fail("%s did not end within %ss; stdout so far:\n%s"
                    % (name, timeout * TIME_SCALE, out))
    assert r.returncode == 0, "%s: exit status %d\n--- stdout:\n%s\n--- stderr:\n%s" % (
        name, r.returncode, r.stdout, r.stderr)
    assert r.stderr == "", "%s wrote to stderr:\n%s" % (name, r.stderr)
    return r.stdout


@pytest.fixture
def private_tmp():
    """An environment whose TMPDIR is a new empty directory, which must be
    empty again once the example has run: the examples remove the
    temporary files they make (their own directory, so that other
    processes' files cannot confuse the check)."""
    tmp = tempfile.mkdtemp(prefix="uv-test-examples.")
    env = dict(ENV, TMPDIR=tmp)
    try:
        yield env
        left = os.listdir(tmp)
        assert not left, "temporary files left behind: %s" % left
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class Server(object):
    """An example's server mode in a child process: its first stdout line
    names the port; stop() sends SIGTERM and returns the rest of its
    output (exit status 0 and an empty stderr asserted)."""

    def __init__(self, name, *args):
        self.name = name
        self.proc = subprocess.Popen([PY, example(name), "server"] + list(args), env=ENV,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     universal_newlines=True)
        try:
            self.first = self.proc.stdout.readline()
            m = re.search(r"port (\d+)", self.first)
            assert m, "%s server said %r (stderr: %s)" % (name, self.first,
                                                          self.stop(check=False)[1])
            self.port = int(m.group(1))
        except BaseException:
            self.kill()
            raise

    def stop(self, check=True):
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, err = self.proc.communicate(timeout=30 * TIME_SCALE)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail("%s server did not stop on SIGTERM" % self.name)
        if check:
            assert self.proc.returncode == 0, (self.proc.returncode, out, err)
            assert err == "", err
        return out, err

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


# ---- the demos of tools/demo.sh ----

def test_echo_demo():
    out = run("echo_demo.py", "3")
    assert "client: all 3 messages came back intact" in out
    assert "signal: got SIGTERM, closing all handles" in out
    assert "async: woken up by thread 'worker-1'" in out
    assert out.rstrip().endswith("loop: closed")


def test_process_demo():
    out = run("process_demo.py", "4")
    assert "parent read: 'line 2 from the child'" in out
    assert re.search(r"child \d+ exited with 3", out)
    assert "parent: all 4 clients served" in out
    assert out.rstrip().endswith("done")


def test_aio_http_demo():
    out = run("aio_http_demo.py")
    impl = "%s %s" % (sys.implementation.name, sys.version.split()[0])
    for path in ("/", "/uv", "/aio"):
        assert ("client: %s -> HTTP/1.1 200 OK | hello from uv.aio on %s: GET %s"
                % (path, impl, path)) in out, out
    for path in ("/a", "/b"):
        assert "hello from uv.aio on %s: GET %s" % (impl, path) in out, out
    assert out.count("server: connection from port") == 3
    assert out.rstrip().endswith("server: closed")


# ---- examples/ ----

def test_tcp_echo():
    out = run("tcp_echo.py")
    for i in range(3):
        assert "client %d: got 80 bytes back, intact" % i in out
    assert out.splitlines()[-1] == "done: 3 of 3 echoes intact"


def test_tcp_echo_server_and_client_processes():
    server = Server("tcp_echo.py")
    try:
        out = run("tcp_echo.py", "client", str(server.port), "hello", "world")
        assert out == "hello\nworld\n"
        # a client of another kind: a plain socket
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
            s.sendall(b"raw bytes")
            s.shutdown(socket.SHUT_WR)
            got = b""
            while True:
                chunk = s.recv(100)
                if not chunk:
                    break
                got += chunk
        assert got == b"raw bytes"
    finally:
        out, _ = server.stop()
    assert "server: SIGTERM, closing" in out and "server: done" in out


def test_chat_server():
    out = run("chat_server.py")
    for name in ("alice", "bob", "carol"):
        others = {"alice", "bob", "carol"} - {name}
        for other in others:
            assert "%s hears '%s: hello from %s'" % (name, other, other) in out
        assert "%s left, having heard 2 messages" % name in out
    assert out.splitlines()[-1] == "done: every client heard every other one"


def _lines(sock, n, buffer):
    """Read until *n* complete lines are in buffer[0]; return them."""
    deadline = time.monotonic() + 10 * TIME_SCALE
    while buffer[0].count(b"\n") < n and time.monotonic() < deadline:
        chunk = sock.recv(1000)
        if not chunk:
            break
        buffer[0] += chunk
    lines = buffer[0].split(b"\n")
    buffer[0] = b"\n".join(lines[n:])
    return [l.decode() for l in lines[:n]]


def test_chat_server_process_broadcasts():
    server = Server("chat_server.py")
    socks = []
    try:
        for _ in range(3):
            socks.append(socket.create_connection(("127.0.0.1", server.port), timeout=10))
        a, b, c = socks
        bufs = {s: [b""] for s in (a, b, c)}
        a.sendall(b"ann\n")
        assert _lines(a, 1, bufs[a]) == ["* welcome, ann; 1 here"]
        b.sendall(b"ben\n")
        assert _lines(b, 1, bufs[b]) == ["* welcome, ben; 2 here"]
        assert _lines(a, 1, bufs[a]) == ["* ben joined"]
        c.sendall(b"cid\n")
        assert _lines(c, 1, bufs[c]) == ["* welcome, cid; 3 here"]
        a.sendall(b"hi all\n")
        assert _lines(b, 2, bufs[b]) == ["* cid joined", "ann: hi all"]
        assert _lines(c, 1, bufs[c]) == ["ann: hi all"]
        b.close()
        assert _lines(a, 2, bufs[a]) == ["* cid joined", "* ben left"]
        assert _lines(c, 1, bufs[c]) == ["* ben left"]
    finally:
        for sock in socks:
            sock.close()
        server.stop()


def test_subprocess_pipes():
    out = run("subprocess_pipes.py")
    assert "stdout: ['APPLE', 'BANANA', 'FIG', 'PEAR']" in out
    assert "stderr: child: sorted 4 lines" in out
    assert "exit status: 4, signal: 0" in out


def test_multiprocess_server():
    out = run("multiprocess_server.py", "3", "9")
    assert re.search(r"all 9 clients answered, by [123] of the 3 workers", out), out
    assert out.count("a worker exited with status 0") == 3
    assert out.splitlines()[-1] == "done: 9 of 9 clients served"


def test_fs_copy(private_tmp):
    out = run("fs_copy.py", env=private_tmp)
    assert "large: copied 3145745 bytes" in out
    assert "medium: copied 307200 bytes" in out
    assert "small: copied 1000 bytes" in out
    assert out.count("identical") == 3
    assert "missing: FileNotFoundError" in out
    assert out.splitlines()[-1] == "done"


def test_fs_copy_arguments(tmp_path):
    source, dest = tmp_path / "source", tmp_path / "dest"
    data = os.urandom(200 * 1024 + 3)
    source.write_bytes(data)
    out = run("fs_copy.py", str(source), str(dest))
    assert out == "source: copied %d bytes\n" % len(data)
    assert dest.read_bytes() == data


def test_dns_lookup():
    out = run("dns_lookup.py")
    assert re.search(r"^localhost +-> .*127\.0\.0\.1", out, re.M), out
    assert re.search(r"^::1 +-> ::1$", out, re.M), out
    assert re.search(r"^0x7f\.1 +-> 127\.0\.0\.1$", out, re.M), out
    assert "AI_NUMERICHOST 'localhost' -> EAI_NONAME" in out
    assert "synchronous: Address4(host='127.0.0.1', port=8080)" in out
    assert "synchronous error: AddressNameError" in out
    assert out.splitlines()[-1] == "done"


@pytest.mark.skipif(not any(os.access(os.path.join(d, "openssl"), os.X_OK)
                            for d in os.environ.get("PATH", "").split(os.pathsep)),
                    reason="no openssl command to make the certificate with")
def test_tls_echo(private_tmp):
    out = run("tls_echo.py", env=private_tmp)
    assert re.search(r"client: TLSv1\.[23], \S+, server certificate for localhost", out), out
    assert "client: 45 bytes echoed, intact" in out
    assert out.splitlines()[-1] == "done"
