"""Addresses (and, later, name resolution).

``Address4(host, port)`` and ``Address6(host, port, flowinfo=0, scope_id=0)``
are tuples with named fields; both are :class:`Address` instances.  Anywhere
an address is taken, a plain ``(host, port)`` or ``(host, port, flowinfo,
scope_id)`` tuple works; *host* is a numeric IPv4 or IPv6 address.
"""
import collections
import socket

from .common import Enumeration
from .error import ArgumentError, StatusCodes

__all__ = ["Address", "Address4", "Address6", "AddressFamilies"]


class AddressFamilies(Enumeration):
    """Address families."""

    UNKNOWN = socket.AF_UNSPEC
    INET4 = socket.AF_INET
    INET6 = socket.AF_INET6
    UNIX = socket.AF_UNIX


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
