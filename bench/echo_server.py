"""The uv echo server of the benchmarks: the same work as
../shared/bench/echo_libuv.c (accept, TCP_NODELAY, echo every read back).

    python bench/echo_server.py PORT [READ_BUFFER_SIZE]   (listens on 127.0.0.1)

READ_BUFFER_SIZE: the accepted streams' read_buffer_size (default: the
stream's own default).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import uv  # noqa: E402

SUCCESS = uv.StatusCodes.SUCCESS
READ_BUFFER_SIZE = int(sys.argv[2]) if len(sys.argv) > 2 else 0


def on_read(stream, status, data):
    if status is SUCCESS:
        stream.write(data)
    else:
        stream.close()


def on_connection(server, status):
    if status is not SUCCESS:
        return
    client = server.accept()
    client.set_nodelay(True)
    if READ_BUFFER_SIZE:
        client.read_buffer_size = READ_BUFFER_SIZE
    client.read_start(on_read)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 25000
    loop = uv.Loop()
    server = uv.TCP(loop=loop)
    server.bind(("127.0.0.1", port))
    server.listen(1024, on_connection)
    loop.run()


if __name__ == "__main__":
    main()
