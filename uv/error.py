"""libuv's status codes and the exceptions that stand for them.

:class:`StatusCodes` lists every error code of the libuv in use (taken from
libuv's own table, so codes that a newer libuv adds appear by themselves) plus
``SUCCESS``.  A failing libuv call raises a :class:`UVError`; ``UVError(code)``
gives an instance of the most specific class for the code.  The classes follow
PEP 3151 and each also inherits the matching builtin, so that
``except FileNotFoundError`` or ``except ConnectionRefusedError`` catches the
errors of ``uv`` too.  Several classes here have the name of the builtin they
extend (``uv.error.FileNotFoundError`` is a ``builtins.FileNotFoundError``);
they are left out of ``__all__`` so that ``from uv.error import *`` does not
shadow the builtins.  Group classes (:class:`ConnectionError`,
:class:`AddressError`, :class:`NotFoundError`, :class:`NetworkError`,
:class:`SystemFailureError`, :class:`UnsupportedOperation`) catch a family.

``errno`` of an error is the OS error number where the code has one (libuv's
codes are ``-errno`` on Unix), the ``socket.EAI_*`` value for a resolver error
where the socket module has one, and the libuv code otherwise; ``strerror`` is
libuv's message, so ``str(error)`` reads like an ``OSError``:
``[Errno 22] invalid argument``.
"""
import builtins
import errno as _errno
from operator import index as _index
import socket as _socket

from uv._loader import _uv
from uv.common import Enumeration

__all__ = [
    "StatusCodes", "UVError",
    "ClosedStructureError", "ClosedHandleError", "HandleClosedError",
    "LoopClosedError", "ClosedLoopError", "LoopThreadError", "LoopRunningError",
    # groups
    "AddressError", "NotFoundError", "NetworkError", "SystemFailureError",
    "UnsupportedOperation",
    # leaves whose names do not shadow a builtin
    "ArgumentError", "NameTooLongError", "MessageTooLongError",
    "CharacterSetError", "TemporaryUnavailableError", "AlreadyInProgressError",
    "CanceledError", "BadFileDescriptorError", "NotASocketError",
    "ResourceBusyError", "NotEmptyError", "TooManySymbolicLinksError",
    "NoDataError", "NotConnectedError", "IsConnectedError",
    "AddressInUseError", "AddressUnavailableError", "AddressRequiredError",
    "AddressFamilyNotSupportedError", "AddressInfoError", "AddressNameError",
    "AddressInfoTemporaryError", "AddressInfoCanceledError",
    "AddressInfoArgumentError", "AddressInfoMemoryError",
    "AddressInfoNotSupportedError", "NetworkUnreachableError",
    "HostUnreachableError", "ProtocolError", "InputOutputError", "DeviceError",
    "NoSpaceError", "FileTooLargeError", "NoBufferSpaceError",
    "TooManyOpenFilesError", "TooManyLinksError", "NotSupportedError",
    "NotSeekableError", "NotATerminalError", "FileTypeError",
    "CrossDeviceLinkError",
]


# ---------------------------------------------------------------------------
# StatusCodes

class _StatusCodes(Enumeration):
    # The behaviour of StatusCodes; its members are made from libuv's table
    # below with the functional API (an enumeration without members may be
    # subclassed).

    @property
    def exception(self):
        """The :class:`UVError` subclass raised for this code."""
        return _CLASS_OF_CODE.get(self._value_, UVError)

    @property
    def message(self):
        """libuv's message for this code (``uv_strerror``)."""
        return _MESSAGES[self._value_]

    @classmethod
    def get(cls, code):
        """The member for *code*: ``SUCCESS`` for a falsy code (0, None), the
        plain int for a code this libuv does not list.

        :raises TypeError: *code* is not an integer"""
        if not code:
            return _SUCCESS
        if type(code) is not int:
            code = _index(code)
        member = cls._value2member_map_.get(code)
        if member is None:
            return int(code)
        return member

    @classmethod
    def from_error_number(cls, number):
        """The member for a positive OS error number (``errno.ENOENT`` gives
        ``ENOENT``); for a number libuv has no name for, what libuv reports
        for it on Unix (``-number``, as a plain int)."""
        member = _MEMBER_OF_ERRNO.get(number)
        if member is None:
            return cls.get(-int(number))
        return member


_TABLE = [(str(name), int(code)) for name, code in _uv.error_table()]

StatusCodes = _StatusCodes("StatusCodes", [("SUCCESS", 0)] + _TABLE,
                           module=__name__, qualname="StatusCodes")
