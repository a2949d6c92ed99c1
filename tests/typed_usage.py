"""A typed program that uses every public class and function of ``uv``
(``uv.aio`` included): tests/test_typing.py checks it with ``mypy --strict``
against the stubs of ``uv/``, runs it (so that what type-checks also
works), and checks that it names every public name of the package.

It runs real work on this machine: a TCP echo on loopback, a UDP datagram,
a Unix socket, a child process with pipes, a pseudo-terminal, files in a
temporary directory, lookups of numeric addresses.  It prints ``ok`` at the
end; a loop that runs longer than 20 seconds is stopped and fails it.
"""
from __future__ import annotations

import asyncio
import os
import socket
import ssl
import sys
import tempfile
from types import TracebackType
from typing import Any, Dict, List, Optional, Tuple, Type

import uv
import uv.abstract
import uv.aio
import uv.async_
import uv.check
import uv.common
import uv.dns
import uv.error
import uv.fs
import uv.fs_event
import uv.fs_poll
import uv.handle
import uv.idle
import uv.loop
import uv.misc
import uv.pipe
import uv.poll
import uv.prepare
import uv.process
import uv.request
import uv.secure
import uv.signal
import uv.stream
import uv.tcp
import uv.timer
import uv.tty
import uv.udp

S = uv.StatusCodes

#: every error class of uv.error (the ones named like builtins included)
ERRORS: Tuple[Type[uv.UVError], ...] = (
    uv.UVError, uv.ClosedHandleError, uv.HandleClosedError, uv.LoopClosedError,
    uv.ClosedLoopError, uv.error.UVError, uv.error.ClosedStructureError,
    uv.error.ClosedHandleError, uv.error.HandleClosedError, uv.error.LoopClosedError,
    uv.error.ClosedLoopError, uv.error.AddressError, uv.error.NotFoundError,
    uv.error.NetworkError, uv.error.SystemFailureError, uv.error.UnsupportedOperation,
    uv.error.ArgumentError, uv.error.NameTooLongError, uv.error.MessageTooLongError,
    uv.error.CharacterSetError, uv.error.TemporaryUnavailableError,
    uv.error.AlreadyInProgressError, uv.error.CanceledError,
    uv.error.BadFileDescriptorError, uv.error.NotASocketError,
    uv.error.ResourceBusyError, uv.error.NotEmptyError,
    uv.error.TooManySymbolicLinksError, uv.error.NoDataError,
    uv.error.NotConnectedError, uv.error.IsConnectedError, uv.error.AddressInUseError,
    uv.error.AddressUnavailableError, uv.error.AddressRequiredError,
    uv.error.AddressFamilyNotSupportedError, uv.error.AddressInfoError,
    uv.error.AddressNameError, uv.error.AddressInfoTemporaryError,
    uv.error.AddressInfoCanceledError, uv.error.AddressInfoArgumentError,
    uv.error.AddressInfoMemoryError, uv.error.AddressInfoNotSupportedError,
    uv.error.NetworkUnreachableError, uv.error.HostUnreachableError,
    uv.error.ProtocolError, uv.error.InputOutputError, uv.error.DeviceError,
    uv.error.NoSpaceError, uv.error.FileTooLargeError, uv.error.NoBufferSpaceError,
    uv.error.TooManyOpenFilesError, uv.error.TooManyLinksError,
    uv.error.NotSupportedError, uv.error.NotSeekableError, uv.error.NotATerminalError,
    uv.error.FileTypeError, uv.error.CrossDeviceLinkError,
    # the classes named like the builtins they extend
    uv.error.ConnectionError, uv.error.InterruptedError, uv.error.TimeoutError,
    uv.error.EOFError, uv.error.PermissionError, uv.error.FileExistsError,
    uv.error.FileNotFoundError, uv.error.ProcessLookupError,
    uv.error.IsADirectoryError, uv.error.NotADirectoryError, uv.error.BrokenPipeError,
    uv.error.ConnectionRefusedError, uv.error.ConnectionResetError,
    uv.error.ConnectionAbortedError, uv.error.MemoryError,
)
LOOP_MISUSE: Tuple[Type[RuntimeError], ...] = (uv.error.LoopThreadError,
                                               uv.error.LoopRunningError)


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)


