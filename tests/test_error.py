import builtins
import copy
import errno
import os
import pickle
import socket

import uv.error
from uv import error
from uv._loader import _uv
from uv.common import Enumeration
from uv.error import StatusCodes, UVError

TABLE = _uv.error_table()

# Codes of libuv 1.44 to 1.51: each must map to a class more specific than
# UVError (a code newer than these may fall back to UVError).
KNOWN_CODES = """
E2BIG EACCES EADDRINUSE EADDRNOTAVAIL EAFNOSUPPORT EAGAIN EAI_ADDRFAMILY
EAI_AGAIN EAI_BADFLAGS EAI_BADHINTS EAI_CANCELED EAI_FAIL EAI_FAMILY
EAI_MEMORY EAI_NODATA EAI_NONAME EAI_OVERFLOW EAI_PROTOCOL EAI_SERVICE
EAI_SOCKTYPE EALREADY EBADF EBUSY ECANCELED ECHARSET ECONNABORTED
ECONNREFUSED ECONNRESET EDESTADDRREQ EEXIST EFAULT EFBIG EHOSTUNREACH EINTR
EINVAL EIO EISCONN EISDIR ELOOP EMFILE EMSGSIZE ENAMETOOLONG ENETDOWN
ENETUNREACH ENFILE ENOBUFS ENODEV ENOENT ENOMEM ENONET ENOPROTOOPT ENOSPC
ENOSYS ENOTCONN ENOTDIR ENOTEMPTY ENOTSOCK ENOTSUP EOVERFLOW EPERM EPIPE
EPROTO EPROTONOSUPPORT EPROTOTYPE ERANGE EROFS ESHUTDOWN ESPIPE ESRCH
ETIMEDOUT ETXTBSY EXDEV EOF ENXIO EMLINK EHOSTDOWN EREMOTEIO ENOTTY EFTYPE
EILSEQ ESOCKTNOSUPPORT ENODATA EUNATCH ENOEXEC
""".split()

# The mapping of API.md section 2: class name -> codes it must cover.
MAPPING = {
    "ArgumentError": ["EINVAL", "E2BIG", "EFAULT", "EAI_OVERFLOW"],
    "TemporaryUnavailableError": ["EAGAIN", "EAI_AGAIN"],
    "CanceledError": ["ECANCELED", "EAI_CANCELED"],
    "PermissionError": ["EACCES", "EPERM", "EROFS"],
    "BadFileDescriptorError": ["EBADF"],
    "ResourceBusyError": ["EBUSY", "ETXTBSY"],
    "FileExistsError": ["EEXIST"],
    "FileNotFoundError": ["ENOENT"],
    "IsADirectoryError": ["EISDIR"],
    "NotADirectoryError": ["ENOTDIR"],
    "NotEmptyError": ["ENOTEMPTY"],
    "InterruptedError": ["EINTR"],
    "TimeoutError": ["ETIMEDOUT"],
    "ProcessLookupError": ["ESRCH"],
    "BrokenPipeError": ["EPIPE", "ESHUTDOWN"],
    "ConnectionRefusedError": ["ECONNREFUSED"],
    "ConnectionResetError": ["ECONNRESET"],
    "ConnectionAbortedError": ["ECONNABORTED"],
    "NotConnectedError": ["ENOTCONN"],
    "IsConnectedError": ["EISCONN"],
    "AddressInUseError": ["EADDRINUSE"],
    "AddressUnavailableError": ["EADDRNOTAVAIL"],
    "AddressNameError": ["EAI_NONAME"],
    "EOFError": ["EOF"],
    "MemoryError": ["ENOMEM"],
    "TooManyOpenFilesError": ["EMFILE", "ENFILE"],
    "NotSupportedError": ["ENOTSUP", "ENOSYS"],
    "NetworkError": ["ENETDOWN", "ENETUNREACH", "EHOSTUNREACH"],
    "SystemFailureError": ["EIO", "ENXIO", "ENOSPC"],
    "AddressError": ["EADDRINUSE", "EADDRNOTAVAIL", "EAI_NONAME"],
    "ConnectionError": ["ECONNREFUSED", "ECONNRESET", "ECONNABORTED",
                        "EPIPE", "ENOTCONN", "EISCONN"],
    "NotFoundError": ["ENOENT", "ESRCH"],
    "UnsupportedOperation": ["ENOTSUP", "ENOSYS"],
}

