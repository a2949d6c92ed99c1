from asyncio import base_events

__all__ = ["Loop"]

# Loop's own methods (run_forever, close, getaddrinfo, add_signal_handler,
# and add_reader, sock_recv, ... of uv.aio.sockets.SocketMixin) have
# BaseEventLoop's signatures, which the stub inherits.
class Loop(base_events.BaseEventLoop):
    def __init__(self) -> None: ...
