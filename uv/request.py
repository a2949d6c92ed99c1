"""The base class of every libuv request: :class:`UVRequest`."""
import abc

from ._loader import _uv
from .abstract import Request
from .common import Enumeration

__all__ = ["UVRequest", "RequestType", "requests_in_flight"]


class RequestType(Enumeration):
    """libuv's request types (``uv_req_type``)."""

    UNKNOWN = _uv.UV_UNKNOWN_REQ
    REQ = _uv.UV_REQ
    CONNECT = _uv.UV_CONNECT
    WRITE = _uv.UV_WRITE
    SHUTDOWN = _uv.UV_SHUTDOWN
    UDP_SEND = _uv.UV_UDP_SEND
    FS = _uv.UV_FS
    WORK = _uv.UV_WORK
    GETADDRINFO = _uv.UV_GETADDRINFO
    GETNAMEINFO = _uv.UV_GETNAMEINFO


class UVRequest(metaclass=abc.ABCMeta):
    """Base class of libuv requests.

    A request is pending from its creation until its callback has run: the
    loop keeps it alive even if nobody else holds it.  A subclass sets
    ``_native`` to its native object in ``__init__`` before libuv gets it, and
    implements :meth:`_complete`, which the loop calls with the status.
    """

    #: The request type (a :class:`RequestType`); set by subclasses.
    type = RequestType.UNKNOWN

    def __init__(self, loop):
        self._loop = loop
        #: User-specific data of any type.
        self.data = None

    @property
    def loop(self):
        """The :class:`uv.Loop` the request runs on."""
        return self._loop

    @property
    def finished(self):
        """True once the request's callback has run."""
        return self._n.is_finished()

    def cancel(self):
        """Cancel the request where libuv allows it (file system, DNS, work);
        its callback then gets ``StatusCodes.ECANCELED``.

        :raises uv.error.ArgumentError: libuv cannot cancel this request
        """
        self._n.cancel()

    def _complete(self, status):
        """Called by the loop with the request's status (a StatusCodes)."""
        raise NotImplementedError

    def __repr__(self):
        try:
            state = "finished" if self._n.is_finished() else "pending"
            return "<%s.%s %s at %#x>" % (type(self).__module__,
                                          type(self).__name__, state, id(self))
        except Exception:
            return object.__repr__(self)


Request.register(UVRequest)


def requests_in_flight(loop):
    """The number of requests of *loop* (a :class:`uv.Loop`) that were
    started and have not completed yet (0 for a closed loop)."""
    return loop._n.requests_in_flight()