StatusCodes.__doc__ = """\
libuv's status codes: ``SUCCESS`` (0) and every error code of the libuv in use
under its libuv name (``EAGAIN``, ``ENOENT``, ``EOF``, ``EAI_NONAME``, ...).
Members have ``.exception`` (the class raised for the code) and ``.message``
(libuv's message)."""

_SUCCESS = StatusCodes.SUCCESS


def _libuv_message(code):
    try:
        return str(_uv.strerror(code))
    except (OverflowError, TypeError, ValueError):
        return "unknown error %s" % (code,)


_MESSAGES = {0: "success"}
for _name, _code in _TABLE:
    _MESSAGES.setdefault(_code, _libuv_message(_code))

# errno of each code (see the module docstring) and member of each errno
_ERRNO_OF_CODE = {}
_MEMBER_OF_ERRNO = {}
for _member in StatusCodes:
    _name = _member.name
    if _name.startswith("EAI_"):
        _number = _socket.__dict__.get(_name)
    else:
        _number = _errno.__dict__.get(_name)
        if isinstance(_number, int) and _number > 0:
            _MEMBER_OF_ERRNO.setdefault(_number, _member)
    if isinstance(_number, int) and not isinstance(_number, bool):
        _ERRNO_OF_CODE[_member._value_] = _number


def _status(code):
    if not isinstance(code, int):
        raise TypeError("a libuv status code (int or StatusCodes) is "
                        "required, not %s" % type(code).__name__)
    return StatusCodes.get(code)


# ---------------------------------------------------------------------------
# UVError
#
# Each class lists the names of the codes it stands for in _codes (a name
# the libuv in use lacks is skipped); UVError(code) picks the class of the
# code.  A class called without a code uses its first code.

class UVError(OSError):
    """An error reported by libuv.

    ``UVError(code, message=None, filename=None, filename2=None)`` returns an
    instance of the most specific subclass for *code* (an int or a
    :class:`StatusCodes` member); a subclass called without a code uses its
    own.  Attributes: ``code`` (the member, or the plain int for a code
    unknown here), ``name`` (the code's name, ``'UNKNOWN'`` for an unknown
    int), ``message`` (libuv's message), and ``OSError``'s ``errno``,
    ``strerror``, ``filename``, ``filename2``.
    """

    _codes = ("UNKNOWN",)
    _message = None

    def __new__(cls, code=None, message=None, filename=None, filename2=None):
        if code is None:
            status = cls._default_code
        else:
            status = _status(code)
            mapped = _CLASS_OF_CODE.get(status, UVError)
            if mapped is not cls and issubclass(mapped, cls):
                cls = mapped
        if message is None:
            if code is None and cls._message is not None:
                message = cls._message
            else:
                message = _MESSAGES.get(status)
                if message is None:
                    message = _libuv_message(status)
        number = _ERRNO_OF_CODE.get(status)
        if number is None:
            number = int(status)
        # OSError.__new__ with two arguments sets args, errno and strerror;
        # it only swaps in a builtin subclass when called for OSError itself.
        self = OSError.__new__(cls, number, message)
        self.errno = number
        self.strerror = message
        if filename is not None:
            self.filename = filename
        if filename2 is not None:
            self.filename2 = filename2
        self.code = status
        self.message = message
        return self

    def __init__(self, code=None, message=None, filename=None, filename2=None):
        # everything is done in __new__; OSError.__init__ has nothing to add
        pass

    @property
    def name(self):
        """The name of the code (``'UNKNOWN'`` for a code libuv lacks)."""
        code = self.code
        if isinstance(code, StatusCodes):
            return code.name
        return "UNKNOWN"

    def __reduce__(self):
        state = {key: value for key, value in self.__dict__.items()
                 if key not in ("code", "message")}
        return (type(self),
                (int(self.code), self.message, self.filename, self.filename2),
                state or None)


UVError._default_code = StatusCodes.UNKNOWN


# -- groups -----------------------------------------------------------------

class ConnectionError(UVError, builtins.ConnectionError):
    """A connection-related error (``builtins.ConnectionError`` too)."""
    _codes = ()


class AddressError(UVError):
    """An error about a network address or its resolution."""
    _codes = ()


class NotFoundError(UVError):
    """Something (file, process, name, data) does not exist."""
    _codes = ()


class NetworkError(UVError):
    """The network, a host or a protocol failed."""
    _codes = ()


class SystemFailureError(UVError):
    """The system failed or ran out of a resource."""
    _codes = ()


