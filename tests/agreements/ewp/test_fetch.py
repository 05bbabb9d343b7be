"""A partner's copy fetched from an https URL by a real Celery worker (when EWP_FETCH_ENABLED): the coordinator
asks through the API, the worker fetches it from a live HTTPS server (a certificate of the test's own, trusted by
the worker through REQUESTS_CA_BUNDLE) and imports it as an upload; a URL that fails leaves a timeline line."""

import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from agreements.ewp.models import CopySource, PartnerIiaCopy
from agreements.ewp.selectors import our_iia
from agreements.models import AgreementEvent
from config.celery import app
from tests.support.agreements import draft_agreement
from tests.support.api import agreement_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def https_partner(tmp_path):
    """An HTTPS server on 127.0.0.1 serving the bytes put in `files` by path."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    files: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/xml")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=f"https://127.0.0.1:{server.server_address[1]}", cert=str(cert), files=files)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def worker_env(https_partner):
    return {"REQUESTS_CA_BUNDLE": https_partner.cert}


def test_the_worker_fetches_and_imports_the_partners_copy(world, clients, settings, https_partner, documents_worker):
    settings.EWP_FETCH_ENABLED = True
    app.conf.update(task_routes={**app.conf.task_routes, "agreements.ewp_fetch": {"queue": documents_worker.name}})
    draft = draft_agreement(world)
    https_partner.files["/iia.xml"] = our_iia(draft).xml

    # when the coordinator asks for the copy at the partner's URL, and for one that is not there
    for path in ("/iia.xml", "/missing.xml"):
        answer = clients.coordinator_ce.post(
            agreement_url(draft.pk, "ewp/fetch/"), {"url": https_partner.url + path}, format="json"
        )
        assert answer.status_code == 202, answer.content

    # then the worker imported the copy (no difference) and recorded the failure on the timeline
    copy = documents_worker.wait_for(
        lambda: PartnerIiaCopy.objects.filter(agreement=draft).first(), 30, "the copy was not imported"
    )
    assert copy.source == CopySource.URL and copy.source_url == https_partner.url + "/iia.xml"
    assert copy.differences == []
    failed = documents_worker.wait_for(
        lambda: draft.events.filter(action=AgreementEvent.Action.EWP_FETCH_FAILED).first(),
        30,
        "the failed fetch left no timeline line",
    )
    assert "404" in failed.comment
