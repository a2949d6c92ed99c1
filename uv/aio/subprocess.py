"""Subprocesses of uv.aio: ``subprocess_exec`` / ``subprocess_shell`` (and so
``asyncio.create_subprocess_exec`` / ``_shell``) on a native libuv process.

The transport is asyncio's own ``BaseSubprocessTransport`` (each Python
keeps its own semantics of ``wait()``, ``pipe_connection_lost`` and
``process_exited``); what it gets from here is the child: spawned with
``uv_spawn``, reaped by libuv (no child watcher, no thread), its exit
reported through the loop's record mode as a ``process_exit`` event.  A
child whose loop is closed while it runs is still reaped (the native
layer hands it to a waiting thread), so no zombie is left behind.

The pipes of ``stdin``/``stdout``/``stderr=PIPE`` are ``os.pipe()``s as
Popen makes them; the parent's ends become the pipe transports of
:mod:`uv.aio.pipes`.  Popen's arguments that libuv can honour are
supported: ``executable``, ``cwd``, ``env``, ``pass_fds``, ``close_fds``,
``start_new_session``, ``user``, ``group``, ``restore_signals``,
``pipesize``; ``preexec_fn``, ``umask``, ``extra_groups`` and
``process_group`` raise ValueError (libuv has no hook for them).
Differences from Popen: libuv resets every signal disposition in the child
(Popen restores only SIGPIPE and SIGXFSZ), and with ``close_fds=True``
descriptors that were made inheritable on purpose are inherited too (the
descriptors Python makes are not inheritable).
"""
import io
import os
import signal
import subprocess
import time

from asyncio import base_subprocess

from .._loader import _uv
from ..error import ClosedStructureError, UVError

__all__ = []

_PIPE = subprocess.PIPE
_STDOUT = subprocess.STDOUT
_DEVNULL = subprocess.DEVNULL
_IGNORE = (_uv.UV_IGNORE, None)
_DETACHED = _uv.UV_PROCESS_DETACHED
_SETUID = _uv.UV_PROCESS_SETUID
_SETGID = _uv.UV_PROCESS_SETGID
_F_SETPIPE_SZ = 1031       # Linux
_waitid = getattr(os, "waitid", None)


def _raw(value, what):
    if isinstance(value, bytes):
        raw = value
    else:
        try:
            raw = os.fsencode(value)
        except TypeError:
            raise TypeError("%s must be str, bytes or os.PathLike, not %s"
                            % (what, type(value).__name__)) from None
    if b"\0" in raw:
        raise ValueError("embedded null byte")
    return raw


def _environment(env):
    out = []
    for name, value in env.items():
        key = _raw(name, "an environment variable name")
        if not key or b"=" in key:
            raise ValueError("illegal environment variable name")
        out.append(key + b"=" + _raw(value, "an environment variable value"))
    return out


def _user_id(user):
    if isinstance(user, int):
        return user
    import pwd
    return pwd.getpwnam(user).pw_uid


def _group_id(group):
    if isinstance(group, int):
        return group
    import grp
    return grp.getgrnam(group).gr_gid


def _fileno(value, what):
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("%s: invalid file descriptor %d" % (what, value))
        return value
    fileno = getattr(value, "fileno", None)
    if fileno is None:
        raise TypeError("%s must be PIPE, DEVNULL, a file descriptor or a file "
                        "object, not %s" % (what, type(value).__name__))
    return fileno()