# uv class name -> builtin it must also be
BUILTINS = {
    "ArgumentError": ValueError,
    "TemporaryUnavailableError": BlockingIOError,
    "PermissionError": builtins.PermissionError,
    "FileExistsError": builtins.FileExistsError,
    "FileNotFoundError": builtins.FileNotFoundError,
    "IsADirectoryError": builtins.IsADirectoryError,
    "NotADirectoryError": builtins.NotADirectoryError,
    "InterruptedError": builtins.InterruptedError,
    "TimeoutError": builtins.TimeoutError,
    "ProcessLookupError": builtins.ProcessLookupError,
    "BrokenPipeError": builtins.BrokenPipeError,
    "ConnectionError": builtins.ConnectionError,
    "ConnectionRefusedError": builtins.ConnectionRefusedError,
    "ConnectionResetError": builtins.ConnectionResetError,
    "ConnectionAbortedError": builtins.ConnectionAbortedError,
    "EOFError": builtins.EOFError,
    "MemoryError": builtins.MemoryError,
    "AddressInfoError": socket.gaierror,
    "AddressNameError": socket.gaierror,
}


def raises(exc_type, func, *args, **kwargs):
    try:
        func(*args, **kwargs)
    except exc_type as exc:
        return exc
    raise AssertionError("%r did not raise %s" % (func, exc_type.__name__))


def caught_by(exc, exc_type):
    """Raise exc and tell whether `except exc_type` catches it."""
    try:
        try:
            raise exc
        except exc_type:
            return True
    except BaseException:
        return False


# -- StatusCodes ---------------------------------------------------------------

def test_table_is_sane():
    assert len(TABLE) >= 70
    names = [name for name, code in TABLE]
    assert len(set(names)) == len(names)
    for name, code in TABLE:
        assert isinstance(name, str) and isinstance(code, int)
        assert code < 0
    for name in ("EAGAIN", "ENOENT", "EOF", "ECANCELED", "EAI_NONAME"):
        assert name in names


def test_status_codes_is_enumeration():
    assert issubclass(StatusCodes, Enumeration)
    assert StatusCodes.SUCCESS == 0
    assert list(StatusCodes)[0] is StatusCodes.SUCCESS
    assert StatusCodes.__module__ == "uv.error"
    assert StatusCodes.__doc__


def test_every_code_round_trips():
    for name, code in TABLE:
        member = StatusCodes[name]
        assert member == code
        assert StatusCodes(code) is StatusCodes.get(code)
        assert StatusCodes.get(code) == code
        assert isinstance(StatusCodes.get(code), StatusCodes)
        assert getattr(StatusCodes, name) is member


def test_every_code_has_message():
    for name, code in TABLE:
        member = StatusCodes[name]
        assert isinstance(member.message, str) and member.message
        assert member.message == _uv.strerror(code)
    assert StatusCodes.EINVAL.message == "invalid argument"
    assert StatusCodes.SUCCESS.message


def test_every_code_maps_to_a_class():
    for name, code in TABLE:
        member = StatusCodes[name]
        cls = member.exception
        assert issubclass(cls, UVError)
        exc = UVError(code)
        assert type(exc) is cls
        assert exc.code is StatusCodes.get(code)
        assert exc.message == member.message
        assert exc.strerror == member.message
        assert UVError(member).code is exc.code
        if name in KNOWN_CODES and name != "UNKNOWN":
            assert cls is not UVError, name
    assert StatusCodes.UNKNOWN.exception is UVError


