"""The fuzz test: the public API and the native objects driven with wrong
types, wrong native objects, huge and negative numbers, closed handles and
closed loops (tests/fuzz_child.py), in a child process so that a crash is a
failure of this test and not the end of the run.

The examples are derandomized (the same every run), so the test is not
flaky; ``UV_FUZZ_EXAMPLES=N`` asks for N examples, ``UV_FUZZ_RANDOM=1`` for
random ones (a longer campaign by hand).
"""
import os
import subprocess
import sys

import pytest

from child import ROOT, TIME_SCALE, describe

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = int(os.environ.get("UV_FUZZ_EXAMPLES", "150"))


@pytest.mark.hang_timeout(max(600, EXAMPLES * 2))
def test_fuzzed_api_calls_do_not_crash():
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("UV_TEST_HANG_LOG", None)
    args = [sys.executable, os.path.join(HERE, "fuzz_child.py"), str(EXAMPLES)]
    if os.environ.get("UV_FUZZ_RANDOM"):
        args.append("--random")
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, env=env,
                       timeout=max(500, EXAMPLES * 2) * TIME_SCALE)
    assert r.returncode == 0, describe(r)
    assert "fuzz: ok %d examples" % EXAMPLES in r.stdout, describe(r)
