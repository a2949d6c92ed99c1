"""The loader: the universal binary, loaded with hpy.universal, on every
interpreter HPy 0.9 supports; the CPython-ABI build on CPython 3.13+."""
import glob
import os
import shutil
import subprocess
import sys

import pytest

import uv
from uv import _loader

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(uv.__file__)))


def _run(python, code, **env):
    environ = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    environ.pop("HPY", None)
    environ.update(env)
    return subprocess.run([python, "-c", code], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          env=environ, timeout=60)


UNIVERSAL_HERE = (sys.implementation.name == "pypy" or sys.version_info[:2] <= (3, 12))


@pytest.mark.skipif(os.environ.get("UV_BINARY", "auto") != "auto", reason="UV_BINARY is set")
def test_binary_is_the_one_for_this_interpreter_in_the_package():
    if UNIVERSAL_HERE:
        assert _loader.ABI == "universal"
        assert _loader._FILE.endswith(os.path.join("uv", "_uv.hpy0.so"))
    else:
        assert _loader.ABI == "cpython"
        assert os.path.basename(_loader._FILE).startswith("_uv.cpython-%d%d-" % sys.version_info[:2])
    assert os.path.samefile(os.path.dirname(_loader._FILE), os.path.dirname(uv.__file__))
    assert sys.modules["uv._uv"] is _loader._uv


def test_import_does_not_use_pkg_resources():
    r = _run(sys.executable, "import sys, uv; print('pkg_resources' in sys.modules)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


@pytest.mark.skipif(_loader.ABI != "universal", reason="only the universal binary has a debug mode")
def test_hpy_debug_environment_loads_debug_mode():
    code = ("import uv, uv._loader as l; t = uv.Timer(); t.start(1); "
            "uv.Loop.get_current().run(); print(l.debug_mode())")
    r = _run(sys.executable, code, HPY="debug")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "True"


def _cpython_313():
    if sys.implementation.name == "cpython" and sys.version_info >= (3, 13):
        return sys.executable
    found = []
    for pattern in ("~/.pyenv/versions/3.1[3-9]*/bin/python3.1[3-9]",
                    "/usr/bin/python3.1[3-9]", "/usr/local/bin/python3.1[3-9]"):
        found += glob.glob(os.path.expanduser(pattern))
    for name in ("python3.13", "python3.14"):
        path = shutil.which(name)
        if path:
            found.append(path)
    return found[0] if found else None


def _package_copy(tmp_path, keep):
    """A copy of the uv package in tmp_path with the binaries `keep` selects."""
    pkg = os.path.dirname(os.path.abspath(uv.__file__))
    dst = tmp_path / "uv"
    dst.mkdir()
    for name in os.listdir(pkg):
        if name.endswith(".py") or (name.endswith(".so") and keep(name)):
            shutil.copy(os.path.join(pkg, name), str(dst / name))
    return str(tmp_path)


def _run_in(path, python, code, **env):
    environ = dict(os.environ, PYTHONPATH=path)
    environ.pop("HPY", None)
    environ.pop("UV_BINARY", None)
    environ.update(env)
    return subprocess.run([python, "-c", code], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          env=environ, timeout=60, cwd=path)


@pytest.mark.skipif(_cpython_313() is None,
                    reason="no CPython 3.13 or newer on this machine to try")
def test_cpython_313_with_only_the_universal_binary_fails_with_an_explanation_not_a_crash(tmp_path):
    path = _package_copy(tmp_path, lambda name: name == "_uv.hpy0.so")
    r = _run_in(path, _cpython_313(), "import uv")
    assert r.returncode == 1, (r.returncode, r.stderr)   # not a signal
    assert "ImportError" in r.stderr
    assert "CPython 3.1" in r.stderr and "hpy 0.9.0" in r.stderr


def test_missing_binary_fails_with_an_explanation(tmp_path):
    path = _package_copy(tmp_path, lambda name: False)
    r = _run_in(path, sys.executable, "import uv")
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "ImportError" in r.stderr and "pip install" in r.stderr


@pytest.mark.parametrize("impl, version, choice, files, expected", [
    ("cpython", (3, 8), "auto", "universal", "universal"),
    ("cpython", (3, 12), "auto", "universal cpython", "universal"),
    ("cpython", (3, 12), "cpython", "universal cpython", "cpython"),
    ("cpython", (3, 11), "auto", "cpython", "cpython"),
    ("cpython", (3, 13), "auto", "universal cpython", "cpython"),
    ("cpython", (3, 14), "universal", "universal cpython", "universal"),
    ("pypy", (3, 11), "auto", "universal", "universal"),
])
def test_choose_picks_the_binary(impl, version, choice, files, expected):
    got = _loader.choose(impl, version, choice, "universal" in files, "cpython" in files)
    assert got == expected


@pytest.mark.parametrize("impl, version, choice, files, words", [
    ("cpython", (3, 7), "auto", "universal", ["CPython 3.8 or newer", "CPython 3.7"]),
    ("cpython", (3, 13), "auto", "universal", ["CPython 3.13", "hpy 0.9.0", "pip install"]),
    ("cpython", (3, 15), "auto", "", ["CPython 3.15", "CPython-ABI build"]),
    ("cpython", (3, 11), "auto", "", ["missing", "pip install"]),
    ("cpython", (3, 11), "cpython", "universal", ["UV_BINARY=cpython", "UV_HPY_ABI=cpython"]),
    ("cpython", (3, 13), "universal", "cpython", ["UV_BINARY=universal", "missing"]),
    ("pypy", (3, 11), "cpython", "universal cpython", ["UV_BINARY=cpython", "PyPy"]),
    ("pypy", (3, 11), "auto", "", ["universal binary", "missing"]),
    ("graalpy", (3, 11), "auto", "universal", ["not on graalpy"]),
    ("cpython", (3, 12), "fast", "universal", ["UV_BINARY=fast"]),
])
def test_choose_refuses_with_a_reason(impl, version, choice, files, words):
    with pytest.raises(ImportError) as info:
        _loader.choose(impl, version, choice, "universal" in files, "cpython" in files)
    for w in words:
        assert w in str(info.value)
