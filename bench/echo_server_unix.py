"""The uv Unix-socket echo server of the benchmarks: the same work as
bench/echo_libuv_unix.c (accept, echo every read back).

    python bench/echo_server_unix.py PATH
"""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import uv  # noqa: E402

SUCCESS = uv.StatusCodes.SUCCESS


def on_read(stream, status, data):
    if status is SUCCESS:
        stream.write(data)
    else:
        stream.close()


def on_connection(server, status):
    if status is not SUCCESS:
        return
    server.accept().read_start(on_read)


def main():
    loop = uv.Loop()
    server = uv.Pipe(loop=loop)
    server.bind(sys.argv[1])
    server.listen(1024, on_connection)
    # SIGTERM closes the server, which removes the socket file
    stop = uv.Signal(loop=loop, on_signal=lambda h, n: loop.close_all_handles())
    stop.start(signal.SIGTERM)
    stop.dereference()
    loop.run()


if __name__ == "__main__":
    main()