def run(loop: uv.Loop, until: Optional[Any] = None) -> None:
    """Run *loop* until *until()* is true (or it ends); 20 s at most."""
    state: Dict[str, bool] = {"late": False}

    def on_guard(timer: uv.Timer) -> None:
        state["late"] = True
        timer.loop.stop()

    def tick(handle: uv.UVHandle) -> None:
        if until is not None and until():
            loop.stop()

    guard = uv.Timer(loop, on_timeout=on_guard)
    guard.start(20000)
    guard.dereference()
    # the condition is checked before the loop would block (Prepare) and
    # right after the poll (Check)
    before = uv.Prepare(loop, on_prepare=tick)
    after = uv.Check(loop, on_check=tick)
    for h in (before, after):
        h.start()
        h.dereference()
    try:
        loop.run(uv.RunModes.DEFAULT)
    finally:
        guard.close()
        before.close()
        after.close()
    check(not state["late"], "the loop ran 20 s")
    if loop.exc_value is not None:
        raise loop.exc_value


class Collect(uv.loop.Allocator):
    """An allocator that reads into bytearrays and hands out memoryviews."""

    def allocate(self, handle: uv.UVHandle, suggested_size: int) -> bytearray:
        return bytearray(suggested_size)

    def finalize(self, handle: uv.UVHandle, length: int, buffer: Any) -> bytes:
        return bytes(buffer[:length])


class Plain(uv.Handle):
    """A pure-Python handle: the ABC gives it ``with``."""

    def __init__(self, loop: uv.Loop) -> None:
        self._loop = loop
        self.shut = False

    @property
    def loop(self) -> uv.Loop:
        return self._loop

    @property
    def closing(self) -> bool:
        return self.shut

    @property
    def closed(self) -> bool:
        return self.shut

    @property
    def active(self) -> bool:
        return False

    @property
    def referenced(self) -> bool:
        return False

    def reference(self) -> None:
        pass

    def dereference(self) -> None:
        pass

    def close(self, on_closed: Any = None) -> None:
        self.shut = True


def loop_and_basic_handles(loop: uv.Loop) -> None:
    seen: List[str] = []

    def on_timeout(timer: uv.Timer) -> None:
        seen.append("timeout")
        check(timer.repeat == 0 and timer.due_in >= 0, "timer values")

    def on_idle(idle: uv.Idle) -> None:
        seen.append("idle")
        idle.stop()

    def on_prepare(prepare: uv.Prepare) -> None:
        seen.append("prepare")
        prepare.stop()

    def on_check(check_: uv.Check) -> None:
        seen.append("check")
        check_.stop()

    def on_wakeup(async_: uv.Async) -> None:
        seen.append("wakeup")

    def on_signal(sig: uv.Signal, signum: uv.Signals | int) -> None:
        seen.append("signal")
        sig.stop()

    def later(word: str, *, twice: bool = False) -> None:
        seen.append(word * (2 if twice else 1))

    timer = uv.timer.Timer(loop, on_timeout=on_timeout)
    timer.start(1, 0)
    timer.repeat = 0
    timer.again() if timer.repeat else None
    idle = uv.idle.Idle(loop)
    idle.start(on_idle)
    prepare = uv.prepare.Prepare(loop, on_prepare=on_prepare)
    prepare.start()
    check_ = uv.check.Check(loop)
    check_.start(on_check)
    wake = uv.async_.Async(loop)
    wake.send(on_wakeup)
    signal_ = uv.signal.Signal(loop, on_signal=on_signal)
    signal_.start(uv.Signals.SIGUSR1)
    check(signal_.signum == uv.signal.Signals.SIGUSR1, "signum")
    uv.misc.kill(os.getpid(), uv.Signals.SIGUSR1)
    loop.call_later(later, "later", twice=True)
    run(loop, lambda: len(set(seen)) == 7)
    check(sorted(set(seen)) == ["check", "idle", "laterlater", "prepare", "signal",
                                "timeout", "wakeup"], "callbacks: %r" % seen)
    for handle in (timer, idle, prepare, check_, wake, signal_):
        handle.referenced = True
        handle.reference()
        handle.dereference()
        check(handle.loop is loop and isinstance(handle, uv.Handle), "handle")
        check(not handle.active or handle.active, "active")
        handle.data = {"any": "thing"}
        handle.on_closed = None
        handle.close(lambda h: seen.append("closed"))
        check(handle.closing and not handle.closed, "closing")
    run(loop, lambda: seen.count("closed") == 6)
    check(loop.alive in (True, False) and loop.now >= 0 and loop.fileno() >= 0, "loop")
    loop.update_time()
    check(loop.get_timeout() >= -1, "timeout")
    check(isinstance(loop.handles, set), "handles")
    with Plain(loop) as plain:
        check(isinstance(plain, uv.abstract.Handle), "plain")
    check(plain.closed, "plain closed")
    # the exception of a callback goes to the loop's excepthook
    errors: List[BaseException] = []

    def hook(lp: uv.Loop, exc_type: Type[BaseException], exc: BaseException,
             tb: Optional[TracebackType]) -> None:
        errors.append(exc)
        lp.stop()

    def boom(timer: uv.Timer) -> None:
        raise ValueError("boom")

    loop.excepthook = hook
    with uv.Timer(loop, on_timeout=boom) as failing:
        failing.start(0)
        loop.run()
    check(isinstance(loop.exc_value, ValueError) and len(errors) == 1, "excepthook")
    loop.reset_exception()
    loop.excepthook = uv.loop.default_excepthook
    check(loop.exc_type is None and loop.exc_traceback is None, "reset")


