"""The types of uv: the ``.pyi`` stubs next to each module of ``uv/`` and
``py.typed`` (PEP 561).

- ``mypy.stubtest`` checks that the stubs and the runtime agree (every
  name, signature, default, enum member; tests/stubtest-allowlist.txt lists
  the differences that are on purpose, each with its reason);
- ``mypy --strict`` checks tests/typed_usage.py (a program that uses every
  public class and function of uv) and the programs of examples/ against the
  stubs;
- on every interpreter: typed_usage.py runs (what type-checks also works),
  names every public name of the package, and the package has its stubs
  and py.typed (in a wheel run: the installed package).

mypy (PyPI, requirements/typing.txt) runs on CPython 3.11 and 3.12, where
tools/setup-env.sh installs it into CACHE/typing/cpython-3.X: the stubs do
not depend on the interpreter, so the other runs skip the mypy tests and say
why.  The uv checked is the one this interpreter imports (the source tree,
or the installed wheel in the wheel runs, whose py.typed mypy then needs).
"""
import ast
import os
import re
import subprocess
import sys
import tempfile
import types

import pytest

import uv
import uv.aio

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.dirname(os.path.abspath(uv.__file__))
PACKAGE_PARENT = os.path.dirname(PACKAGE)
TYPED_USAGE = os.path.join(HERE, "typed_usage.py")
ALLOWLIST = os.path.join(HERE, "stubtest-allowlist.txt")
EXAMPLES = os.path.join(os.path.dirname(HERE), "examples")
TIME_SCALE = float(os.environ.get("UV_TEST_TIME_SCALE", "1"))
MYPY_TIMEOUT = 900 * TIME_SCALE

CACHE = os.environ.get("UV_CACHE_DIR") or os.path.join(
    os.path.expanduser("~"), ".cache", "libuv-hpy")
TYPING_MINORS = ((3, 11), (3, 12))
MINOR = "%d.%d" % sys.version_info[:2]
TYPING_SITE = os.path.join(CACHE, "typing", "cpython-" + MINOR)


def _why_no_mypy():
    if sys.implementation.name != "cpython":
        return ("mypy runs on CPython only (tools/setup-env.sh installs it for "
                "CPython 3.11 and 3.12; the stubs do not depend on the "
                "interpreter, so the CPython runs check them for %s too)"
                % sys.implementation.name)
    if sys.version_info[:2] not in TYPING_MINORS:
        return ("mypy is installed for CPython 3.11 and 3.12 only "
                "(requirements/typing.txt, tools/setup-env.sh); those runs "
                "check the stubs, which do not depend on the interpreter")
    if os.environ.get("HPY", "").strip().lower() in ("debug", "1:debug"):
        return ("the HPy debug-mode run checks the native handles; the plain "
                "CPython 3.11 run checks the types")
    if not os.path.isdir(os.path.join(TYPING_SITE, "mypy")):
        return ("no mypy in %s: tools/setup-env.sh installs it there "
                "(tools/test-all.sh fails when it is missing for CPython 3.11)"
                % TYPING_SITE)
    return None


_NO_MYPY = _why_no_mypy()
needs_mypy = pytest.mark.skipif(_NO_MYPY is not None, reason=str(_NO_MYPY))


def _mypy_env():
    env = dict(os.environ)
    env.pop("HPY", None)
    env.pop("UV_TEST_HANG_LOG", None)
    path = [TYPING_SITE]
    if env.get("PYTHONPATH"):
        path.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(path)
    return env


