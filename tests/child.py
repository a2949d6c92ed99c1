"""Run Python code in a child process: the crash tests' harness.

A test whose workload could crash the interpreter (a use-after-free, type
confusion in the native layer, a lost signal handler) runs that workload in
a child process with the same interpreter, the same ``uv`` and the same
environment (``HPY=debug`` included), and checks how the child ended: a
crash is then a failed test, not a dead test run.

``run_child(code)`` returns the ``subprocess.CompletedProcess`` (text
output); ``check_child(code)`` also asserts that the child exited with 0 and
returns its stdout.  The code gets ``uv`` imported and two helpers:
``run(loop, timeout=10)`` (run a loop with a guard timer that fails the
child after *timeout* seconds) and ``collect()`` (a full collection).
"""
import os
import signal
import subprocess
import sys
import textwrap

import uv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(uv.__file__)))
#: multiplies every timeout (tools/memcheck.sh runs the suite 30x slower)
TIME_SCALE = float(os.environ.get("UV_TEST_TIME_SCALE", "1"))

PRELUDE = '''
import gc, os, signal, sys
import uv

# a parent may have blocked signals (valgrind does), and exec keeps the mask;
# a test run started as a background job ignores SIGINT, which exec keeps
# too: Python's own handler, as in a program started from a terminal
signal.pthread_sigmask(signal.SIG_SETMASK, [])
signal.signal(signal.SIGINT, signal.default_int_handler)

def collect():
    gc.collect()

def run(loop, timeout=10):
    state = []
    def expired(t):
        state.append(1)
        t.loop.stop()
    guard = uv.Timer(loop, on_timeout=expired)
    guard.start(int(timeout * 1000 * %r))
    guard.dereference()
    try:
        return loop.run()
    finally:
        guard.close()
        if state:
            sys.stderr.write("child: the loop ran longer than %%ss\\n" %% timeout)
            os._exit(3)
''' % (TIME_SCALE,)


def run_child(code, timeout=60, env=None, input=None):
    """Run *code* (dedented, after the prelude) in ``sys.executable``."""
    environ = dict(os.environ)
    environ["PYTHONPATH"] = ROOT + os.pathsep + environ.get("PYTHONPATH", "")
    environ.pop("UV_TEST_HANG_LOG", None)
    if env:
        environ.update(env)
    source = PRELUDE + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", source], input=input,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=environ,
                          timeout=timeout * TIME_SCALE)


def describe(r):
    """How a child ended, for assertion messages."""
    if r.returncode < 0:
        try:
            how = "killed by %s" % signal.Signals(-r.returncode).name
        except ValueError:
            how = "killed by signal %d" % -r.returncode
    else:
        how = "exit code %d" % r.returncode
    return "%s\n--- stdout:\n%s\n--- stderr:\n%s" % (how, r.stdout[-3000:],
                                                   r.stderr[-3000:])


def check_child(code, timeout=60, env=None, input=None):
    """Run *code* in a child; assert it exited with 0; return its stdout."""
    r = run_child(code, timeout, env, input)
    assert r.returncode == 0, describe(r)
    return r.stdout
