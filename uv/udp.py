"""UDP: :class:`UDP`, :class:`UDPSendRequest`, :class:`UDPFlags` and
:class:`UDPMembership`."""
from ._loader import _uv
from .common import Enumeration, dummy_callback
from .dns import Address4, Address6, AddressFamilies, _address, _sockaddr
from .error import ArgumentError, StatusCodes
from .handle import UVHandle
from .loop import retry_after_collect
from .request import RequestType, UVRequest
from .stream import _callback, _data
from .pipe import register_pending_type

__all__ = ["UDP", "UDPSendRequest", "UDPFlags", "UDPMembership"]


def _uv_version():
    v = _uv.version()
    return (v >> 16) & 0xff, (v >> 8) & 0xff


_flags = [
    #: bind(): bind an IPv6 socket to IPv6 only.
    ("IPV6ONLY", _uv.UV_UDP_IPV6ONLY),
    #: on_receive(): the datagram was truncated (it did not fit the buffer).
    ("PARTIAL", _uv.UV_UDP_PARTIAL),
    #: bind(): SO_REUSEADDR (several sockets on one address and port).
    ("REUSEADDR", _uv.UV_UDP_REUSEADDR),
    # libuv's flags of batched receives (never passed to on_receive)
    ("MMSG_CHUNK", _uv.UV_UDP_MMSG_CHUNK),
    ("MMSG_FREE", _uv.UV_UDP_MMSG_FREE),
    #: bind(): IP_RECVERR / IPV6_RECVERR on Linux.
    ("LINUX_RECVERR", _uv.UV_UDP_LINUX_RECVERR),
    # receives are batched with recvmmsg where libuv can (uv decides)
    ("RECVMMSG", _uv.UV_UDP_RECVMMSG),
]
if _uv_version() >= (1, 49):
    # bind(): SO_REUSEPORT (libuv 1.49 and newer)
    _flags.append(("REUSEPORT", 64))

#: Flags of :meth:`UDP.bind` (``IPV6ONLY``, ``REUSEADDR``, ...) and of
#: ``on_receive`` (``PARTIAL``: the datagram was truncated).
UDPFlags = Enumeration("UDPFlags", _flags, module=__name__)
UDPFlags.__doc__ = ("Flags of UDP.bind (IPV6ONLY, REUSEADDR, LINUX_RECVERR, "
                    "REUSEPORT with libuv 1.49+) and of on_receive (PARTIAL).")
del _flags


class UDPMembership(Enumeration):
    """What :meth:`UDP.set_membership` does."""

    #: Leave a multicast group.
    LEAVE_GROUP = _uv.UV_LEAVE_GROUP
    #: Join a multicast group.
    JOIN_GROUP = _uv.UV_JOIN_GROUP


def _checked_address(address):
    """The address as the native layer takes it: Address4 / Address6 as
    they are (the native layer checks them again), any other tuple through
    the full checks of uv.dns."""
    if type(address) is Address4 or type(address) is Address6:
        return address
    return _sockaddr(address)


_new_request = object.__new__


class UDPSendRequest(UVRequest):
    """A datagram being sent, made by :meth:`UDP.send`: ``on_send(request,
    status)`` runs once it is sent (``StatusCodes.ECANCELED`` if the handle
    was closed first, or the error that sending met).

    Like a write request it has no native object: the handle counts its
    sends, which complete in order, and a request with ``on_send`` is kept
    by the loop until its callback.  ``on_send`` may be set until the send
    is done.  libuv cannot cancel a send: :meth:`cancel` raises
    ArgumentError."""

    __slots__ = ("udp", "address", "_seq")
    type = RequestType.UDP_SEND
    #: User-specific data of any type.
    data = None
    _on_send = dummy_callback

    def __init__(self, *args, **kwargs):
        raise TypeError("UDP send requests are made by udp.send(data, address, ...)")

    @property
    def handle(self):
        """The :class:`UDP` handle (also ``udp``)."""
        return self.udp

    @property
    def loop(self):
        """The :class:`uv.Loop` of the handle."""
        return self.udp._loop

    @property
    def finished(self):
        """True once the datagram is sent (its callback, if any, runs then)."""
        return self.udp._n.writes_done() >= self._seq

    @property
    def on_send(self):
        """``on_send(request, status)``; may be set until the send is done."""
        return self._on_send

    @on_send.setter
    def on_send(self, callback):
        self._on_send = _callback(callback, "on_send")
        self.udp._n.pin_write(self._seq, self)

    def cancel(self):
        """libuv cannot cancel a send.

        :raises uv.error.ArgumentError: always"""
        raise ArgumentError(StatusCodes.EINVAL, "a send cannot be cancelled; "
                            "close the handle to cancel its pending sends")

    def __repr__(self):
        try:
            state = "finished" if self.finished else "pending"
            return "<uv.UDPSendRequest %s to %r at %#x>" % (state, self.address,
                                                            id(self))
        except Exception:
            return object.__repr__(self)


