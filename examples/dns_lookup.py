"""Parallel name lookups with uv.dns.

    python examples/dns_lookup.py [HOST...]

Starts every lookup at once: each ``uv.getaddrinfo(..., callback=...)``
returns a request immediately and runs on libuv's thread pool, and the
callbacks run on the loop as the answers come, in whatever order they
finish.  Then a reverse lookup (``uv.getnameinfo``), a lookup that fails
(a name given with ``AI_NUMERICHOST``, which forbids asking a name
server), and the same lookup made synchronously.

Without arguments it looks up names that resolve without a name server:
``localhost`` (from /etc/hosts) and numeric IPv4 and IPv6 addresses.
"""
import socket
import sys
from typing import Dict, List, Optional

import uv

S = uv.StatusCodes


def lookup_all(loop: uv.Loop, hosts: List[str]) -> Dict[str, Optional[List[str]]]:
    answers: Dict[str, Optional[List[str]]] = {}

    def on_addrinfo(request: uv.dns.GetAddrInfo, status: uv.StatusCodes,
                    infos: List[uv.AddrInfo]) -> None:
        host = request.data
        if status is S.SUCCESS:
            answers[host] = found = sorted({info.address.host for info in infos
                                            if info.address is not None})
            print("%-12s -> %s" % (host, ", ".join(found)))
        else:
            answers[host] = None
            print("%-12s -> %s (%s)" % (host, status.name, status.message))

    for host in hosts:
        request = uv.getaddrinfo(host, 80, socktype=uv.SocketTypes.STREAM,
                                 callback=on_addrinfo, loop=loop)
        request.data = host             # free for the caller
    print("started %d lookups" % len(hosts))
    loop.run()
    return answers


def main(hosts: List[str]) -> int:
    loop = uv.Loop()
    answers = lookup_all(loop, hosts)

    def on_nameinfo(request: uv.dns.GetNameInfo, status: uv.StatusCodes, hostname: str,
                    service: str) -> None:
        print("127.0.0.1 port 80 is %s, service %s" % (hostname, service)
              if status is S.SUCCESS else "getnameinfo: %s" % status.name)

    uv.getnameinfo("127.0.0.1", 80, callback=on_nameinfo, loop=loop)

    def on_numeric_only(request: uv.dns.GetAddrInfo, status: uv.StatusCodes,
                        infos: List[uv.AddrInfo]) -> None:
        # status is an error status; request.error would raise the same
        # exception the synchronous call raises
        print("AI_NUMERICHOST 'localhost' -> %s: %s" % (status.name, status.message))

    uv.getaddrinfo("localhost", 80, flags=socket.AI_NUMERICHOST,
                   callback=on_numeric_only, loop=loop)
    loop.run()

    # without a callback: the result, or the resolver's error as an exception
    infos = uv.getaddrinfo("127.0.0.1", "8080", socktype=uv.SocketTypes.STREAM)
    print("synchronous: %s" % (infos[0].address,))
    try:
        uv.getaddrinfo("localhost", 80, flags=socket.AI_NUMERICHOST)
    except socket.gaierror as error:    # uv.error.AddressNameError is one
        print("synchronous error: %s" % type(error).__name__)
    loop.close()
    ok = all(answers.values())
    print("done" if ok else "done, some lookups failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["localhost", "127.0.0.1", "::1", "10.1.2.3",
                                   "fe80::1", "0x7f.1"]))