def _run(args, cwd, timeout=MYPY_TIMEOUT, env=None):
    proc = subprocess.run(args, cwd=cwd, env=env or _mypy_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def _mypy(*args):
    """mypy --strict on *args*, from the directory that holds the uv this
    interpreter imports (a source tree), or from this test's parent (an
    installed uv, found through its py.typed)."""
    cache = os.path.join(CACHE, "typing", "mypy-cache-" + MINOR)
    cwd = PACKAGE_PARENT if os.path.exists(os.path.join(PACKAGE_PARENT, "setup.py")) \
        else os.path.dirname(HERE)
    return _run([sys.executable, "-m", "mypy", "--strict", "--no-color-output",
                 "--cache-dir", cache] + list(args), cwd)


def _stub_status_codes():
    """The names the stub lists for StatusCodes."""
    with open(os.path.join(PACKAGE, "error.pyi")) as f:
        text = f.read()
    block = text[text.index("class StatusCodes("):]
    block = block[:block.index("@property")]
    return set(re.findall(r"(?m)^    ([A-Z][A-Z0-9_]*) = -?\d+$", block))


@needs_mypy
@pytest.mark.hang_timeout(MYPY_TIMEOUT + 60)
def test_stubs_match_the_runtime():
    allow = [ALLOWLIST]
    extra = None
    if uv.uv_version[1:3] < (1, 50):
        # a system libuv older than the 1.50 the stubs describe lacks the
        # newest error codes (and UDPFlags.REUSEPORT before 1.49)
        missing = _stub_status_codes() - set(uv.StatusCodes.__members__)
        lines = ["uv.error.StatusCodes.%s" % name for name in sorted(missing)]
        if "REUSEPORT" not in uv.UDPFlags.__members__:
            lines.append("uv.udp.UDPFlags.REUSEPORT")
        extra = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
        extra.write("\n".join(lines) + "\n")
        extra.close()
        allow.append(extra.name)
    try:
        args = [sys.executable, "-m", "mypy.stubtest"]
        for path in allow:
            args += ["--allowlist", path]
        if extra is not None:
            # the lines for an older libuv are allowed, not required
            args.append("--ignore-unused-allowlist")
        # from the source tree, or (an installed uv) from outside
        # site-packages, whose other modules mypy would take for the
        # program's own there
        cwd = PACKAGE_PARENT if os.path.exists(os.path.join(PACKAGE_PARENT, "setup.py")) \
            else os.path.dirname(HERE)
        rc, out = _run(args + ["uv"], cwd)
    finally:
        if extra is not None:
            os.unlink(extra.name)
    assert rc == 0 and "Success" in out, out


@needs_mypy
@pytest.mark.hang_timeout(MYPY_TIMEOUT + 60)
def test_mypy_strict_passes_on_the_typed_usage_file():
    rc, out = _mypy(TYPED_USAGE)
    assert rc == 0, out


@needs_mypy
@pytest.mark.hang_timeout(MYPY_TIMEOUT + 60)
def test_mypy_strict_finds_type_errors():
    """The check is not vacuous: calls that do not match the stubs fail."""
    with tempfile.TemporaryDirectory(prefix="uv-typing-") as tmp:
        bad = os.path.join(tmp, "bad.py")
        with open(bad, "w") as f:
            f.write("import uv\n"
                    "def on_read(stream: uv.TCP, status: uv.StatusCodes) -> None: ...\n"
                    "uv.Timer().start('5')\n"
                    "uv.TCP().read_start(on_read)\n"
                    "name: str = uv.fs.mkdtemp(b'/tmp/xXXXXXX')\n"
                    "uv.Loop().run(mode='once')\n")
        rc, out = _mypy(bad)
    assert rc == 1, out
    for line in (3, 4, 5, 6):
        assert "bad.py:%d: error" % line in out, out


@needs_mypy
@pytest.mark.hang_timeout(MYPY_TIMEOUT + 60)
def test_mypy_strict_passes_on_the_examples():
    if not os.path.isdir(EXAMPLES):
        pytest.skip("no examples/ next to tests/ here (a wheel run copies tests/ "
                    "only, the system-libuv run copies no examples): the run in "
                    "the source tree checks them")
    files = sorted(os.path.join(EXAMPLES, name) for name in os.listdir(EXAMPLES)
                   if name.endswith(".py"))
    assert files
    rc, out = _mypy(*files)
    assert rc == 0, out


# ---------------------------------------------------------------- every interpreter

def test_the_package_ships_its_stubs_and_py_typed():
    assert os.path.isfile(os.path.join(PACKAGE, "py.typed"))
    modules = [name[:-3] for name in os.listdir(PACKAGE)
               if name.endswith(".py") and not name.startswith("_")]
    modules += ["__init__", "_loader", "_dispatch"]
    # the subpackage uv.aio: every module of it (stubtest needs a stub for
    # each, or it checks the sources instead)
    aio = os.path.join(PACKAGE, "aio")
    assert os.path.isdir(aio)
    modules += [os.path.join("aio", name[:-3]) for name in os.listdir(aio)
                if name.endswith(".py")]
    missing = [m for m in modules if not os.path.isfile(os.path.join(PACKAGE, m + ".pyi"))]
    assert not missing, "modules without a stub: %s" % missing


def test_typed_usage_runs():
    env = dict(os.environ)
    env.pop("UV_TEST_HANG_LOG", None)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in [PACKAGE_PARENT, env.get("PYTHONPATH", "")] if p)
    with tempfile.TemporaryDirectory(prefix="uv-typed-run-") as cwd:
        rc, out = _run([sys.executable, TYPED_USAGE], cwd, timeout=120 * TIME_SCALE, env=env)
    assert rc == 0 and out.strip().endswith("ok"), out


def _public(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, v in vars(module).items()
                 if not n.startswith("_") and not isinstance(v, types.ModuleType)
                 and getattr(v, "__module__", module.__name__) == module.__name__]
    names = set(names)
    if module is uv.error:
        names |= {n for n, v in vars(module).items()
                  if isinstance(v, type) and issubclass(v, BaseException)
                  and not n.startswith("_")}
    return names


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def test_typed_usage_names_every_public_name():
    with open(TYPED_USAGE) as f:
        tree = ast.parse(f.read())
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            name = _dotted(node)
            if name and name.startswith("uv."):
                while name.count("."):
                    used.add(name)
                    name = name.rsplit(".", 1)[0]
    modules = {"uv": uv}
    modules.update({"uv." + n: m for n, m in vars(uv).items()
                    if isinstance(m, types.ModuleType) and not n.startswith("_")
                    and m.__name__.startswith("uv.")})
    # the subpackage uv.aio (imported above, so that it is always checked)
    modules["uv.aio"] = uv.aio
    missing = []
    for prefix, module in sorted(modules.items()):
        for name in sorted(_public(module)):
            if "%s.%s" % (prefix, name) in used:
                continue
            value = getattr(module, name)
            if getattr(uv, name, None) is value and "uv." + name in used:
                continue
            missing.append("%s.%s" % (prefix, name))
    assert not missing, "typed_usage.py does not use: %s" % ", ".join(missing)