class UDP(UVHandle):
    """A UDP socket: ``UDP(flags=0, loop=None, on_receive=None)``.  *flags*
    may be an address family (``socket.AF_INET`` / ``AF_INET6``) to create
    the socket at once; otherwise it is created by :meth:`bind`,
    :meth:`connect`, the first :meth:`send` or :meth:`receive_start` (which
    bind it to a free port on every interface, as the system does).

    ``on_receive(udp, status, address, data, flags)`` gets each datagram as
    ``bytes`` with the sender's :class:`uv.Address4` / :class:`uv.Address6`;
    *flags* is ``UDPFlags.PARTIAL`` when the datagram was truncated (0
    otherwise); an error arrives as its status with ``None`` and ``b''``.
    A receiving handle is pending.

    Datagrams are read in batches with ``recvmmsg`` where libuv can (libuv
    1.40+ on Linux, with a loop ``buffer_size`` of 64 KiB or more; then no
    datagram is truncated); with a smaller loop buffer, one datagram per
    system call, truncated to the buffer.  In a batch, the datagrams that
    follow one whose callback called :meth:`receive_stop` or :meth:`close`
    are dropped.

    Addresses are ``(host, port)`` or ``(host, port, flowinfo, scope_id)``
    tuples with a numeric IPv4 or IPv6 host."""

    _native = _uv.UDP

    def __init__(self, flags=0, loop=None, on_receive=None):
        UVHandle.__init__(self, loop, (flags,))
        self.flags = flags
        self.on_receive = on_receive

    def open(self, fd):
        """Use an existing UDP socket file descriptor (the handle owns it
        from then on and closes it).

        :raises uv.error.BadFileDescriptorError: *fd* is not open
        :raises uv.error.NotASocketError: *fd* is not a socket (it is left
            as it was)
        :raises uv.error.ArgumentError: not a datagram socket
        :raises uv.error.ResourceBusyError: the handle has a socket already"""
        self._n.open(fd)

    def bind(self, address, flags=0):
        """Bind to *address*; *flags*: ``UDPFlags.IPV6ONLY``,
        ``UDPFlags.REUSEADDR``, ...

        :raises uv.error.ArgumentError: a malformed address or port, or
            unknown flags
        :raises uv.error.AddressInUseError: the address is taken"""
        retry_after_collect(self._n.bind, _sockaddr(address), flags)

    def connect(self, address):
        """Connect to *address*: datagrams then go there with ``send(data,
        None)`` and only datagrams from there are received.

        :raises uv.error.IsConnectedError: already connected
        :raises uv.error.ArgumentError: a malformed address"""
        if address is None:
            raise TypeError("connect() needs an address; disconnect() "
                            "disconnects")
        retry_after_collect(self._n.connect, _sockaddr(address))

    def disconnect(self):
        """Undo :meth:`connect`.

        :raises uv.error.NotConnectedError: not connected"""
        self._n.connect(None)

    def send(self, data, address, on_send=None):
        """Send *data* (bytes-like, or a list/tuple of them sent as one
        gathered datagram) to *address* (``None`` on a connected handle).
        ``on_send(request, status)`` runs once it is sent.  Returns the
        :class:`UDPSendRequest`.

        :raises uv.error.MessageTooLongError: larger than a datagram can be
            (65507 bytes over IPv4, 65527 over IPv6)
        :raises uv.error.ArgumentError: a malformed address
        :raises uv.error.AddressRequiredError: no address on a handle that
            is not connected
        :raises uv.error.IsConnectedError: an address on a connected handle
        :raises uv.ClosedHandleError: the handle is closing or closed"""
        if type(data) is not bytes:
            data = _data(data)
        request = _new_request(UDPSendRequest)
        request.udp = self
        request.address = address
        if (address is not None and type(address) is not Address4
                and type(address) is not Address6):
            # Address4/Address6 (what on_receive gets) are checked by the
            # native layer alone
            address = _sockaddr(address)
        if on_send is None:
            request._seq = self._n.send(data, address, None)
        else:
            request._on_send = _callback(on_send, "on_send")
            request._seq = self._n.send(data, address, request)
        return request

    def try_send(self, data, address):
        """Send *data* now if the socket takes it, without queueing; returns
        the number of bytes sent.

        :raises uv.error.TemporaryUnavailableError: it cannot be sent now
            (EAGAIN), also while sends are queued
        :raises uv.error.MessageTooLongError: larger than a datagram can be"""
        if type(data) is not bytes:
            data = _data(data)
        if address is not None:
            address = _checked_address(address)
        return self._n.try_send(data, address)

    def receive_start(self, on_receive=None):
        """Start receiving; the handle is pending until :meth:`receive_stop`
        or :meth:`close`.

        :raises uv.ClosedHandleError: the handle is closing or closed"""
        if on_receive is not None:
            self.on_receive = on_receive
        self._n.recv_start(self)

    def receive_stop(self):
        """Stop receiving."""
        self._n.recv_stop()

    @property
    def using_recvmmsg(self):
        """Whether datagrams are received in batches (``recvmmsg``)."""
        return self._n.using_recvmmsg()

    def set_membership(self, group, membership, interface=None):
        """Join or leave (``UDPMembership``) the multicast *group* (a numeric
        address) on *interface* (the address of a local interface; ``None``:
        the system picks one).

        :raises uv.error.ArgumentError: a malformed address, or membership
            is not a UDPMembership"""
        self._n.set_membership(group, interface, membership)

    def set_multicast_loop(self, enable):
        """Whether multicast datagrams sent come back to this host."""
        self._n.set_multicast_loop(enable)

    def set_multicast_ttl(self, ttl):
        """The time to live of multicast datagrams (0-255).

        :raises uv.error.ArgumentError: out of range"""
        self._n.set_multicast_ttl(ttl)

    def set_multicast_interface(self, interface):
        """The interface (a local address) multicast datagrams leave by."""
        self._n.set_multicast_interface(interface)

    def set_broadcast(self, enable):
        """Whether datagrams may be sent to broadcast addresses."""
        self._n.set_broadcast(enable)

    def set_ttl(self, ttl):
        """The time to live of datagrams (1-255).

        :raises uv.error.ArgumentError: out of range"""
        self._n.set_ttl(ttl)

    @property
    def sockname(self):
        """The local address (Address4 / Address6).

        :raises uv.error.BadFileDescriptorError: no socket yet"""
        return _address(self._n.getsockname())

    @property
    def peername(self):
        """The address connected to (Address4 / Address6).

        :raises uv.error.NotConnectedError: not connected"""
        return _address(self._n.getpeername())

    @property
    def family(self):
        """The socket's address family (``AddressFamilies.UNKNOWN`` before a
        socket exists)."""
        return AddressFamilies.get(self._n.family())

    @property
    def send_queue_size(self):
        """Bytes waiting to be sent (datagrams the socket did not take at
        once)."""
        return self._n.send_queue_size()

    @property
    def send_queue_count(self):
        """Datagrams waiting to be sent."""
        return self._n.send_queue_count()


# a UDP socket received over an IPC pipe becomes a UDP handle
register_pending_type(_uv.UV_UDP, UDP)
