"""Helpers the stream and TCP tests share (test_stream.py, test_tcp.py,
test_tcp_load.py): a plain module, imported as ``from tcp_support import
...`` (tests/ has no ``__init__.py``, so pytest puts it on ``sys.path``).

- ``S`` (``uv.StatusCodes``) and ``HOST`` (the IPv4 loopback address);
- ``Server``: a uv TCP server on a free port, echoing or not;
- ``Client``: a uv TCP client that connects at once and may read;
- ``collect_reads(stream)``: start reading a stream into a dict;
- ``fill(stream)``: try_write into a stream until its socket is full.

The fixtures built on them (``server``, ``pair``) and the loop drivers
(``until``, ``pause``) are in conftest.py.
"""
import uv

S = uv.StatusCodes
HOST = "127.0.0.1"


class Server(object):
    """A uv TCP server with a free port on *host* (bound with *flags*).

    ``echo=True``: accepted streams read and echo, shut down on EOF and close
    once shut (or close on an error).  ``echo=False``: accepted streams are
    kept in ``accepted`` and left alone (the test drives them)."""

    def __init__(self, loop, host=HOST, echo=True, flags=0):
        self.loop = loop
        self.echo = echo
        self.accepted = []
        self.received = {}           # stream -> bytearray (echo=True)
        self.ends = {}               # stream -> status that ended reading
        self.tcp = uv.TCP(loop=loop)
        self.tcp.bind((host, 0), flags)
        self.tcp.listen(on_connection=self._on_connection)
        self.address = self.tcp.sockname

    def _on_connection(self, server, status):
        assert status is S.SUCCESS, status
        stream = server.accept()
        self.accepted.append(stream)
        self.received[stream] = bytearray()
        if self.echo:
            stream.read_start(on_read=self._on_read)

    def _on_read(self, stream, status, data):
        if status is S.SUCCESS:
            self.received[stream] += data
            stream.write(data)
            return
        self.ends[stream] = status
        if status is S.EOF:
            stream.shutdown(on_shutdown=lambda req, st: req.stream.close())
        else:
            stream.close()

    def close(self):
        self.tcp.close()
        for stream in self.accepted:
            stream.close()


class Client(object):
    """A uv TCP client that connects at once (the connect request is
    ``request``); ``read=True`` starts reading in the connect callback and
    collects what arrives in ``received``."""

    def __init__(self, loop, address, read=True):
        self.read = read
        self.connected = None
        self.received = bytearray()
        self.reads = []              # (status, data) of every on_read call
        self.end = None              # the status that ended reading
        self.tcp = uv.TCP(loop=loop)
        self.request = self.tcp.connect(address, on_connect=self._on_connect)

    def _on_connect(self, request, status):
        self.connected = status
        if status is S.SUCCESS and self.read:
            request.stream.read_start(on_read=self._on_read)

    def _on_read(self, stream, status, data):
        self.reads.append((status, data))
        if status is S.SUCCESS:
            self.received += data
        else:
            self.end = status


def collect_reads(stream):
    """Start reading *stream* into a dict: ``data`` (bytearray), ``end``
    (final status or None), ``calls`` (list of (status, data))."""
    state = {"data": bytearray(), "end": None, "calls": []}

    def on_read(s, status, data):
        state["calls"].append((status, data))
        if status is S.SUCCESS:
            state["data"] += data
        else:
            state["end"] = status

    stream.read_start(on_read=on_read)
    return state


def fill(stream, chunk=1 << 20, limit=256 << 20):
    """try_write into *stream* until the socket takes nothing more; returns
    the number of bytes written."""
    block = b"f" * chunk
    total = 0
    while total < limit:
        n = stream.try_write(block)
        if n == 0:
            return total
        total += n
    raise AssertionError("the socket took %d bytes without filling up" % total)
