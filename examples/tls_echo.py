"""A TLS echo server and client with uv.secure.

    python examples/tls_echo.py

Makes a throw-away self-signed certificate for ``localhost`` with the
system's ``openssl req`` (in a temporary directory, removed at the end),
then runs a TLS echo server and a client on one loop over 127.0.0.1.
``uv.secure.Secure`` runs the standard library's ``ssl`` over any uv
stream: here the server wraps each accepted ``uv.TCP`` and the client its
connected one.  The client checks the certificate and the name
(``server_hostname``) against the certificate it trusts, sends a few
messages, and closes the TLS session with ``shutdown`` (close_notify);
the server answers with its own and closes.
"""
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
from typing import Callable, List, Optional, Tuple

import uv
from uv.secure import Secure

S = uv.StatusCodes


def make_certificate(directory: str) -> Tuple[str, str]:
    cert = os.path.join(directory, "localhost.crt")
    key = os.path.join(directory, "localhost.key")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
         "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    return cert, key


def start_server(loop: uv.Loop, context: ssl.SSLContext) -> uv.TCP:
    def on_read(secure: Secure, status: uv.StatusCodes, data: bytes) -> None:
        if status is S.SUCCESS:
            secure.write(data)
        elif status is S.EOF and secure.handshake_done:
            # the client's close_notify: answer with ours, then close
            secure.shutdown(on_shutdown=lambda request, st: request.stream.close())
        else:
            secure.close()

    def on_connection(server: uv.TCP, status: uv.StatusCodes) -> None:
        secure = Secure(server.accept(), context, server_side=True)
        secure.read_start(on_read)      # the handshake starts by itself

    server = uv.TCP(loop=loop)
    server.bind(("127.0.0.1", 0))
    server.listen(on_connection=on_connection)
    return server


def run_client(loop: uv.Loop, port: int, context: ssl.SSLContext, messages: List[bytes],
               on_done: Callable[[bytes], object]) -> None:
    tcp = uv.TCP(loop=loop)
    received = bytearray()
    expected = sum(map(len, messages))

    def on_handshake(request: uv.secure.HandshakeRequest, status: uv.StatusCodes,
                     error: Optional[BaseException]) -> None:
        secure = request.stream
        if status is not S.SUCCESS:
            print("client: handshake failed: %s" % error)
            secure.close()
            return
        cipher = secure.cipher()
        assert cipher is not None       # the handshake is done
        subject = dict(item[0] for item in secure.getpeercert()["subject"])
        print("client: %s, %s, server certificate for %s"
              % (secure.version(), cipher[0], subject["commonName"]))

    def on_read(secure: Secure, status: uv.StatusCodes, data: bytes) -> None:
        if status is S.SUCCESS:
            received.extend(data)
            if len(received) == expected:
                secure.shutdown()       # close_notify after the echo
        else:                           # EOF: the server's close_notify
            secure.close()
            on_done(bytes(received))

    def on_connect(request: uv.TCPConnectRequest, status: uv.StatusCodes) -> None:
        if status is not S.SUCCESS:
            print("client: connect failed: %s" % status.message)
            tcp.close()
            return
        secure = Secure(tcp, context, server_hostname="localhost")
        secure.handshake(on_handshake=on_handshake)
        secure.read_start(on_read)
        for message in messages:        # queued until the handshake is done
            secure.write(message)

    tcp.connect(("127.0.0.1", port), on_connect=on_connect)


def main() -> int:
    directory = tempfile.mkdtemp(prefix="uv-tls-example.")
    try:
        cert, key = make_certificate(directory)
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(cert, key)
        client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # checks the name
        client_context.load_verify_locations(cert)
    finally:
        shutil.rmtree(directory)        # the contexts have loaded the files

    loop = uv.Loop()
    server = start_server(loop, server_context)
    port = server.sockname.port
    print("server: TLS on 127.0.0.1 (port %d)" % port)
    messages = [b"secret %d\n" % i for i in range(5)]
    result: List[bytes] = []

    def on_done(echo: bytes) -> None:
        result.append(echo)
        print("client: %d bytes echoed, %s" % (len(echo), "intact"
              if echo == b"".join(messages) else "WRONG"))
        server.close()

    run_client(loop, port, client_context, messages, on_done)
    loop.run()
    loop.close()
    ok = result == [b"".join(messages)]
    print("done" if ok else "done, with errors")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
