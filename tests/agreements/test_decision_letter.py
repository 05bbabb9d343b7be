"""The prorector's approval of an agreement produces one bilingual decision letter naming the approved version."""

import io

import pytest
from pypdf import PdfReader

from agreements import services
from agreements.models import AgreementEvent
from documents.models import DocumentKind
from documents.services import case_documents, letter_generate
from tests.support.drivers import decide
from workflows.services import case_submit

pytestmark = pytest.mark.django_db


def test_the_prorectors_approval_produces_one_letter(world, draft, eager_tasks, django_capture_on_commit_callbacks):
    agreement = case_submit(case=draft, actor=world.coordinator_ce)
    with django_capture_on_commit_callbacks(execute=True):
        agreement = decide(world.head_ce, agreement)
    assert not case_documents(agreement).filter(kind=DocumentKind.DECISION_LETTER).exists()
    with django_capture_on_commit_callbacks(execute=True):
        agreement = decide(world.prorector, agreement, comment="Gözəl əməkdaşlıq")
    letters = case_documents(agreement).filter(kind=DocumentKind.DECISION_LETTER)
    assert letters.count() == 1
    letter = letters.get()
    with letter.file.open("rb") as fh:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(fh.read())).pages)
    assert agreement.title in text.replace("\n", " ")
    assert world.partners[0].name in text
    assert agreement.current_version.sha256[:16] in text.replace("\n", "")
    assert "Saziş" in text and "Agreement" in text and "Gözəl əməkdaşlıq" in text
    # a retry makes no second letter
    assert letter_generate(purpose=services.AGREEMENT_APPROVAL, case_id=agreement.pk) == letter
    assert letters.count() == 1
    assert agreement.events.filter(action=AgreementEvent.Action.DOCUMENT_UPLOADED).count() == 1
