"""The S3 path through django-storages against a real S3-protocol server on loopback (moto's server mode):
uploads land privately under server-generated keys, downloads redirect to a presigned URL that works,
unsigned requests are refused, nothing is overwritten, and a failed transaction leaves no object. (moto's server does
not check a presigned URL's expiry: test_s3_expiry.py proves it against s3rver.)"""

import hashlib
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from moto.server import ThreadedMotoServer

from documents.models import Document, DocumentStatus
from documents.services import atomic_storing, document_process, document_store
from tests.support.api import application_url, token_client
from tests.support.drivers import make_ready_application
from tests.support.files import PDF_BYTES, upload
from workflows.services import case_document_attach

pytestmark = pytest.mark.django_db

BUCKET = "korpu-test-documents"
CREDENTIALS = {"access_key": "korpu-test-key", "secret_key": "korpu-test-secret"}
EXPIRE = 60


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server):
    """STORAGES pointing at the loopback server, configured as config/settings/storages.py does it, with a
    fresh private bucket."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": s3_server,
        "region_name": "us-east-1",
        **CREDENTIALS,
        "default_acl": "private",
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": EXPIRE,
        "addressing_style": "path",
        "signature_version": "s3v4",
    }
    storages = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, AWS_QUERYSTRING_EXPIRE=EXPIRE):
        yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client):
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_an_upload_is_a_private_object_under_a_server_key_and_is_processed_from_s3(world, s3):
    application = make_ready_application(world)
    document = case_document_attach(
        case=application, actor=world.student1, kind="other", file=upload("../../etc/x.pdf", PDF_BYTES)
    )

    assert document.file.name.startswith(f"documents/applications.application/{application.pk}/")
    assert document.file.name in keys(s3)
    assert s3.get_object(Bucket=BUCKET, Key=document.file.name)["Body"].read() == PDF_BYTES
    grants = s3.get_object_acl(Bucket=BUCKET, Key=document.file.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner only: nothing public
    # the worker's checks read the object back from S3
    processed = document_process(document_id=document.pk)
    assert processed.status == DocumentStatus.READY
    assert processed.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()


def test_the_download_redirects_to_a_presigned_url_that_works(world, s3, client):
    application = make_ready_application(world)
    document = case_document_attach(
        case=application, actor=world.student1, kind="other", file=upload("Şəhadətnamə.pdf", PDF_BYTES)
    )
    client.force_login(world.student1)

    response = client.get(document.get_absolute_url())

    assert response.status_code == 302
    assert response["X-Content-Type-Options"] == "nosniff"
    url = response["Location"]
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == [str(EXPIRE)]
    assert "X-Amz-Signature" in query
    fetched = requests.get(url, timeout=10)
    assert fetched.status_code == 200
    assert fetched.content == PDF_BYTES
    assert fetched.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%C5%9E%C9%99had%C9%99tnam%C9%99.pdf" in fetched.headers["Content-Disposition"]
    assert fetched.headers["Content-Type"] == "application/pdf"


def test_the_api_download_redirects_the_same_way_and_strangers_get_404(world, s3):
    application = make_ready_application(world)
    document = application.documents.get(kind="transcript")
    url = application_url(application.pk, f"documents/{document.pk}/file/")

    response = token_client("student1").get(url)
    assert response.status_code == 302
    assert requests.get(response["Location"], timeout=10).content == PDF_BYTES
    assert token_client("student2").get(url).status_code == 404


def test_an_unsigned_request_for_an_object_is_refused(world, s3, s3_server):
    application = make_ready_application(world)
    document = application.documents.get(kind="transcript")

    anonymous = requests.get(f"{s3_server}/{BUCKET}/{document.file.name}", timeout=10)

    assert anonymous.status_code == 403
    assert PDF_BYTES not in anonymous.content


def test_nothing_is_overwritten(world, s3):
    first = default_storage.save("documents/same-name", ContentFile(b"first"))
    second = default_storage.save("documents/same-name", ContentFile(b"second"))
    assert first != second
    assert s3.get_object(Bucket=BUCKET, Key=first)["Body"].read() == b"first"
    assert s3.get_object(Bucket=BUCKET, Key=second)["Body"].read() == b"second"


def test_a_failed_transaction_leaves_no_object(world, s3):
    application = make_ready_application(world)
    before = keys(s3)
    with pytest.raises(RuntimeError):
        with atomic_storing():
            document_store(case=application, kind="other", file=upload("o.pdf", PDF_BYTES), actor=world.student1)
            assert len(keys(s3)) == len(before) + 1
            raise RuntimeError("failed after the store")
    assert keys(s3) == before
    assert Document.objects.filter(kind="other").count() == 0
