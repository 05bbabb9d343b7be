"""Migration advice's services: due dates from the case's dates and the checklist, opening a case (from the incoming
side and by hand), steps done with their documents, closing, and the kind of case in the shared inbox."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from core.errors import AdviceCaseClosed, AdviceStepDone
from documents.models import Document
from migration.deadlines import reminder_threshold, step_due_date
from migration.flows import advice_case_close
from migration.models import AdviceCase, AdviceEvent, AdviceStatus, StepTemplate
from migration.services import (
    advice_case_open,
    advice_case_open_manual,
    advice_case_update,
    advice_step_done,
    step_template_update,
)
from tests.support.files import pdf_upload
from workflows.selectors import inbox_tasks, open_task_for_case

pytestmark = pytest.mark.django_db


def test_a_due_date_counts_from_its_anchor_and_waits_for_an_unknown_date():
    dates = {"arrival": date(2026, 9, 1), "expiry": date(2027, 8, 31), "departure": None}
    assert step_due_date(anchor="arrival", offset_days=15, dates=dates) == date(2026, 9, 16)
    assert step_due_date(anchor="expiry", offset_days=-30, dates=dates) == date(2027, 8, 1)
    assert step_due_date(anchor="arrival", offset_days=-30, dates=dates) == date(2026, 8, 2)
    assert step_due_date(anchor="departure", offset_days=0, dates=dates) is None


def test_the_reminder_owed_is_the_tightest_threshold_reached():
    today = date(2026, 9, 1)
    assert reminder_threshold(due_date=today + timedelta(days=10), today=today, thresholds=[1, 7]) is None
    assert reminder_threshold(due_date=today + timedelta(days=7), today=today, thresholds=[1, 7]) == 7
    assert reminder_threshold(due_date=today + timedelta(days=1), today=today, thresholds=[1, 7]) == 1
    assert reminder_threshold(due_date=today, today=today, thresholds=[1, 7]) == 1
    assert reminder_threshold(due_date=today - timedelta(days=1), today=today, thresholds=[1, 7]) is None


def _steps(case):
    return {step.template.code: step for step in case.steps.select_related("template")}


def test_opening_a_case_copies_the_checklist_with_due_dates_and_starts_the_office_step(world):
    arrival = date(2026, 9, 1)
    case = advice_case_open(
        person=world.student3, actor=world.coordinator_ce, arrival_date=arrival, source_ref="incoming-application:7"
    )

    assert case.status == AdviceStatus.OPEN
    steps = _steps(case)
    assert set(steps) == set(StepTemplate.objects.filter(active=True).values_list("code", flat=True))
    assert steps["stay-registration"].due_date == arrival + timedelta(days=15)
    assert steps["visa-invitation"].due_date == arrival - timedelta(days=30)
    assert steps["residence-permit-renewal"].due_date is None  # no permit yet
    assert case.department == world.departments["math"]  # the person's department
    # its flow: one office step, in every coordinator's inbox (migration advice is the office's), not a head's
    task = open_task_for_case(case=case)
    assert task.flow_task.name == "advise"
    assert task in inbox_tasks(user=world.coordinator_ce)
    assert task not in inbox_tasks(user=world.head_math)
    assert list(case.events.values_list("action", flat=True)) == [AdviceEvent.Action.OPENED]
    # a retried acceptance opens nothing new
    again = advice_case_open(
        person=world.student3, actor=world.coordinator_ce, arrival_date=arrival, source_ref="incoming-application:7"
    )
    assert again.pk == case.pk
    assert AdviceCase.objects.count() == 1


def test_due_dates_follow_the_case_dates_and_the_checklist(world):
    case = advice_case_open(person=world.student3, actor=world.admin, arrival_date=date(2026, 9, 1), source="manual")
    advice_case_update(
        actor=world.coordinator_math,
        case_id=case.pk,
        arrival_date=date(2026, 9, 10),
        permit_expiry_date=date(2027, 6, 30),
    )
    steps = _steps(case)
    assert steps["stay-registration"].due_date == date(2026, 9, 25)
    assert steps["residence-permit-renewal"].due_date == date(2027, 5, 31)
    line = case.events.get(action=AdviceEvent.Action.DATES_CHANGED)
    assert line.data["changes"]["arrival_date"] == {"old": "2026-09-01", "new": "2026-09-10"}

    # the office moves the registration deadline: open steps not done follow
    template = StepTemplate.objects.get(code="stay-registration")
    step_template_update(actor=world.coordinator_ce, template_id=template.pk, offset_days=10)
    assert _steps(case)["stay-registration"].due_date == date(2026, 9, 20)

    with pytest.raises(ValidationError) as error:
        advice_case_update(actor=world.coordinator_ce, case_id=case.pk, departure_date=date(2026, 9, 1))
    assert "departure_date" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        advice_case_update(actor=world.head_math, case_id=case.pk, arrival_date=date(2026, 9, 2))


def test_the_passport_number_never_reaches_the_timeline(world):
    case = advice_case_open(person=world.student3, actor=world.admin, source="manual")
    advice_case_update(actor=world.admin, case_id=case.pk, passport_number="C01X00T47")
    line = case.events.get(action=AdviceEvent.Action.DATES_CHANGED)
    assert "C01X00T47" not in str(line.data)


def test_the_office_opens_a_case_by_hand_and_creates_the_account(world):
    case = advice_case_open_manual(
        actor=world.coordinator_ce,
        email="Ana.Silva@example.pt",
        first_name="Ana",
        last_name="Silva",
        nationality="Portugal",
        arrival_date=date(2026, 10, 1),
        department=world.departments["ce"],
    )
    person = User.objects.get(email="Ana.Silva@example.pt")
    assert case.person == person and case.source == "manual" and case.department == world.departments["ce"]
    # no role (a foreigner here does not apply for outgoing mobility), no password (the university's sign-in)
    assert not person.groups.exists() and not person.has_usable_password()
    # the same email links the same account
    second = advice_case_open_manual(
        actor=world.coordinator_ce, email="ana.silva@example.pt", first_name="Ana", last_name="Silva"
    )
    assert second.person == person and second.pk != case.pk

    with pytest.raises(PermissionDenied):
        advice_case_open_manual(actor=world.head_ce, email="x@example.org", first_name="X", last_name="Y")


def test_a_step_done_records_who_when_and_its_document(world):
    case = advice_case_open(
        person=world.student1, actor=world.admin, arrival_date=timezone.localdate(), source="manual"
    )
    registration = _steps(case)["stay-registration"]

    # it needs a document
    with pytest.raises(ValidationError) as error:
        advice_step_done(actor=world.coordinator_math, case_id=case.pk, step_id=registration.pk)
    assert "file" in error.value.message_dict

    step = advice_step_done(
        actor=world.coordinator_math, case_id=case.pk, step_id=registration.pk, note="At ASAN", file=pdf_upload()
    )
    assert step.done_by == world.coordinator_math and step.done_at is not None and step.note == "At ASAN"
    document = Document.objects.get(pk=step.document_id)
    assert document.kind == "stay_registration" and document.uploaded_by == world.coordinator_math
    assert list(case.events.values_list("action", flat=True)) == ["opened", "document_uploaded", "step_done"]
    assert case.events.get(action="step_done").data["document_id"] == document.pk

    with pytest.raises(AdviceStepDone):
        advice_step_done(actor=world.coordinator_ce, case_id=case.pk, step_id=registration.pk)

    # a step that needs no document
    application = _steps(case)["residence-permit-application"]
    assert advice_step_done(actor=world.admin, case_id=case.pk, step_id=application.pk).document is None


def test_closing_completes_the_office_step_and_sets_the_departure(world):
    case = advice_case_open(person=world.student1, actor=world.admin, arrival_date=date(2026, 1, 10), source="manual")
    with pytest.raises(PermissionDenied):
        advice_case_close(actor=world.prorector, case_id=case.pk)
    closed = advice_case_close(actor=world.coordinator_ce, case_id=case.pk, departure_date=date(2026, 6, 30))
    assert closed.status == AdviceStatus.CLOSED and closed.departure_date == date(2026, 6, 30)
    assert open_task_for_case(case=closed) is None
    assert closed.events.last().action == AdviceEvent.Action.CLOSED
    with pytest.raises(AdviceCaseClosed):
        advice_case_close(actor=world.coordinator_ce, case_id=case.pk)
    with pytest.raises(AdviceCaseClosed):
        advice_step_done(actor=world.admin, case_id=case.pk, step_id=_steps(case)["departure"].pk)


def test_the_demo_foreigner_has_an_open_case_with_a_step_due_tomorrow(world):
    from migration.demo import load_migration_demo

    case = load_migration_demo(department=world.departments["ce"], actor=world.coordinator_ce, password="demo")
    again = load_migration_demo(department=world.departments["ce"], actor=world.coordinator_ce, password="demo")
    assert again.pk == case.pk and AdviceCase.objects.count() == 1
    tomorrow = timezone.localdate() + timedelta(days=1)
    steps = _steps(case)
    assert case.status == AdviceStatus.OPEN and case.person.check_password("demo")
    assert steps["stay-registration"].due_date == tomorrow
    assert steps["arrival-confirmed"].is_done and steps["arrival-confirmed"].document.kind == "visa"
    assert steps["visa-invitation"].is_overdue()
