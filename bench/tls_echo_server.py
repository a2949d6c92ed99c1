"""The uv TLS echo server of the benchmarks: accept, TCP_NODELAY, a
server-side uv.secure.Secure on each connection, write every decrypted
read back (the work of tls_echo_peers.py's protocol servers).

    python bench/tls_echo_server.py PORT CERTFILE KEYFILE   (127.0.0.1)
"""
import os
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import uv  # noqa: E402
from uv.secure import Secure  # noqa: E402

SUCCESS = uv.StatusCodes.SUCCESS


def on_read(secure, status, data):
    if status is SUCCESS:
        secure.write(data)
    else:
        secure.close()


def main():
    port, certfile, keyfile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile, keyfile)

    def on_connection(server, status):
        if status is not SUCCESS:
            return
        client = server.accept()
        client.set_nodelay(True)
        Secure(client, context, server_side=True).read_start(on_read)

    loop = uv.Loop()
    server = uv.TCP(loop=loop)
    server.bind(("127.0.0.1", port))
    server.listen(1024, on_connection)
    loop.run()


if __name__ == "__main__":
    main()
