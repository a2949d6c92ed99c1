"""bench/plot.py reads what bench/run.sh saves: the parsers find every
figure of the committed results (the data behind the committed charts) and
of compare.sh / callbacks output written here.  (The drawing needs
matplotlib, which only the benchmark's venv has: bench/run.sh runs it.)

A wheel run (a copy of tests/ alone) has no bench/ beside it: skipped,
saying so."""
import importlib.util
import os

import pytest

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench")
pytestmark = pytest.mark.skipif(not os.path.exists(os.path.join(BENCH, "plot.py")),
                                reason="bench/ is not beside tests/ (a copy of tests/ alone)")


@pytest.fixture(scope="module")
def plot():
    spec = importlib.util.spec_from_file_location("bench_plot", os.path.join(BENCH, "plot.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ECHO = """\
# bench/run.sh echo, 2026-11-30T23:09Z, binary 4fdf628f, libuv 1.50.0, load average 2.86 2.36 2.74
# cpython 3.11.7, pypy 3.11.11 v7.3.19, uvloop 0.23.0
##### echo, 1024-byte messages
server                   median_rps  ratio cpu_us_per_req  ratio   (conns=10 size=1024 seconds=3 rounds=3)
c                             50809   1.00         4.79   1.00
uv-cpython                    34074   0.67         6.20   1.29
##### echo, 10240-byte messages
uv-pypy: no figure: connection refused
server                   median_rps  ratio cpu_us_per_req  ratio   (conns=10 size=10240 seconds=3 rounds=3)
c                             39801   1.00         6.20   1.00
uv-pypy                           0   0.00            0   0.00
"""


def test_parse_echo(plot):
    got = plot.parse_echo(ECHO)
    assert got == {1024: [("c", 50809, 4.79), ("uv-cpython", 34074, 6.20)],
                   10240: [("c", 39801, 6.20), ("uv-pypy", 0, 0.0)]}
    assert plot.read_header(ECHO).startswith("bench/run.sh echo, 2026-11-30T23:09Z")
    assert "uvloop 0.23.0" in plot.read_header(ECHO)


def test_parse_callbacks(plot):
    text = ("kind=uv-idle-cpython n=1000000 seconds=0.274 rate=3648422\n"
            "noise kind=uvloop n=1000000 seconds=0.463 rate=2161824\n"
            "kind=uvloop n=1000000 seconds=0.4 rate=2500000\n")
    assert plot.parse_callbacks(text) == {"uv-idle-cpython": 3648422, "uvloop": 2500000}


def test_committed_results_are_complete(plot):
    with open(os.path.join(BENCH, "results", "echo.txt")) as f:
        echo = plot.parse_echo(f.read())
    assert sorted(echo) == [1024, 10240, 102400]
    for rows in echo.values():
        assert [name for name, _, _ in rows] == [
            "c", "uv-cpython", "uv-pypy", "uvloop-protocol", "asyncio-protocol"]
        assert all(rps > 0 and us > 0 for _, rps, us in rows)
    with open(os.path.join(BENCH, "results", "callbacks.txt")) as f:
        callbacks = plot.parse_callbacks(f.read())
    # every chain of the chart, and libuv's own rate in C (the reference)
    assert set(plot.CALLBACK_LABELS) <= set(callbacks)
    others = set(callbacks) - set(plot.CALLBACK_LABELS)
    assert {k.split("-libuv-")[0] for k in others} == {"c-idle", "c-timer"}, others
    for png in ("echo_cpu.png", "callbacks.png"):
        with open(os.path.join(BENCH, "charts", png), "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_old_c_timer_chains_are_left_out_of_the_chart(plot):
    # libuv before 1.45 reruns a timer restarted with 0 in the same phase
    assert plot._old_c_timer("c-timer-libuv-1.44.2")
    assert not plot._old_c_timer("c-timer-libuv-1.45.0")
    assert not plot._old_c_timer("c-timer-libuv-1.50.0")
    assert not plot._old_c_timer("c-idle-libuv-1.44.2")
    assert not plot._old_c_timer("uv-timer-cpython")