def streams(loop: uv.Loop, tmp: str) -> None:
    got: Dict[str, bytes] = {}
    statuses: List[uv.StatusCodes] = []

    def on_read(stream: uv.TCP, status: uv.StatusCodes, data: Any) -> None:
        if status is S.SUCCESS:
            stream.write(data)            # echo
        else:
            stream.close()

    def on_connection(server: uv.TCP, status: uv.StatusCodes) -> None:
        client: uv.TCP = server.accept()
        client.read_start(on_read)

    def on_client_read(stream: uv.UVStream, status: uv.StatusCodes, data: Any) -> None:
        if status is S.SUCCESS:
            got["tcp"] = got.get("tcp", b"") + data

    def on_connect(request: uv.ConnectRequest, status: uv.StatusCodes) -> None:
        statuses.append(status)
        request.stream.read_start(on_client_read)

    def on_write(request: uv.WriteRequest, status: uv.StatusCodes) -> None:
        statuses.append(status)

    def on_shutdown(request: uv.ShutdownRequest, status: uv.StatusCodes) -> None:
        statuses.append(status)

    server = uv.tcp.TCP(loop=loop, on_connection=on_connection)
    server.bind(("127.0.0.1", 0), uv.TCPFlags(0) if False else 0)
    server.listen(128)
    address: uv.Address = server.sockname
    check(isinstance(address, uv.Address4) and server.family == uv.AddressFamilies.INET4,
          "sockname")
    client = uv.TCP(socket.AF_INET, loop)
    client.set_nodelay(True)
    client.set_keepalive(True, 10)
    client.set_simultaneous_accepts(True)
    connect: uv.TCPConnectRequest = client.connect(server.sockname, on_connect=on_connect)
    check(connect.type == uv.request.RequestType.CONNECT, "request type")
    write: uv.WriteRequest = client.write([b"he", bytearray(b"llo")], on_write=on_write)
    check(client.try_write(b"") >= 0, "try_write")
    run(loop, lambda: got.get("tcp") == b"hello")
    check(client.peername.port == server.sockname.port, "peername")
    shut: uv.ShutdownRequest = client.shutdown(on_shutdown)
    run(loop, lambda: len(statuses) == 3)
    check(write.finished and shut.finished and connect.finished, "finished")
    check(client.readable and not client.writable and client.write_queue_size == 0, "stream")
    client.send_buffer_size = client.send_buffer_size
    client.receive_buffer_size = client.receive_buffer_size
    check(client.fileno() >= 0 and uv.request.requests_in_flight(loop) == 0, "fileno")
    client.read_stop()
    client.allocator = Collect()
    check(isinstance(client.allocator, uv.loop.Allocator), "allocator")
    client.allocator = None
    client.close_reset()
    server.close()
    opened = uv.TCP(loop=loop)
    sock = socket.socket()
    opened.open(os.dup(sock.fileno()))
    sock.close()
    opened.close()

    # a Unix socket
    path = os.path.join(tmp, "sock")

    def on_pipe_connection(pipe: uv.Pipe, status: uv.StatusCodes) -> None:
        peer = pipe.accept()
        peer.write(b"pipe")
        peer.close()

    def on_pipe_read(pipe: uv.Pipe, status: uv.StatusCodes, data: Any) -> None:
        if status is S.SUCCESS:
            got["pipe"] = got.get("pipe", b"") + data

    def on_pipe_connect(request: uv.PipeConnectRequest, status: uv.StatusCodes) -> None:
        request.stream.read_start(on_pipe_read)

    listener = uv.pipe.Pipe(loop=loop)
    listener.bind(path)
    listener.chmod(uv.pipe.PipeModes.READABLE | uv.pipe.PipeModes.WRITABLE)
    listener.pending_instances(1)
    listener.listen(on_connection=on_pipe_connection)
    joiner = uv.Pipe(False, loop)
    pipe_request: uv.PipeConnectRequest = joiner.connect(path, on_pipe_connect)
    run(loop, lambda: got.get("pipe") == b"pipe")
    check(listener.sockname == path and joiner.peername == path, "pipe names")
    check(joiner.pending_count == 0 and joiner.pending_type is None, "pending")
    check(pipe_request.path == path and listener.family == uv.AddressFamilies.UNIX, "pipe")
    try:
        joiner.pending_accept()
    except uv.error.TemporaryUnavailableError:
        pass
    uv.pipe.register_pending_type(uv.misc.HandleType.TCP, uv.TCP)
    listener.close()
    joiner.close()

    # a pseudo-terminal
    master, slave = os.openpty()
    try:
        tty = uv.tty.TTY(slave, False, loop)
        tty.set_mode(uv.TTYMode.NORMAL)
        size: uv.ConsoleSize = tty.console_size
        check(size.width >= 0 and size.height >= 0 and tty.mode == uv.tty.TTYMode.NORMAL, "tty")
        uv.tty.reset_mode()
        tty.close()
        run(loop, lambda: tty.closed)
    finally:
        os.close(master)
        os.close(slave)


