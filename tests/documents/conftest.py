"""Fixtures for the documents tests: real files of each type (and hostile ones), Celery run eagerly, a
small clamd speaking INSTREAM on loopback, and a real Celery worker on the test database."""

from __future__ import annotations

import io
import os
import signal
import socket
import socketserver
import struct
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from config.celery import app as celery_app
from tests.factories import PDF_BYTES, PNG_BYTES

ROOT = Path(__file__).resolve().parents[2]

JPEG_BYTES = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\xff\xdb\x00\x43\x00"
    + bytes(range(64))
    + b"\xff\xd9"
)
# The EICAR test string: every virus scanner reports it, and it harms nothing.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def pdf_of_size(size: int) -> bytes:
    """A PDF of exactly `size` bytes (header, padding, %%EOF)."""
    head, tail = b"%PDF-1.4\n%", b"\n%%EOF\n"
    return head + b"0" * (size - len(head) - len(tail)) + tail


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document>Razılaşma</w:document>')
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>', zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest/>', zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def zip_bomb_docx(megabytes: int = 40) -> bytes:
    """A DOCX-shaped archive whose document part inflates ~1000×: tens of MB from a few dozen KB."""
    buffer = io.BytesIO()
    zeros = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w") as part:
            for _ in range(megabytes):
                part.write(zeros)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- a real Celery worker -----------------------------------------------------------------------

WORKER_START_SECONDS = 40


def test_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # not a test, despite its name


class Worker(SimpleNamespace):
    def wait_for(self, predicate, seconds, what):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited with status {self.process.returncode}:\n{self.log.read_text()}")
            if result := predicate():
                return result
            time.sleep(0.2)
        pytest.fail(f"{what} within {seconds} s. Worker output:\n{self.log.read_text()}")


@pytest.fixture
def worker_env():
    """Extra environment for the worker (e.g. CLAMAV_HOST); set before `documents_worker` starts."""
    return {}


@pytest.fixture
def documents_worker(transactional_db, settings, tmp_path, worker_env):
    """A real `celery worker` process on the test Redis and the test database (the one this test's
    committed rows are in), sharing this test's media root; documents' and applications' tasks are
    routed to a queue of its own so no other worker takes them."""
    name = f"documents-{uuid.uuid4().hex[:12]}"
    media = tmp_path / "worker-media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    log = tmp_path / "worker.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAMAV_", "AWS_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "DJANGO_MEDIA_ROOT": str(media),
            **worker_env,
        }
    )
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-c", "1", "-l", "info"]
            + ["-Q", name, "-n", f"{name}@%h", "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    old_routes = celery_app.conf.task_routes
    celery_app.conf.update(task_routes={"documents.tasks.*": {"queue": name}, "applications.tasks.*": {"queue": name}})
    worker = Worker(name=name, process=process, log=log, media=media)
    try:
        node = f"{name}@{os.uname().nodename}"
        worker.wait_for(
            lambda: celery_app.control.ping(destination=[node], timeout=1),
            WORKER_START_SECONDS,
            "no ping reply from the worker",
        )
        yield worker
    finally:
        celery_app.conf.update(task_routes=old_routes)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        client = redis.Redis.from_url(settings.REDIS_URL)
        if keys := list(client.scan_iter(f"*{name}*")):
            client.delete(*keys)


__all__ = ["PDF_BYTES", "PNG_BYTES"]
