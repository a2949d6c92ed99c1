"""Child processes: :class:`Process`, :class:`ProcessFlags`,
:class:`CreatePipe` / :data:`PIPE` and :func:`disable_stdio_inheritance`.

A :class:`Process` is spawned when it is created and is *pending* while it
runs: the loop keeps it alive, so ``on_exit(process, returncode, signum)``
is called even if nobody holds the process, and the child is always
reaped (no zombie is left, also when the handle is closed while the child
still runs).
"""
import errno
import operator
import os
from collections.abc import Mapping

from ._loader import _uv
from .common import Enumeration
from .error import StatusCodes, UVError
from .handle import UVHandle
from .loop import Loop
from .pipe import Pipe
from .signal import Signals
from .stream import UVStream

__all__ = ["Process", "ProcessFlags", "CreatePipe", "PIPE", "disable_stdio_inheritance"]


class ProcessFlags(Enumeration):
    """Flags of :class:`Process`."""

    #: Set the child's user id (implied by ``uid=``).
    SETUID = _uv.UV_PROCESS_SETUID
    #: Set the child's group id (implied by ``gid=``).
    SETGID = _uv.UV_PROCESS_SETGID
    #: Windows only: pass the arguments without quoting (ignored elsewhere).
    WINDOWS_VERBATIM_ARGUMENTS = _uv.UV_PROCESS_WINDOWS_VERBATIM_ARGUMENTS
    #: The original package's name of WINDOWS_VERBATIM_ARGUMENTS.
    WINDOWS_VERBATIM = _uv.UV_PROCESS_WINDOWS_VERBATIM_ARGUMENTS
    #: Run the child in a session of its own (``setsid``): it goes on
    #: running when the parent exits.  The process handle still keeps the
    #: loop alive unless it is dereferenced.
    DETACHED = _uv.UV_PROCESS_DETACHED
    #: Windows only: hide the child's window (ignored elsewhere).
    WINDOWS_HIDE = _uv.UV_PROCESS_WINDOWS_HIDE
    #: Windows only: hide the child's console window (ignored elsewhere).
    WINDOWS_HIDE_CONSOLE = _uv.UV_PROCESS_WINDOWS_HIDE_CONSOLE
    #: Windows only: hide the child's GUI window (ignored elsewhere).
    WINDOWS_HIDE_GUI = _uv.UV_PROCESS_WINDOWS_HIDE_GUI


def disable_stdio_inheritance():
    """Stop child processes from inheriting the file descriptors this
    process inherited from its parent (libuv marks them close-on-exec; a
    best effort).  Call it early, before they are duplicated or closed."""
    _uv.disable_stdio_inheritance()


class CreatePipe(object):
    """A stdio slot of :class:`Process` that creates a new :class:`uv.Pipe`
    on the process's loop, connected to the child; the pipe is stored in the
    slot's attribute (``process.stdout``, ``process.stdio[0]``, ...).

    *readable* and *writable* are seen from the child, as in libuv: the
    child reads a *readable* pipe (its stdin) and writes a *writable* one
    (its stdout), so the parent writes to the first and reads the second.
    *ipc*: handles can be sent over the pipe (the child opens its end with
    ``uv.Pipe(ipc=True).open(fd)``)."""

    def __init__(self, readable=False, writable=False, ipc=True):
        self.readable = bool(readable)
        self.writable = bool(writable)
        self.ipc = bool(ipc)

    @property
    def flags(self):
        """libuv's stdio flags for this pipe."""
        flags = _uv.UV_CREATE_PIPE
        if self.readable:
            flags |= _uv.UV_READABLE_PIPE
        if self.writable:
            flags |= _uv.UV_WRITABLE_PIPE
        return flags

    def __repr__(self):
        return "<uv.CreatePipe readable=%r writable=%r ipc=%r>" % (
            self.readable, self.writable, self.ipc)


#: A readable and writable IPC pipe to the child.
PIPE = CreatePipe(readable=True, writable=True, ipc=True)


