"""Unix-socket echo servers of the peers, for bench/compare_unix.sh:
asyncio's Protocol server on uvloop or on asyncio's own loop.

    python bench/echo_peers_unix.py uvloop-protocol|asyncio-protocol PATH
"""
import asyncio
import os
import signal
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def serve(path):
    loop = asyncio.get_running_loop()
    server = await loop.create_unix_server(Echo, path, backlog=1024)
    done = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, done.set_result, None)
    await done
    server.close()
    await server.wait_closed()
    if os.path.exists(path):
        os.unlink(path)


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "uvloop-protocol":
        import uvloop
        uvloop.install()
    elif kind != "asyncio-protocol":
        raise SystemExit("unknown server %r" % kind)
    asyncio.run(serve(path))


if __name__ == "__main__":
    main()
