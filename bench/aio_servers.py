"""The asyncio servers of the uv.aio benchmarks, on any loop.

    python bench/aio_servers.py KIND LOOP PORT

KIND:
  http-protocol   HTTP/1.1 keep-alive with an asyncio.Protocol and a canned
                  reply (requests are split on the blank line that ends them)
  http-streams    the same with asyncio streams (readuntil / write / drain)
  aiohttp         aiohttp's "hello world" (needs aiohttp installed)
  echo            an echo asyncio.Protocol (for ../shared/bench/compare.sh)
LOOP: uv (uv.aio), uvloop, asyncio.

The server prints "ready" once it listens, and runs until killed.
"""
import asyncio
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

REPLY = (b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n"
         b"Connection: keep-alive\r\n\r\nHello, World!")


class HTTPProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""

    def data_received(self, data):
        buf = self.buffer + data
        n = buf.count(b"\r\n\r\n")
        if n:
            self.transport.write(REPLY * n)
            buf = buf[buf.rfind(b"\r\n\r\n") + 4:]
        self.buffer = buf


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            import socket
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data):
        self.transport.write(data)


async def http_streams(reader, writer):
    try:
        while True:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(REPLY)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    writer.close()


async def serve(kind, port):
    loop = asyncio.get_running_loop()
    if kind == "http-protocol":
        server = await loop.create_server(HTTPProtocol, "127.0.0.1", port)
    elif kind == "echo":
        server = await loop.create_server(EchoProtocol, "127.0.0.1", port)
    elif kind == "http-streams":
        server = await asyncio.start_server(http_streams, "127.0.0.1", port)
    elif kind == "aiohttp":
        from aiohttp import web

        async def hello(request):
            return web.Response(text="Hello, World!")
        app = web.Application()
        app.router.add_get("/", hello)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        server = None
    else:
        raise SystemExit("unknown kind %r" % kind)
    print("ready", flush=True)
    await asyncio.Event().wait()


def main():
    kind, loop_kind, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if loop_kind == "uv":
        import uv.aio
        uv.aio.run(serve(kind, port))
    elif loop_kind == "uvloop":
        import uvloop
        uvloop.run(serve(kind, port))
    elif loop_kind == "asyncio":
        asyncio.run(serve(kind, port))
    else:
        raise SystemExit("unknown loop %r" % loop_kind)


if __name__ == "__main__":
    main()
