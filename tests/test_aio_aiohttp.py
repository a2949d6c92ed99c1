"""A real program on uv.aio: an aiohttp server and an aiohttp client
talking to each other over loopback (issue 11).

aiohttp comes from requirements/test.txt on Python 3.11 and later (CPython
and PyPy): aiohttp 3.14 and its multidict 7 need 3.11, so the test is
skipped on 3.8-3.10, where tests/test_aio.py covers uv.aio."""
import asyncio
import sys

import pytest

import uv.aio

from child import TIME_SCALE

if sys.version_info < (3, 11):
    pytest.skip("aiohttp 3.14 (pinned) needs Python 3.11 or later",
                allow_module_level=True)

import aiohttp                     # noqa: E402  (installed on 3.11+: must import)
from aiohttp import web            # noqa: E402


def run(coro):
    async def limited():
        return await asyncio.wait_for(coro, 30 * TIME_SCALE)
    return uv.aio.run(limited())


async def start_app():
    async def hello(request):
        return web.Response(text="hello %s" % request.match_info.get("name", "world"))

    async def echo(request):
        return web.json_response({"got": await request.json(),
                                  "loop": type(asyncio.get_running_loop()).__module__})

    async def big(request):
        return web.Response(body=b"x" * int(request.query["n"]))

    async def ws(request):
        sock = web.WebSocketResponse()
        await sock.prepare(request)
        async for msg in sock:
            await sock.send_str(msg.data.upper())
        return sock

    app = web.Application()
    app.add_routes([web.get("/", hello), web.get("/hello/{name}", hello),
                    web.post("/echo", echo), web.get("/big", big),
                    web.get("/ws", ws)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, port


def test_aiohttp_server_and_client_on_uv_aio():
    async def main():
        assert isinstance(asyncio.get_running_loop(), uv.aio.Loop)
        runner, port = await start_app()
        base = "http://localhost:%d" % port
        try:
            async with aiohttp.ClientSession() as session:
                async with session.get(base + "/") as r:
                    first = (r.status, await r.text())
                async with session.get(base + "/hello/uv") as r:
                    second = await r.text()
                async with session.post(base + "/echo", json={"a": [1, 2]}) as r:
                    echoed = await r.json()
                async with session.get(base + "/big", params={"n": str(3 << 20)}) as r:
                    body = await r.read()
                # many requests at once over the session's connection pool
                async def one(i):
                    async with session.get(base + "/hello/%d" % i) as r:
                        return await r.text()
                many = await asyncio.gather(*[one(i) for i in range(50)])
                async with session.ws_connect(base + "/ws") as sock:
                    await sock.send_str("over a websocket")
                    reply = (await sock.receive()).data
        finally:
            await runner.cleanup()
        return first, second, echoed, len(body), many, reply
    first, second, echoed, size, many, reply = run(main())
    assert first == (200, "hello world")
    assert second == "hello uv"
    assert echoed == {"got": {"a": [1, 2]}, "loop": "uv.aio.loop"}
    assert size == 3 << 20
    assert many == ["hello %d" % i for i in range(50)]
    assert reply == "OVER A WEBSOCKET"