def _raw(value, what):
    """bytes from a str, bytes or os.PathLike; no NUL."""
    if isinstance(value, bytes):
        raw = value
    elif isinstance(value, str):
        raw = os.fsencode(value)
    else:
        try:
            raw = os.fsencode(os.fspath(value))
        except TypeError:
            raise TypeError("%s must be str, bytes or os.PathLike, not %s"
                            % (what, type(value).__name__)) from None
    if b"\0" in raw:
        raise ValueError("embedded null byte in %s %r" % (what, value))
    return raw


def _environment(env):
    if not isinstance(env, Mapping):
        raise TypeError("env must be a mapping of names to values, not %s"
                        % type(env).__name__)
    out = []
    for name, value in env.items():
        key = _raw(name, "an environment variable name")
        if not key or b"=" in key:
            raise ValueError("illegal environment variable name %r" % (name,))
        out.append(key + b"=" + _raw(value, "an environment variable value"))
    return out


_IGNORE = (_uv.UV_IGNORE, None)


def _stdio(value, loop, created):
    """(libuv flags, native value) of a stdio slot, and what the attribute
    of the slot holds."""
    if value is None:
        return _IGNORE, None
    if isinstance(value, CreatePipe):
        pipe = Pipe(ipc=value.ipc, loop=loop)
        created.append(pipe)
        return (value.flags, pipe._n), pipe
    if isinstance(value, UVStream):
        return (_uv.UV_INHERIT_STREAM, value._n), value
    if isinstance(value, int) and not isinstance(value, bool):
        return (_uv.UV_INHERIT_FD, value), value
    fileno = getattr(value, "fileno", None)
    if callable(fileno):
        fd = fileno()
        if not isinstance(fd, int) or isinstance(fd, bool):
            raise TypeError("%r.fileno() returned %s, not an int" % (value, type(fd).__name__))
        return (_uv.UV_INHERIT_FD, fd), value
    raise TypeError("a stdio slot takes None, a uv stream, a CreatePipe, a file "
                    "descriptor or an object with fileno(), not %s" % type(value).__name__)


