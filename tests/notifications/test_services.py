"""What each workflow event notifies, to whom, on which channel and in which language; the outbox's rules
(after commit only, once, retried, failed, relayed); preferences, the digest, reminders and escalation.
Celery runs eagerly here and mail goes to Django's test outbox; test_delivery.py proves it with real services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from viewflow.workflow.models import Task

from accounts.roles import Role
from notifications import services
from notifications.models import (
    Channel,
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationStatus,
    TaskDeadline,
)
from tests.support.drivers import decide, make_ready_application, make_submitted_application, open_task
from tests.support.factories import CallFactory, CallPlaceFactory, UserFactory
from workflows import reminders
from workflows.services import case_submit

pytestmark = pytest.mark.django_db


def rows(**filters):
    return sorted(
        (n.recipient.username, n.kind, n.channel)
        for n in Notification.objects.filter(**filters).select_related("recipient")
    )


@pytest.fixture
def sent(eager_celery, django_capture_on_commit_callbacks):
    """Run a block, commit it, and let the (eager) worker send its emails; returns the test outbox."""

    class Sender:
        def __call__(self, block):
            with django_capture_on_commit_callbacks(execute=True):
                result = block()
            return result

    return Sender()


# --- what is notified -------------------------------------------------------------------------------------------


def test_a_submission_notifies_the_departments_coordinators_and_the_applicant(world):
    make_submitted_application(world)

    assert rows() == [
        ("coordinator_ce", NotificationKind.TASK_AVAILABLE, Channel.EMAIL),
        ("coordinator_ce", NotificationKind.TASK_AVAILABLE, Channel.IN_APP),
        ("student1", NotificationKind.APPLICATION_SUBMITTED, Channel.EMAIL),
        ("student1", NotificationKind.APPLICATION_SUBMITTED, Channel.IN_APP),
    ]
    # in-app items are delivered by committing them; emails wait for the worker
    assert set(Notification.objects.filter(channel=Channel.IN_APP).values_list("status", flat=True)) == {"sent"}
    assert set(Notification.objects.filter(channel=Channel.EMAIL).values_list("status", flat=True)) == {"pending"}


def test_each_notification_is_written_in_its_recipients_language(world):
    world.coordinator_ce.preferred_language = "az"
    world.coordinator_ce.save(update_fields=["preferred_language"])

    application = make_submitted_application(world)

    task_item = Notification.objects.get(recipient=world.coordinator_ce, channel=Channel.IN_APP)
    assert task_item.language == "az"
    assert task_item.subject == f"Müraciət #{application.pk} (student1) qərarınızı gözləyir"
    assert "“Koordinatorun baxışı” mərhələsinə çatıb" in task_item.body
    own_item = Notification.objects.get(recipient=world.student1, channel=Channel.IN_APP)
    assert own_item.subject == f"Your application #{application.pk} was submitted"


def test_the_task_notification_links_to_the_task_and_gives_its_due_date(world):
    application = make_submitted_application(world)
    task = open_task(application)

    item = Notification.objects.get(recipient=world.coordinator_ce, channel=Channel.IN_APP)

    assert item.link == f"/tasks/{task.pk}/"
    assert item.event == f"task:{task.pk}:available"
    due = TaskDeadline.objects.get(task=task).due_at
    assert f"Please decide by {date_format(timezone.localtime(due), 'DATETIME_FORMAT')}." in item.body


def test_decisions_reach_the_applicant_with_the_comment_and_the_next_approver_gets_the_task(world):
    application = make_submitted_application(world)
    Notification.objects.all().delete()

    decide(world.coordinator_ce, application, "approve")
    # an intermediate approval is not a decision on the case for the applicant: only the head hears of it
    assert rows() == [
        ("head_ce", NotificationKind.TASK_AVAILABLE, Channel.EMAIL),
        ("head_ce", NotificationKind.TASK_AVAILABLE, Channel.IN_APP),
    ]

    decide(world.head_ce, application, "request_changes", comment="Add your language certificate.")
    sent_back = Notification.objects.get(recipient=world.student1, kind="changes_requested", channel=Channel.IN_APP)
    assert "Add your language certificate." in sent_back.body
    assert "Department head review" in sent_back.body
    assert sent_back.link == f"/applications/{application.pk}/"


def test_a_rejection_gives_the_reason_and_a_final_approval_the_nomination(world):
    rejected = make_submitted_application(world)
    decide(world.coordinator_ce, rejected, "reject", comment="The GPA certificate is forged.")
    reason = Notification.objects.get(recipient=world.student1, kind="rejected", channel=Channel.IN_APP)
    assert "The GPA certificate is forged." in reason.body

    approved = make_submitted_application(world, world.student2)
    decide(world.coordinator_ce, approved, "approve")
    decide(world.head_ce, approved, "approve")
    decide(world.prorector, approved, "approve", comment="Welcome aboard.")
    item = Notification.objects.get(recipient=world.student2, kind="approved", channel=Channel.IN_APP)
    assert world.partners[0].name in item.body
    assert "Welcome aboard." in item.body


def test_a_rolled_back_submission_leaves_no_notification(world, sent):
    application = make_ready_application(world)

    def submit_then_fail():
        with transaction.atomic():
            case_submit(case=application, actor=world.student1)
            raise RuntimeError("later failure")

    with pytest.raises(RuntimeError):
        sent(submit_then_fail)

    assert not Notification.objects.exists()
    assert mail.outbox == []


# --- the outbox ---------------------------------------------------------------------------------------------------


def test_emails_go_only_after_commit_and_once(world, sent, django_capture_on_commit_callbacks):
    application = make_ready_application(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case_submit(case=application, actor=world.student1)
    assert mail.outbox == []  # not committed yet: nothing sent

    for callback in callbacks:
        sent(callback)

    assert sorted(m.to[0] for m in mail.outbox) == [world.coordinator_ce.email, world.student1.email]
    assert set(Notification.objects.filter(channel=Channel.EMAIL).values_list("status", flat=True)) == {"sent"}
    # the same event notified again, and its emails dispatched again: nothing more
    for notification in Notification.objects.filter(channel=Channel.EMAIL):
        assert services.notification_send(notification_id=notification.pk).status == "skipped"
    sent(lambda: services.notification_dispatch(list(Notification.objects.values_list("pk", flat=True))))
    assert len(mail.outbox) == 2


def test_the_email_carries_text_html_a_link_and_a_stable_message_id(world, sent):
    application = make_ready_application(world)
    sent(lambda: case_submit(case=application, actor=world.student1))

    [message] = [m for m in mail.outbox if m.to == [world.student1.email]]
    notification = Notification.objects.get(recipient=world.student1, channel=Channel.EMAIL)
    assert message.subject == f"Your application #{application.pk} was submitted"
    assert f"http://127.0.0.1:8000/applications/{application.pk}/" in message.body
    assert "/notifications/preferences/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f"/applications/{application.pk}/" in html
    assert message.extra_headers["Message-ID"] == f"<notification-{notification.pk}@localhost>"


def test_the_same_event_twice_is_one_notification(world):
    for _ in range(2):
        with transaction.atomic():
            services.notify(
                recipients=[world.student1],
                kind=NotificationKind.APPROVED,
                event="test:event",
                context={"number": 1, "call": "c", "partner": "p", "comment": ""},
            )
    assert rows() == [("student1", "approved", "email"), ("student1", "approved", "in_app")]


def test_a_temporary_smtp_failure_is_retried_with_growing_backoff_then_marked_failed(world, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.BusyBackend"
    settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS = 3
    settings.NOTIFICATION_RETRY_BACKOFF_SECONDS = 10
    [email] = [
        n
        for n in services.notify(recipients=[world.student1], kind="approved", event="e", context={})
        if n.channel == "email"
    ]

    first = services.notification_send(notification_id=email.pk)
    assert (first.status, first.retry_in) == ("retry", 10)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (NotificationStatus.PENDING, 1)
    assert "451" in email.last_error
    # not before its backoff: a duplicate message that arrives early does nothing
    assert services.notification_send(notification_id=email.pk).status == "skipped"

    Notification.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert services.notification_send(notification_id=email.pk).retry_in == 20
    Notification.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert services.notification_send(notification_id=email.pk).status == "failed"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (NotificationStatus.FAILED, 3)

    # an administrator's retry gives it a fresh set of attempts
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.notification_retry(notification_ids=[email.pk]) == 1
    assert services.notification_send(notification_id=email.pk).status == "sent"
    assert len(mail.outbox) == 1


def test_a_permanent_smtp_refusal_fails_at_once(world, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.NoSuchUserBackend"
    [email] = [
        n
        for n in services.notify(recipients=[world.student1], kind="approved", event="e", context={})
        if n.channel == "email"
    ]

    assert services.notification_send(notification_id=email.pk).status == "failed"
    email.refresh_from_db()
    assert email.attempts == 1 and "550" in email.last_error


def test_the_relay_requeues_what_waited_too_long_and_what_a_dead_worker_held(world, settings, monkeypatch):
    settings.NOTIFICATION_RELAY_AFTER_SECONDS = 10
    settings.NOTIFICATION_SEND_LEASE_SECONDS = 120
    queued = []
    monkeypatch.setattr(services, "notification_dispatch", lambda ids: queued.extend(ids) or len(ids))
    now = timezone.now()

    def email(event, **fields):
        [row] = [
            n
            for n in services.notify(recipients=[world.student1], kind="approved", event=event, context={})
            if n.channel == "email"
        ]
        Notification.objects.filter(pk=row.pk).update(**fields)
        return row.pk

    waited = email("waited", created_at=now - timedelta(seconds=30))
    email("fresh")
    email("backing-off", created_at=now - timedelta(minutes=5), next_attempt_at=now + timedelta(minutes=1))
    backoff_over = email(
        "backoff-over", created_at=now - timedelta(minutes=5), next_attempt_at=now - timedelta(minutes=1)
    )
    dead = email("dead-worker", status="sending", claimed_at=now - timedelta(minutes=3))
    email("busy-worker", status="sending", claimed_at=now - timedelta(seconds=5))
    email("sent", status="sent", created_at=now - timedelta(minutes=5))

    assert services.notification_relay(now=now) == 3
    assert sorted(queued) == sorted([waited, backoff_over, dead])
    # and the dead worker's claim can be taken over by the next send
    assert services.notification_send(notification_id=dead).status == "sent"


# --- preferences and the digest -------------------------------------------------------------------------------


def test_a_user_may_turn_off_a_channel_but_not_decisions_on_their_own_case(world):
    services.notification_preferences_set(
        user=world.coordinator_ce, enabled={(NotificationKind.TASK_AVAILABLE, Channel.IN_APP)}, digest=False
    )
    NotificationPreference.objects.create(user=world.student1, kind="changes_requested", channel="email", enabled=False)
    NotificationPreference.objects.create(
        user=world.student1, kind="application_submitted", channel="email", enabled=False
    )

    application = make_submitted_application(world)
    decide(world.coordinator_ce, application, "request_changes", comment="More detail.")

    assert rows() == [
        ("coordinator_ce", "task_available", "in_app"),
        ("student1", "application_submitted", "in_app"),
        ("student1", "changes_requested", "email"),
        ("student1", "changes_requested", "in_app"),
    ]


def test_the_digest_replaces_task_emails_and_lists_the_waiting_tasks_once_a_day(world, sent):
    services.notification_preferences_set(
        user=world.coordinator_ce,
        enabled={(kind, channel) for kind in NotificationKind.values for channel in Channel.values},
        digest=True,
    )
    first = make_submitted_application(world)
    second = make_submitted_application(world, world.student2)
    # per-task notifications in the app only
    assert rows(recipient=world.coordinator_ce) == [("coordinator_ce", "task_available", "in_app")] * 2

    sent(reminders.digests_send)
    sent(reminders.digests_send)

    [digest] = Notification.objects.filter(kind=NotificationKind.DIGEST)
    assert digest.recipient == world.coordinator_ce and digest.channel == Channel.EMAIL
    assert digest.subject == "Your daily digest: 2 tasks are waiting"
    assert f"Application #{first.pk} of" in digest.body and f"Application #{second.pk} of" in digest.body
    assert [m.subject for m in mail.outbox] == ["Your daily digest: 2 tasks are waiting"]


# --- reminders and escalation --------------------------------------------------------------------------------------


def test_reminders_and_escalations_go_to_whom_they_concern_once(world):
    soon = make_submitted_application(world)
    late = make_submitted_application(world, world.student2)
    late_head = make_submitted_application(world, world.student3)
    decide(world.coordinator_math, late_head, "approve")
    second_call = CallFactory()
    CallPlaceFactory(call=second_call, partner=world.partners[0], places=2)
    late_prorector = make_submitted_application(world, world.student1, call=second_call)
    decide(world.coordinator_ce, late_prorector, "approve")
    decide(world.head_ce, late_prorector, "approve")
    now = timezone.now()
    for application, due in [(soon, now + timedelta(hours=20)), (late, now - timedelta(days=2, minutes=1))]:
        TaskDeadline.objects.filter(task=open_task(application)).update(due_at=due)
    for application in (late_head, late_prorector):
        TaskDeadline.objects.filter(task=open_task(application)).update(due_at=now - timedelta(days=5))
    Notification.objects.all().delete()

    for _ in range(2):
        reminders.task_due_soon_remind(now=now)
        reminders.task_overdue_remind(now=now)
        reminders.task_escalate(now=now)

    assert rows(channel=Channel.EMAIL) == [
        ("coordinator_ce", "task_due_tomorrow", "email"),
        ("coordinator_ce", "task_overdue", "email"),
        ("head_ce", "task_escalated", "email"),  # the coordinator's late task, one level up
        ("head_math", "task_overdue", "email"),
        ("prorector", "task_escalated", "email"),  # the head's late task, one level up
        ("prorector", "task_overdue", "email"),  # the prorector's own: no level above
    ]
    escalation = Notification.objects.get(recipient=world.head_ce, kind="task_escalated", channel=Channel.IN_APP)
    assert escalation.link == f"/applications/{late.pk}/"


def test_a_task_someone_took_is_reminded_to_them_only(world):
    other = UserFactory(username="coordinator_ce2", roles=[Role.COORDINATOR], departments=[world.departments["ce"]])
    application = make_submitted_application(world)
    task = open_task(application)
    Task.objects.filter(pk=task.pk).update(owner=other, status="ASSIGNED")
    TaskDeadline.objects.filter(task=task).update(due_at=timezone.now() - timedelta(hours=1))
    Notification.objects.all().delete()

    reminders.task_overdue_remind()

    assert rows(channel=Channel.IN_APP) == [("coordinator_ce2", "task_overdue", "in_app")]


def test_the_applicant_hears_when_the_decision_letter_is_ready(world):
    from applications.letters import MOBILITY_DECISION
    from documents.services import letter_generate

    application = make_submitted_application(world)
    decide(world.coordinator_ce, application, "reject", comment="Incomplete.")

    letter_generate(purpose=MOBILITY_DECISION, case_id=application.pk)
    letter_generate(purpose=MOBILITY_DECISION, case_id=application.pk)  # a retry of the worker's task: no second notice

    [item] = Notification.objects.filter(kind=NotificationKind.DECISION_LETTER, channel=Channel.IN_APP)
    assert item.recipient == world.student1
    assert item.subject == f"The decision letter of your application #{application.pk} is ready"
    assert "(Rejected)" in item.body


def test_a_task_of_an_agreement_can_be_notified_the_same_way(world):
    # the agreement flow does not call it yet; this shows the service is ready for any kind of case
    from agreements.services import agreement_create_draft
    from tests.support.agreements import iia_terms
    from workflows.selectors import open_task_for_agreement

    draft = agreement_create_draft(
        actor=world.coordinator_ce, department=world.departments["ce"], **iia_terms(world.partners[0])
    )
    agreement = case_submit(case=draft, actor=world.coordinator_ce)
    task = open_task_for_agreement(agreement=agreement)

    reminders.task_available_notify(task=task)

    item = Notification.objects.get(recipient=world.head_ce, channel=Channel.IN_APP)
    assert item.link == f"/tasks/{task.pk}/"
    assert "Department head review" in item.body
    assert not Notification.objects.exclude(recipient=world.head_ce).exists()
