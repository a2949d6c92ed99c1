"""Addresses and name resolution.

``Address4(host, port)`` and ``Address6(host, port, flowinfo=0, scope_id=0)``
are tuples with named fields; both are :class:`Address` instances.  Anywhere
an address is taken, a plain ``(host, port)`` or ``(host, port, flowinfo,
scope_id)`` tuple works; *host* is a numeric IPv4 or IPv6 address.

:func:`getaddrinfo` and :func:`getnameinfo` resolve names with the system's
resolver.  Without a callback they return the result (or raise the
resolver's error) and block the calling thread, but not the other Python
threads: the lookup runs without the interpreter lock.  With a callback they
return a request at once; the lookup runs on libuv's thread pool while the
loop serves its other handles, and the callback runs from the loop.  A
request that has not started yet can be cancelled; its callback then gets
``StatusCodes.ECANCELED``.

Resolver errors are :class:`uv.error.AddressInfoError` subclasses, which are
``socket.gaierror`` (and so ``OSError``) too: ``EAI_NONAME`` raises
:class:`uv.error.AddressNameError`, ``EAI_AGAIN``
:class:`uv.error.AddressInfoTemporaryError`, and so on.
"""
import collections
import socket

from ._loader import _uv
from .common import Enumeration, dummy_callback
from .error import ArgumentError, StatusCodes
from .loop import Loop
from .request import RequestType, UVRequest

__all__ = ["Address", "Address4", "Address6", "AddressFamilies", "SocketTypes",
           "SocketProtocols", "AddrInfo", "NameInfo", "GetAddrInfo",
           "GetNameInfo", "getaddrinfo", "getnameinfo"]


class AddressFamilies(Enumeration):
    """Address families."""

    UNKNOWN = socket.AF_UNSPEC
    INET4 = socket.AF_INET
    INET6 = socket.AF_INET6
    UNIX = socket.AF_UNIX


class SocketTypes(Enumeration):
    """Socket types (the *socktype* of :func:`getaddrinfo`; 0: any)."""

    ANY = 0
    STREAM = socket.SOCK_STREAM
    DGRAM = socket.SOCK_DGRAM
    RAW = socket.SOCK_RAW
    RDM = socket.SOCK_RDM
    SEQPACKET = socket.SOCK_SEQPACKET


class SocketProtocols(Enumeration):
    """Socket protocols (the *protocol* of :func:`getaddrinfo`; 0: any)."""

    ANY = 0
    ICMP = socket.IPPROTO_ICMP
    TCP = socket.IPPROTO_TCP
    UDP = socket.IPPROTO_UDP
    IPV6 = socket.IPPROTO_IPV6
    ICMPV6 = socket.IPPROTO_ICMPV6
    RAW = socket.IPPROTO_RAW


class Address(tuple):
    """Base of :class:`Address4` and :class:`Address6`."""

    __slots__ = ()


class Address4(collections.namedtuple("Address4", "host port"), Address):
    """An IPv4 address: ``Address4(host, port)``."""

    __slots__ = ()
    family = AddressFamilies.INET4


class Address6(collections.namedtuple("Address6", "host port flowinfo scope_id",
                                      defaults=(0, 0)), Address):
    """An IPv6 address: ``Address6(host, port, flowinfo=0, scope_id=0)``."""

    __slots__ = ()
    family = AddressFamilies.INET6


class AddrInfo(collections.namedtuple(
        "AddrInfo", "family socktype protocol canonname address")):
    """One result of :func:`getaddrinfo`: ``family``
    (:class:`AddressFamilies`), ``socktype`` (:class:`SocketTypes`),
    ``protocol`` (:class:`SocketProtocols`; a plain int for a value they do
    not list), ``canonname`` (the canonical name with ``AI_CANONNAME`` in
    the flags, for the first result; ``''`` otherwise, as
    ``socket.getaddrinfo`` gives) and ``address`` (:class:`Address4` /
    :class:`Address6`)."""

    __slots__ = ()


class NameInfo(collections.namedtuple("NameInfo", "hostname service")):
    """The result of :func:`getnameinfo`: ``hostname`` and ``service``."""

    __slots__ = ()


