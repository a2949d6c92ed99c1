import enum
import os
import platform
import sys

from uv import common
from uv.common import Enumeration


def test_interpreter_flags():
    assert common.is_py2 is False
    assert common.is_py3 is True
    implementation = platform.python_implementation()
    assert common.is_pypy is (implementation == "PyPy")
    assert common.is_cpython is (implementation == "CPython")
    assert common.is_pypy != common.is_cpython


def test_platform_flags():
    assert common.is_posix is (os.name == "posix")
    assert common.is_nt is (os.name == "nt")
    assert common.is_linux is sys.platform.startswith("linux")
    assert common.is_win32 is (sys.platform == "win32")
    assert not (common.is_posix and common.is_nt)
    if common.is_linux:
        assert common.is_posix
    if common.is_win32:
        assert common.is_nt


def test_dummy_callback():
    assert common.dummy_callback() is None
    assert common.dummy_callback(1, "two", three=3) is None


class Colors(Enumeration):
    RED = 1
    GREEN = 2
    BLUE = 4


def test_enumeration_is_int_enum():
    assert issubclass(Enumeration, enum.IntEnum)
    assert Colors.GREEN == 2
    assert Colors.RED | Colors.BLUE == 5


def test_enumeration_get_member():
    assert Colors.get(1) is Colors.RED
    assert Colors.get(4) is Colors.BLUE
    assert Colors.get(Colors.GREEN) is Colors.GREEN


def test_enumeration_get_unknown_gives_int():
    value = Colors.get(3)
    assert value == 3
    assert type(value) is int
    value = Colors.get(-1)
    assert value == -1 and type(value) is int


def test_enumeration_get_unhashable():
    try:
        Colors.get([1])
    except TypeError:
        pass
    else:
        raise AssertionError("Enumeration.get([1]) did not raise TypeError")