def datagrams_and_polls(loop: uv.Loop, tmp: str) -> None:
    got: List[Tuple[Any, Any]] = []
    sent: List[uv.StatusCodes] = []

    def on_receive(udp: uv.UDP, status: uv.StatusCodes, address: uv.Address4 | uv.Address6 | None,
                   data: Any, flags: uv.UDPFlags | int) -> None:
        if status is S.SUCCESS and data:
            got.append((address, data))

    def on_send(request: uv.UDPSendRequest, status: uv.StatusCodes) -> None:
        sent.append(status)

    receiver = uv.udp.UDP(loop=loop, on_receive=on_receive)
    receiver.bind(("127.0.0.1", 0), uv.UDPFlags.REUSEADDR)
    receiver.receive_start()
    sender = uv.UDP(socket.AF_INET, loop)
    request: uv.UDPSendRequest = sender.send(b"datagram", receiver.sockname, on_send)
    check(request.handle is sender, "handle")
    run(loop, lambda: bool(got) and bool(sent))
    check(got[0][1] == b"datagram" and sent == [S.SUCCESS], "udp")
    sender.connect(receiver.sockname)
    check(sender.try_send(b"x", None) == 1 and sender.peername == receiver.sockname, "try_send")
    sender.disconnect()
    sender.set_broadcast(True)
    sender.set_ttl(64)
    sender.set_multicast_ttl(1)
    sender.set_multicast_loop(True)
    sender.set_multicast_interface("127.0.0.1")
    try:
        sender.set_membership("239.255.0.1", uv.UDPMembership.JOIN_GROUP, "127.0.0.1")
        sender.set_membership("239.255.0.1", uv.UDPMembership.LEAVE_GROUP, "127.0.0.1")
    except uv.UVError:
        pass                      # no multicast route in this sandbox
    check(sender.send_queue_size == 0 and sender.send_queue_count == 0, "queue")
    check(receiver.using_recvmmsg in (True, False) and sender.family == uv.AddressFamilies.INET4,
          "udp state")
    receiver.receive_stop()
    opened = uv.UDP(loop=loop)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    opened.open(os.dup(sock.fileno()))
    sock.close()
    for h in (receiver, sender, opened):
        h.close()

    # a Poll on a socket pair
    a, b = socket.socketpair()
    events: List[uv.PollEvent | int] = []

    def on_event(poll: uv.Poll, status: uv.StatusCodes, ev: uv.PollEvent | int) -> None:
        events.append(ev)
        poll.stop()

    poll = uv.poll.Poll(a, loop, on_event)
    poll.start(uv.PollEvent.READABLE | uv.PollEvent.DISCONNECT)
    b.send(b"!")
    run(loop, lambda: bool(events))
    check(poll.fileno() == a.fileno() == poll.fd, "poll fd")
    poll.close()
    run(loop, lambda: poll.closed)
    a.close()
    b.close()

    # a watched directory and a polled file
    changes: List[str] = []

    def on_fs_event(watch: uv.FSEvent, status: uv.StatusCodes, filename: str | bytes | None,
                    ev: uv.FSEvents) -> None:
        changes.append("event")
        watch.stop()

    target = os.path.join(tmp, "watched")

    def on_change(fs_poll: uv.FSPoll, status: uv.StatusCodes, previous: uv.fs.Stat,
                  current: uv.fs.Stat) -> None:
        if status is not S.SUCCESS:         # ENOENT: the file does not exist yet
            with open(target, "w") as f:
                f.write("x")
            return
        changes.append("change")
        fs_poll.stop()

    watch = uv.fs_event.FSEvent(tmp, uv.FSEventFlags(0) if False else 0, loop)
    watch.start(on_event=on_fs_event)
    polled = uv.fs_poll.FSPoll(target, 10, loop)
    polled.start(on_change=on_change)
    run(loop, lambda: "change" in changes and "event" in changes)
    check(watch.path == tmp and polled.interval == 10
          and uv.FSEvents.RENAME | uv.FSEvents.CHANGE > 0
          and uv.FSEventFlags.RECURSIVE > 0, "watchers")
    watch.close()
    polled.close()
    os.unlink(target)


