# The internals of uv.aio.Loop: its stream transport and listener, which
# users reach as asyncio.Transport and asyncio.Server.
__all__: list[str] = []
