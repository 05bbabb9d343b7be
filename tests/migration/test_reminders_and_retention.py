"""The beat jobs of migration advice, run as Celery would run them (the task functions, eagerly, mail to Django's
test outbox): reminders before a step's deadline go once per step and threshold to the foreigner and the office;
after the retention period the personal documents are deleted (rows and stored files) and the timeline says so."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone

from documents.models import Document
from migration.flows import advice_case_close
from migration.models import AdviceEvent, AdviceStep
from migration.reminders import advice_reminders_send
from migration.services import advice_case_open, advice_case_update, advice_retention_sweep, advice_step_done
from migration.tasks import advice_reminders_task, advice_retention_task
from notifications.models import Channel, Notification, NotificationKind
from tests.support.files import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(eager_tasks, django_capture_on_commit_callbacks):
    """Run a beat job and commit it: its emails go out (eagerly) to the test outbox."""

    def runner(job, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return job(**kwargs)

    return runner


def test_a_reminder_goes_once_per_step_and_threshold_to_the_foreigner_and_the_office(world, run, settings):
    settings.MIGRATION_REMINDER_DAYS = [7, 1]
    today = timezone.localdate()
    # the registration of the place of stay (arrival + 15) is due in 7 days
    world.student3.preferred_language = "az"
    world.student3.save(update_fields=["preferred_language"])
    case = run(
        advice_case_open,
        person=world.student3,
        actor=world.admin,
        arrival_date=today - timedelta(days=8),
        source="manual",
    )
    mail.outbox.clear()

    assert run(advice_reminders_task) == 1
    reminders = Notification.objects.filter(kind=NotificationKind.MIGRATION_STEP_DUE, channel=Channel.EMAIL)
    assert sorted(reminders.values_list("recipient__username", flat=True)) == ["coordinator_math", "student3"]
    assert sorted(m.to[0] for m in mail.outbox) == ["coordinator_math@example.org", "student3@example.org"]
    to_student = next(m for m in mail.outbox if m.to == ["student3@example.org"])
    # in the foreigner's language, with the step named in both
    assert "Registration of the place of stay" in to_student.body
    assert "Yaşayış yeri üzrə qeydiyyat" in to_student.body

    # the job runs again (the same day, the next day): nothing twice
    assert run(advice_reminders_task) == 0
    assert len(mail.outbox) == 2

    # a day before the deadline: the one-day reminder
    step = AdviceStep.objects.get(case=case, template__code="stay-registration")
    assert run(advice_reminders_send, today=step.due_date - timedelta(days=6)) == 0
    assert run(advice_reminders_send, today=step.due_date - timedelta(days=1)) == 1
    assert len(mail.outbox) == 4

    # a done step is not reminded
    advice_step_done(actor=world.admin, case_id=case.pk, step_id=step.pk, file=pdf_upload())
    assert run(advice_reminders_send, today=step.due_date) == 0


def test_retention_deletes_the_personal_documents_and_writes_the_timeline(world, run, settings):
    settings.MIGRATION_RETENTION_DAYS = 30
    today = timezone.localdate()
    case = advice_case_open(
        person=world.student1, actor=world.admin, arrival_date=today - timedelta(days=200), source="manual"
    )
    advice_case_update(actor=world.admin, case_id=case.pk, passport_number="C01X00T47")
    step = AdviceStep.objects.get(case=case, template__code="stay-registration")
    run(advice_step_done, actor=world.coordinator_ce, case_id=case.pk, step_id=step.pk, file=pdf_upload())
    document = Document.objects.get(pk=AdviceStep.objects.get(pk=step.pk).document_id)
    stored = document.file.name
    assert default_storage.exists(stored)
    advice_case_close(actor=world.coordinator_ce, case_id=case.pk, departure_date=today - timedelta(days=30))

    # not yet: the retention period runs 30 days after departure
    assert run(advice_retention_task) == 0
    assert Document.objects.filter(pk=document.pk).exists()

    # a day later
    assert run(advice_retention_sweep, today=today + timedelta(days=1)) == 1

    assert not Document.objects.filter(pk=document.pk).exists()
    assert not default_storage.exists(stored)
    case.refresh_from_db()
    assert case.passport_number == "" and case.personal_data_deleted_at is not None
    line = case.events.get(action=AdviceEvent.Action.PERSONAL_DOCUMENTS_DELETED)
    assert line.actor is None
    assert [d["id"] for d in line.data["documents"]] == [document.pk]
    assert line.data["passport_number_cleared"] is True
    # the case and its steps stay: the step is still done, by whom and when, without its document
    step.refresh_from_db()
    assert step.done_by == world.coordinator_ce and step.done_at is not None and step.document is None
    assert case.events.filter(action=AdviceEvent.Action.STEP_DONE).exists()
    # once
    assert run(advice_retention_sweep, today=today + timedelta(days=2)) == 0
    assert case.events.filter(action=AdviceEvent.Action.PERSONAL_DOCUMENTS_DELETED).count() == 1
