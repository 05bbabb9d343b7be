"""Processing after commit (run eagerly here; test_worker.py uses a real worker): checksum and type
verified from storage, the clamd hook, ready or rejected; what approvers and applicants then see."""

import hashlib
from pathlib import Path

import pytest
from django.urls import reverse

from applications.models import ApplicationStatus
from documents.models import Document, DocumentStatus
from documents.scanning import ScanUnavailable, scan_stream
from documents.services import document_process, document_requeue_pending
from tests.support.drivers import make_ready_application, make_submitted_application
from tests.support.files import EICAR, PDF_BYTES, upload
from tests.support.harness import free_port
from workflows.services import case_document_attach

pytestmark = pytest.mark.django_db


def attach(world, application, kind="other", content=PDF_BYTES, name="doc.pdf"):
    return case_document_attach(case=application, actor=world.student1, kind=kind, file=upload(name, content))


def test_after_commit_the_task_marks_the_upload_ready_with_its_checksum(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    application = make_ready_application(world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = attach(world, application)
    assert len(callbacks) == 1  # the task is queued only once the upload committed
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert document.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert document.scan_result == "not scanned"
    assert document.processed_at is not None


def test_processing_twice_changes_nothing(world):
    document = attach(world, make_ready_application(world))
    first = document_process(document_id=document.pk)
    second = document_process(document_id=document.pk)
    assert first.status == second.status == DocumentStatus.READY
    assert second.processed_at == first.processed_at
    assert document_process(document_id=10**9) is None


def test_a_file_changed_in_storage_is_rejected_as_a_checksum_mismatch(world):
    document = attach(world, make_ready_application(world))
    Path(document.file.path).write_bytes(PDF_BYTES.replace(b"1 0 obj", b"2 0 obj"))
    document = document_process(document_id=document.pk)
    assert document.status == DocumentStatus.REJECTED
    assert "checksum mismatch" in document.rejection_reason


def test_a_missing_stored_file_is_rejected(world):
    document = attach(world, make_ready_application(world))
    Path(document.file.path).unlink()
    document = document_process(document_id=document.pk)
    assert document.status == DocumentStatus.REJECTED
    assert document.rejection_reason == "The stored file is missing."


def test_clamd_clean_and_infected(world, settings, clamd):
    settings.CLAMAV_HOST, settings.CLAMAV_PORT = clamd.host, clamd.port
    application = make_ready_application(world)
    clean = document_process(document_id=attach(world, application).pk)
    infected_pdf = b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n"
    infected = document_process(document_id=attach(world, application, content=infected_pdf).pk)

    assert (clean.status, clean.scan_result) == (DocumentStatus.READY, "clean")
    assert infected.status == DocumentStatus.REJECTED
    assert infected.scan_result == "infected: Eicar-Test-Signature"
    assert infected.rejection_reason == "The virus scan found Eicar-Test-Signature."
    assert clamd.server.scanned[0] == PDF_BYTES  # the whole file went through INSTREAM


def test_clamd_refusing_the_stream_rejects_the_document(world, settings, clamd):
    settings.CLAMAV_HOST, settings.CLAMAV_PORT = clamd.host, clamd.port
    clamd.server.stream_max_length = 10
    document = document_process(document_id=attach(world, make_ready_application(world)).pk)
    assert document.status == DocumentStatus.REJECTED
    assert "size limit exceeded" in document.rejection_reason


def test_clamd_down_keeps_the_document_pending_for_a_retry(world, settings):
    settings.CLAMAV_HOST, settings.CLAMAV_PORT, settings.CLAMAV_TIMEOUT = "127.0.0.1", free_port(), 2
    document = attach(world, make_ready_application(world))
    with pytest.raises(ScanUnavailable):
        document_process(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING


def test_scan_stream_without_clamd_is_not_scanned():
    import io

    assert scan_stream(io.BytesIO(b"x")) == "not scanned"


def test_the_sweep_requeues_only_old_pending_documents(world, eager_tasks):
    application = make_ready_application(world)
    old = attach(world, application)
    Document.objects.filter(pk=old.pk).update(uploaded_at=old.uploaded_at.replace(year=2000))
    assert document_requeue_pending(older_than_seconds=600) == 1
    old.refresh_from_db()
    assert old.status == DocumentStatus.READY
    assert Document.objects.filter(status=DocumentStatus.PENDING).count() == 2  # the fresh ones wait for their task


# --- what people see --------------------------------------------------------------------------------


def reject(document, reason="The virus scan found Eicar-Test-Signature."):
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.REJECTED, rejection_reason=reason)


def test_submitting_with_a_rejected_required_document_fails_under_documents(world, client):
    application = make_ready_application(world)
    transcript = application.documents.get(kind="transcript")
    reject(transcript)

    client.force_login(world.student1)
    response = client.post(reverse("applications:submit", args=[application.pk]))

    assert response.status_code == 400
    body = response.content.decode()
    assert "Transcript of records (version 1) was rejected: The virus scan found Eicar-Test-Signature." in body
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT

    # a new version that passes lets the applicant submit
    attach(world, application, kind="transcript")
    response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COORDINATOR_REVIEW


def test_the_api_submit_answers_400_under_documents_for_a_rejected_document(world):
    from tests.support.api import application_url, token_client

    application = make_ready_application(world)
    reject(application.documents.get(kind="passport_copy"), "The stored file is missing.")
    response = token_client("student1").post(application_url(application.pk, "submit/"))
    assert response.status_code == 400
    assert response.json()["codes"] == {"documents": ["document_rejected"]}
    assert "Passport copy (version 1) was rejected" in response.json()["documents"][0]


def test_approvers_see_pending_and_rejected_flags_on_the_case_and_task_pages(world, client):
    from tests.support.drivers import open_task_id

    application = make_submitted_application(world)
    transcript = application.documents.get(kind="transcript")
    document_process(document_id=transcript.pk)  # ready
    reject(application.documents.get(kind="passport_copy"), "The stored file's type differs from the upload.")
    client.force_login(world.coordinator_ce)

    for url in (
        reverse("applications:detail", args=[application.pk]),
        reverse("workflows:task", args=[open_task_id(application.pk)]),
    ):
        body = client.get(url).content.decode()
        assert 'doc-status-ready">Ready' in body
        assert 'doc-status-rejected">Rejected' in body
        assert "The stored file&#x27;s type differs from the upload." in body
        assert "not scanned for viruses" in body

    # a fresh upload is flagged as being checked
    Document.objects.filter(pk=transcript.pk).update(status=DocumentStatus.PENDING)
    body = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'doc-status-pending">Being checked' in body


def test_a_rejected_document_is_not_handed_out(world, client):
    application = make_ready_application(world)
    document = application.documents.get(kind="transcript")
    reject(document)
    client.force_login(world.student1)
    assert client.get(document.get_absolute_url()).status_code == 403
