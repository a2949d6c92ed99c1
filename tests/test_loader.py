"""The loader: one binary, loaded with hpy.universal on every interpreter."""
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


def test_binary_is_the_universal_module_in_the_package():
    assert _loader._FILE.endswith(os.path.join("uv", "_uv.hpy0.so"))
    assert os.path.samefile(os.path.dirname(_loader._FILE), os.path.dirname(uv.__file__))
    assert sys.modules["uv._uv"] is _loader._uv


def test_import_does_not_use_pkg_resources():
    r = _run(sys.executable, "import sys, uv; print('pkg_resources' in sys.modules)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


def test_hpy_debug_environment_loads_debug_mode():
    code = ("import uv, uv._loader as l; t = uv.Timer(); t.start(1); "
            "uv.Loop.get_current().run(); print(l.debug_mode())")
    r = _run(sys.executable, code, HPY="debug")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "True"


def _cpython_313():
    found = []
    for pattern in ("~/.pyenv/versions/3.1[3-9]*/bin/python3.1[3-9]",
                    "/usr/bin/python3.1[3-9]", "/usr/local/bin/python3.1[3-9]"):
        found += glob.glob(os.path.expanduser(pattern))
    for name in ("python3.13", "python3.14"):
        path = shutil.which(name)
        if path:
            found.append(path)
    return found[0] if found else None


@pytest.mark.skipif(_cpython_313() is None,
                    reason="no CPython 3.13 or newer on this machine to try")
def test_cpython_313_import_fails_with_an_explanation_not_a_crash():
    r = _run(_cpython_313(), "import uv")
    assert r.returncode == 1, (r.returncode, r.stderr)   # not a signal
    assert "ImportError" in r.stderr
    assert "CPython 3.1" in r.stderr and "hpy 0.9.0" in r.stderr
