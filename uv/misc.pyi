from typing import Any, NamedTuple

from .common import Enumeration, _Fd
from .dns import Address4, Address6

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
    UNKNOWN = 0
    ASYNC = 1
    CHECK = 2
    FS_EVENT = 3
    FS_POLL = 4
    HANDLE = 5
    IDLE = 6
    NAMED_PIPE = 7
    POLL = 8
    PREPARE = 9
    PROCESS = 10
    STREAM = 11
    TCP = 12
    TIMER = 13
    TTY = 14
    UDP = 15
    SIGNAL = 16
    FILE = 17

class Priority(Enumeration):
    LOW = 19
    BELOW_NORMAL = 10
    NORMAL = 0
    ABOVE_NORMAL = -7
    HIGH = -14
    HIGHEST = -20

class ClockId(Enumeration):
    MONOTONIC = 0
    REALTIME = 1

class CpuTimes(NamedTuple):
    user: int
    nice: int
    sys: int
    idle: int
    irq: int

class CpuInfo(NamedTuple):
    model: str
    speed: int
    times: CpuTimes

class InterfaceAddress(NamedTuple):
    name: str
    physical: str
    internal: bool
    address: Address4 | Address6 | None
    netmask: Address4 | Address6 | None

class LoadAverage(NamedTuple):
    one: float
    five: float
    fifteen: float

class ResourceUsage(NamedTuple):
    utime: float
    stime: float
    maxrss: int
    ixrss: int
    idrss: int
    isrss: int
    minflt: int
    majflt: int
    nswap: int
    inblock: int
    oublock: int
    msgsnd: int
    msgrcv: int
    nsignals: int
    nvcsw: int
    nivcsw: int

class Uname(NamedTuple):
    sysname: str
    release: str
    version: str
    machine: str

class Passwd(NamedTuple):
    username: str
    uid: int
    gid: int
    shell: str | None
    homedir: str

class Timeval(NamedTuple):
    sec: int
    usec: int

class Timespec(NamedTuple):
    sec: int
    nsec: int

def has(name: str) -> bool: ...
def hrtime() -> int: ...
def guess_handle(fd: _Fd) -> HandleType | int: ...
def kill(pid: int, signum: int) -> None: ...
def getpid() -> int: ...
def getppid() -> int: ...
def getpriority(pid: int = 0) -> int: ...
def setpriority(pid: int, priority: int) -> None: ...
def cpu_info() -> list[CpuInfo]: ...
def interface_addresses() -> list[InterfaceAddress]: ...
def available_parallelism() -> int: ...
def cpumask_size() -> int: ...
def loadavg() -> LoadAverage: ...
def uptime() -> float: ...
def get_free_memory() -> int: ...
def get_total_memory() -> int: ...
def get_constrained_memory() -> int: ...
def get_available_memory() -> int: ...
def resident_set_memory() -> int: ...
def getrusage() -> ResourceUsage: ...
def getrusage_thread() -> ResourceUsage: ...
def gettimeofday() -> Timeval: ...
def clock_gettime(clock_id: ClockId | int = ...) -> Timespec: ...
def hostname() -> str: ...
def uname() -> Uname: ...
def os_homedir() -> str: ...
def os_tmpdir() -> str: ...
def get_passwd() -> Passwd: ...
def get_process_title() -> str: ...
def set_process_title(title: str) -> None: ...
def process_title_capacity() -> tuple[int, bool]: ...