def _sockaddr(address):
    """(host, port, flowinfo, scope_id) from an address tuple, checked."""
    if not isinstance(address, (tuple, list)):
        raise TypeError("an address is a (host, port) or (host, port, flowinfo, "
                        "scope_id) tuple, not %s" % type(address).__name__)
    if len(address) == 2:
        host, port = address
        flowinfo = scope_id = 0
    elif len(address) == 4:
        host, port, flowinfo, scope_id = address
    else:
        raise TypeError("an address is a (host, port) or (host, port, flowinfo, "
                        "scope_id) tuple, not a tuple of %d items" % len(address))
    if not isinstance(host, str):
        raise TypeError("the host must be a str, not %s" % type(host).__name__)
    if not host.isascii() or "\0" in host:
        # a numeric address is ASCII; this also keeps lone surrogates and
        # NULs away from the native layer, the same way on every interpreter
        raise ArgumentError(StatusCodes.EINVAL,
                            "not a numeric IPv4 or IPv6 address: %r" % (host,))
    for name, value, top in (("port", port, 65535), ("flowinfo", flowinfo, 0xffffffff),
                             ("scope_id", scope_id, 0xffffffff)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError("the %s must be an int, not %s" % (name, type(value).__name__))
        if not 0 <= value <= top:
            raise ArgumentError(StatusCodes.EINVAL,
                                "the %s must be in 0-%d, not %d" % (name, top, value))
    return host, port, flowinfo, scope_id


def _address(native):
    """Address4 / Address6 from the native layer's tuple."""
    if len(native) == 2:
        return Address4(*native)
    return Address6(*native)


# ---------------------------------------------------------------------------
# arguments

def _host(host):
    """The host as the resolver gets it: bytes or None.  A str is encoded
    with the ``idna`` codec, as ``socket.getaddrinfo`` does (so a label that
    is empty or longer than 63 characters raises UnicodeError)."""
    if host is None or type(host) is bytes:
        return host
    if isinstance(host, str):
        if host.isascii():
            # the ascii fast path of the idna codec, without its lookup
            encoded = host.encode("ascii")
            if len(encoded) < 64 and b"." not in encoded:
                return encoded
            labels = encoded.split(b".")
            for label in labels[:-1]:
                if not 0 < len(label) < 64:
                    raise UnicodeError("encoding with 'idna' codec failed "
                                       "(UnicodeError: label empty or too long)")
            if len(labels[-1]) >= 64:
                raise UnicodeError("encoding with 'idna' codec failed "
                                   "(UnicodeError: label too long)")
            return encoded
        return host.encode("idna")
    if isinstance(host, bytes):
        return bytes(host)
    raise TypeError("the host must be a str, bytes or None, not %s"
                    % type(host).__name__)


def _check_port_number(value):
    if not 0 <= value <= 65535:
        raise OverflowError("the port must be in 0-65535, not %d" % value)


def _service(port):
    """The service as the resolver gets it: bytes or None.  An int (and a
    numeric str or bytes) must be a port number, 0-65535: the resolver
    would silently cut a larger one to 16 bits."""
    if port is None:
        return None
    if isinstance(port, bool):
        raise TypeError("the port must be an int, str, bytes or None, not bool")
    if isinstance(port, int):
        _check_port_number(port)
        return b"%d" % port
    if isinstance(port, str):
        port = port.encode("utf-8")
    elif not isinstance(port, bytes):
        raise TypeError("the port must be an int, str, bytes or None, not %s"
                        % type(port).__name__)
    else:
        port = bytes(port)
    if port.isdigit():
        _check_port_number(int(port))
    return port


def _int(value, name):
    if not isinstance(value, int):
        raise TypeError("%s must be an int, not %s" % (name, type(value).__name__))
    return value


def _callback(callback):
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable, not %s" % type(callback).__name__)
    return callback


def _loop(loop):
    if loop is None:
        return Loop.get_current()
    if not isinstance(loop, Loop):
        raise TypeError("loop must be a uv.Loop, not %s" % type(loop).__name__)
    return loop


_family = AddressFamilies._value2member_map_.get
_socktype = SocketTypes._value2member_map_.get
_protocol = SocketProtocols._value2member_map_.get
_new_tuple = tuple.__new__


def _addrinfo_list(raw):
    # the members of the enumerations (the plain int for a value they do
    # not list), built without the namedtuple's Python-level __new__
    return [_new_tuple(AddrInfo, (_family(f, f), _socktype(t, t), _protocol(p, p), c,
                                  None if a is None else _new_tuple(
                                      Address4 if len(a) == 2 else Address6, a)))
            for f, t, p, c, a in raw]


# ---------------------------------------------------------------------------
# requests

class GetAddrInfo(UVRequest):
    """A :func:`getaddrinfo` lookup running on libuv's thread pool:
    ``callback(request, status, addrinfo_list)`` runs once it is done
    (an empty list with an error status).

    :meth:`cancel` works while the lookup waits for a thread (the callback
    then gets ``StatusCodes.ECANCELED``); once it runs, libuv cannot stop it
    and :meth:`cancel` raises :class:`uv.error.ResourceBusyError`.
    ``addrinfo`` holds the result once the callback has run."""

    type = RequestType.GETADDRINFO

    def __init__(self, host, port, family=0, socktype=0, protocol=0, flags=0,
                 callback=None, loop=None):
        loop = _loop(loop)
        h, s = _host(host), _service(port)
        args = (_int(family, "family"), _int(socktype, "socktype"),
                _int(protocol, "protocol"), _int(flags, "flags"))
        UVRequest.__init__(self, loop)
        self.host, self.port = host, port
        self.family, self.socktype, self.protocol, self.flags = args
        self.callback = _callback(callback) or dummy_callback
        #: The result (a list of :class:`AddrInfo`) once the callback ran.
        self.addrinfo = None
        self._n = _uv.GetAddrInfoRequest(loop._n)
        self._n.start(self, h, s, *args)

    def _complete(self, status):
        self.addrinfo = _addrinfo_list(self.__dict__.pop("_result", ()))
        self.callback(self, status, self.addrinfo)

    def __repr__(self):
        try:
            state = "finished" if self._n.is_finished() else "pending"
            return "<uv.dns.GetAddrInfo %r port=%r %s at %#x>" % (
                self.host, self.port, state, id(self))
        except Exception:
            return object.__repr__(self)


class GetNameInfo(UVRequest):
    """A :func:`getnameinfo` lookup running on libuv's thread pool:
    ``callback(request, status, hostname, service)`` runs once it is done
    (``''`` for both with an error status).  Cancelling works as for
    :class:`GetAddrInfo`.  ``nameinfo`` holds the :class:`NameInfo` once the
    callback has run."""

    type = RequestType.GETNAMEINFO

    def __init__(self, ip, port, flags=0, callback=None, loop=None):
        loop = _loop(loop)
        address = _sockaddr((ip, port))
        flags = _int(flags, "flags")
        UVRequest.__init__(self, loop)
        self.ip, self.port, self.flags = ip, port, flags
        self.callback = _callback(callback) or dummy_callback
        #: The result (a :class:`NameInfo`) once the callback ran.
        self.nameinfo = None
        self._n = _uv.GetNameInfoRequest(loop._n)
        self._n.start(self, *(address + (flags,)))

    def _complete(self, status):
        self.nameinfo = info = NameInfo(*self.__dict__.pop("_result", ("", "")))
        self.callback(self, status, info.hostname, info.service)

    def __repr__(self):
        try:
            state = "finished" if self._n.is_finished() else "pending"
            return "<uv.dns.GetNameInfo %r port=%r %s at %#x>" % (
                self.ip, self.port, state, id(self))
        except Exception:
            return object.__repr__(self)


# ---------------------------------------------------------------------------
# the functions

def getaddrinfo(host, port, family=0, socktype=0, protocol=0, flags=0,
                callback=None, loop=None):
    """Resolve *host* and *port* like ``socket.getaddrinfo``.

    *host* is a str (encoded with IDNA), bytes or None; *port* an int
    (0-65535), a service name or number as str or bytes, or None (not both
    None).  *family* (``AddressFamilies`` / ``socket.AF_*``), *socktype*
    (``SocketTypes``), *protocol* (``SocketProtocols``) and *flags*
    (``socket.AI_*``) are the hints.

    Without *callback*: returns a list of :class:`AddrInfo`; blocks the
    calling thread (not the others).  With *callback*: returns a
    :class:`GetAddrInfo` request; ``callback(request, status,
    addrinfo_list)`` runs from *loop* (default: the current loop).

    :raises uv.error.AddressInfoError: the resolver's error (also a
        ``socket.gaierror``), synchronously
    :raises TypeError: an argument of the wrong type
    :raises ValueError: a host that IDNA cannot encode, an embedded NUL
    :raises OverflowError: a port number out of 0-65535
    """
    if callback is not None:
        return GetAddrInfo(host, port, family, socktype, protocol, flags,
                           callback, loop)
    loop = _loop(loop)
    raw = _uv.getaddrinfo(loop._n, _host(host), _service(port),
                          _int(family, "family"), _int(socktype, "socktype"),
                          _int(protocol, "protocol"), _int(flags, "flags"))
    return _addrinfo_list(raw)


def getnameinfo(ip, port, flags=0, callback=None, loop=None):
    """The host and service names of the numeric address *ip* (IPv4 or
    IPv6, a str) and *port* (0-65535), like ``socket.getnameinfo``; *flags*
    are ``socket.NI_*``.

    Without *callback*: returns a :class:`NameInfo`.  With *callback*:
    returns a :class:`GetNameInfo` request; ``callback(request, status,
    hostname, service)`` runs from *loop*.

    :raises uv.error.ArgumentError: *ip* is not a numeric address, or the
        port is out of range
    :raises uv.error.AddressInfoError: the resolver's error, synchronously
    """
    if callback is not None:
        return GetNameInfo(ip, port, flags, callback, loop)
    loop = _loop(loop)
    address = _sockaddr((ip, port))
    return NameInfo(*_uv.getnameinfo(loop._n, *(address + (_int(flags, "flags"),))))
