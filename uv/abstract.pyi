import abc
from types import TracebackType
from typing import Any, Callable

from typing_extensions import Self

from .loop import Loop

__all__ = ["Handle", "Request", "Stream"]

class Handle(abc.ABC):
    @property
    @abc.abstractmethod
    def loop(self) -> Loop: ...
    @property
    @abc.abstractmethod
    def closing(self) -> bool: ...
    @property
    @abc.abstractmethod
    def closed(self) -> bool: ...
    @property
    @abc.abstractmethod
    def active(self) -> bool: ...
    @property
    @abc.abstractmethod
    def referenced(self) -> bool: ...
    @abc.abstractmethod
    def reference(self) -> None: ...
    @abc.abstractmethod
    def dereference(self) -> None: ...
    @abc.abstractmethod
    def close(self, on_closed: Callable[[Any], object] | None = None) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, exc_type: type[BaseException] | None,
                 exc_value: BaseException | None,
                 traceback: TracebackType | None) -> None: ...

class Request(abc.ABC):
    @abc.abstractmethod
    def cancel(self) -> None: ...

class Stream(Handle):
    @abc.abstractmethod
    def read_start(self, on_read: Callable[..., object] | None = None) -> None: ...
    @abc.abstractmethod
    def read_stop(self) -> None: ...
    @abc.abstractmethod
    def write(self, data: Any, send_stream: Any = None,
              on_write: Callable[..., object] | None = None) -> Any: ...
    @abc.abstractmethod
    def shutdown(self, on_shutdown: Callable[..., object] | None = None) -> Any: ...
