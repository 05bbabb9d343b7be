"""The issue's "done when", in a real browser with a real Celery worker: student1 uploads the call's documents
and sees each become ready, an approver opens them from the case page, a stranger's request for the same URL
is refused, and the approved case shows its decision letter."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from applications import services as application_services
from applications.models import Application, ApplicationStatus
from tests.support.drivers import decide
from tests.support.factories import valid_application_fields
from tests.support.files import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_documents_from_upload_to_decision_letter(world, documents_worker, open_as, tmp_path):
    # student1 has a draft; the call asks for a transcript and a passport copy
    application = application_services.application_create(
        applicant=world.student1, call=world.call, choices=[world.partners[0].pk], **valid_application_fields()
    )
    page = open_as("student1")
    page.goto(f"{page.url.split('/applications')[0]}/applications/{application.pk}/")
    expect(page.locator(".tag-missing")).to_have_count(2)

    # uploads them through the page: each is "Being checked", then "Ready" once the worker has checked it
    for kind in world.call.required_documents:
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(PDF_BYTES)
        page.select_option("select[name=kind]", kind)
        page.set_input_files("input[name=file]", str(path))
        page.get_by_role("button", name="Upload").click()
        expect(page.get_by_text("uploaded (version 1)")).to_be_visible()
    documents = list(application.documents.order_by("kind"))
    documents_worker.wait_for(
        lambda: all(d.status == "ready" for d in application.documents.all()), 30, "uploads were not processed"
    )
    page.reload()
    expect(page.locator(".doc-status-ready")).to_have_count(2)
    page.screenshot(path=str(Path("/tmp/korpu-documents-ready.png")), full_page=True)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Your application is submitted.")).to_be_visible()

    # the coordinator opens a document from the case page
    coordinator = open_as("coordinator_ce")
    base = coordinator.url.split("/tasks")[0].split("/applications")[0]
    coordinator.goto(f"{base}/applications/{application.pk}/")
    with coordinator.expect_download() as download:
        coordinator.get_by_role("link", name="transcript.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF_BYTES
    assert download.value.suggested_filename == "transcript.pdf"

    # a stranger asking for the same URL is refused
    stranger = open_as("student2")
    for document in documents:
        assert stranger.request.get(f"{base}{document.get_absolute_url()}").status == 404

    # the three approvals; the approved case then shows its decision letter
    for user in (world.coordinator_ce, world.head_ce, world.prorector):
        decide(user, application, "approve", "Bəli")
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.APPROVED
    documents_worker.wait_for(
        lambda: application.documents.filter(kind="decision_letter").exists(), 60, "no decision letter"
    )
    page.reload()
    letter_link = page.get_by_role("link", name=f"decision-letter-{application.pk}.pdf")
    expect(letter_link).to_be_visible()
    page.screenshot(path=str(Path("/tmp/korpu-decision-letter.png")), full_page=True)
    with page.expect_download() as download:
        letter_link.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
