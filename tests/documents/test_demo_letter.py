"""The demo shows the letter layout: `load_demo`'s agreement, approved by the demo prorector, gets the letter of
approval with the demo university's letterhead, number, signatory and stamp."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from agreements.models import Agreement
from documents.models import Letter
from tests.support.letters import pdf_text

pytestmark = pytest.mark.django_db


def test_the_demo_agreement_has_a_letter_in_the_new_layout(settings, eager_tasks, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    agreement = Agreement.objects.get()
    letter = Letter.objects.get(purpose="agreement_approval", case_id=agreement.pk)
    assert letter.number == f"IRO-{timezone.localdate().year}/0001"
    text = pdf_text(letter.document)
    for expected in (
        settings.KORPU_INSTITUTION_NAME_AZ,
        settings.KORPU_INSTITUTION_NAME_EN,
        "Körpü Demo University",
        letter.number,
        agreement.title,
        "Kamran İsmayılov",
        "İmza / Signature",
        "M.Y. Stamp",
    ):
        assert expected in text, expected
