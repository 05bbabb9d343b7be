"""Celery beat jobs about tasks: reminders before and after the due date, escalation, the daily digest. Thin
wrappers around workflows.reminders; each is idempotent (every notification carries an idempotency key)."""

from celery import shared_task

from workflows import reminders


@shared_task(acks_late=True)
def task_due_soon_reminders_task() -> int:
    return reminders.task_due_soon_remind()


@shared_task(acks_late=True)
def task_overdue_reminders_task() -> int:
    return reminders.task_overdue_remind()


@shared_task(acks_late=True)
def task_escalations_task() -> int:
    return reminders.task_escalate()


@shared_task(acks_late=True)
def digests_send_task() -> int:
    return reminders.digests_send()


@shared_task(acks_late=True)
def deputy_summaries_send_task() -> int:
    return reminders.deputy_summaries_send()