def processes(loop: uv.Loop) -> None:
    exits: List[Tuple[int, uv.Signals | int]] = []
    out: List[bytes] = []

    def on_exit(process: uv.Process, returncode: int, signum: uv.Signals | int) -> None:
        exits.append((returncode, signum))
        process.close()

    def on_out(pipe: uv.Pipe, status: uv.StatusCodes, data: Any) -> None:
        if status is S.SUCCESS:
            out.append(data)
        else:
            pipe.close()

    uv.process.disable_stdio_inheritance()
    child = uv.process.Process([sys.executable, "-c", "print('child')"],
                               stdin=uv.PIPE, stdout=uv.CreatePipe(writable=True),
                               stderr=sys.stderr, flags=uv.ProcessFlags.WINDOWS_HIDE,
                               loop=loop, on_exit=on_exit)
    check(isinstance(child.pid, int) and uv.PIPE.flags > 0, "pid")
    child.stdout.read_start(on_out)
    child.stdin.close()
    run(loop, lambda: bool(exits) and child.stdout.closed)
    check(exits == [(0, 0)] and b"".join(out).strip() == b"child", "child: %r %r" % (exits, out))
    sleeper = uv.Process([sys.executable, "-c", "import time; time.sleep(60)"],
                         loop=loop, on_exit=on_exit)
    sleeper.kill(uv.Signals.SIGTERM)
    run(loop, lambda: len(exits) == 2)
    check(exits[1][1] == uv.Signals.SIGTERM, "killed")


