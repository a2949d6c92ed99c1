"""TCP: :class:`TCP`, :class:`TCPFlags` and :class:`TCPConnectRequest`."""
from ._loader import _uv
from .common import Enumeration
from .dns import AddressFamilies, _address, _sockaddr
from .error import ArgumentError, BadFileDescriptorError, StatusCodes
from .loop import retry_after_collect
from .stream import ConnectRequest, UVStream

__all__ = ["TCP", "TCPFlags", "TCPConnectRequest"]


class TCPFlags(Enumeration):
    """Flags of :meth:`TCP.bind`."""

    #: Bind an IPv6 socket to IPv6 only (no IPv4-mapped addresses).
    IPV6ONLY = _uv.UV_TCP_IPV6ONLY


class TCPConnectRequest(ConnectRequest):
    """Connecting a :class:`TCP` handle to an address."""

    def __init__(self, tcp, address, on_connect=None):
        ConnectRequest.__init__(self, tcp, on_connect)
        self.address = address
        retry_after_collect(self._n.start_tcp, self, tcp._n, *_sockaddr(address))


class TCP(UVStream):
    """A TCP socket: ``TCP(flags=0, loop=None, on_read=None,
    on_connection=None)``.  *flags* may be an address family
    (``socket.AF_INET`` / ``AF_INET6``) to create the socket at once.

    Addresses are ``(host, port)`` or ``(host, port, flowinfo, scope_id)``
    tuples with a numeric IPv4 or IPv6 host; ``sockname`` and ``peername``
    are :class:`uv.Address4` / :class:`uv.Address6`."""

    _native = _uv.TCP

    def __init__(self, flags=0, loop=None, on_read=None, on_connection=None):
        UVStream.__init__(self, loop, (flags,), on_read, on_connection)
        self.flags = flags

    def open(self, fd):
        """Use an existing socket file descriptor."""
        self._n.open(fd)

    def bind(self, address, flags=0):
        """Bind to *address*; ``flags=TCPFlags.IPV6ONLY`` for IPv6 only.

        :raises uv.error.ArgumentError: a malformed address or port
        :raises uv.error.AddressInUseError: the address is taken"""
        retry_after_collect(self._n.bind, *(_sockaddr(address) + (int(flags),)))

    def listen(self, backlog=511, on_connection=None):
        """Listen on the bound address (see :meth:`UVStream.listen`).

        :raises uv.error.ArgumentError: the socket is not bound, or a
            negative backlog"""
        if not isinstance(backlog, int):
            raise TypeError("backlog must be an int")
        if backlog < 0:
            raise ArgumentError(StatusCodes.EINVAL,
                                "the backlog must be >= 0, not %d" % backlog)
        try:
            bound = self._n.getsockname()[1] != 0
        except (ArgumentError, BadFileDescriptorError):
            bound = False
        if not bound:
            # listen() on an unbound socket would bind every interface
            raise ArgumentError(StatusCodes.EINVAL,
                                "listen() needs a bound socket: call bind() first")
        UVStream.listen(self, backlog, on_connection)

    def connect(self, address, on_connect=None):
        """Connect to *address*; ``on_connect(request, status)`` follows.
        Returns the :class:`TCPConnectRequest`.

        :raises uv.error.ArgumentError: a malformed address or port"""
        return TCPConnectRequest(self, address, on_connect)

    def set_nodelay(self, enable):
        """Enable or disable Nagle's algorithm (TCP_NODELAY)."""
        self._n.nodelay(enable)

    def set_keepalive(self, enable, delay=0):
        """Enable or disable keep-alive; *delay* is the idle time in seconds
        before the first probe (0: the system's default)."""
        self._n.keepalive(enable, delay)

    def set_simultaneous_accepts(self, enable):
        """Windows only in libuv; accepted and ignored elsewhere."""
        self._n.simultaneous_accepts(enable)

    def close_reset(self, on_closed=None):
        """Close the connection with a RST instead of a FIN (no effect on a
        closing or closed handle)."""
        if self._n.is_closing():
            return
        if on_closed is not None:
            self.on_closed = on_closed
        self._n.close_reset(self)

    @property
    def sockname(self):
        """The local address (Address4 / Address6)."""
        return _address(self._n.getsockname())

    @property
    def peername(self):
        """The remote address (Address4 / Address6).

        :raises uv.error.NotConnectedError: not connected"""
        return _address(self._n.getpeername())

    @property
    def family(self):
        """The socket's address family (``AddressFamilies.UNKNOWN`` before a
        socket exists)."""
        return AddressFamilies.get(self._n.family())

