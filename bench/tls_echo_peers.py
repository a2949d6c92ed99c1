"""TLS echo servers on the peers: asyncio's and uvloop's protocol servers
with ``ssl=`` (each loop's own TLS layer: asyncio's sslproto.py, uvloop's
sslproto.pyx), the same work as tls_echo_server.py.

    python bench/tls_echo_peers.py asyncio-protocol|uvloop-protocol PORT CERTFILE KEYFILE
"""
import asyncio
import socket
import ssl
import sys


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data):
        self.transport.write(data)


def main():
    kind, port, certfile, keyfile = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    if kind == "uvloop-protocol":
        import uvloop
        loop = uvloop.new_event_loop()
    elif kind == "asyncio-protocol":
        loop = asyncio.new_event_loop()
    else:
        sys.exit("unknown kind: " + kind)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile, keyfile)
    asyncio.set_event_loop(loop)
    loop.run_until_complete(loop.create_server(EchoProtocol, "127.0.0.1", port,
                                               ssl=context, backlog=1024))
    loop.run_forever()


if __name__ == "__main__":
    main()
