"""Delivery with the real infrastructure: Celery worker processes, Redis, and an SMTP server on loopback that
records what it accepts. Nothing is sent for a rollback, nothing twice, nothing lost when Redis is down or a
worker dies mid-send, SMTP failures are retried, and the reminder jobs are idempotent."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import Channel, Notification, NotificationKind, NotificationStatus, TaskDeadline
from tests.support.api import api_decide, application_url, token_client
from tests.support.drivers import decide, make_ready_application, make_submitted_application, open_task
from tests.support.harness import wait_until
from workflows.services import case_submit
from workflows.tasks import task_due_soon_reminders_task, task_escalations_task, task_overdue_reminders_task

pytestmark = pytest.mark.django_db(transaction=True)

# After the expected emails arrived, how long to keep watching for one too many.
SETTLE_SECONDS = 1.5


def email_rows():
    return Notification.objects.filter(channel=Channel.EMAIL).select_related("recipient")


def expected_keys():
    return sorted((n.event, n.recipient.email) for n in email_rows())


def wait_for_emails(delivery, count, seconds=20):
    wait_until(
        lambda: delivery.smtp.count() >= count,
        seconds,
        f"{count} email(s) did not arrive (got {delivery.smtp.count()})",
        delivery.worker_output,
    )
    time.sleep(SETTLE_SECONDS)


def assert_each_email_once(delivery):
    """Every email notification in the database was sent, and the SMTP server accepted each exactly once."""
    assert sorted(delivery.smtp.keys()) == expected_keys()
    assert set(email_rows().values_list("status", flat=True)) == {NotificationStatus.SENT}


def notify_one(user, event="test:one"):
    with transaction.atomic():
        return services.notify(
            recipients=[user],
            kind=NotificationKind.APPROVED,
            event=event,
            link="/applications/",
            context={"number": 7, "call": "Erasmus+ 2026/27", "partner": "TU Berlin", "comment": ""},
        )


def test_a_decision_through_the_api_ends_as_one_email_in_the_recipients_language(world, delivery):
    # given a worker, and an applicant who reads Azerbaijani
    worker = delivery.start_worker()
    world.student1.preferred_language = "az"
    world.student1.save(update_fields=["preferred_language"])
    application = make_submitted_application(world)
    worker.wait_ready()

    # when the coordinator sends the application back through the API
    api_decide(token_client("coordinator_ce"), application.pk, "request_changes", comment="Upload a newer transcript.")

    # then (with the submission's two emails) the worker sent one email about it, in Azerbaijani, with the comment
    wait_for_emails(delivery, 3)
    assert_each_email_once(delivery)
    decision = application.events.get(action="changes_requested")
    [message] = delivery.smtp.by_header("X-Korpu-Notification", f"case-event:{decision.pk}")
    assert message["To"] == world.student1.email
    assert message["Subject"].strip() == f"#{application.pk} nömrəli müraciətinizdə dəyişiklik tələb olunur"
    text = message.get_body(("plain",)).get_content()
    assert "Upload a newer transcript." in text
    assert f"/applications/{application.pk}/" in text
    assert message.get_body(("html",)) is not None
    [task_email] = delivery.smtp.by_header("To", world.coordinator_ce.email)
    # and the coordinator's email about the new task is in English, the coordinator's language
    assert task_email["Subject"].strip() == f"Application #{application.pk} of student1 is waiting for your decision"


def test_a_rolled_back_change_sends_nothing(world, delivery):
    # given a worker and a ready application
    delivery.start_worker().wait_ready()
    application = make_ready_application(world)

    # when its submission rolls back
    with pytest.raises(RuntimeError), transaction.atomic():
        case_submit(case=application, actor=world.student1)
        raise RuntimeError("something later in the transaction failed")

    # then no notification exists; and once a later submission commits, only its own two emails arrive
    assert not Notification.objects.exists()
    case_submit(case=application, actor=world.student1)
    wait_for_emails(delivery, 2)
    assert delivery.smtp.count() == 2
    assert_each_email_once(delivery)


def test_redis_stopped_while_submitting_the_submit_answers_fast_and_the_relay_delivers_later(world, fault_delivery):
    # given a worker with beat (the relay) on a Redis of this test's own, and a ready application
    delivery = fault_delivery
    worker = delivery.start_worker(beat=True)
    application = make_ready_application(world)
    client = token_client("student1")
    worker.wait_ready()
    # (kombu 5.7 lets a worker that holds an unacknowledged message when Redis dies crash while restoring it;
    # in production the container restarts. Here the worker first finishes the documents' checks.)
    wait_until(delivery.redis.idle, 20, "the worker did not finish the document checks", delivery.worker_output)

    # when Redis is stopped and the applicant submits
    delivery.redis.stop()
    started = time.monotonic()
    response = client.post(application_url(application.pk, "submit/"))
    elapsed = time.monotonic() - started

    # then the submission succeeds at once and its emails wait in the outbox
    assert response.status_code == 200, response.content
    assert elapsed < 2, f"the submit took {elapsed:.2f} s with Redis down"
    assert set(email_rows().values_list("status", flat=True)) == {NotificationStatus.PENDING}
    assert email_rows().count() == 2

    # and once Redis is back, the relay delivers each exactly once
    delivery.redis.start()
    wait_for_emails(delivery, 2, seconds=45)
    assert_each_email_once(delivery)


def test_a_worker_killed_while_sending_leaves_the_email_to_the_next_worker_once(world, fault_delivery):
    # given a worker, and a case whose submission emails went out
    delivery = fault_delivery
    first = delivery.start_worker()
    application = make_submitted_application(world)
    first.wait_ready()
    wait_for_emails(delivery, 2)

    # when the worker is SIGKILLed while the SMTP server has not yet answered the decision's email
    delivery.smtp.hold()
    api_decide(token_client("coordinator_ce"), application.pk, "request_changes", comment="Add your passport.")
    wait_until(delivery.smtp.holding.is_set, 15, "the worker did not start sending", delivery.worker_output)
    first.kill()
    wait_until(lambda: delivery.smtp.dropped == 1, 5, "the SMTP server did not see the client go")
    delivery.smtp.release()
    stuck = email_rows().get(kind=NotificationKind.CHANGES_REQUESTED)
    assert stuck.status == NotificationStatus.SENDING

    # then a new worker (its relay, once the dead worker's lease ran out) sends it, once
    delivery.start_worker(beat=True).wait_ready()
    wait_for_emails(delivery, 3)
    assert_each_email_once(delivery)
    stuck.refresh_from_db()
    assert stuck.attempts == 2


def test_the_same_event_dispatched_twice_sends_one_email(world, delivery):
    # given two workers competing for the same queue
    workers = [delivery.start_worker(), delivery.start_worker()]
    for worker in workers:
        worker.wait_ready()

    # when one event is notified twice and its email dispatched five more times
    [row] = [n for n in notify_one(world.student1, event="test:twice") if n.channel == Channel.EMAIL]
    notify_one(world.student1, event="test:twice")
    services.notification_dispatch([row.pk] * 5)

    # then one email arrives
    wait_for_emails(delivery, 1)
    assert delivery.smtp.count() == 1
    assert_each_email_once(delivery)
    row.refresh_from_db()
    assert row.attempts == 1


def test_smtp_refusing_twice_then_accepting_sends_one_email_after_retries(world, delivery):
    # given an SMTP server that answers "try again later" twice
    delivery.smtp.refuse_next(2)
    worker = delivery.start_worker()
    worker.wait_ready()

    # when an email is sent
    [row] = [n for n in notify_one(world.student1) if n.channel == Channel.EMAIL]

    # then it arrives once, on the third attempt
    wait_for_emails(delivery, 1)
    assert delivery.smtp.refused == 2
    assert delivery.smtp.count() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (NotificationStatus.SENT, 3, "")


def test_an_email_failing_every_attempt_is_marked_failed_and_an_admin_retry_sends_it(world, delivery, client):
    # given an SMTP server that refuses everything, and three attempts in all
    delivery.smtp.refuse_next(1000)
    delivery.start_worker(NOTIFICATION_EMAIL_MAX_ATTEMPTS=3).wait_ready()
    [row] = [n for n in notify_one(world.student1) if n.channel == Channel.EMAIL]

    # when the attempts run out, the notification is failed with the server's answer
    wait_until(
        lambda: Notification.objects.get(pk=row.pk).status == NotificationStatus.FAILED,
        20,
        "the notification was not marked failed",
        delivery.worker_output,
    )
    row.refresh_from_db()
    assert row.attempts == 3
    assert "451" in row.last_error and "Try again later" in row.last_error
    assert delivery.smtp.refused == 3

    # and once the server accepts again, an administrator's retry from the admin sends it, once
    delivery.smtp.refuse_next(0)
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(world.admin)
    changelist = "/admin/notifications/notification/"
    assert "Try again later" in client.get(f"{changelist}?status=failed").content.decode()
    response = client.post(changelist, {"action": "retry_failed", "_selected_action": [row.pk]})
    assert response.status_code == 302
    wait_for_emails(delivery, 1)
    assert delivery.smtp.count() == 1
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT


def test_reminder_and_escalation_jobs_run_twice_send_each_message_once(world, delivery):
    # given a worker and three waiting tasks: one due within a day, a coordinator's and a head's overdue 3 days
    delivery.start_worker().wait_ready()
    due_soon = make_submitted_application(world)
    late_coordinator = make_submitted_application(world, world.student2)
    late_head = make_submitted_application(world, world.student3)
    decide(world.coordinator_math, late_head)
    wait_for_emails(delivery, email_rows().count())
    delivery.smtp.clear()
    now = timezone.now()
    TaskDeadline.objects.filter(task=open_task(due_soon)).update(due_at=now + timedelta(hours=12))
    TaskDeadline.objects.filter(task=open_task(late_coordinator)).update(due_at=now - timedelta(days=3))
    TaskDeadline.objects.filter(task=open_task(late_head)).update(due_at=now - timedelta(days=3))
    before = set(email_rows().values_list("pk", flat=True))

    # when each job runs twice in a row on the worker
    for job in (task_due_soon_reminders_task, task_overdue_reminders_task, task_escalations_task):
        job.delay()
        job.delay()

    # then each reminder and escalation arrives once, to whom it concerns
    wait_for_emails(delivery, 5)
    new = email_rows().exclude(pk__in=before)
    assert sorted((n.kind, n.recipient.username) for n in new) == [
        (NotificationKind.TASK_DUE_TOMORROW, "coordinator_ce"),
        (NotificationKind.TASK_ESCALATED, "head_ce"),
        (NotificationKind.TASK_ESCALATED, "prorector"),
        (NotificationKind.TASK_OVERDUE, "coordinator_ce"),
        (NotificationKind.TASK_OVERDUE, "head_math"),
    ]
    assert sorted(delivery.smtp.keys()) == sorted((n.event, n.recipient.email) for n in new)