class UnsupportedOperation(UVError):
    """The operation is not supported for this object or system."""
    _codes = ()


# -- invalid arguments --------------------------------------------------------

class ArgumentError(UVError, builtins.ValueError):
    """An invalid argument (``ValueError`` too)."""
    _codes = ("EINVAL", "E2BIG", "EFAULT", "ERANGE", "EOVERFLOW")


class NameTooLongError(ArgumentError):
    """A name or path is too long (ENAMETOOLONG)."""
    _codes = ("ENAMETOOLONG",)


class MessageTooLongError(ArgumentError):
    """A message (datagram) is too long (EMSGSIZE)."""
    _codes = ("EMSGSIZE",)


class CharacterSetError(ArgumentError):
    """An invalid character or byte sequence (ECHARSET, EILSEQ)."""
    _codes = ("ECHARSET", "EILSEQ")


# -- would block, canceled, interrupted, timed out ---------------------------

class TemporaryUnavailableError(UVError, builtins.BlockingIOError):
    """The resource is temporarily unavailable; try again (EAGAIN)."""
    _codes = ("EAGAIN",)


class CanceledError(UVError):
    """The operation was canceled (ECANCELED)."""
    _codes = ("ECANCELED",)


class InterruptedError(UVError, builtins.InterruptedError):
    """A system call was interrupted (EINTR)."""
    _codes = ("EINTR",)


class TimeoutError(UVError, builtins.TimeoutError):
    """The operation timed out (ETIMEDOUT)."""
    _codes = ("ETIMEDOUT",)


class EOFError(UVError, builtins.EOFError):
    """End of file or stream (EOF)."""
    _codes = ("EOF",)


# -- files and handles --------------------------------------------------------

class PermissionError(UVError, builtins.PermissionError):
    """Not permitted (EACCES, EPERM, EROFS)."""
    _codes = ("EACCES", "EPERM", "EROFS")


class BadFileDescriptorError(UVError):
    """A bad file descriptor (EBADF)."""
    _codes = ("EBADF",)


class NotASocketError(BadFileDescriptorError):
    """A socket operation on something that is not a socket (ENOTSOCK)."""
    _codes = ("ENOTSOCK",)


class ResourceBusyError(UVError):
    """The resource is busy or locked (EBUSY, ETXTBSY)."""
    _codes = ("EBUSY", "ETXTBSY")


class FileExistsError(UVError, builtins.FileExistsError):
    """The file already exists (EEXIST)."""
    _codes = ("EEXIST",)


class FileNotFoundError(NotFoundError, builtins.FileNotFoundError):
    """No such file or directory (ENOENT)."""
    _codes = ("ENOENT",)


class ProcessLookupError(NotFoundError, builtins.ProcessLookupError):
    """No such process (ESRCH)."""
    _codes = ("ESRCH",)


class NoDataError(NotFoundError):
    """No data available, e.g. no such attribute (ENODATA)."""
    _codes = ("ENODATA",)


class IsADirectoryError(UVError, builtins.IsADirectoryError):
    """The operation does not apply to a directory (EISDIR)."""
    _codes = ("EISDIR",)


class NotADirectoryError(UVError, builtins.NotADirectoryError):
    """Not a directory (ENOTDIR)."""
    _codes = ("ENOTDIR",)


class NotEmptyError(UVError):
    """The directory is not empty (ENOTEMPTY)."""
    _codes = ("ENOTEMPTY",)


class TooManySymbolicLinksError(UVError):
    """Too many symbolic links met while resolving a path (ELOOP)."""
    _codes = ("ELOOP",)


# -- connections --------------------------------------------------------------

class BrokenPipeError(ConnectionError, builtins.BrokenPipeError):
    """Writing to a closed pipe or shut-down socket (EPIPE, ESHUTDOWN)."""
    _codes = ("EPIPE", "ESHUTDOWN")


class ConnectionRefusedError(ConnectionError, builtins.ConnectionRefusedError):
    """The peer refused the connection (ECONNREFUSED)."""
    _codes = ("ECONNREFUSED",)


class ConnectionResetError(ConnectionError, builtins.ConnectionResetError):
    """The peer reset the connection (ECONNRESET)."""
    _codes = ("ECONNRESET",)


class ConnectionAbortedError(ConnectionError, builtins.ConnectionAbortedError):
    """The connection was aborted (ECONNABORTED)."""
    _codes = ("ECONNABORTED",)


class NotConnectedError(ConnectionError):
    """The socket is not connected (ENOTCONN)."""
    _codes = ("ENOTCONN",)