def test_err_name_agrees():
    for name, code in TABLE:
        assert _uv.err_name(code) == name


def test_get():
    assert StatusCodes.get(0) is StatusCodes.SUCCESS
    assert StatusCodes.get(None) is StatusCodes.SUCCESS
    assert StatusCodes.get(StatusCodes.SUCCESS) is StatusCodes.SUCCESS
    unknown = StatusCodes.get(-99999)
    assert unknown == -99999 and type(unknown) is int
    assert StatusCodes.get(StatusCodes.EINVAL.value) is StatusCodes.EINVAL
    assert StatusCodes.get(StatusCodes.EOF) is StatusCodes.EOF


def test_from_error_number():
    assert StatusCodes.from_error_number(errno.ENOENT) is StatusCodes.ENOENT
    assert StatusCodes.from_error_number(errno.EINVAL) is StatusCodes.EINVAL
    assert (StatusCodes.from_error_number(errno.ECONNREFUSED)
            is StatusCodes.ECONNREFUSED)
    assert StatusCodes.from_error_number(errno.EAGAIN) is StatusCodes.EAGAIN
    if os.name == "posix":
        for name, code in TABLE:
            number = getattr(errno, name, None)
            if number is not None:
                assert StatusCodes.from_error_number(number) == code, name
    unknown = StatusCodes.from_error_number(99999)
    assert type(unknown) is int


# -- UVError ---------------------------------------------------------------

def test_uverror_is_oserror():
    exc = UVError(StatusCodes.EINVAL)
    assert isinstance(exc, OSError)
    assert isinstance(exc, UVError)


def test_catch_by_builtins():
    checks = [
        ("ECONNREFUSED", builtins.ConnectionRefusedError),
        ("ECONNREFUSED", builtins.ConnectionError),
        ("ECONNREFUSED", error.ConnectionError),
        ("ECONNRESET", builtins.ConnectionResetError),
        ("ECONNABORTED", builtins.ConnectionAbortedError),
        ("EPIPE", builtins.BrokenPipeError),
        ("ENOENT", builtins.FileNotFoundError),
        ("EEXIST", builtins.FileExistsError),
        ("EISDIR", builtins.IsADirectoryError),
        ("ENOTDIR", builtins.NotADirectoryError),
        ("EACCES", builtins.PermissionError),
        ("EPERM", builtins.PermissionError),
        ("EINTR", builtins.InterruptedError),
        ("ETIMEDOUT", builtins.TimeoutError),
        ("ESRCH", builtins.ProcessLookupError),
        ("EAGAIN", builtins.BlockingIOError),
        ("EINVAL", ValueError),
        ("EAI_NONAME", socket.gaierror),
        ("EAI_AGAIN", socket.gaierror),
        ("EOF", builtins.EOFError),
        ("ENOMEM", builtins.MemoryError),
        ("EBADF", OSError),
    ]
    for name, exc_type in checks:
        exc = UVError(StatusCodes[name])
        assert caught_by(exc, exc_type), (name, exc_type)
        assert caught_by(exc, UVError), name
    assert not caught_by(UVError(StatusCodes.ENOENT), ValueError)
    assert not caught_by(UVError(StatusCodes.EINVAL),
                         builtins.FileNotFoundError)


def test_connection_refused_example():
    try:
        raise UVError(StatusCodes.ECONNREFUSED)
    except ConnectionRefusedError as exc:
        assert isinstance(exc, uv.error.ConnectionError)
        assert isinstance(exc, uv.error.ConnectionRefusedError)
        assert exc.code is StatusCodes.ECONNREFUSED
        assert exc.name == "ECONNREFUSED"


def test_mapping_of_api():
    for class_name, names in MAPPING.items():
        cls = getattr(error, class_name)
        assert issubclass(cls, UVError), class_name
        for name in names:
            exc = UVError(StatusCodes[name])
            assert isinstance(exc, cls), (class_name, name, type(exc))


