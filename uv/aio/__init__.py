"""uv.aio: an asyncio event loop whose I/O is libuv, on CPython and PyPy.

Use it as asyncio's loop factory::

    import asyncio, uv.aio
    asyncio.run(main(), loop_factory=uv.aio.new_event_loop)   # 3.12+
    uv.aio.run(main())                                          # any Python
    with asyncio.Runner(loop_factory=uv.aio.new_event_loop) as runner: ...

``uv.aio.EventLoopPolicy`` serves code that still installs event loop
policies (asyncio deprecates policies from Python 3.14).
"""
import asyncio
import warnings
import sys

from .loop import Loop

__all__ = ["Loop", "new_event_loop", "run", "EventLoopPolicy"]


def new_event_loop():
    """A new :class:`uv.aio.Loop` (the loop factory for asyncio.Runner,
    ``asyncio.run(loop_factory=...)``, ``IsolatedAsyncioTestCase`` and
    ``uvicorn --loop uv.aio:new_event_loop``)."""
    return Loop()


def run(main, *, debug=None, **kwargs):
    """Run the coroutine *main* on a new :class:`uv.aio.Loop` and return its
    result, as ``asyncio.run`` does, on every supported Python."""
    if sys.version_info >= (3, 12):
        return asyncio.run(main, debug=debug, loop_factory=new_event_loop, **kwargs)
    if sys.version_info >= (3, 11):
        with asyncio.Runner(debug=debug, loop_factory=new_event_loop) as runner:
            return runner.run(main)
    return _run_legacy(main, debug)


def _run_legacy(main, debug):
    # asyncio.run of Python 3.8-3.10 on a loop of our own
    from asyncio import coroutines, events, tasks
    if events._get_running_loop() is not None:
        raise RuntimeError("uv.aio.run() cannot be called from a running event loop")
    if not coroutines.iscoroutine(main):
        raise ValueError("a coroutine was expected, got {!r}".format(main))
    loop = new_event_loop()
    try:
        events.set_event_loop(loop)
        if debug is not None:
            loop.set_debug(debug)
        return loop.run_until_complete(main)
    finally:
        try:
            _cancel_all_tasks(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            if hasattr(loop, "shutdown_default_executor"):
                loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            events.set_event_loop(None)
            loop.close()


def _cancel_all_tasks(loop):
    from asyncio import tasks
    to_cancel = tasks.all_tasks(loop)
    if not to_cancel:
        return
    for task in to_cancel:
        task.cancel()
    loop.run_until_complete(tasks.gather(*to_cancel, return_exceptions=True))
    for task in to_cancel:
        if task.cancelled():
            continue
        if task.exception() is not None:
            loop.call_exception_handler({
                'message': 'unhandled exception during uv.aio.run() shutdown',
                'exception': task.exception(),
                'task': task,
            })


if sys.version_info >= (3, 14):
    # asyncio.DefaultEventLoopPolicy warns on every access from 3.14: the
    # class under it, without the warning at import time
    from asyncio.unix_events import _DefaultEventLoopPolicy as _PolicyBase
else:
    _PolicyBase = asyncio.DefaultEventLoopPolicy


class EventLoopPolicy(_PolicyBase):
    """An event loop policy whose new loops are :class:`uv.aio.Loop`.

    Deprecated from Python 3.14, as asyncio deprecates every policy there:
    use ``asyncio.run(main(), loop_factory=uv.aio.new_event_loop)``,
    ``asyncio.Runner(loop_factory=...)`` or :func:`uv.aio.run` instead.
    Making one warns (``DeprecationWarning``) on 3.14 and later."""

    def __init__(self):
        if sys.version_info >= (3, 14):
            warnings.warn("uv.aio.EventLoopPolicy is deprecated from Python 3.14, "
                          "as asyncio's policies are: use "
                          "asyncio.run(main, loop_factory=uv.aio.new_event_loop)",
                          DeprecationWarning, stacklevel=2)
        super().__init__()

    def new_event_loop(self):
        return Loop()
