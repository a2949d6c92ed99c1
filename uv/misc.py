"""System information and process utilities from libuv (API.md section 7).

Every function calls libuv directly; results are named tuples.  Calls that
may read files (``/proc``, cgroups) or ask the name-service switch run
without the interpreter lock.

Functions that the linked libuv lacks raise
:class:`uv.error.NotSupportedError` with the libuv version they need
(``get_available_memory``, ``clock_gettime`` and ``cpumask_size`` need libuv
1.45, ``getrusage_thread`` 1.50); :func:`has` tells beforehand.
"""
import collections

from ._loader import _uv
from .common import Enumeration
from .dns import _address
from .error import NotSupportedError, StatusCodes

__all__ = ["HandleType", "Priority", "ClockId", "CpuTimes", "CpuInfo",
           "InterfaceAddress", "LoadAverage", "ResourceUsage", "Uname",
           "Passwd", "Timeval", "Timespec", "hrtime", "guess_handle", "kill",
           "cpu_info", "interface_addresses", "loadavg", "uptime",
           "get_free_memory", "get_total_memory", "get_constrained_memory",
           "get_available_memory", "resident_set_memory", "getrusage",
           "getrusage_thread", "hostname", "uname", "os_homedir", "os_tmpdir",
           "get_passwd", "getpid", "getppid", "getpriority", "setpriority",
           "available_parallelism", "cpumask_size", "gettimeofday",
           "clock_gettime", "get_process_title", "set_process_title",
           "process_title_capacity", "has"]


class HandleType(Enumeration):
    """libuv's handle types (``uv_handle_type``); :func:`guess_handle`
    returns ``TCP``, ``UDP``, ``NAMED_PIPE``, ``TTY``, ``FILE`` or
    ``UNKNOWN``."""

    UNKNOWN = _uv.UV_UNKNOWN_HANDLE
    ASYNC = _uv.UV_ASYNC
    CHECK = _uv.UV_CHECK
    FS_EVENT = _uv.UV_FS_EVENT
    FS_POLL = _uv.UV_FS_POLL
    HANDLE = _uv.UV_HANDLE
    IDLE = _uv.UV_IDLE
    NAMED_PIPE = _uv.UV_NAMED_PIPE
    POLL = _uv.UV_POLL
    PREPARE = _uv.UV_PREPARE
    PROCESS = _uv.UV_PROCESS
    STREAM = _uv.UV_STREAM
    TCP = _uv.UV_TCP
    TIMER = _uv.UV_TIMER
    TTY = _uv.UV_TTY
    UDP = _uv.UV_UDP
    SIGNAL = _uv.UV_SIGNAL
    FILE = _uv.UV_FILE


class Priority(Enumeration):
    """libuv's process priorities (nice values on Unix)."""

    LOW = 19
    BELOW_NORMAL = 10
    NORMAL = 0
    ABOVE_NORMAL = -7
    HIGH = -14
    HIGHEST = -20


class ClockId(Enumeration):
    """Clocks of :func:`clock_gettime`."""

    MONOTONIC = 0
    REALTIME = 1


CpuTimes = collections.namedtuple("CpuTimes", "user nice sys idle irq")
CpuTimes.__doc__ = "Time a CPU spent in each mode, in milliseconds."
CpuInfo = collections.namedtuple("CpuInfo", "model speed times")
CpuInfo.__doc__ = "One CPU: ``model`` (str), ``speed`` (MHz), ``times`` (CpuTimes)."
InterfaceAddress = collections.namedtuple(
    "InterfaceAddress", "name physical internal address netmask")
InterfaceAddress.__doc__ = """\
One address of a network interface: ``name``, ``physical`` (the MAC
address, ``'aa:bb:cc:dd:ee:ff'``), ``internal`` (loopback), ``address`` and
``netmask`` (:class:`uv.Address4` / :class:`uv.Address6`)."""
LoadAverage = collections.namedtuple("LoadAverage", "one five fifteen")
LoadAverage.__doc__ = "The load averages over 1, 5 and 15 minutes."
ResourceUsage = collections.namedtuple(
    "ResourceUsage", "utime stime maxrss ixrss idrss isrss minflt majflt nswap "
    "inblock oublock msgsnd msgrcv nsignals nvcsw nivcsw")
