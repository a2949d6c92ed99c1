"""Helpers and fixtures of the pipe, process and IPC tests (test_pipe.py,
test_process.py, test_ipc.py): a plain module, imported with ``from
proc_support import ...`` (tests/ has no ``__init__.py``).

- ``no_leaks`` (autouse where imported): after each test, no file
  descriptor, no child process (running or zombie) and no file in the
  test's socket directory may be left; children get a few seconds to be
  reaped (a process closed while running is reaped by a thread of uv).
- ``sockdir``: a fresh temporary directory for socket files, which must be
  empty at the end of the test (libuv removes a socket file when its pipe
  is closed), then removed.
- ``child_pids()``: this process's children, with their state (``'Z'`` for
  a zombie), from /proc.
- ``PY`` (the interpreter running the tests), ``ENV`` (the environment for
  children that import uv: this checkout first on PYTHONPATH), ``script()``
  (a ``python -c`` command line), ``Reader`` (collects what a stream reads).
"""
import gc
import os
import shutil
import sys
import tempfile
import time

import pytest

import uv

S = uv.StatusCodes
PY = sys.executable
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(uv.__file__)))
ENV = dict(os.environ)
ENV["PYTHONPATH"] = ROOT + os.pathsep + ENV.get("PYTHONPATH", "")
ENV.pop("UV_TEST_HANG_LOG", None)
TIME_SCALE = float(os.environ.get("UV_TEST_TIME_SCALE", "1"))
HERE = os.path.dirname(os.path.abspath(__file__))


def script(code, *args):
    """A command line running *code* with the test interpreter."""
    return [PY, "-c", code] + list(args)


def child_pids():
    """{pid: state} of the children of this process (zombies included)."""
    me = os.getpid()
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == me:
            out[int(name)] = fields[0]
    return out


# libuv opens a process-wide pipe when the first loop is made (its signal
# lock): make it before any test counts descriptors
uv.Loop().close()


def open_fds():
    return set(os.listdir("/proc/self/fd"))


def _describe_fds(fds):
    out = []
    for fd in sorted(fds, key=int):
        try:
            out.append("%s -> %s" % (fd, os.readlink("/proc/self/fd/%s" % fd)))
        except OSError:
            out.append(fd)
    return ", ".join(out)


@pytest.fixture(autouse=True)
def no_leaks():
    """No fd, child process or zombie is left after the test."""
    gc.collect()
    fds = open_fds()
    children = set(child_pids())
    yield
    deadline = time.monotonic() + 10 * TIME_SCALE
    while True:
        for _ in range(3):
            gc.collect()
        left = {pid: st for pid, st in child_pids().items() if pid not in children}
        extra = open_fds() - fds
        if (not left and not extra) or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert not left, "child processes left behind (pid: state): %r" % left
    assert not extra, "file descriptors left open: %s" % _describe_fds(extra)


@pytest.fixture
def sockdir():
    """A temporary directory for socket files; it must be empty at the end."""
    path = tempfile.mkdtemp(prefix="uvp-")
    yield path
    left = os.listdir(path)
    shutil.rmtree(path, ignore_errors=True)
    assert not left, "files left in the socket directory: %r" % left


class Reader(object):
    """Reads *stream* into ``data`` until EOF or an error (``end``); closes
    the stream at the end if ``close`` is set."""

    def __init__(self, stream, close=True):
        self.data = bytearray()
        self.end = None
        self.close = close
        stream.read_start(self.on_read)

    def on_read(self, stream, status, data):
        if status is S.SUCCESS:
            self.data += data
            return
        self.end = status
        if self.close:
            stream.close()
