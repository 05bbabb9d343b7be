"""With a real Celery worker process (Redis broker, the test database, the same media root): uploads are
checked after commit and become ready or rejected, and a final approval produces exactly one decision
letter, even when its task runs twice."""

import hashlib
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications.letters import MOBILITY_DECISION
from documents.models import Document, DocumentKind, DocumentStatus
from documents.tasks import letter_generate_task
from tests.support.drivers import decide, make_submitted_application
from tests.support.files import EICAR, PDF_BYTES, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker_env(clamd):
    return {"CLAMAV_HOST": clamd.host, "CLAMAV_PORT": str(clamd.port)}


def status_of(document_id):
    return Document.objects.values_list("status", flat=True).get(pk=document_id)


def test_uploads_become_ready_or_rejected_through_the_worker(world, client, documents_worker, clamd):
    # given student1's draft
    client.force_login(world.student1)
    response = client.post(reverse("applications:create", args=[world.call.pk]), _form(world))
    assert response.status_code == 302
    application_id = int(response.url.rstrip("/").split("/")[-1])

    # when a clean and an infected file are uploaded through the page
    for name, content in (("transcript.pdf", PDF_BYTES), ("passport.pdf", b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n")):
        kind = "transcript" if name.startswith("transcript") else "passport_copy"
        response = client.post(
            reverse("applications:upload", args=[application_id]), {"kind": kind, "file": upload(name, content)}
        )
        assert response.status_code == 302
    clean = Document.objects.get(application__pk=application_id, kind="transcript")
    infected = Document.objects.get(application__pk=application_id, kind="passport_copy")

    # then the worker checks both after commit: one ready with its checksum, one rejected by the scan
    documents_worker.wait_for(lambda: status_of(clean.pk) != "pending", 30, "the clean upload was not processed")
    documents_worker.wait_for(lambda: status_of(infected.pk) != "pending", 30, "the infected upload was not processed")
    clean.refresh_from_db()
    infected.refresh_from_db()
    assert (clean.status, clean.scan_result) == (DocumentStatus.READY, "clean")
    assert clean.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert infected.status == DocumentStatus.REJECTED
    assert infected.scan_result == "infected: Eicar-Test-Signature"

    # and the applicant sees it, and cannot submit until a new version replaces the rejected one
    body = client.get(reverse("applications:detail", args=[application_id])).content.decode()
    assert "The virus scan found Eicar-Test-Signature." in body
    response = client.post(reverse("applications:submit", args=[application_id]))
    assert response.status_code == 400
    assert "Passport copy (version 1) was rejected" in response.content.decode()


def test_a_final_approval_produces_exactly_one_decision_letter(world, documents_worker):
    # given a submitted case approved by the coordinator and the head
    application = make_submitted_application(world)
    for user in (world.coordinator_ce, world.head_ce):
        decide(user, application, "approve", "Bəli")

    # when the prorector's approval commits
    decide(world.prorector, application, "approve", "Uğurlar")

    # then the worker stores one decision letter for the case
    letters = Document.objects.filter(application__pk=application.pk, kind=DocumentKind.DECISION_LETTER)
    documents_worker.wait_for(lambda: letters.exists(), 60, "no decision letter was generated")
    letter = letters.get()
    content = letter.file.read()
    assert content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert f"#{application.pk}" in text
    assert "TƏSDİQ EDİLDİ / APPROVED" in text
    assert "Uğurlar" in text

    # and when the task is delivered again (a retry, a duplicate message), there is still one
    letter_generate_task.delay(MOBILITY_DECISION, application.pk)
    documents_worker.wait_for(
        lambda: documents_worker.log.read_text().count("letter_generate_task") >= 4,  # received + succeeded, twice
        30,
        "the repeated task did not run",
    )
    assert letters.count() == 1


def _form(world):
    from tests.support.factories import valid_application_fields

    data = {k: str(v) for k, v in valid_application_fields().items()}
    data.update({"choice_1": str(world.partners[0].pk), "choice_2": "", "choice_3": ""})
    return data
