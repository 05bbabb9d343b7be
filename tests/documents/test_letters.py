"""The one letter pipeline: every letter has the office's letterhead (names in both languages, address, logo), a
unique number per year (IRO-2026/0042) that is never reused even when letters are generated at once, the facts its
builder supplies (mobility period, host institution, nominated place), a signature block and a place for a stamp."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from agreements.services import AGREEMENT_APPROVAL
from applications.letters import MOBILITY_DECISION
from applications.models import Application, CaseEvent
from documents.letters import LetterBuilder, LetterContent, LetterFact, letter_builder, register_letter
from documents.models import Document, DocumentKind, Letter, LetterCounter
from documents.services import letter_generate, letter_number_next, letter_schedule
from tests.support.agreements import draft_agreement
from tests.support.concurrency import run_together
from tests.support.drivers import approve_all, decide, make_submitted_application
from tests.support.factories import UserFactory
from tests.support.letters import pdf_text
from workflows.services import case_submit

LETTERHEAD = {
    "KORPU_INSTITUTION_NAME_AZ": "Naxçıvan Dövlət Universiteti",
    "KORPU_INSTITUTION_NAME_EN": "Nakhchivan State University",
    "KORPU_INSTITUTION_ADDRESS": "Universitet şəhərciyi, AZ7012 Naxçıvan",
    "KORPU_LETTER_SIGNATORY_NAME": "Elnur Həsənov",
    "KORPU_LETTER_SIGNATORY_POSITION": "Prorektor / Prorector",
    "KORPU_LETTER_NUMBER_PREFIX": "BƏO",
}


@pytest.fixture
def letterhead(settings):
    for name, value in LETTERHEAD.items():
        setattr(settings, name, value)
    return LETTERHEAD


@pytest.mark.django_db
def test_a_mobility_decision_letter_has_the_official_layout(
    world, letterhead, eager_tasks, django_capture_on_commit_callbacks
):
    # given a case the coordinator and the head approved
    application = make_submitted_application(world)
    decide(world.coordinator_ce, application, "approve", "Güclü")
    decide(world.head_ce, application, "approve", "Razıyam")

    # when the prorector's final approval commits
    with django_capture_on_commit_callbacks(execute=True):
        decide(world.prorector, application, "approve", "Uğurlar!")

    # then one numbered letter is issued, and it says what an office letter says
    letter = Letter.objects.get(purpose=MOBILITY_DECISION, case_id=application.pk)
    year = timezone.localdate().year
    assert (letter.number, letter.year, letter.sequence) == (f"BƏO-{year}/0001", year, 1)
    application = Application.objects.select_related("nominated_place__partner").get(pk=application.pk)
    text = pdf_text(letter.document)
    partner = application.nominated_place.partner
    for expected in (
        "Naxçıvan Dövlət Universiteti",
        "Nakhchivan State University",
        "Universitet şəhərciyi, AZ7012 Naxçıvan",
        f"Nömrə / No.: BƏO-{year}/0001",
        f"Tarix / Date: {timezone.localdate():%d.%m.%Y}",
        "Mobillik dövrü Mobility period 01.02.2027 – 30.06.2027",
        f"Qəbul edən təşkilat Host institution {partner.name} ({partner.city}, {partner.country})",
        f"Göndərildiyi yer Nominated place {partner.name}",
        "TƏSDİQ EDİLDİ / APPROVED",
        "Prorektor / Prorector",
        "İmza / Signature",
        "Elnur Həsənov",
        "M.Y. Stamp",
    ):
        assert expected in text, expected
    # and the timeline names the letter's number
    event = CaseEvent.objects.get(application=application, data__kind="decision_letter")
    assert event.data["letter_number"] == letter.number


@pytest.mark.django_db
def test_every_kind_of_letter_shares_the_layout_and_the_numbering(
    world, letterhead, eager_tasks, django_capture_on_commit_callbacks
):
    # given a rejected application and an agreement the prorector approved, one after the other
    application = make_submitted_application(world)
    with django_capture_on_commit_callbacks(execute=True):
        decide(world.coordinator_ce, application, "reject", "Dil sertifikatı çatışmır")
    agreement = case_submit(case=draft_agreement(world), actor=world.coordinator_ce)
    decide(world.head_ce, agreement)
    with django_capture_on_commit_callbacks(execute=True):
        decide(world.prorector, agreement, comment="Gözəl əməkdaşlıq")

    # then both letters are numbered in one sequence and carry the same letterhead and signature block
    year = timezone.localdate().year
    rejection = Letter.objects.get(purpose=MOBILITY_DECISION)
    approval = Letter.objects.get(purpose=AGREEMENT_APPROVAL)
    assert (rejection.number, approval.number) == (f"BƏO-{year}/0001", f"BƏO-{year}/0002")
    for letter in (rejection, approval):
        text = pdf_text(letter.document)
        for expected in ("Nakhchivan State University", "Naxçıvan Dövlət Universiteti", "M.Y. Stamp", letter.number):
            assert expected in text, (letter.purpose, expected)
    agreement_text = pdf_text(approval.document)
    assert (
        f"Qüvvədə olma dövrü Period of validity {agreement.start_date:%d.%m.%Y} – {agreement.end_date:%d.%m.%Y}"
        in agreement_text
    )
    assert "RƏDD EDİLDİ / REJECTED" in pdf_text(rejection.document)


@pytest.mark.django_db
def test_numbers_restart_each_year_and_a_rolled_back_letter_gives_its_number_back():
    assert letter_number_next(year=2031)[1] == "IRO-2031/0001"
    assert letter_number_next(year=2031)[1] == "IRO-2031/0002"
    assert letter_number_next(year=2032)[1] == "IRO-2032/0001"
    with pytest.raises(RuntimeError), transaction.atomic():
        letter_number_next(year=2031)
        raise RuntimeError("storing the letter failed")
    assert letter_number_next(year=2031)[1] == "IRO-2031/0003"
    assert LetterCounter.objects.get(year=2031).last_number == 3


@pytest.mark.django_db
def test_a_letter_is_generated_once_and_none_before_the_decision(world):
    application = make_submitted_application(world)
    assert letter_generate(purpose=MOBILITY_DECISION, case_id=application.pk) is None
    approve_all(world, application)
    first = letter_generate(purpose=MOBILITY_DECISION, case_id=application.pk)
    assert letter_generate(purpose=MOBILITY_DECISION, case_id=application.pk) == first
    assert Letter.objects.count() == 1 and LetterCounter.objects.get().last_number == 1
    with pytest.raises(LookupError):
        letter_schedule(case=application, purpose="no_such_letter")


@pytest.mark.django_db
def test_a_new_kind_of_letter_registers_its_builder_and_gets_the_same_layout(world, letterhead):
    # given a builder of another purpose (as the nomination or visa-invitation letter will register theirs)
    def build(application):
        return LetterContent(
            title=("Dəvət məktubu", "Invitation letter"),
            facts=[LetterFact(("Müraciətçi", "Applicant"), application.applicant.get_full_name())],
            paragraphs=[("Sizi dəvət edirik.", "We invite you.")],
        )

    issued = []
    builder = register_letter(
        LetterBuilder(
            purpose="test_invitation",
            model=Application,
            document_kind=DocumentKind.DECISION_LETTER,
            build=build,
            issued=lambda case, letter: issued.append(letter.number),
        )
    )
    assert letter_builder("test_invitation") is builder
    application = make_submitted_application(world)

    # when it is generated through the one pipeline
    document = letter_generate(purpose="test_invitation", case_id=application.pk)

    # then it is numbered, stored as the case's document and laid out like every letter
    text = pdf_text(document)
    year = timezone.localdate().year
    assert issued == [f"BƏO-{year}/0001"]
    assert "Dəvət məktubu / Invitation letter" in text and "We invite you." in text
    assert "Nakhchivan State University" in text and "M.Y. Stamp" in text
    assert document.case == application


@pytest.mark.django_db(transaction=True)
def test_letters_generated_at_once_take_unique_consecutive_numbers(world):
    # given six decided cases (rejected by the coordinator)
    applications = []
    for _ in range(6):
        student = UserFactory(roles=["student"], departments=[world.departments["ce"]])
        application = make_submitted_application(world, student)
        decide(world.coordinator_ce, application, "reject", "Gecikmiş")
        applications.append(application)

    # when their letters are generated all at once, each case's twice (a duplicated worker message)
    jobs = [
        (lambda pk=application.pk: letter_generate(purpose=MOBILITY_DECISION, case_id=pk))
        for application in applications + applications
    ]
    outcomes = run_together(*jobs)

    # then nothing failed, each case has one letter, and the numbers are 1..6 with no gap and no repeat
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert [o.pk for o in outcomes[:6]] == [o.pk for o in outcomes[6:]]
    letters = Letter.objects.filter(case_type=ContentType.objects.get_for_model(Application))
    assert letters.count() == 6
    year = timezone.localdate().year
    assert sorted(letters.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert sorted(letters.values_list("number", flat=True)) == [f"IRO-{year}/{n:04d}" for n in range(1, 7)]
    assert Document.objects.filter(kind=DocumentKind.DECISION_LETTER).count() == 6
    # and each PDF prints its own number
    for letter in letters:
        assert re.search(re.escape(letter.number), pdf_text(letter.document))