class Process(UVHandle):
    """A child process, spawned at once: ``Process(arguments, uid=None,
    gid=None, cwd=None, env=None, stdin=None, stdout=None, stderr=None,
    stdio=None, flags=ProcessFlags.WINDOWS_HIDE, loop=None, on_exit=None)``.

    - *arguments*: the program (looked up in ``PATH`` when it has no
      slash) and its arguments, each a ``str``, ``bytes`` or
      ``os.PathLike``; *cwd* likewise; *env* a mapping (default: this
      process's environment).
    - *uid*, *gid*: run the child as this user / group.
    - *stdin*, *stdout*, *stderr*, and *stdio* (a list for the descriptors
      3, 4, ...): each ``None`` (ignored: ``/dev/null`` for 0-2), a
      :class:`UVStream` (its descriptor is inherited), a
      :class:`CreatePipe` / :data:`PIPE` (a new :class:`uv.Pipe`, stored in
      the attribute of the slot), an ``int`` file descriptor or an object
      with ``fileno()``.
    - ``on_exit(process, returncode, signum)`` runs once the child has
      exited (``signum`` is the :class:`Signals` member that ended it, or
      0).

    :raises uv.error.FileNotFoundError: the program (or *cwd*) does not exist
    :raises uv.error.PermissionError: the program is not executable
    :raises ValueError: a NUL byte in an argument, path or variable
    """

    _native = _uv.Process

    def __init__(self, arguments, uid=None, gid=None, cwd=None, env=None,
                 stdin=None, stdout=None, stderr=None, stdio=None,
                 flags=ProcessFlags.WINDOWS_HIDE, loop=None, on_exit=None):
        if loop is None:
            loop = Loop.get_current()
        elif not isinstance(loop, Loop):
            raise TypeError("loop must be a uv.Loop, not %s" % type(loop).__name__)
        if isinstance(arguments, (str, bytes, os.PathLike)) or not hasattr(arguments, "__iter__"):
            raise TypeError("arguments must be a list of str, bytes or os.PathLike, not %s"
                            % type(arguments).__name__)
        arguments = list(arguments)
        if not arguments:
            raise ValueError("arguments must name at least the program")
        args = [_raw(a, "an argument") for a in arguments]
        env_list = None if env is None else _environment(env)
        cwd_raw = None if cwd is None else _raw(cwd, "cwd")
        flags = operator.index(flags) & ~(ProcessFlags.SETUID | ProcessFlags.SETGID)
        if uid is not None:
            flags |= ProcessFlags.SETUID
        if gid is not None:
            flags |= ProcessFlags.SETGID
        if stdio is None:
            stdio = []
        elif isinstance(stdio, (str, bytes)) or not hasattr(stdio, "__iter__"):
            raise TypeError("stdio must be a list, not %s" % type(stdio).__name__)
        self.on_exit = on_exit
        self._returncode = self._signum = None
        created, slots, objects = [], [], []
        try:
            for value in [stdin, stdout, stderr] + list(stdio):
                slot, obj = _stdio(value, loop, created)
                slots.append(slot)
                objects.append(obj)
            UVHandle.__init__(self, loop, (self, args[0], args, env_list, cwd_raw, flags,
                                           0 if uid is None else uid,
                                           0 if gid is None else gid, slots))
        except BaseException as exc:
            for pipe in created:
                pipe.close()
            if isinstance(exc, UVError):
                raise _spawn_error(exc, arguments[0], cwd) from None
            raise
        #: The arguments, as given.
        self.arguments = arguments
        self.uid, self.gid, self.cwd, self.env, self.flags = uid, gid, cwd, env, flags
        #: The child's stdin: what was given, or the Pipe made for a CreatePipe.
        self.stdin = objects[0]
        #: The child's stdout (likewise).
        self.stdout = objects[1]
        #: The child's stderr (likewise).
        self.stderr = objects[2]
        #: The child's descriptors 3, 4, ... (likewise).
        self.stdio = objects[3:]

    @property
    def pid(self):
        """The child's process id (None once the handle is closing)."""
        if self._n.is_closing():
            return None
        return self._n.get_pid()

    def kill(self, signum=Signals.SIGINT):
        """Send the child the signal *signum*.

        :raises uv.error.ProcessLookupError: the child has exited
        :raises uv.error.ArgumentError: not a signal number
        :raises uv.ClosedHandleError: the handle is closing or closed"""
        self._n.kill(signum)

    def _exited(self, returncode, signum):
        self._returncode, self._signum = returncode, signum
        self.on_exit(self, returncode, Signals.get(signum))

    def _state(self):
        state = UVHandle._state(self)
        if self._returncode is not None and not self._n.is_closing():
            if self._signum:
                return "killed by %s" % Signals.get(self._signum).name
            return "exited with %d" % self._returncode
        if state == "active":
            return "running"
        return state

    def __repr__(self):
        try:
            pid = self._n.get_pid() if not self._n.is_closing() else None
            return "<%s.%s %s pid=%s args=%r at %#x>" % (
                type(self).__module__, type(self).__name__, self._state(), pid,
                self.arguments[:3], id(self))
        except Exception:
            return object.__repr__(self)


def _spawn_error(exc, program, cwd):
    """A clearer error for a failed spawn: it names the program, or the
    working directory when that is what is missing."""
    code = exc.errno if isinstance(exc.errno, int) else None
    if code not in (errno.ENOENT, errno.ENOTDIR, errno.EACCES, errno.ENOEXEC, errno.ELOOP,
                    errno.ENAMETOOLONG):
        return exc
    if cwd is not None:
        try:
            cwd_ok = os.path.isdir(cwd)
        except (TypeError, ValueError):
            cwd_ok = False
        if not cwd_ok:
            return UVError(exc.code, "cannot change to the working directory (%s)"
                           % exc.strerror, os.fsdecode(os.fspath(cwd)))
    try:
        name = os.fsdecode(os.fspath(program))
    except (TypeError, ValueError):
        name = repr(program)
    return UVError(exc.code, "cannot run the program (%s)" % exc.strerror, name)
