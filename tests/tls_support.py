"""Helpers of tests/test_secure.py: certificates and TLS peers.

``Certificates`` makes self-signed certificates with the system's
``openssl req`` (the ``cryptography`` package is not available) once per
test session, in a temporary directory that is deleted at the end:

- ``localhost``: CN localhost, subjectAltName DNS:localhost, IP:127.0.0.1;
- ``other``: CN other.example, subjectAltName DNS:other.example;
- ``stranger``: the same names as ``localhost``, but a different key that
  no client here trusts.

Each is its own CA (self-signed); clients trust ``localhost`` and
``other`` through ``cafile``.  Elliptic-curve keys (P-256) keep the
generation fast.
"""
import os
import shutil
import ssl
import subprocess
import tempfile

import uv

S = uv.StatusCodes
HOST = "127.0.0.1"


class Certificates(object):
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="uv-test-tls.")
        try:
            self.localhost = self._make("localhost", "DNS:localhost,IP:127.0.0.1")
            self.other = self._make("other.example", "DNS:other.example")
            self.stranger = self._make("localhost", "DNS:localhost,IP:127.0.0.1",
                                       name="stranger")
            self.trusted = os.path.join(self.dir, "trusted.pem")
            with open(self.trusted, "w") as out:
                for cert, _key in (self.localhost, self.other):
                    with open(cert) as f:
                        out.write(f.read())
        except BaseException:
            self.remove()
            raise

    def _make(self, cn, san, name=None):
        name = name or cn
        cert = os.path.join(self.dir, name + ".crt")
        key = os.path.join(self.dir, name + ".key")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
             "-days", "2", "-subj", "/CN=" + cn, "-addext", "subjectAltName=" + san],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
        return cert, key

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- contexts ----

    def server_context(self, which="localhost", version=None):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*getattr(self, which))
        if version is not None:
            ctx.minimum_version = ctx.maximum_version = version
        return ctx

    def client_context(self, trusted=True, version=None):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)     # checks names
        if trusted:
            ctx.load_verify_locations(self.trusted)
        if version is not None:
            ctx.minimum_version = ctx.maximum_version = version
        return ctx


class TLSServer(object):
    """A uv TCP server on 127.0.0.1 that wraps each accepted stream in a
    server-side ``Secure``.  ``echo=True``: reads and writes back, answers
    the client's close_notify with its own shutdown and closes once shut;
    ``echo=False``: ``secures`` are left to the test.  Handshake results go
    to ``handshakes`` as (secure, status, error)."""

    def __init__(self, loop, context, echo=True):
        from uv.secure import Secure
        self.loop = loop
        self.context = context
        self.echo = echo
        self.secures = []
        self.handshakes = []
        self.received = {}
        self.ends = {}
        self._Secure = Secure
        self.tcp = uv.TCP(loop=loop)
        self.tcp.bind((HOST, 0))
        self.tcp.listen(on_connection=self._on_connection)
        self.address = self.tcp.sockname

    def _on_connection(self, server, status):
        assert status is S.SUCCESS, status
        stream = server.accept()
        secure = self._Secure(stream, self.context, server_side=True)
        self.secures.append(secure)
        self.received[secure] = bytearray()
        secure.handshake(on_handshake=self._on_handshake)
        if self.echo:
            secure.read_start(on_read=self._on_read)

    def _on_handshake(self, request, status, error):
        self.handshakes.append((request.stream, status, error))

    def _on_read(self, secure, status, data):
        if status is S.SUCCESS:
            self.received[secure] += data
            secure.write(data)
            return
        self.ends[secure] = status
        if status is S.EOF and secure.handshake_done and not secure.closing:
            secure.shutdown(on_shutdown=lambda req, st: req.stream.close())
        else:
            secure.close()

    def close(self):
        self.tcp.close()
        for secure in self.secures:
            secure.close()


class TLSClient(object):
    """A uv TCP client that connects to *address* and, once connected, runs
    a client-side ``Secure`` (handshake started, reading into
    ``received``; ``ends`` gets the status that ended reading)."""

    def __init__(self, loop, address, context, server_hostname="localhost",
                 read=True, on_secure=None):
        from uv.secure import Secure
        self.loop = loop
        self.context = context
        self.server_hostname = server_hostname
        self.secure = None
        self.connected = None
        self.handshake = None
        self.received = bytearray()
        self.ends = []
        self._read = read
        self._on_secure = on_secure
        self._Secure = Secure
        self.tcp = uv.TCP(loop=loop)
        self.tcp.connect(address, on_connect=self._on_connect)

    def _on_connect(self, request, status):
        self.connected = status
        if status is not S.SUCCESS:
            return
        self.secure = self._Secure(self.tcp, self.context,
                                   server_hostname=self.server_hostname)
        if self._on_secure:
            self._on_secure(self.secure)
        self.secure.handshake(on_handshake=self._on_handshake)
        if self._read:
            self.secure.read_start(on_read=self._on_read)

    def _on_handshake(self, request, status, error):
        self.handshake = (status, error)

    def _on_read(self, secure, status, data):
        if status is S.SUCCESS:
            self.received += data
        else:
            self.ends.append(status)

    def close(self):
        if self.secure is not None:
            self.secure.close()
        else:
            self.tcp.close()