class ChildProcess(object):
    """The child of a uv.aio subprocess transport (its extra info
    ``'subprocess'``): the part of :class:`subprocess.Popen` that an
    asyncio loop offers — ``args``, ``pid``, ``returncode``, ``stdin``,
    ``stdout``, ``stderr`` (the parent's ends of the pipes, handed to the
    pipe transports), ``poll()``, ``wait()``, ``send_signal()``,
    ``terminate()``, ``kill()``."""

    def __init__(self, args):
        self.args = args
        self.pid = None
        self.returncode = None
        self.stdin = self.stdout = self.stderr = None
        self._n = None
        self._transport = None

    def __repr__(self):
        return "<uv.aio.ChildProcess pid=%s returncode=%s>" % (self.pid, self.returncode)

    def _peek(self, options):
        """The child's return code if it has exited (None otherwise),
        without reaping it: libuv reaps it and tells the loop."""
        if self.returncode is not None or self._n is None:
            return self.returncode
        if _waitid is None:
            return self._peek_proc(options)
        try:
            info = _waitid(os.P_PID, self.pid, os.WEXITED | os.WNOWAIT | options)
        except ChildProcessError:
            return None              # reaped by libuv, not reported yet
        if info is None:
            return None
        if info.si_code == os.CLD_EXITED:
            self.returncode = info.si_status
        else:
            self.returncode = -info.si_status
        return self.returncode

    def _peek_proc(self, options):
        # no os.waitid (PyPy): a zombie's state and exit status in /proc
        while True:
            try:
                with open("/proc/%d/stat" % self.pid) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                return None
            if fields[0] == "Z" and len(fields) >= 50:
                status = int(fields[-1])
                if os.WIFSIGNALED(status):
                    self.returncode = -os.WTERMSIG(status)
                else:
                    self.returncode = os.WEXITSTATUS(status)
                return self.returncode
            if options:
                return None
            time.sleep(0.001)

    def poll(self):
        """The return code, or None while the child runs (as Popen)."""
        return self._peek(os.WNOHANG)

    def wait(self, timeout=None):
        """Block until the child has exited and return its return code (as
        Popen.wait: it blocks the loop; ``await process.wait()`` does not)."""
        if timeout is None:
            return self._peek(0)
        end = time.monotonic() + timeout
        delay = 0.0005
        while self._peek(os.WNOHANG) is None:
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise subprocess.TimeoutExpired(self.args, timeout)
            delay = min(delay * 2, remaining, 0.05)
            time.sleep(delay)
        return self.returncode

    def send_signal(self, sig):
        """Send the signal *sig* to the child, unless it has exited."""
        native = self._n
        if self.returncode is not None or native is None:
            return
        try:
            native.kill(sig)
        except ProcessLookupError:
            pass            # exited, not reported yet
        except ClosedStructureError:
            # the loop was closed: the native layer reaps the child, whose
            # pid may then be anyone's; it is not signalled any more
            pass

    def terminate(self):
        """SIGTERM to the child."""
        self.send_signal(signal.SIGTERM)

    def kill(self):
        """SIGKILL to the child."""
        self.send_signal(signal.SIGKILL)

    def _on_exit(self, status, signum):
        """The native process's exit (a ``process_exit`` event)."""
        native, self._n = self._n, None
        if native is not None:
            native.close(self)
        returncode = -signum if signum else status
        transport, self._transport = self._transport, None
        if transport is not None and transport._proc is self:
            transport._process_exited(returncode)
        elif self.returncode is None:
            self.returncode = returncode

    def _on_closed(self):
        pass


