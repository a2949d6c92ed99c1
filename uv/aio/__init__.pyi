import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

from typing_extensions import deprecated

from .loop import Loop as Loop

__all__ = ["Loop", "new_event_loop", "run", "EventLoopPolicy"]

_T = TypeVar("_T")

def new_event_loop() -> Loop: ...
def run(main: Coroutine[Any, Any, _T], *, debug: bool | None = None, **kwargs: Any) -> _T: ...

if sys.version_info >= (3, 14):
    from asyncio.unix_events import _DefaultEventLoopPolicy

    @deprecated("uv.aio.EventLoopPolicy is deprecated from Python 3.14, as asyncio's "
                "policies are: use asyncio.run(main, loop_factory=uv.aio.new_event_loop)")
    class EventLoopPolicy(_DefaultEventLoopPolicy):
        def __init__(self) -> None: ...
        def new_event_loop(self) -> Loop: ...

else:
    from asyncio import DefaultEventLoopPolicy

    class EventLoopPolicy(DefaultEventLoopPolicy):
        def __init__(self) -> None: ...
        def new_event_loop(self) -> Loop: ...