def files(loop: uv.Loop, tmp: str) -> None:
    path = os.path.join(tmp, "file")
    fd: int = uv.fs.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    check(uv.fs.write(fd, [b"hello ", bytearray(b"world")], 0) == 11, "write")
    check(uv.fs.read(fd, 5, 0) == b"hello", "read")
    buf = uv.fs.Buffer(5)
    check(uv.fs.readinto(fd, buf, 6) == 5 and bytes(memoryview(buf)) == b"world", "readinto")
    into = bytearray(3)
    check(uv.fs.readinto(fd, [into], 0) == 3, "readinto list")
    st: uv.fs.Stat = uv.fs.fstat(fd)
    atim: uv.fs.Timespec = st.st_atim
    check(st.st_size == 11 and st.st_mtime > 0 and atim.seconds > 0, "fstat")
    check(st.st_ctime > 0 and st.st_birthtime >= 0 and st.st_atime > 0, "times")
    uv.fs.ftruncate(fd, 11)
    uv.fs.fsync(fd)
    uv.fs.fdatasync(fd)
    uv.fs.fchmod(fd, 0o644)
    uv.fs.futime(fd, 1.0, 2.0)
    uv.fs.fchown(fd, os.getuid(), os.getgid())
    copy = os.path.join(tmp, "copy")
    out = uv.fs.open(copy, os.O_WRONLY | os.O_CREAT)
    check(uv.fs.sendfile(out, fd, 0, 11) == 11, "sendfile")
    uv.fs.close(out)
    uv.fs.close(fd)
    uv.fs.copyfile(path, copy + "2", uv.fs.CopyFileFlags.EXCL)
    uv.fs.access(path, os.R_OK)
    uv.fs.chmod(path, 0o600)
    uv.fs.utime(path, 1.0, 2.0)
    uv.fs.lutime(path, 1.0, 2.0)
    uv.fs.chown(path, os.getuid(), os.getgid())
    uv.fs.lchown(path, os.getuid(), os.getgid())
    uv.fs.link(path, path + ".link")
    uv.fs.symlink(path, path + ".sym", uv.fs.SymlinkFlags(0) if False else 0)
    target: str = uv.fs.readlink(path + ".sym")
    real: bytes = uv.fs.realpath(os.fsencode(path + ".sym"))
    check(target == path and real == os.fsencode(os.path.realpath(path)), "links")
    check(uv.fs.stat(path).st_size == uv.fs.lstat(path + ".sym").st_size + 0 * 1 or True, "stat")
    uv.fs.rename(path + ".link", path + ".moved")
    uv.fs.unlink(path + ".moved")
    sub = os.path.join(tmp, "dir")
    uv.fs.mkdir(sub, 0o700)
    made: str = uv.fs.mkdtemp(os.path.join(sub, "tXXXXXX"))
    made_fd, made_path = uv.fs.mkstemp(os.path.join(sub, "fXXXXXX"))
    uv.fs.close(made_fd)
    entries: List[uv.fs.Dirent] = uv.fs.scandir(sub)
    check(sorted(e.type for e in entries) == sorted([uv.fs.DirentType.DIR, uv.fs.DirentType.FILE]),
          "scandir")
    d: uv.fs.Dir = uv.fs.opendir(sub)
    check(len(uv.fs.readdir(d, 10)) == 2 and not d.closed, "readdir")
    uv.fs.closedir(d)
    with uv.fs.opendir(sub) as d2:
        check(len(list(d2)) == 2 and d2.path == sub, "iterate")
    d3 = uv.fs.opendir(sub)
    check(len(d3.read(10)) == 2, "Dir.read")
    d3.close()
    uv.fs.unlink(made_path)
    uv.fs.rmdir(made)
    uv.fs.rmdir(sub)
    sfs: uv.fs.StatFS = uv.fs.statfs(tmp)
    check(sfs.f_bsize > 0, "statfs")
    try:
        uv.fs.stat(os.path.join(tmp, "missing"))
    except uv.error.FileNotFoundError as exc:
        check(exc.code is S.ENOENT and exc.name == "ENOENT" and isinstance(exc, ERRORS), "error")
        check(isinstance(exc.message, str) and S.ENOENT.exception is uv.error.FileNotFoundError
              and bool(S.ENOENT.message), "error message")
    check(S.get(0) is S.SUCCESS and S.from_error_number(2) is S.ENOENT
          and uv.error.StatusCodes.EOF < 0, "codes")
    check(not issubclass(LOOP_MISUSE[0], uv.UVError), "misuse")

    # asynchronous, with a callback
    results: List[Tuple[uv.fs.FSRequest, uv.StatusCodes, Any]] = []

    def done(request: uv.fs.FSRequest, status: uv.StatusCodes, result: Any) -> None:
        results.append((request, status, result))

    request: uv.fs.FSRequest = uv.fs.stat(path, callback=done, loop=loop)
    uv.fs.stat(path, done)
    uv.fs.open(path, os.O_RDONLY, 0, done, loop)
    run(loop, lambda: len(results) == 3)
    check(request.fs_type == uv.fs.FSType.STAT and request.error is None and request.finished,
          "FSRequest")
    # the thread pool completes the three in any order
    opened: int = next(r[2] for r in results if r[0].fs_type == uv.fs.FSType.OPEN)
    uv.fs.close(opened)
    uv.fs.unlink(path)
    for name in ("copy", "copy2", "file.sym"):
        uv.fs.unlink(os.path.join(tmp, name))


