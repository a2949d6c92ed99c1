"""Helpers of tests/test_dns.py: a child process whose resolver is slow.

No name server is reachable here, and the tests must not depend on one.  A
slow resolver is made for one child process only: ``unshare -rmn`` gives it
its own user, mount and network namespaces, in which

- the loopback interface is brought up (a new network namespace has it
  down),
- a private ``resolv.conf`` (``nameserver 127.0.0.1``, ``options
  timeout:T attempts:1``) is bind-mounted over ``/etc/resolv.conf`` (glibc
  reads no environment variable that names another file: ``RES_OPTIONS``
  changes the options, ``LOCALDOMAIN`` the search list, ``HOSTALIASES`` the
  aliases, none of them the server), and
- the child binds a UDP socket to 127.0.0.1:53 that never answers (it may,
  being root in its own namespaces).

So a lookup of a name that ``/etc/hosts`` does not know waits T seconds for
its answer and fails with ``EAI_AGAIN``, while ``localhost`` still resolves
at once from ``/etc/hosts``.  Nothing outside the child changes.
"""
import os
import shutil
import subprocess
import sys
import tempfile

from child import PRELUDE, ROOT, TIME_SCALE, describe

# seconds a lookup waits for the silent name server
RESOLVER_TIMEOUT = 3

SILENT_SERVER = '''
import socket as _socket
_silent = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
_silent.bind(("127.0.0.1", 53))
'''

_available = None


def _command(conf, python, source):
    script = ('ip link set lo up && mount --bind "$0" /etc/resolv.conf && '
              'exec "$1" -c "$2"')
    return ["unshare", "-rmn", "sh", "-c", script, conf, python, source]


def unavailable():
    """None if slow-resolver children can be made here, else why not."""
    global _available
    if _available is None:
        if not all(shutil.which(t) for t in ("unshare", "ip", "mount")):
            _available = "unshare, ip or mount is missing"
        else:
            r = run_slow('print("ok")', check=False)
            if r.returncode == 0 and r.stdout.strip() == "ok":
                _available = ""
            else:
                _available = ("user, mount and network namespaces are not "
                              "available (unshare -rmn): %s" % r.stderr.strip()[-300:])
    return _available or None


def run_slow(code, timeout=120, check=True):
    """Run *code* (after tests/child.py's prelude) in a child whose resolver
    is slow; with *check*, assert it exited with 0 and return its stdout,
    else return the CompletedProcess."""
    d = tempfile.mkdtemp(prefix="uv-test-resolv.")
    try:
        conf = os.path.join(d, "resolv.conf")
        with open(conf, "w") as f:
            f.write("nameserver 127.0.0.1\noptions timeout:%d attempts:1\n"
                    % RESOLVER_TIMEOUT)
        env = dict(os.environ)
        env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
        for name in ("UV_TEST_HANG_LOG", "RES_OPTIONS", "LOCALDOMAIN",
                     "HOSTALIASES"):
            env.pop(name, None)
        import textwrap
        source = PRELUDE + SILENT_SERVER + textwrap.dedent(code)
        r = subprocess.run(_command(conf, sys.executable, source),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, env=env,
                           timeout=timeout * TIME_SCALE)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    if not check:
        return r
    assert r.returncode == 0, describe(r)
    return r.stdout
