"""UDP echo servers on the peers a user would pick instead of uv: asyncio's
and uvloop's ``DatagramProtocol`` (send every datagram back, the same work
as udp_echo_libuv.c).

    python bench/udp_echo_peers.py asyncio|uvloop [port]   (binds 127.0.0.1)
"""
import asyncio
import sys


class Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.transport.sendto(data, addr)

    def error_received(self, exc):
        pass


def main():
    kind = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 25000
    if kind == "uvloop":
        import uvloop
        loop = uvloop.new_event_loop()
    elif kind == "asyncio":
        loop = asyncio.new_event_loop()
    else:
        sys.exit("unknown kind: " + kind)
    asyncio.set_event_loop(loop)
    loop.run_until_complete(loop.create_datagram_endpoint(
        Echo, local_addr=("127.0.0.1", port)))
    loop.run_forever()


if __name__ == "__main__":
    main()