def test_classes_inherit_builtins():
    for class_name, builtin in BUILTINS.items():
        cls = getattr(error, class_name)
        assert issubclass(cls, builtin), class_name
        assert issubclass(cls, UVError), class_name


def test_group_classes():
    for class_name in ("ConnectionError", "AddressError", "NotFoundError",
                       "NetworkError", "SystemFailureError",
                       "UnsupportedOperation", "AddressInfoError"):
        cls = getattr(error, class_name)
        assert issubclass(cls, UVError)
        assert cls.__doc__
    assert issubclass(error.AddressNameError, error.AddressInfoError)
    assert issubclass(error.AddressInfoError, error.AddressError)
    assert issubclass(error.FileNotFoundError, error.NotFoundError)
    for name, code in TABLE:
        if name.startswith("EAI_"):
            exc = UVError(code)
            assert isinstance(exc, error.AddressInfoError), name
            assert isinstance(exc, socket.gaierror), name


def test_class_docstrings():
    for value in vars(error).values():
        if isinstance(value, type) and issubclass(value, BaseException):
            if value.__module__ == "uv.error":
                assert value.__doc__, value
    assert error.__doc__


def test_str_and_oserror_fields():
    exc = UVError(StatusCodes.EINVAL)
    assert exc.message == "invalid argument"
    assert exc.strerror == "invalid argument"
    assert exc.errno == errno.EINVAL
    assert str(exc) == "[Errno %d] invalid argument" % errno.EINVAL
    exc = UVError(StatusCodes.ENOENT)
    assert exc.errno == errno.ENOENT
    assert str(exc) == "[Errno %d] no such file or directory" % errno.ENOENT
    assert type(exc.errno) is int
    exc = UVError(StatusCodes.EOF)
    assert str(exc) == "[Errno %d] end of file" % StatusCodes.EOF.value


def test_filename_and_message_arguments():
    exc = UVError(StatusCodes.ENOENT, filename="missing.txt")
    assert exc.filename == "missing.txt"
    assert str(exc) == ("[Errno %d] no such file or directory: 'missing.txt'"
                        % errno.ENOENT)
    exc = UVError(StatusCodes.EINVAL, "custom message")
    assert exc.message == exc.strerror == "custom message"
    assert str(exc) == "[Errno %d] custom message" % errno.EINVAL


def test_unknown_code():
    exc = UVError(-99999)
    assert type(exc) is UVError
    assert exc.code == -99999 and type(exc.code) is int
    assert exc.name == "UNKNOWN"
    assert exc.errno == -99999
    assert exc.message
    assert str(exc).startswith("[Errno -99999] ")


def test_subclass_called_directly():
    exc = error.ArgumentError()
    assert type(exc) is error.ArgumentError
    assert exc.code is StatusCodes.EINVAL
    assert exc.name == "EINVAL"
    assert str(exc) == "[Errno %d] invalid argument" % errno.EINVAL
    exc = error.ArgumentError(StatusCodes.E2BIG)
    assert type(exc) is error.ArgumentError
    assert exc.code is StatusCodes.E2BIG
    exc = error.FileNotFoundError()
    assert exc.code is StatusCodes.ENOENT
    assert isinstance(exc, builtins.FileNotFoundError)
    exc = error.ConnectionRefusedError()
    assert exc.code is StatusCodes.ECONNREFUSED
    assert caught_by(exc, builtins.ConnectionRefusedError)
    # a group called with a code of one of its members gives that member
    exc = error.ConnectionError(StatusCodes.ECONNRESET)
    assert type(exc) is error.ConnectionResetError
    # a class called with a code of another family keeps the class
    exc = error.FileNotFoundError(StatusCodes.EINVAL)
    assert type(exc) is error.FileNotFoundError
    assert exc.code is StatusCodes.EINVAL
    # every mapped class can be created without arguments
    for name, code in TABLE:
        cls = StatusCodes[name].exception
        exc = cls()
        assert type(exc) is cls
        assert cls is UVError or exc.code.exception is cls


