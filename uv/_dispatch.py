"""The functions through which the native layer calls Python.

Each libuv callback reaches Python through one of these helpers.  A helper
calls the user's callback and returns the exception it raised, or ``None``:
HPy 0.9 has no way to fetch an exception object in C, and returning it keeps
its traceback intact on CPython and PyPy.  The native layer hands a returned
exception to :func:`error`, which gives it to the loop (``excepthook``,
``exc_*``, stopping the loop).

They are installed once with ``_uv._setup`` when ``uv`` is imported, and are
kept as small as possible: they run for every callback.  A callback is read
into a local first (``cb = handle.on_idle; cb(handle)``): CPython 3.11+
specializes that attribute load, not ``handle.on_idle(handle)``'s method
lookup of an instance attribute (about 120 instructions fewer per call).
"""
from ._loader import _uv
from .common import collect_garbage
from .dns import Address4 as _Address4, Address6 as _Address6
from .error import StatusCodes, _make_error
from .poll import PollEvent
from .udp import UDPFlags

_status = StatusCodes.get
_SUCCESS = StatusCodes.SUCCESS
_udp_flags = UDPFlags.get
_poll_events = PollEvent.get
_PARTIAL = UDPFlags.PARTIAL


def idle(handle):
    try:
        cb = handle.on_idle
        cb(handle)
    except BaseException as exc:
        return exc


def prepare(handle):
    try:
        cb = handle.on_prepare
        cb(handle)
    except BaseException as exc:
        return exc


def check(handle):
    try:
        cb = handle.on_check
        cb(handle)
    except BaseException as exc:
        return exc


def timeout(handle):
    try:
        cb = handle.on_timeout
        cb(handle)
    except BaseException as exc:
        return exc


def wakeup(handle):
    try:
        cb = handle.on_wakeup
        cb(handle)
    except BaseException as exc:
        return exc


def signal(handle, signum):
    try:
        handle.on_signal(handle, handle._signum_member(signum))
    except BaseException as exc:
        return exc


def closed(handle):
    try:
        handle._closed_by_loop()
        handle.on_closed(handle)
    except BaseException as exc:
        return exc


def read(stream, status, data):
    """The end of a stream or an error (read_data has the data)."""
    try:
        cb = stream.on_read
        cb(stream, _status(status), data)
    except BaseException as exc:
        return exc


def read_data(stream, data):
    try:
        if stream._allocator is None:
            cb = stream.on_read
            cb(stream, _SUCCESS, data)
        else:
            _read_custom(stream, data)
    except BaseException as exc:
        return exc


def _read_custom(stream, data):
    """Hand *data* to on_read through the stream's own allocator.

    HPy 0.9 cannot write into a Python buffer from C, so the bytes read into
    the loop's buffer are copied into what ``allocate`` returns, and
    ``finalize`` decides what on_read gets."""
    allocator = stream._allocator
    offset, total = 0, len(data)
    while offset < total:
        buffer = allocator.allocate(stream, total - offset)
        view = memoryview(buffer).cast("B")
        n = min(len(view), total - offset)
        if n <= 0:
            raise ValueError("%r.allocate() returned an empty buffer" % (allocator,))
        view[:n] = data[offset:offset + n]
        view.release()
        offset += n
        stream.on_read(stream, _SUCCESS, allocator.finalize(stream, n, buffer))


def connection(stream, status):
    try:
        cb = stream.on_connection
        cb(stream, _status(status))
    except BaseException as exc:
        return exc


def request(req, status):
    try:
        req._complete(_status(status))
    except BaseException as exc:
        return exc


def write_done(req, status):
    try:
        cb = req._on_write
        cb(req, _status(status) if status else _SUCCESS)
    except BaseException as exc:
        return exc


def send_done(req, status):
    try:
        cb = req._on_send
        cb(req, _status(status) if status else _SUCCESS)
    except BaseException as exc:
        return exc


# the classes the native layer makes the addresses of UDP peers with
address4 = _Address4
address6 = _Address6


def receive(udp, status, address, data, flags):
    try:
        if udp._allocator is not None and data:
            data, flags = _receive_custom(udp, data, flags)
        cb = udp.on_receive
        cb(udp, _status(status) if status else _SUCCESS, address, data,
           _udp_flags(flags) if flags else 0)
    except BaseException as exc:
        return exc


def received(udp, address, data):
    """A datagram received whole (receive() has the error and truncated
    cases)."""
    try:
        if udp._allocator is None or not data:
            cb = udp.on_receive
            cb(udp, _SUCCESS, address, data, 0)
        else:
            data, flags = _receive_custom(udp, data, 0)
            cb = udp.on_receive
            cb(udp, _SUCCESS, address, data, _udp_flags(flags) if flags else 0)
    except BaseException as exc:
        return exc


def _receive_custom(udp, data, flags):
    """A datagram through the handle's own allocator (see _read_custom): one
    buffer per datagram; a buffer too small truncates it (PARTIAL)."""
    allocator = udp._allocator
    total = len(data)
    buffer = allocator.allocate(udp, total)
    view = memoryview(buffer).cast("B")
    n = min(len(view), total)
    if n <= 0:
        raise ValueError("%r.allocate() returned an empty buffer" % (allocator,))
    view[:n] = data[:n]
    view.release()
    if n < total:
        flags |= _PARTIAL
    return allocator.finalize(udp, n, buffer), flags


def poll(handle, status, events):
    try:
        cb = handle.on_event
        cb(handle, _status(status) if status else _SUCCESS, _poll_events(events))
    except BaseException as exc:
        return exc


def process_exit(process, returncode, signum):
    try:
        process._exited(returncode, signum)
    except BaseException as exc:
        return exc


def fs_event(handle, status, filename, events):
    try:
        handle._on_native_event(status, filename, events)
    except BaseException as exc:
        return exc


def fs_poll(handle, status, previous, current):
    try:
        handle.on_change(handle, _status(status) if status else _SUCCESS,
                         previous, current)
    except BaseException as exc:
        return exc


def later(loop):
    try:
        loop._run_later()
    except BaseException as exc:
        return exc


def collect(loop):
    """Only Asyncs nobody sent to keep *loop* alive: collect garbage, so that
    those nobody holds are closed (see uv.common.collect_garbage)."""
    try:
        collect_garbage()
    except BaseException as exc:
        return exc


def error(loop, exc):
    """A callback raised *exc*: hand it to the loop (never raises)."""
    try:
        loop._callback_error(exc)
    except BaseException:
        pass


make_error = _make_error


def install():
    helpers = dict((name, globals()[name]) for name in _uv.dispatch_names())
    _uv._setup(helpers)
