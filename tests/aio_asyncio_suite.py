"""Run asyncio's own test suite (the interpreter's ``test.test_asyncio``)
against uv.aio.

    python tests/aio_asyncio_suite.py [--loop uv|asyncio] [--json FILE] [MODULE...]

Two ways the tests get their loop, both redirected to uv.aio:

- the event loop policy: ``asyncio.new_event_loop()``, ``asyncio.run()``
  and ``IsolatedAsyncioTestCase`` build a uv.aio loop (uv.aio's policy is
  installed for the whole run);
- loop factories: the test classes of a module that are parameterized by
  ``create_event_loop()`` (``test_events``, ``test_sock_lowlevel``,
  ``test_sendfile``, ``test_subprocess``, ``test_streams``...) get one more
  subclass whose factory is ``uv.aio.new_event_loop``, and the
  selector-specific subclasses are not run.

``--loop asyncio`` runs the same selection on plain asyncio (the selector
loop): what fails there too is not uv.aio's.  The result is one line per
failing or erroring test and a summary; ``--json`` writes them for
tests/test_aio_asyncio_suite.py.
"""
import argparse
import asyncio
import importlib
import json
import os
import signal
import sys
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

DEFAULT_MODULES = [
    "test_events", "test_sock_lowlevel", "test_streams", "test_server",
    "test_sendfile", "test_tasks", "test_futures", "test_locks",
    "test_queues", "test_taskgroups", "test_timeouts", "test_waitfor",
    "test_runners", "test_context", "test_pep492", "test_protocols",
    "test_buffered_proto", "test_transports", "test_threads",
    "test_subprocess", "test_ssl", "test_sslproto", "test_unix_events",
]

# names of the selector- or platform-specific test classes that a uv.aio
# subclass replaces (run on uv.aio instead)
SELECTOR_NAMES = ("Select", "Poll", "EPoll", "Kqueue", "Proactor", "DevPoll",
                  "Selector")


def install_uv_policy():
    """uv.aio's policy for the whole run: asyncio's test modules reset the
    policy (``set_event_loop_policy(None)`` in their tear-downs), which
    would put the default one back for the modules that follow; here None
    means uv.aio's policy again."""
    import warnings
    import uv.aio
    real = asyncio.events.set_event_loop_policy

    def set_event_loop_policy(policy):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            real(uv.aio.EventLoopPolicy() if policy is None else policy)
    asyncio.set_event_loop_policy = set_event_loop_policy
    asyncio.events.set_event_loop_policy = set_event_loop_policy
    set_event_loop_policy(None)


def extend_test_package():
    """Make test.test_asyncio importable where the interpreter's test
    package is split (Debian's PyPy: pypy3-lib has test/__init__.py and
    test.support, pypy3-lib-testsuite the rest, in a directory on sys.path
    without an __init__.py).  True when test.test_asyncio can be imported."""
    try:
        import test
    except ImportError:
        return False
    try:
        import _testcapi  # noqa: F401
    except ImportError:
        pass
    except Exception:
        # PyPy builds _testcapi from a C file its lib-python test suite
        # package does not ship: treat the module as absent (the tests
        # that need it skip themselves)
        sys.modules["_testcapi"] = None
    for entry in sys.path:
        candidate = os.path.join(entry or ".", "test")
        if (os.path.isdir(os.path.join(candidate, "test_asyncio"))
                and candidate not in list(test.__path__)):
            test.__path__.append(candidate)
    try:
        import test.test_asyncio  # noqa: F401
    except ImportError:
        return False
    return True


def factory_classes(module):
    """The test classes of *module* that build their loop with
    create_event_loop(): the mixin each derives from, as (name, class)."""
    out = []
    for name, obj in list(vars(module).items()):
        if (isinstance(obj, type) and issubclass(obj, unittest.TestCase)
                and "create_event_loop" in vars(obj)
                and any(s in name for s in SELECTOR_NAMES)):
            out.append((name, obj))
    return out


def uv_subclass(name, cls, factory):
    """A copy of test class *cls* whose loop comes from *factory*."""
    def create_event_loop(self):
        return factory()
    uv_name = name
    for s in sorted(SELECTOR_NAMES, key=len, reverse=True):
        uv_name = uv_name.replace(s, "")
    uv_name = "UV" + uv_name
    return type(uv_name, (cls,), {"create_event_loop": create_event_loop,
                                  "__module__": cls.__module__})


