"""The uv UDP echo server of the benchmarks: the same work as
udp_echo_libuv.c (send every datagram back to where it came from).

    python bench/udp_echo_server.py PORT      (binds 127.0.0.1)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import uv  # noqa: E402

SUCCESS = uv.StatusCodes.SUCCESS


def on_receive(udp, status, address, data, flags):
    if status is SUCCESS:
        udp.send(data, address)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 25000
    loop = uv.Loop()
    server = uv.UDP(loop=loop)
    server.bind(("127.0.0.1", port))
    server.receive_start(on_receive)
    loop.run()


if __name__ == "__main__":
    main()
