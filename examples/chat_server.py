"""A chat server: every line a client sends goes to all the other clients.

    python examples/chat_server.py            # the server and 3 scripted clients
    python examples/chat_server.py server [PORT]   # only the server, until SIGINT/SIGTERM

The protocol is line-based: a client's first line is its name, every
following line is a message, which the server sends to every other client
as ``name: message``; joins and leaves are announced the same way.  Any
line-based client works against the server (``nc 127.0.0.1 PORT``).

Without arguments, three clients join on one loop with the server, say
hello in turn, wait until they have heard everyone, leave, and the program
ends once the last one is gone.
"""
import signal
import sys
from typing import Callable, Dict, List, Optional, Set

import uv

S = uv.StatusCodes


class ChatServer(object):
    def __init__(self, loop: uv.Loop, port: int = 0) -> None:
        self.loop = loop
        # stream -> name (None before its first line)
        self.clients: Dict[uv.TCP, Optional[str]] = {}
        self.buffers: Dict[uv.TCP, bytes] = {}
        self.tcp = uv.TCP(loop=loop)
        self.tcp.bind(("127.0.0.1", port))
        self.tcp.listen(on_connection=self.on_connection)
        self.port = self.tcp.sockname.port

    def broadcast(self, line: str, sender: Optional[uv.TCP] = None) -> None:
        data = line.encode() + b"\n"
        for stream, name in self.clients.items():
            if stream is not sender and name is not None:
                stream.write(data)

    def on_connection(self, server: uv.TCP, status: uv.StatusCodes) -> None:
        if status is not S.SUCCESS:
            return
        stream = server.accept()
        self.clients[stream] = None
        self.buffers[stream] = b""
        stream.read_start(self.on_read)

    def on_read(self, stream: uv.TCP, status: uv.StatusCodes, data: bytes) -> None:
        if status is not S.SUCCESS:     # EOF or an error: the client left
            name = self.clients.pop(stream)
            del self.buffers[stream]
            stream.close()
            if name is not None:
                self.broadcast("* %s left" % name)
            return
        lines = (self.buffers[stream] + data).split(b"\n")
        self.buffers[stream] = lines.pop()      # an incomplete last line waits
        for raw in lines:
            line = raw.decode("utf-8", "replace").strip()
            if self.clients[stream] is None:
                self.clients[stream] = line or "anonymous"
                stream.write(b"* welcome, %s; %d here\n" % (
                    line.encode(), sum(1 for n in self.clients.values() if n)))
                self.broadcast("* %s joined" % self.clients[stream], sender=stream)
            elif line:
                self.broadcast("%s: %s" % (self.clients[stream], line), sender=stream)

    def close(self) -> None:
        self.tcp.close()
        for stream in list(self.clients):
            stream.close()


class ScriptedClient(object):
    """Joins as *name*, says *text* once everyone is there, leaves once it
    has heard all the others' messages."""

    def __init__(self, loop: uv.Loop, port: int, name: str, everyone: List[str],
                 on_gone: Callable[["ScriptedClient"], object]) -> None:
        self.name = name
        self.others = set(everyone) - {name}
        self.everyone = everyone
        self.heard: List[str] = []
        self.joined: Set[str] = set()
        self.said = False
        self.leaving = False
        self.on_gone = on_gone
        self.buffer = b""
        self.tcp = uv.TCP(loop=loop)
        self.tcp.connect(("127.0.0.1", port), on_connect=self.on_connect)

    def on_connect(self, request: uv.TCPConnectRequest, status: uv.StatusCodes) -> None:
        if status is not S.SUCCESS:
            print("%s: connect failed: %s" % (self.name, status.message))
            self.tcp.close()
            return
        self.tcp.read_start(self.on_read)
        self.tcp.write(self.name.encode() + b"\n")

    def on_read(self, stream: uv.TCP, status: uv.StatusCodes, data: bytes) -> None:
        if status is not S.SUCCESS:
            stream.close()
            self.on_gone(self)
            return
        lines = (self.buffer + data).split(b"\n")
        self.buffer = lines.pop()
        for raw in lines:
            line = raw.decode()
            if line.startswith("* welcome"):
                # those already here are named in the joins we never saw:
                # count them from the welcome line
                here = int(line.rsplit(";", 1)[1].split()[0])
                self.joined.update(self.everyone[:here - 1])
            elif line.endswith(" joined"):
                self.joined.add(line[2:-len(" joined")])
            elif ": " in line:
                self.heard.append(line)
                print("%s hears %r" % (self.name, line))
        if not self.said and self.others <= self.joined:
            self.said = True
            stream.write(b"hello from %s\n" % self.name.encode())
        if len(self.heard) == len(self.others) and not self.leaving:
            self.leaving = True
            stream.shutdown()           # the server sees EOF: "* NAME left"


def demo() -> int:
    loop = uv.Loop()
    server = ChatServer(loop)
    print("chat server on 127.0.0.1 (port %d)" % server.port)
    names = ["alice", "bob", "carol"]
    gone: List[ScriptedClient] = []

    def on_gone(client: ScriptedClient) -> None:
        gone.append(client)
        print("%s left, having heard %d messages" % (client.name, len(client.heard)))
        if len(gone) == len(names):
            server.close()

    clients: List[ScriptedClient] = []

    def join(i: int) -> None:
        clients.append(ScriptedClient(loop, server.port, names[i], names, on_gone))
        if i + 1 < len(names):          # the next one joins 20 ms later
            def next_one(timer: uv.Timer) -> None:
                timer.close()
                join(i + 1)
            uv.Timer(loop=loop, on_timeout=next_one).start(20)

    join(0)
    loop.run()
    loop.close()
    ok = all(len(c.heard) == len(names) - 1 for c in clients)
    print("done: every client heard every other one" if ok else "done: messages were lost")
    return 0 if ok else 1


def serve(port: int) -> int:
    loop = uv.Loop()
    server = ChatServer(loop, port)
    print("chat server on 127.0.0.1 port %d" % server.port)
    sys.stdout.flush()

    def on_signal(handle: uv.Signal, signum: "uv.Signals | int") -> None:
        loop.close_all_handles()

    for signum in (signal.SIGINT, signal.SIGTERM):
        uv.Signal(loop=loop, on_signal=on_signal).start(signum)
    loop.run()
    loop.close()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["server"]:
        sys.exit(serve(int(sys.argv[2]) if len(sys.argv) > 2 else 0))
    sys.exit(demo())