class IsConnectedError(ConnectionError):
    """The socket is already connected (EISCONN)."""
    _codes = ("EISCONN",)


class AlreadyInProgressError(ConnectionError, builtins.BlockingIOError):
    """A connection is already in progress (EALREADY; ``BlockingIOError``
    too, as in PEP 3151)."""
    _codes = ("EALREADY",)


# -- addresses and name resolution ----------------------------------------------

class AddressInUseError(AddressError):
    """The address is already in use (EADDRINUSE)."""
    _codes = ("EADDRINUSE",)


class AddressUnavailableError(AddressError):
    """The address is not available here (EADDRNOTAVAIL)."""
    _codes = ("EADDRNOTAVAIL",)


class AddressRequiredError(AddressError, ArgumentError):
    """A destination address is required (EDESTADDRREQ)."""
    _codes = ("EDESTADDRREQ",)


class NotSupportedError(UnsupportedOperation):
    """The operation, protocol or option is not supported (ENOTSUP, ENOSYS,
    EPROTONOSUPPORT, ESOCKTNOSUPPORT, EPROTOTYPE, ENOPROTOOPT)."""
    _codes = ("ENOTSUP", "ENOSYS", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT",
              "EPROTOTYPE", "ENOPROTOOPT")


class AddressFamilyNotSupportedError(AddressError, NotSupportedError):
    """The address family is not supported (EAFNOSUPPORT)."""
    _codes = ("EAFNOSUPPORT",)


class MemoryError(SystemFailureError, builtins.MemoryError):
    """Out of memory (ENOMEM; ``builtins.MemoryError`` too)."""
    _codes = ("ENOMEM",)


class AddressInfoError(AddressError, _socket.gaierror):
    """A name resolution (getaddrinfo/getnameinfo) error: the EAI_* codes
    (``socket.gaierror`` too).  Itself for EAI_FAIL."""
    _codes = ("EAI_FAIL",)


class AddressNameError(AddressInfoError, NotFoundError):
    """The name or service is not known, or has no address (EAI_NONAME,
    EAI_NODATA)."""
    _codes = ("EAI_NONAME", "EAI_NODATA")


class AddressInfoTemporaryError(AddressInfoError, TemporaryUnavailableError):
    """A temporary failure of name resolution (EAI_AGAIN)."""
    _codes = ("EAI_AGAIN",)


class AddressInfoCanceledError(AddressInfoError, CanceledError):
    """The name resolution was canceled (EAI_CANCELED)."""
    _codes = ("EAI_CANCELED",)


class AddressInfoArgumentError(AddressInfoError, ArgumentError):
    """Invalid flags, hints or buffer for name resolution (EAI_BADFLAGS,
    EAI_BADHINTS, EAI_OVERFLOW)."""
    _codes = ("EAI_BADFLAGS", "EAI_BADHINTS", "EAI_OVERFLOW")


class AddressInfoMemoryError(AddressInfoError, MemoryError):
    """Out of memory during name resolution (EAI_MEMORY)."""
    _codes = ("EAI_MEMORY",)


class AddressInfoNotSupportedError(AddressInfoError, NotSupportedError):
    """The family, socket type, service or protocol is not supported for
    name resolution (EAI_FAMILY, EAI_ADDRFAMILY, EAI_SOCKTYPE, EAI_SERVICE,
    EAI_PROTOCOL)."""
    _codes = ("EAI_FAMILY", "EAI_ADDRFAMILY", "EAI_SOCKTYPE", "EAI_SERVICE",
              "EAI_PROTOCOL")


# -- network ----------------------------------------------------------------

class NetworkUnreachableError(NetworkError):
    """The network is down or unreachable (ENETDOWN, ENETUNREACH, ENONET)."""
    _codes = ("ENETUNREACH", "ENETDOWN", "ENONET")


class HostUnreachableError(NetworkError):
    """The host is down or unreachable (EHOSTUNREACH, EHOSTDOWN)."""
    _codes = ("EHOSTUNREACH", "EHOSTDOWN")


class ProtocolError(NetworkError):
    """A protocol error (EPROTO)."""
    _codes = ("EPROTO",)


# -- system failures and exhausted resources -----------------------------------

class InputOutputError(SystemFailureError):
    """An input/output error (EIO, EREMOTEIO)."""
    _codes = ("EIO", "EREMOTEIO")


class DeviceError(SystemFailureError):
    """No such device or address, or no driver (ENXIO, ENODEV, EUNATCH)."""
    _codes = ("ENXIO", "ENODEV", "EUNATCH")