class SubprocessTransport(base_subprocess.BaseSubprocessTransport):
    """asyncio's subprocess transport on a libuv child process."""

    def _start(self, args, shell, stdin, stdout, stderr, bufsize, **kwargs):
        loop = self._loop
        if bufsize != 0:
            raise ValueError("bufsize must be 0")
        if shell:
            if isinstance(args, (list, tuple)):
                args = list(args)
            else:
                args = [args]
            args = ["/bin/sh", "-c"] + args
        elif isinstance(args, (str, bytes, os.PathLike)):
            args = [args]
        else:
            args = list(args)
        if not args:
            raise IndexError("list index out of range")
        executable = kwargs.pop("executable", None)
        cwd = kwargs.pop("cwd", None)
        env = kwargs.pop("env", None)
        pass_fds = tuple(kwargs.pop("pass_fds", ()))
        kwargs.pop("close_fds", True)
        kwargs.pop("restore_signals", True)
        kwargs.pop("startupinfo", None)
        kwargs.pop("creationflags", 0)
        start_new_session = kwargs.pop("start_new_session", False)
        user = kwargs.pop("user", None)
        group = kwargs.pop("group", None)
        pipesize = kwargs.pop("pipesize", -1)
        for name, default in (("preexec_fn", None), ("umask", -1),
                              ("extra_groups", None), ("process_group", None)):
            if kwargs.pop(name, default) != default:
                raise ValueError("%s is not supported by uv.aio (libuv spawns the "
                                 "child)" % name)
        if kwargs:
            raise TypeError("unexpected subprocess arguments: %s"
                            % ", ".join(sorted(kwargs)))

        argv = [_raw(a, "an argument") for a in args]
        program = argv[0] if executable is None else _raw(executable, "executable")
        cwd_raw = None if cwd is None else _raw(cwd, "cwd")
        env_list = None if env is None else _environment(env)
        flags = _DETACHED if start_new_session else 0
        uid = gid = 0
        if user is not None:
            uid = _user_id(user)
            flags |= _SETUID
        if group is not None:
            gid = _group_id(group)
            flags |= _SETGID

        proc = ChildProcess(args)
        to_close = []          # the child's ends, closed once it has them
        parent = []            # the parent's ends, closed if the spawn fails
        try:
            slots = []
            for i, value in enumerate((stdin, stdout, stderr)):
                if value is None:
                    slots.append((_uv.UV_INHERIT_FD, i))
                elif value == _PIPE:
                    r, w = os.pipe()
                    mine, child = (w, r) if i == 0 else (r, w)
                    parent.append(mine)
                    to_close.append(child)
                    if pipesize > 0:
                        try:
                            import fcntl
                            fcntl.fcntl(mine, _F_SETPIPE_SZ, pipesize)
                        except OSError:
                            pass
                    f = io.open(mine, "wb" if i == 0 else "rb", 0)
                    parent[-1] = f
                    setattr(proc, ("stdin", "stdout", "stderr")[i], f)
                    slots.append((_uv.UV_INHERIT_FD, child))
                elif value == _DEVNULL:
                    fd = os.open(os.devnull, os.O_RDONLY if i == 0 else os.O_WRONLY)
                    to_close.append(fd)
                    slots.append((_uv.UV_INHERIT_FD, fd))
                elif value == _STDOUT:
                    if i != 2:
                        raise ValueError("STDOUT can only be used for stderr")
                    slots.append(slots[1])
                else:
                    slots.append((_uv.UV_INHERIT_FD, _fileno(value, ("stdin", "stdout", "stderr")[i])))
            for fd in pass_fds:
                fd = _fileno(fd, "pass_fds")
                if fd < 3:
                    continue
                while len(slots) <= fd:
                    slots.append(_IGNORE)
                slots[fd] = (_uv.UV_INHERIT_FD, fd)
            try:
                native = _uv.Process(loop._uvn, proc, program, argv, env_list, cwd_raw,
                                     flags, uid, gid, slots)
            except UVError as exc:
                raise _spawn_error(exc, args[0] if executable is None else executable,
                                   cwd) from None
        except BaseException:
            for f in parent:
                if isinstance(f, int):
                    os.close(f)
                else:
                    f.close()
            raise
        finally:
            for fd in to_close:
                os.close(fd)
        proc._n = native
        proc.pid = native.get_pid()
        proc._transport = self
        self._proc = proc

    # Python 3.12+ signal the pid with os.kill even after the child was
    # reaped; the native process refuses to once it has exited
    def send_signal(self, signal):
        """Send *signal* to the child (nothing once it has exited)."""
        self._check_proc()
        self._proc.send_signal(signal)

    def terminate(self):
        """SIGTERM to the child."""
        self._check_proc()
        self._proc.terminate()

    def kill(self):
        """SIGKILL to the child."""
        self._check_proc()
        self._proc.kill()


def _spawn_error(exc, program, cwd):
    """The builtin OSError that Popen raises for a failed spawn: it names
    the working directory when that is what is missing, else the program."""
    code = exc.errno if isinstance(exc.errno, int) else None
    if code is None:
        return exc
    name = program
    if cwd is not None and not os.path.isdir(cwd):
        name = cwd
    try:
        name = os.fsdecode(name)
    except TypeError:
        pass
    return OSError(code, os.strerror(code), name)


async def make_subprocess_transport(loop, protocol, args, shell, stdin, stdout,
                                    stderr, bufsize, extra=None, **kwargs):
    """Loop._make_subprocess_transport: spawn, connect the pipes, return
    the transport once the protocol has it."""
    waiter = loop.create_future()
    transport = SubprocessTransport(loop, protocol, args, shell, stdin, stdout,
                                    stderr, bufsize, waiter=waiter, extra=extra,
                                    **kwargs)
    try:
        await waiter
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException:
        transport.close()
        await transport._wait()
        raise
    return transport
