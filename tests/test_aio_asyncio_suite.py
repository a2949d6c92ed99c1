"""asyncio's own test suite against uv.aio (tests/aio_asyncio_suite.py),
as part of the test command.

It runs on CPython 3.11 and PyPy 3.11, the interpreters issue 11 names:
the suite takes minutes per interpreter, and the project's own
tests/test_aio*.py cover uv.aio on every interpreter.  A test of asyncio's
that fails on uv.aio must be listed in tests/aio_asyncio_expected.txt with
the reason; any other failure fails this test."""
import json
import os
import subprocess
import sys

import pytest

from child import TIME_SCALE

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, "aio_asyncio_suite.py")
EXPECTED = os.path.join(HERE, "aio_asyncio_expected.txt")


def expected_failures():
    """test id -> reason, from aio_asyncio_expected.txt (the ids may end
    with '*': every test whose id starts with the rest)."""
    out = {}
    with open(EXPECTED) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            test_id, _, reason = line.partition(" ")
            out[test_id] = reason.strip()
    return out


def is_expected(test_id, expected):
    for pattern in expected:
        if pattern.endswith("*") and test_id.startswith(pattern[:-1]):
            return True
        if pattern == test_id:
            return True
    return False


def have_asyncio_tests():
    sys.path.insert(0, HERE)
    try:
        import aio_asyncio_suite
    finally:
        sys.path.remove(HERE)
    return aio_asyncio_suite.extend_test_package()


@pytest.mark.hang_timeout(3600)
# asyncio's tests call into the loop from other threads (servers in
# threads, call_soon_threadsafe): not in the HPy debug-mode run, whose
# context checks are not made for calls from several threads at once
@pytest.mark.threads
@pytest.mark.skipif(sys.version_info[:2] != (3, 11),
                    reason="asyncio's suite runs on CPython 3.11 and PyPy 3.11 "
                           "(issue 11); tests/test_aio*.py cover the others")
@pytest.mark.skipif(not have_asyncio_tests(),
                    reason="this interpreter has no test.test_asyncio package")
def test_asyncio_suite_on_uv_aio(tmp_path):
    report = tmp_path / "report.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [os.path.dirname(HERE)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    proc = subprocess.run(
        [sys.executable, RUNNER, "--timeout", str(int(120 * TIME_SCALE)),
         "--json", str(report)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=str(tmp_path),
        timeout=3000 * TIME_SCALE, universal_newlines=True)
    print(proc.stdout[-20000:])
    assert proc.returncode == 0, proc.stdout[-5000:]
    data = json.loads(report.read_text())
    expected = expected_failures()
    unexpected = []
    for name, module in sorted(data["modules"].items()):
        assert "import_error" not in module, (name, module)
        for test_id in module["failed"]:
            if not is_expected(test_id, expected):
                unexpected.append("%s: %s" % (test_id, module["details"].get(test_id, "")))
    assert unexpected == [], "\n".join(unexpected)
    ran = sum(m["run"] for m in data["modules"].values())
    assert ran > 1500, "only %d tests ran" % ran