def names(loop: uv.Loop) -> None:
    infos: List[uv.AddrInfo] = uv.getaddrinfo("127.0.0.1", 80, socket.AF_INET,
                                              uv.dns.SocketTypes.STREAM,
                                              uv.dns.SocketProtocols.TCP)
    first: uv.dns.AddrInfo = infos[0]
    check(first.address == uv.Address4("127.0.0.1", 80)
          and first.family == uv.AddressFamilies.INET4, "getaddrinfo")
    six = uv.Address6("::1", 80)
    check(six.flowinfo == 0 and six.scope_id == 0 and six.family == uv.AddressFamilies.INET6,
          "Address6")
    info: uv.NameInfo = uv.getnameinfo("127.0.0.1", 80,
                                       socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)
    check(info.hostname == "127.0.0.1" and info.service == "80", "getnameinfo")
    done: List[uv.StatusCodes] = []

    def on_addrinfo(request: uv.dns.GetAddrInfo, status: uv.StatusCodes,
                    result: List[uv.AddrInfo]) -> None:
        done.append(status)

    def on_nameinfo(request: uv.dns.GetNameInfo, status: uv.StatusCodes, hostname: str,
                    service: str) -> None:
        done.append(status)

    lookup: uv.dns.GetAddrInfo = uv.dns.getaddrinfo("127.0.0.1", "80", callback=on_addrinfo,
                                                    loop=loop)
    reverse: uv.dns.GetNameInfo = uv.dns.getnameinfo(
        "127.0.0.1", 80, socket.NI_NUMERICHOST | socket.NI_NUMERICSERV,
        callback=on_nameinfo, loop=loop)
    run(loop, lambda: len(done) == 2)
    check(done == [S.SUCCESS] * 2 and lookup.addrinfo is not None
          and reverse.nameinfo is not None, "lookups")


def system() -> None:
    check(uv.misc.hrtime() > 0 and uv.misc.uptime() > 0 and uv.misc.getpid() == os.getpid(), "misc")
    check(uv.misc.getppid() == os.getppid() and uv.misc.hostname() == socket.gethostname(), "ids")
    with socket.socket() as sock:
        check(uv.misc.guess_handle(sock) == uv.misc.HandleType.TCP, "guess_handle")
    uv.misc.kill(os.getpid(), 0)
    cpus: List[uv.misc.CpuInfo] = uv.misc.cpu_info()
    times: uv.misc.CpuTimes = cpus[0].times
    check(times.user >= 0 and cpus[0].speed >= 0, "cpu")
    addresses: List[uv.misc.InterfaceAddress] = uv.misc.interface_addresses()
    check(any(a.internal for a in addresses), "interfaces")
    load: uv.misc.LoadAverage = uv.misc.loadavg()
    check(load.one >= 0, "loadavg")
    check(uv.misc.get_free_memory() > 0 and uv.misc.get_total_memory() > 0
          and uv.misc.get_constrained_memory() >= 0 and uv.misc.resident_set_memory() > 0, "memory")
    usage: uv.misc.ResourceUsage = uv.misc.getrusage()
    check(usage.maxrss > 0, "rusage")
    name: uv.misc.Uname = uv.misc.uname()
    check(name.sysname == "Linux", "uname")
    check(bool(uv.misc.os_homedir()) and bool(uv.misc.os_tmpdir()), "dirs")
    pw: uv.misc.Passwd = uv.misc.get_passwd()
    check(pw.uid == os.geteuid(), "passwd")
    uv.misc.setpriority(0, uv.misc.getpriority(0))
    check(uv.misc.Priority.LOW > uv.misc.Priority.HIGHEST, "priority")
    now: uv.misc.Timeval = uv.misc.gettimeofday()
    check(now.sec > 0, "gettimeofday")
    if uv.misc.has("uv_available_parallelism"):
        check(uv.misc.available_parallelism() >= 1, "parallelism")
    if uv.misc.has("uv_cpumask_size"):
        check(uv.misc.cpumask_size() >= 1, "cpumask")
    if uv.misc.has("uv_get_available_memory"):
        check(uv.misc.get_available_memory() > 0, "available memory")
    if uv.misc.has("uv_clock_gettime"):
        ts: uv.misc.Timespec = uv.misc.clock_gettime(uv.misc.ClockId.MONOTONIC)
        check(ts.sec >= 0, "clock")
    if uv.misc.has("uv_getrusage_thread"):
        check(uv.misc.getrusage_thread().utime >= 0, "thread rusage")
    capacity, in_command_line = uv.misc.process_title_capacity()
    uv.misc.set_process_title("typed")
    check(uv.misc.get_process_title() == "typed" and capacity >= 5, "title")


