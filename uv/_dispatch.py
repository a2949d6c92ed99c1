"""The functions through which the native layer calls Python.

Each libuv callback reaches Python through one of these helpers.  A helper
calls the user's callback and returns the exception it raised, or ``None``:
HPy 0.9 has no way to fetch an exception object in C, and returning it keeps
its traceback intact on CPython and PyPy.  The native layer hands a returned
exception to :func:`error`, which gives it to the loop (``excepthook``,
``exc_*``, stopping the loop).

They are installed once with ``_uv._setup`` when ``uv`` is imported, and are
kept as small as possible: they run for every callback.
"""
from ._loader import _uv
from .error import StatusCodes, _make_error

_status = StatusCodes.get
_SUCCESS = StatusCodes.SUCCESS


def idle(handle):
    try:
        handle.on_idle(handle)
    except BaseException as exc:
        return exc


def prepare(handle):
    try:
        handle.on_prepare(handle)
    except BaseException as exc:
        return exc


def check(handle):
    try:
        handle.on_check(handle)
    except BaseException as exc:
        return exc


def timeout(handle):
    try:
        handle.on_timeout(handle)
    except BaseException as exc:
        return exc


def wakeup(handle):
    try:
        handle.on_wakeup(handle)
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
    try:
        stream.on_read(stream, _status(status) if status else _SUCCESS, data)
    except BaseException as exc:
        return exc


def connection(stream, status):
    try:
        stream.on_connection(stream, _status(status))
    except BaseException as exc:
        return exc


def request(req, status):
    try:
        req._complete(_status(status))
    except BaseException as exc:
        return exc


def later(loop):
    try:
        loop._run_later()
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
