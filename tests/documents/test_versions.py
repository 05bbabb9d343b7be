"""Versions: a new upload of a kind is the next version, old versions stay untouched, and every decision
records the versions it was taken on."""

import hashlib

import pytest

from applications.models import CaseEvent
from tests.support.drivers import decide, make_submitted_application
from tests.support.files import PDF_BYTES, upload
from workflows.services import case_document_attach, case_submit

pytestmark = pytest.mark.django_db

PDF_V2 = PDF_BYTES.replace(b"1 0 obj", b"7 0 obj")


def test_a_new_upload_is_the_next_version_and_the_old_one_is_untouched(world, ready_application):
    first = ready_application.documents.get(kind="transcript")
    second = case_document_attach(
        case=ready_application, actor=world.student1, kind="transcript", file=upload("v2.pdf", PDF_V2)
    )
    third = case_document_attach(
        case=ready_application, actor=world.student1, kind="transcript", file=upload("v3.pdf", PDF_BYTES)
    )
    assert (first.version, second.version, third.version) == (1, 2, 3)
    assert len({first.file.name, second.file.name, third.file.name}) == 3
    first.refresh_from_db()
    assert first.file.read() == PDF_BYTES
    assert first.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert second.sha256 == hashlib.sha256(PDF_V2).hexdigest()
    # each upload is in the timeline with its version and checksum
    uploads = CaseEvent.objects.filter(
        application=ready_application, action="document_uploaded", data__kind="transcript"
    )
    assert [e.data["version"] for e in uploads] == [1, 2, 3]
    assert uploads.last().data["sha256"] == third.sha256


def test_each_decision_records_the_versions_it_was_taken_on(world):
    # given a submitted case that the coordinator sends back
    application = make_submitted_application(world)
    decide(world.coordinator_ce, application, "request_changes", "Newer")
    # when the applicant uploads a second transcript and resubmits, and the coordinator approves
    v2 = case_document_attach(case=application, actor=world.student1, kind="transcript", file=upload("v2.pdf", PDF_V2))
    case_submit(case=application, actor=world.student1)
    decide(world.coordinator_ce, application, "approve", "Fine")

    # then the send-back names version 1 and the approval version 2, with their checksums
    sent_back, approved = CaseEvent.objects.filter(
        application=application, action__in=["changes_requested", "approved"]
    ).order_by("pk")
    versions = {d["kind"]: (d["version"], d["sha256"]) for d in approved.data["documents"]}
    assert {d["kind"]: d["version"] for d in sent_back.data["documents"]} == {"passport_copy": 1, "transcript": 1}
    assert versions["transcript"] == (2, v2.sha256)
    assert versions["passport_copy"][0] == 1
    assert {d["status"] for d in approved.data["documents"]} == {"pending"}
    # and the API's history shows the same
    from tests.support.api import application_url, token_client

    history = token_client("coordinator_ce").get(application_url(application.pk, "history/")).json()["results"]
    assert history[-1]["data"]["documents"] == approved.data["documents"]
