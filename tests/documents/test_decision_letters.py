"""Decision letters: rendered once a mobility case is finally approved or rejected, bilingual, stored as
a document of the case, and never twice."""

import io

import pytest
from pypdf import PdfReader

from applications.letters import MOBILITY_DECISION
from applications.models import ApplicationStatus, CaseEvent
from documents.letters import FONT_DIR
from documents.models import Document, DocumentKind, DocumentStatus
from documents.services import letter_generate
from tests.support.drivers import approve_all, decide, make_submitted_application

pytestmark = pytest.mark.django_db


def pdf_text(document) -> str:
    document.file.open("rb")
    try:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document.file.read())).pages)
        return " ".join(text.split())  # table cells wrap; compare words, not line breaks
    finally:
        document.file.close()


COMMENTS = {"coordinator_ce": "Güclü namizəd", "head_ce": "Razıyam", "prorector": "Təsdiq; uğurlar!"}


def test_final_approval_produces_one_bilingual_letter_after_commit(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    # given a submitted case of an applicant with Azerbaijani letters in her name
    world.student1.first_name, world.student1.last_name = "Şəhla", "Ağayeva"
    world.student1.save(update_fields=["first_name", "last_name"])
    application = make_submitted_application(world)

    # when the coordinator and head approve, nothing is generated; the prorector's approval commits one
    with django_capture_on_commit_callbacks(execute=True):
        decide(world.coordinator_ce, application, "approve", "Güclü")
        decide(world.head_ce, application, "approve", "Razıyam")
    assert not application.documents.filter(kind=DocumentKind.DECISION_LETTER).exists()
    with django_capture_on_commit_callbacks(execute=True):
        decide(world.prorector, application, "approve", "Uğurlar!")

    # then the case has exactly one decision letter, generated (no uploader), ready, a real PDF
    letter = application.documents.get(kind=DocumentKind.DECISION_LETTER)
    assert (letter.version, letter.uploaded_by, letter.status) == (1, None, DocumentStatus.READY)
    assert letter.content_type == "application/pdf"
    assert letter.file.read(5) == b"%PDF-"
    text = pdf_text(letter)
    for expected in (
        f"#{application.pk}",
        str(application.reference),
        "TƏSDİQ EDİLDİ / APPROVED",
        "Qərar məktubu / Decision letter",
        "Şəhla Ağayeva",
        "Koordinatorun baxışı",
        "Prorector review",
        "Güclü",
        "Razıyam",
        "Uğurlar!",
        world.call.title,
        world.partners[0].name,
    ):
        assert expected in text, expected
    # and the timeline says it was issued, by the system
    event = CaseEvent.objects.filter(application=application, action="document_uploaded").last()
    assert event.actor is None and event.data["kind"] == "decision_letter"


def test_regenerating_makes_no_duplicate(world):
    application = make_submitted_application(world)
    approve_all(world, application, comments=COMMENTS)
    first = letter_generate(purpose=MOBILITY_DECISION, case_id=application.pk)
    again = letter_generate(purpose=MOBILITY_DECISION, case_id=application.pk)
    assert first.pk == again.pk
    assert application.documents.filter(kind=DocumentKind.DECISION_LETTER).count() == 1
    assert CaseEvent.objects.filter(application=application, data__kind="decision_letter").count() == 1


def test_a_rejection_letter_names_the_reason(world):
    application = make_submitted_application(world)
    decide(world.coordinator_ce, application, "reject", "Dil sertifikatı çatışmır")
    letter = letter_generate(purpose=MOBILITY_DECISION, case_id=application.pk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    text = pdf_text(letter)
    assert "RƏDD EDİLDİ / REJECTED" in text
    assert "Dil sertifikatı çatışmır" in text


def test_no_letter_for_an_undecided_case(world):
    application = make_submitted_application(world)
    assert letter_generate(purpose=MOBILITY_DECISION, case_id=application.pk) is None
    assert letter_generate(purpose=MOBILITY_DECISION, case_id=10**9) is None
    assert not Document.objects.filter(kind=DocumentKind.DECISION_LETTER).exists()


def test_the_font_ships_with_the_code():
    assert (FONT_DIR / "DejaVuSans.ttf").stat().st_size > 500_000
    assert "Bitstream" in (FONT_DIR / "LICENSE").read_text()


def test_the_applicant_sees_the_letter_on_the_case_page(world, client):
    application = make_submitted_application(world)
    approve_all(world, application, comments=COMMENTS)
    letter = letter_generate(purpose=MOBILITY_DECISION, case_id=application.pk)
    client.force_login(world.student1)
    body = client.get(application.get_absolute_url()).content.decode()
    assert "Decision letter" in body
    assert letter.get_absolute_url() in body
    assert 'doc-status-ready">Issued' in body
    response = client.get(letter.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