ResourceUsage.__doc__ = """\
Resource usage, with the fields of ``resource.getrusage`` without their
``ru_`` prefix: ``utime`` and ``stime`` in seconds (float), ``maxrss`` in
KiB, the rest counts."""
Uname = collections.namedtuple("Uname", "sysname release version machine")
Uname.__doc__ = "The system's names, as ``os.uname()`` (without ``nodename``)."
Passwd = collections.namedtuple("Passwd", "username uid gid shell homedir")
Passwd.__doc__ = "The effective user's passwd entry (``shell`` may be None)."
Timeval = collections.namedtuple("Timeval", "sec usec")
Timeval.__doc__ = "Seconds and microseconds."
Timespec = collections.namedtuple("Timespec", "sec nsec")
Timespec.__doc__ = "Seconds and nanoseconds."

_VERSION_NEEDED = {
    "uv_available_parallelism": "1.44",
    "uv_get_available_memory": "1.45",
    "uv_clock_gettime": "1.45",
    "uv_cpumask_size": "1.45",
    "uv_getrusage_thread": "1.50",
}


def has(name):
    """Whether the libuv function *name* (``'uv_getrusage_thread'``, ...) of
    the optional ones works here: it needs both the header the binary was
    built against and the library in use to have it."""
    if name not in _VERSION_NEEDED:
        raise ValueError("%r is not one of the optional functions: %s"
                         % (name, ", ".join(sorted(_VERSION_NEEDED))))
    return _uv.misc_has(name)


def _require(name):
    if not _uv.misc_has(name):
        v = _uv.version()
        built = _uv.UV_VERSION_HEX
        raise NotSupportedError(
            StatusCodes.ENOTSUP,
            "%s needs libuv >= %s; this uv was built against libuv %d.%d and "
            "runs with libuv %d.%d.%d" % (
                name, _VERSION_NEEDED[name], built >> 16, (built >> 8) & 0xff,
                v >> 16, (v >> 8) & 0xff, v & 0xff))


def hrtime():
    """The current high-resolution time in nanoseconds (monotonic, from an
    arbitrary point: only differences mean something)."""
    return _uv.hrtime()


def guess_handle(fd):
    """The kind of handle that suits the file descriptor *fd* (an int, or an
    object with ``fileno()``): a :class:`HandleType`.

    :raises uv.error.BadFileDescriptorError: *fd* is not open (or negative)"""
    if not isinstance(fd, int) and hasattr(fd, "fileno"):
        fd = fd.fileno()
    return HandleType.get(_uv.misc_guess_handle(fd))


def kill(pid, signum):
    """Send signal *signum* to process *pid* (as ``os.kill``; 0 tests
    whether the process exists).

    :raises uv.error.ProcessLookupError: no such process
    :raises uv.error.ArgumentError: an invalid signal number"""
    _uv.misc_kill(pid, signum)


def getpid():
    """The process id (``uv_os_getpid``)."""
    return _uv.misc_getpid()


def getppid():
    """The parent's process id (``uv_os_getppid``)."""
    return _uv.misc_getppid()


def getpriority(pid=0):
    """The scheduling priority (nice value) of process *pid* (0: this one)."""
    return _uv.misc_getpriority(pid)


def setpriority(pid, priority):
    """Set the priority (nice value, -20 to 19; see :class:`Priority`) of
    process *pid* (0: this one).  Raising it needs privileges.

    :raises uv.error.PermissionError: not allowed"""
    _uv.misc_setpriority(pid, priority)


def cpu_info():
    """One :class:`CpuInfo` per CPU."""
    return [CpuInfo(model, speed, CpuTimes(*times))
            for model, speed, *times in _uv.misc_cpu_info()]


def _mac(raw):
    return ":".join("%02x" % b for b in bytearray(raw))


def interface_addresses():
    """One :class:`InterfaceAddress` per address of each network interface."""
    return [InterfaceAddress(name, _mac(phys), internal,
                             None if addr is None else _address(addr),
                             None if mask is None else _address(mask))
            for name, phys, internal, addr, mask in _uv.misc_interface_addresses()]