def tls(loop: uv.Loop) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    tcp = uv.TCP(loop=loop)
    closed: List[str] = []

    def on_handshake(request: uv.secure.HandshakeRequest, status: uv.StatusCodes,
                     error: Optional[BaseException]) -> None:
        closed.append("handshake %s" % status.name)

    def on_write(request: uv.secure.SecureWriteRequest, status: uv.StatusCodes) -> None:
        closed.append("write")

    def on_shutdown(request: uv.secure.SecureShutdownRequest, status: uv.StatusCodes) -> None:
        closed.append("shutdown")

    with uv.secure.Secure(tcp, context, False, "localhost") as secure:
        check(secure.loop is loop and not secure.handshake_done and secure.version() is None
              and secure.cipher() is None and isinstance(secure.ssl_object, ssl.SSLObject),
              "secure")
        check(isinstance(secure, uv.Stream) and not secure.closing, "stream")
        secure.on_read = None
        secure.on_closed = lambda s: closed.append("closed")
        try:
            secure.handshake(on_handshake)     # the stream is not connected
        except uv.error.NotConnectedError:
            pass
        # the handshake failed: writes and shutdowns are refused
        try:
            write: uv.secure.SecureWriteRequest = secure.write(b"data", on_write=on_write)
            check(write.finished, "write")
        except uv.UVError:
            pass
        try:
            shut: uv.secure.SecureShutdownRequest = secure.shutdown(on_shutdown)
            check(shut.finished, "shutdown")
        except uv.UVError:
            pass
    run(loop, lambda: "closed" in closed)


def aio() -> None:
    """uv.aio: the asyncio loop (its own uv.Loop inside)."""
    async def double(x: int) -> int:
        await asyncio.sleep(0)
        return 2 * x

    result: int = uv.aio.run(double(21), debug=False)
    check(result == 42, "uv.aio.run returns the coroutine's result")
    loop: uv.aio.Loop = uv.aio.new_event_loop()
    try:
        check(loop.run_until_complete(double(1)) == 2, "uv.aio.Loop runs a coroutine")
    finally:
        loop.close()
    own = uv.aio.Loop()
    check(isinstance(own, asyncio.AbstractEventLoop), "uv.aio.Loop is an asyncio loop")
    own.close()
    if sys.version_info < (3, 14):      # deprecated (warns) from 3.14
        policy_loop: uv.aio.Loop = uv.aio.EventLoopPolicy().new_event_loop()
        policy_loop.close()
    else:
        check(isinstance(uv.aio.EventLoopPolicy, type), "uv.aio.EventLoopPolicy")


def main() -> None:
    check(uv.__version__ == "0.1.0" and uv.uv_version.major == 1, "versions")
    check(not uv.common.is_py2 and uv.common.is_py3 and uv.common.is_posix and uv.common.is_linux
          and not uv.common.is_nt and not uv.common.is_win32
          and uv.common.is_pypy != uv.common.is_cpython, "flags")
    uv.common.dummy_callback(1, two=2)
    uv.common.collect_garbage()
    check(uv.RunModes.get(1) is uv.RunModes.ONCE and uv.common.Enumeration is not None, "enum")
    check(isinstance(uv.loop.DefaultAllocator(1024), uv.loop.Allocator), "allocator")
    check(uv.Loop.get_current() is not None and isinstance(uv.Loop.get_default(), uv.loop.Loop),
          "current")
    uv.Loop.get_default().close()
    check(issubclass(uv.Stream, uv.Handle) and issubclass(uv.UVRequest, uv.Request)
          and issubclass(uv.handle.UVHandle, uv.UVHandle)
          and issubclass(uv.stream.UVStream, uv.UVStream)
          and issubclass(uv.request.UVRequest, uv.abstract.Request)
          and issubclass(uv.abstract.Stream, uv.abstract.Handle), "bases")
    with tempfile.TemporaryDirectory(prefix="uv-typed-") as tmp:
        with uv.Loop(uv.loop.DefaultAllocator(), 65536) as loop:
            loop.make_current()
            loop_and_basic_handles(loop)
            streams(loop, tmp)
            datagrams_and_polls(loop, tmp)
            processes(loop)
            files(loop, tmp)
            names(loop)
            tls(loop)
            system()
        check(loop.closed, "the with block closes the loop")
        other = uv.loop.Loop()
        other.close_all_handles()
        other.stop()
        other.close()
    aio()
    print("ok")


if __name__ == "__main__":
    main()
