# Internal to uv.aio: the unix transports of uv.aio.Loop, reached through
# its asyncio methods (see loop.pyi); nothing here is public.
__all__: list[str] = []
