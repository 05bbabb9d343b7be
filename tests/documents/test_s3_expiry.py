"""Presigned download URLs expire. moto's server (tests/documents/test_s3.py) never checks X-Amz-Expires, so this
runs against s3rver, a second S3-protocol server on loopback that enforces it as S3 and MinIO do. `make install`
installs s3rver with npm (tests/documents/s3rver/); in CI its absence is a failure, elsewhere a skip."""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.core.files.storage import default_storage
from django.test import override_settings

from tests.support.drivers import make_ready_application
from tests.support.files import PDF_BYTES

pytestmark = pytest.mark.django_db

S3RVER = Path(__file__).resolve().parent / "s3rver" / "node_modules" / "s3rver" / "bin" / "s3rver.js"
BUCKET = "korpu-expiry"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3rver(tmp_path_factory):
    if not S3RVER.exists():
        message = "s3rver is not installed: run `make install` (npm ci --prefix tests/documents/s3rver)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    data = tmp_path_factory.mktemp("s3rver")
    process = subprocess.Popen(
        ["node", str(S3RVER), "-d", str(data), "-a", "127.0.0.1", "-p", str(port), "-s"]
        + ["--no-vhost-buckets", "--configure-bucket", BUCKET],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("s3rver did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_an_expired_presigned_url_is_refused(world, s3rver):
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": s3rver,
        "region_name": "us-east-1",
        "access_key": "S3RVER",  # s3rver's fixed credentials
        "secret_key": "S3RVER",
        "default_acl": "private",
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": 300,
        "addressing_style": "path",
        "signature_version": "s3v4",
    }
    storages = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        application = make_ready_application(world)
        document = application.documents.get(kind="transcript")
        fresh = requests.get(default_storage.url(document.file.name), timeout=10)
        assert fresh.status_code == 200 and fresh.content == PDF_BYTES
        short = default_storage.url(document.file.name, expire=1)
        assert requests.get(short, timeout=10).status_code == 200
        time.sleep(2.5)
        expired = requests.get(short, timeout=10)
    assert expired.status_code == 403
    assert b"Request has expired" in expired.content
