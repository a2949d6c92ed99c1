# The internals of uv.aio.Loop: SocketMixin gives it add_reader/add_writer
# and the sock_* coroutines, with BaseEventLoop's signatures (see loop.pyi).