def test_uverror_without_code():
    exc = UVError()
    assert type(exc) is UVError
    assert exc.code is StatusCodes.UNKNOWN


def test_code_must_be_int():
    raises(TypeError, UVError, "EINVAL")
    raises(TypeError, UVError, 1.5)


def test_oserror_not_disturbed():
    # OSError(errno, ...) still picks the builtin subclasses on its own
    assert type(OSError(errno.ENOENT, "x")) is builtins.FileNotFoundError
    assert type(OSError(errno.ECONNREFUSED, "x")) is builtins.ConnectionRefusedError


def test_pickle_and_copy():
    for name, code in TABLE:
        exc = UVError(code)
        again = pickle.loads(pickle.dumps(exc))
        assert type(again) is type(exc)
        assert again.code is exc.code
        assert str(again) == str(exc)
    exc = UVError(StatusCodes.ENOENT, filename="x")
    again = copy.copy(exc)
    assert type(again) is error.FileNotFoundError
    assert again.filename == "x" and str(again) == str(exc)
    exc = error.ClosedHandleError()
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is error.ClosedHandleError
    assert again.message == exc.message
    assert pickle.loads(pickle.dumps(StatusCodes.EOF)) is StatusCodes.EOF


# -- closed structures and loop misuse ----------------------------------------------

def test_closed_errors():
    for cls in (error.ClosedStructureError, error.ClosedHandleError,
                error.LoopClosedError):
        exc = cls()
        assert type(exc) is cls
        assert isinstance(exc, error.ClosedStructureError)
        assert isinstance(exc, UVError)
        assert exc.code is StatusCodes.EINVAL
        assert exc.message == "invalid operation on closed structure"
        assert str(exc) == ("[Errno %d] invalid operation on closed structure"
                            % errno.EINVAL)
    assert error.HandleClosedError is error.ClosedHandleError
    assert error.ClosedLoopError is error.LoopClosedError
    assert not issubclass(error.ClosedHandleError, error.LoopClosedError)
    assert not issubclass(error.LoopClosedError, error.ClosedHandleError)


def test_loop_misuse_errors():
    assert issubclass(error.LoopThreadError, RuntimeError)
    assert issubclass(error.LoopRunningError, RuntimeError)
    assert not issubclass(error.LoopThreadError, UVError)
    assert not issubclass(error.LoopRunningError, UVError)
    assert str(error.LoopThreadError("message")) == "message"


def test_make_error_pseudo_codes():
    exc = error._make_error(1)
    assert type(exc) is error.ClosedHandleError
    exc = error._make_error(2)
    assert type(exc) is error.LoopClosedError
    exc = error._make_error(3)
    assert type(exc) is error.LoopThreadError
    assert "Async.send()" in str(exc) and "Loop.call_later()" in str(exc)
    exc = error._make_error(4)
    assert type(exc) is error.LoopRunningError
    assert str(exc) == "the loop is already running"


def test_make_error_libuv_codes():
    for name, code in TABLE:
        exc = error._make_error(code)
        assert type(exc) is StatusCodes[name].exception
        assert exc.code is StatusCodes[name]
    exc = error._make_error(-99999)
    assert type(exc) is UVError and exc.name == "UNKNOWN"


def test_star_import_keeps_builtins():
    namespace = {}
    exec("from uv.error import *", namespace)
    assert "UVError" in namespace and "StatusCodes" in namespace
    for name in ("FileNotFoundError", "ConnectionError", "EOFError",
                 "MemoryError", "PermissionError", "TimeoutError"):
        assert name not in namespace
    for name in error.__all__:
        assert hasattr(error, name), name