def available_parallelism():
    """How many threads the process can run in parallel (the CPUs of its
    affinity mask; libuv >= 1.44)."""
    _require("uv_available_parallelism")
    return _uv.misc_available_parallelism()


def cpumask_size():
    """The number of CPUs an affinity mask can name (libuv >= 1.45)."""
    _require("uv_cpumask_size")
    return _uv.misc_cpumask_size()


def loadavg():
    """The :class:`LoadAverage` (1, 5 and 15 minutes)."""
    return LoadAverage(*_uv.misc_loadavg())


def uptime():
    """The system's uptime in seconds (float)."""
    return _uv.misc_uptime()


def get_free_memory():
    """Memory available to start new programs, in bytes (MemAvailable)."""
    return _uv.misc_memory(0)


def get_total_memory():
    """The system's physical memory in bytes."""
    return _uv.misc_memory(1)


def get_constrained_memory():
    """The memory limit imposed on the process (cgroups), in bytes, as libuv
    reads it: 0 when it finds none, and a huge number (about 2**63) when
    the cgroup says ``max``."""
    return _uv.misc_memory(2)


def get_available_memory():
    """The memory the process may still use, in bytes: the free memory, or
    what is left under its cgroup limit (libuv >= 1.45)."""
    _require("uv_get_available_memory")
    return _uv.misc_memory(3)


def resident_set_memory():
    """The resident set size of this process, in bytes."""
    return _uv.misc_memory(4)


def getrusage():
    """The :class:`ResourceUsage` of this process (``RUSAGE_SELF``)."""
    return ResourceUsage(*_uv.misc_getrusage(False))


def getrusage_thread():
    """The :class:`ResourceUsage` of the calling thread (libuv >= 1.50)."""
    _require("uv_getrusage_thread")
    return ResourceUsage(*_uv.misc_getrusage(True))


def gettimeofday():
    """The wall-clock time as a :class:`Timeval`."""
    return Timeval(*_uv.misc_gettimeofday())


def clock_gettime(clock_id=ClockId.MONOTONIC):
    """The time of *clock_id* (a :class:`ClockId`) as a :class:`Timespec`
    (libuv >= 1.45)."""
    _require("uv_clock_gettime")
    return Timespec(*_uv.misc_clock_gettime(clock_id))


def hostname():
    """The host name (``uv_os_gethostname``)."""
    return _uv.misc_hostname()


def uname():
    """The system's :class:`Uname`."""
    return Uname(*_uv.misc_uname())


def os_homedir():
    """The home directory: ``$HOME``, else the user's passwd entry."""
    return _uv.misc_os_homedir()


def os_tmpdir():
    """The directory for temporary files: ``$TMPDIR``, ``$TMP``, ``$TEMP``,
    ``$TEMPDIR``, else ``/tmp`` (without a trailing slash)."""
    return _uv.misc_os_tmpdir()


def get_passwd():
    """The effective user's :class:`Passwd` entry (``uv_os_get_passwd``)."""
    return Passwd(*_uv.misc_get_passwd())


def get_process_title():
    """The process title libuv keeps (the command line's first word until
    :func:`set_process_title` is called)."""
    return _uv.misc_get_process_title()


def set_process_title(title):
    """Set the process title.

    On Linux libuv writes it over the process's own command-line memory
    (what ``ps`` and ``/proc/PID/cmdline`` show; found through
    ``/proc/self/stat``, since an interpreter does not hand out its argv),
    and names the calling thread with its first 15 bytes (``PR_SET_NAME``,
    what ``ps -o comm`` and ``top`` show).  Where that memory cannot be
    found, the title is kept in a private buffer of 255 bytes and only the
    thread name changes.

    :raises ValueError: the title (UTF-8) does not fit
        (:func:`process_title_capacity`) or holds a NUL
    :raises TypeError: *title* is not a str"""
    if not isinstance(title, str):
        raise TypeError("the title must be a str, not %s" % type(title).__name__)
    _uv.misc_set_process_title(title.encode("utf-8", "surrogateescape"))


def process_title_capacity():
    """``(bytes, in_command_line)``: the longest title in bytes that
    :func:`set_process_title` takes, and whether it goes to the process's
    command line (True) or to a private buffer."""
    capacity, argv = _uv.misc_process_title_info()
    return capacity - 1, argv
