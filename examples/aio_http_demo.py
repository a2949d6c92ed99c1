"""A small HTTP/1.1 server and client on uv.aio, asyncio's event loop on
libuv: plain asyncio code (streams, tasks, a timeout), run with
``uv.aio.run``.  The server answers keep-alive requests; the client makes
a few over one connection and one more over a second connection, then
everything shuts down cleanly.

    python examples/aio_http_demo.py
"""
import asyncio
import sys
from typing import List, Tuple

import uv.aio


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """One HTTP/1.1 connection: answer each request until the client
    closes it."""
    peer = writer.get_extra_info("peername")
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break                                   # the client closed
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            method, path, _ = request_line.split(" ", 2)
            body = ("hello from uv.aio on %s %s: %s %s\n"
                    % (sys.implementation.name, sys.version.split()[0], method, path)).encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()
    finally:
        writer.close()
    print("server: connection from port %d closed" % peer[1])
    CLOSED.append(peer[1])
    if len(CLOSED) == CONNECTIONS:
        ALL_CLOSED.set()


async def get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
              path: str) -> Tuple[str, str]:
    """One GET over an open keep-alive connection: (status line, body)."""
    writer.write(("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % path).encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(int(line.split(":", 1)[1]) for line in lines
                  if line.lower().startswith("content-length:"))
    body = await reader.readexactly(length)
    return lines[0], body.decode()


# the connections the client makes, and those the server has seen end
CONNECTIONS = 3
CLOSED: List[int] = []
ALL_CLOSED: asyncio.Event


async def main() -> None:
    global ALL_CLOSED
    ALL_CLOSED = asyncio.Event()           # made on the running loop (3.8, 3.9)
    loop = asyncio.get_running_loop()
    print("loop: %r" % (loop,))
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print("server: listening on 127.0.0.1:%d" % port)

    # a keep-alive connection to "localhost" (resolved on libuv's thread pool)
    reader, writer = await asyncio.open_connection("localhost", port)
    for path in ("/", "/uv", "/aio"):
        status, body = await asyncio.wait_for(get(reader, writer, path), 10)
        print("client: %s -> %s | %s" % (path, status, body.strip()))
    writer.close()

    # requests on two more connections at once
    async def one(path: str) -> Tuple[str, str]:
        r, w = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await get(r, w, path)
        finally:
            w.close()
    results = await asyncio.wait_for(asyncio.gather(one("/a"), one("/b")), 10)
    for status, body in results:
        print("client: %s | %s" % (status, body.strip()))

    await asyncio.wait_for(ALL_CLOSED.wait(), 10)   # every handler has ended
    server.close()
    await server.wait_closed()
    print("server: closed")


if __name__ == "__main__":
    uv.aio.run(main())
