"""Fixtures for the documents tests: a small clamd speaking INSTREAM on loopback. The files they upload are in
tests/support/files.py; the real documents worker is the `documents_worker` fixture of tests/conftest.py."""

from __future__ import annotations

import socketserver
import struct
import threading
from types import SimpleNamespace

import pytest

from tests.support.files import EICAR

# --- a small clamd ------------------------------------------------------------------------------


class _ClamdHandler(socketserver.BaseRequestHandler):
    """clamd's INSTREAM command as clamd answers it: `stream: OK` or `stream: <signature> FOUND`."""

    def handle(self):
        sock = self.request
        command = b""
        while not command.endswith(b"\0"):
            part = sock.recv(1)
            if not part:
                return
            command += part
        if command != b"zINSTREAM\0":
            sock.sendall(b"UNKNOWN COMMAND\0")
            return
        data = bytearray()

        def read_exact(n):
            buf = b""
            while len(buf) < n:
                part = sock.recv(n - len(buf))
                if not part:
                    raise ConnectionError
                buf += part
            return buf

        while True:
            (length,) = struct.unpack("!I", read_exact(4))
            if length == 0:
                break
            data += read_exact(length)
            if len(data) > self.server.stream_max_length:
                sock.sendall(b"INSTREAM size limit exceeded. ERROR\0")
                return
        self.server.scanned.append(bytes(data))
        if EICAR in data:
            sock.sendall(b"stream: Eicar-Test-Signature FOUND\0")
        else:
            sock.sendall(b"stream: OK\0")


class _ClamdServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture
def clamd():
    server = _ClamdServer(("127.0.0.1", 0), _ClamdHandler)
    server.scanned = []
    server.stream_max_length = 25 * 1024 * 1024
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address
    yield SimpleNamespace(host=host, port=port, server=server)
    server.shutdown()
    server.server_close()