class NoSpaceError(SystemFailureError):
    """No space left on the device (ENOSPC)."""
    _codes = ("ENOSPC",)


class FileTooLargeError(SystemFailureError):
    """The file is too large (EFBIG)."""
    _codes = ("EFBIG",)


class NoBufferSpaceError(SystemFailureError):
    """No buffer space available (ENOBUFS)."""
    _codes = ("ENOBUFS",)


class TooManyOpenFilesError(SystemFailureError):
    """Too many open files in the process or system (EMFILE, ENFILE)."""
    _codes = ("EMFILE", "ENFILE")


class TooManyLinksError(SystemFailureError):
    """Too many links (EMLINK)."""
    _codes = ("EMLINK",)


# -- unsupported operations ---------------------------------------------------

class NotSeekableError(UnsupportedOperation):
    """The file cannot seek (ESPIPE)."""
    _codes = ("ESPIPE",)


class NotATerminalError(UnsupportedOperation):
    """An inappropriate I/O control operation for the device (ENOTTY)."""
    _codes = ("ENOTTY",)


class FileTypeError(UnsupportedOperation):
    """An inappropriate file type or format (EFTYPE, ENOEXEC)."""
    _codes = ("EFTYPE", "ENOEXEC")


class CrossDeviceLinkError(UnsupportedOperation):
    """A link or rename across file systems (EXDEV)."""
    _codes = ("EXDEV",)


# -- closed structures ----------------------------------------------------------

class ClosedStructureError(UVError):
    """An operation on a closed handle or loop (code EINVAL)."""
    _codes = ()
    _default = "EINVAL"
    _message = "invalid operation on closed structure"


class ClosedHandleError(ClosedStructureError):
    """An operation on a handle that is closing or closed."""
    _codes = ()


class LoopClosedError(ClosedStructureError):
    """An operation on (or a handle created for) a closed loop."""
    _codes = ()


HandleClosedError = ClosedHandleError
ClosedLoopError = LoopClosedError


# -- misuse of a loop -------------------------------------------------------

class LoopThreadError(RuntimeError):
    """A handle or loop was used from a thread other than the one running
    its loop (only ``Async.send()`` and ``Loop.call_later()`` may be)."""


class LoopRunningError(RuntimeError):
    """The loop is running: ``run()`` re-entered, ``close()`` of a running
    loop."""


# ---------------------------------------------------------------------------
# code -> class

def _all_classes(root):
    seen, order, todo = set(), [], [root]
    while todo:
        cls = todo.pop(0)
        if cls in seen:
            continue
        seen.add(cls)
        order.append(cls)
        todo.extend(cls.__subclasses__())
    return order


_CLASS_OF_CODE = {}


def _register():
    for cls in _all_classes(UVError):
        if cls.__module__ != __name__:
            continue
        names = list(cls.__dict__.get("_codes", ()))
        default = cls.__dict__.get("_default")
        for name in names:
            member = StatusCodes.__members__.get(name)
            if member is None:  # not in the libuv in use
                continue
            if member._value_ in _CLASS_OF_CODE:
                raise AssertionError("%s is mapped twice" % name)
            _CLASS_OF_CODE[member._value_] = cls
            if default is None:
                default = name
        if default is not None and default in StatusCodes.__members__:
            cls._default_code = StatusCodes[default]


_register()

del _name, _code, _member, _number


# ---------------------------------------------------------------------------
# the C layer's entry point

_ERR_CLOSED_HANDLE = 1
_ERR_CLOSED_LOOP = 2
_ERR_WRONG_THREAD = 3
_ERR_RUNNING = 4

_WRONG_THREAD_MESSAGE = (
    "a handle or loop was used from a thread other than the one running its "
    "loop; only Async.send() and Loop.call_later() may be called from other "
    "threads")


def _make_error(code):
    """The exception instance for a libuv status (negative) or one of the
    pseudo statuses of the C layer (1: closed handle, 2: closed loop,
    3: wrong thread, 4: loop running).  Returns it; does not raise."""
    if code > 0:
        if code == _ERR_CLOSED_HANDLE:
            return ClosedHandleError()
        if code == _ERR_CLOSED_LOOP:
            return LoopClosedError()
        if code == _ERR_WRONG_THREAD:
            return LoopThreadError(_WRONG_THREAD_MESSAGE)
        if code == _ERR_RUNNING:
            return LoopRunningError("the loop is already running")
    return UVError(code)