def load(module_name, use_uv):
    """The tests of test.test_asyncio.<module_name> for this run."""
    module = importlib.import_module("test.test_asyncio." + module_name)
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    replaced = factory_classes(module)
    if not use_uv:
        return loader.loadTestsFromModule(module)
    import uv.aio
    seen = set()
    for name, cls in replaced:
        # one uv.aio copy per distinct mixin set (Select/EPoll/Poll variants
        # of one mixin are the same tests)
        key = tuple(b for b in cls.__mro__[1:] if b is not unittest.TestCase
                    and "Selector" not in b.__name__)[:2]
        if key in seen:
            continue
        seen.add(key)
        suite.addTests(loader.loadTestsFromTestCase(
            uv_subclass(name, cls, uv.aio.new_event_loop)))
    skip = set(c for _, c in replaced)
    for obj in vars(module).values():
        if (isinstance(obj, type) and issubclass(obj, unittest.TestCase)
                and obj not in skip and obj.__module__ == module.__name__):
            suite.addTests(loader.loadTestsFromTestCase(obj))
    return suite


class TestTimeout(Exception):
    """A test ran longer than the runner allows (--timeout)."""


class Result(unittest.TextTestResult):
    """Every test gets at most TIMEOUT seconds: then SIGALRM, sent to the
    main thread, raises TestTimeout in it (the loop wakes up for it:
    run_forever points Python's wake-up fd at the native loop).  The
    signal goes to the main thread itself (``pthread_kill`` from a timer
    thread), not to the process as ``alarm()`` sends it: a process signal
    may be taken by another thread of the test, and a main thread waiting
    in ``join()`` for a thread that spins would then wait for ever."""

    TIMEOUT = 60
    _timer = None

    def startTest(self, test):
        # asyncio's signal tests put SIGALRM back to its default action
        # (remove_signal_handler): the runner's handler again, every test
        signal.signal(signal.SIGALRM, _alarm)
        main = threading.main_thread().ident
        self._timer = threading.Timer(self.TIMEOUT, signal.pthread_kill,
                                      (main, signal.SIGALRM))
        self._timer.daemon = True
        self._timer.start()
        super().startTest(test)

    def stopTest(self, test):
        self._timer.cancel()
        self._timer.join()
        super().stopTest(test)


def _alarm(signum, frame):
    raise TestTimeout("the test ran longer than %d s" % Result.TIMEOUT)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--loop", choices=("uv", "asyncio"), default="uv")
    parser.add_argument("--json")
    parser.add_argument("-v", action="store_true")
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("modules", nargs="*")
    args = parser.parse_args()
    use_uv = args.loop == "uv"
    Result.TIMEOUT = args.timeout
    signal.signal(signal.SIGALRM, _alarm)
    loops = [0]
    if use_uv:
        import uv.aio
        install_uv_policy()
        init = uv.aio.Loop.__init__

        def counting_init(self, *a, **k):
            loops[0] += 1
            init(self, *a, **k)
        uv.aio.Loop.__init__ = counting_init
    modules = args.modules or DEFAULT_MODULES
    extend_test_package()
    report = {"interpreter": sys.version.split()[0],
              "implementation": sys.implementation.name, "loop": args.loop,
              "modules": {}}
    totals = [0, 0, 0, 0]
    for name in modules:
        try:
            suite = load(name, use_uv)
        except ImportError as exc:
            report["modules"][name] = {"import_error": str(exc)}
            print("%s: not here (%s)" % (name, exc))
            continue
        stream = open(os.devnull, "w") if not args.v else sys.stderr
        runner = unittest.TextTestRunner(stream=stream, verbosity=2 if args.v else 0,
                                         resultclass=Result)
        before = loops[0]
        result = runner.run(suite)
        failed = sorted(set([t.id() for t, _ in result.failures]
                            + [t.id() for t, _ in result.errors]))
        report["modules"][name] = {
            "run": result.testsRun, "failed": failed,
            "skipped": len(result.skipped), "uv_loops": loops[0] - before,
            "details": dict((t.id(), tb.splitlines()[-1] if tb else "")
                            for t, tb in result.failures + result.errors)}
        totals[0] += result.testsRun
        totals[1] += len(failed)
        totals[2] += len(result.skipped)
        print("%-22s run %4d  failed %3d  skipped %3d  uv.aio loops %d"
              % (name, result.testsRun, len(failed), len(result.skipped),
                 loops[0] - before))
        for t in failed:
            print("    FAIL %s: %s" % (t, report["modules"][name]["details"].get(t, "")[:150]))
        sys.stdout.flush()
    print("total: run %d, failed %d, skipped %d (%s %s, loop %s)"
          % (totals[0], totals[1], totals[2], sys.implementation.name,
             report["interpreter"], args.loop))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
