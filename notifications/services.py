"""Writes of notifications: the outbox (record in the caller's transaction, dispatch after commit, send once,
retry with backoff, relay what the broker missed), what each workflow event notifies, the reminder and
escalation jobs, and the user's own actions (mark read, preferences).

Delivery guarantees, in short: a notification exists only if the change that caused it committed (it is written
in the same transaction); its idempotency key (event, recipient, channel) is unique, so an event notified twice is
one row; an email row is claimed by one worker at a time (pending → sending, with a lease) and sent once; if the
broker is down at commit the row stays pending and the relay (Celery beat) sends it later."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.effects import on_commit_call
from notifications.deadlines import step_due_at
from notifications.messages import Context, case_title, email_message, render_message, user_name
from notifications.models import (
    CONFIGURABLE_KINDS,
    MANDATORY_KINDS,
    TASK_KINDS,
    Channel,
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationStatus,
    TaskDeadline,
)

logger = logging.getLogger(__name__)

ALL_CHANNELS = (Channel.EMAIL, Channel.IN_APP)
RELAY_BATCH = 500
# An overdue task is reported one level up: the department head for the coordinator's step, the prorector
# for the head's (the step names are the same in every flow).
ESCALATION_STEP = {"coordinator_review": "head_review", "head_review": "prorector_review"}


# --- the outbox -------------------------------------------------------------------------------------------------


def _channels_by_user(*, users: Sequence, kind: str, channels: Sequence[str]) -> dict[int, list[str]]:
    """The channels each user receives this kind on, after their preferences (one query)."""
    choices = {
        (p.user_id, p.kind, p.channel): p.enabled
        for p in NotificationPreference.objects.filter(
            user__in=[u.pk for u in users], kind__in=[kind, NotificationKind.DIGEST]
        )
    }
    result: dict[int, list[str]] = {}
    for user in users:
        wanted = []
        for channel in channels:
            if channel == Channel.EMAIL and not user.email:
                continue
            if kind in MANDATORY_KINDS:
                wanted.append(channel)
                continue
            default = kind != NotificationKind.DIGEST
            if not choices.get((user.pk, kind, channel), default):
                continue
            # A user who chose the daily digest gets task notifications in the app only.
            if (
                channel == Channel.EMAIL
                and kind in TASK_KINDS
                and choices.get((user.pk, NotificationKind.DIGEST, Channel.EMAIL), False)
            ):
                continue
            wanted.append(channel)
        result[user.pk] = wanted
    return result


def notify(
    *,
    recipients: Iterable,
    kind: str,
    event: str,
    context: Context,
    link: str = "",
    channels: Sequence[str] = ALL_CHANNELS,
) -> list[Notification]:
    """Record a notification of `event` for each recipient on each channel they receive `kind` on, inside the
    caller's transaction; the emails are dispatched to the worker once it commits (nothing if it rolls back).

    Notifying the same event again is harmless: the rows exist already (the unique idempotency key) and only
    emails still pending are dispatched again, which the worker's claim turns into no second email."""
    users = list({u.pk: u for u in recipients if u is not None and u.is_active}.values())
    if not users:
        return []
    wanted = _channels_by_user(users=users, kind=kind, channels=channels)
    rendered: dict[str, tuple[str, str]] = {}
    rows = []
    now = timezone.now()
    for user in users:
        if not wanted[user.pk]:
            continue
        language = user.preferred_language or settings.LANGUAGE_CODE
        if language not in rendered:
            rendered[language] = render_message(kind=kind, language=language, context=context)
        subject, body = rendered[language]
        for channel in wanted[user.pk]:
            delivered = channel == Channel.IN_APP  # an in-app item is delivered by committing it
            rows.append(
                Notification(
                    recipient=user,
                    kind=kind,
                    channel=channel,
                    event=event,
                    language=language,
                    subject=subject,
                    body=body,
                    link=link,
                    status=NotificationStatus.SENT if delivered else NotificationStatus.PENDING,
                    created_at=now,
                    sent_at=now if delivered else None,
                )
            )
    if not rows:
        return []
    # ON CONFLICT DO NOTHING: a second notification of the same event (a retried job, a double click that
    # got through) neither fails the caller's transaction nor adds a row.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    stored = list(
        Notification.objects.filter(event=event, recipient__in=[u.pk for u in users], kind=kind).order_by("pk")
    )
    pending = [n.pk for n in stored if n.channel == Channel.EMAIL and n.status == NotificationStatus.PENDING]
    if pending:
        on_commit_call(notification_dispatch, pending)
    return stored


def notification_dispatch(notification_ids: Sequence[int]) -> int:
    """Queue one send task per email notification; returns how many were queued. The first broker error stops
    the batch (the next would most likely wait for the same timeout): what is left stays pending for the relay."""
    from notifications.tasks import send_notification_task

    queued = 0
    for notification_id in notification_ids:
        try:
            send_notification_task.delay(notification_id)
        except Exception:  # kombu wraps every broker failure differently; any of them means "later"
            logger.warning(
                "Broker unreachable: %s email notification(s) left pending for the relay",
                len(notification_ids) - queued,
                exc_info=True,
            )
            break
        queued += 1
    return queued


@dataclass(frozen=True)
class SendOutcome:
    status: str  # "sent", "retry", "failed" or "skipped" (sent already, another worker holds it, or not due)
    retry_in: float | None = None


def _is_permanent(error: Exception) -> bool:
    """An SMTP 5xx answer (bad address, message refused for good): trying again cannot help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _msg in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


def notification_send(*, notification_id: int) -> SendOutcome:
    """Send one email notification, at most once.

    The row is claimed with one conditional UPDATE (pending and due, or sending with an expired lease → sending),
    so of two workers given the same notification (a duplicate message, a redelivery after a crash, the relay)
    only one sends. A failure puts it back to pending with a backoff, or marks it failed after the last attempt."""
    now = timezone.now()
    lease = timedelta(seconds=settings.NOTIFICATION_SEND_LEASE_SECONDS)
    claimed = (
        Notification.objects.filter(pk=notification_id, channel=Channel.EMAIL)
        .filter(
            Q(status=NotificationStatus.PENDING, next_attempt_at__isnull=True)
            | Q(status=NotificationStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=NotificationStatus.SENDING, claimed_at__lt=now - lease)
        )
        .update(status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return SendOutcome("skipped")
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        email_message(notification).send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:  # OSError: refused, reset, timed out
        return _send_failed(notification=notification, error=error)
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENT, sent_at=timezone.now(), claimed_at=None, last_error=""
    )
    return SendOutcome("sent")


def _send_failed(*, notification: Notification, error: Exception) -> SendOutcome:
    message = f"{type(error).__name__}: {error}"[:2000]
    if _is_permanent(error) or notification.attempts >= settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS:
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.FAILED, last_error=message, claimed_at=None
        )
        logger.error("Notification %s failed after %s attempt(s): %s", notification.pk, notification.attempts, message)
        return SendOutcome("failed")
    delay = min(
        settings.NOTIFICATION_RETRY_BACKOFF_SECONDS * 2 ** (notification.attempts - 1),
        settings.NOTIFICATION_RETRY_BACKOFF_MAX_SECONDS,
    )
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.PENDING,
        last_error=message,
        claimed_at=None,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    logger.warning(
        "Notification %s: attempt %s failed (%s); next in %.1f s",
        notification.pk,
        notification.attempts,
        message,
        delay,
    )
    return SendOutcome("retry", retry_in=delay)


def notification_relay(*, now=None) -> int:
    """Re-queue the emails the normal path missed: pending for a while (the broker was down at commit, a retry
    message was lost) or claimed by a worker whose lease ran out (it died mid-send). Returns how many were queued.
    Queuing one that is still on its way is harmless: the claim lets one task send it."""
    now = now or timezone.now()
    waited = now - timedelta(seconds=settings.NOTIFICATION_RELAY_AFTER_SECONDS)
    lease_expired = now - timedelta(seconds=settings.NOTIFICATION_SEND_LEASE_SECONDS)
    due = list(
        Notification.objects.filter(
            channel=Channel.EMAIL, status__in=[NotificationStatus.PENDING, NotificationStatus.SENDING]
        )
        .annotate(due_at=Coalesce("next_attempt_at", "created_at"))
        .filter(
            Q(status=NotificationStatus.PENDING, due_at__lte=waited)
            | Q(status=NotificationStatus.SENDING, claimed_at__lt=lease_expired)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:RELAY_BATCH]
    )
    if not due:
        return 0
    queued = notification_dispatch(due)
    logger.info("Relay queued %s of %s waiting email notification(s)", queued, len(due))
    return queued


@transaction.atomic
def notification_retry(*, notification_ids: Iterable[int]) -> int:
    """An administrator's retry of failed emails: back to pending with a fresh set of attempts."""
    ids = list(
        Notification.objects.select_for_update()
        .filter(pk__in=list(notification_ids), channel=Channel.EMAIL, status=NotificationStatus.FAILED)
        .values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=ids).update(
        status=NotificationStatus.PENDING, attempts=0, next_attempt_at=None, claimed_at=None
    )
    if ids:
        on_commit_call(notification_dispatch, ids)
    return len(ids)


# --- the user's own actions -----------------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id) -> Notification:
    """Mark one of the user's in-app notifications read (again is fine). Http404 for another's or a missing one."""
    from notifications.selectors import access_notification

    notification = access_notification(user=user, notification_id=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notification_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_preferences_set(
    *, user, enabled: Iterable[tuple[str, str]], digest: bool | None, kinds: Iterable[str] = CONFIGURABLE_KINDS
) -> None:
    """Store the user's choices for `kinds` (those their page shows): `enabled` holds the (kind, channel) pairs
    they want; `digest` opts in to the daily digest, which replaces per-task emails (None: leave it as it is).
    Decisions on their own case are not configurable and always arrive."""
    enabled = set(enabled)
    for kind in kinds:
        if kind not in CONFIGURABLE_KINDS:
            continue
        for channel in ALL_CHANNELS:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, channel=channel, defaults={"enabled": (kind, channel) in enabled}
            )
    if digest is not None:
        NotificationPreference.objects.update_or_create(
            user=user, kind=NotificationKind.DIGEST, channel=Channel.EMAIL, defaults={"enabled": bool(digest)}
        )


# --- what workflow events notify --------------------------------------------------------------------------------


def _case_link(case) -> str:
    return case.get_absolute_url() if hasattr(case, "get_absolute_url") else ""


def _task_context(*, task, kind, case, due_at=None, **extra) -> Context:
    step = kind.steps.get(task.flow_task.name)

    def build() -> dict:
        return {
            "case": case_title(case),
            "step": step.label if step else task.flow_task.name,
            "due": due_at,
            **extra,
        }

    return build


def task_deadline_start(*, task) -> TaskDeadline | None:
    """Give a review task that just arrived its due date (once; none for a step without a due time)."""
    due_at = step_due_at(step=task.flow_task.name, arrived_at=task.created or timezone.now())
    if due_at is None:
        return None
    deadline, _created = TaskDeadline.objects.get_or_create(task=task, defaults={"due_at": due_at})
    return deadline


def task_available_notify(*, task) -> list[Notification]:
    """A task arrived in the inbox of everyone who may act on it: tell each of them, with a link to it.
    Called by the flow's step handler, inside the transaction that created the task."""
    from workflows.cases import kind_of_task
    from workflows.selectors import task_deciders

    kind = kind_of_task(task)
    if kind is None:
        return []
    deadline = TaskDeadline.objects.filter(task=task).first()
    context = _task_context(task=task, kind=kind, case=kind.case_of(task), due_at=deadline.due_at if deadline else None)
    deciders = task_deciders(task=task)
    if not deciders and task.flow_task.name in kind.review_steps:
        # Nobody may decide it (no holder of the role, or separation of duties excludes them all): tell the
        # administrators instead of letting the case wait unseen. They also see it in /tasks/without-decider/.
        return notify(
            recipients=get_user_model().objects.filter(is_active=True, groups__name=Role.ADMIN).order_by("pk"),
            kind=NotificationKind.TASK_WITHOUT_DECIDER,
            event=f"task:{task.pk}:without-decider",
            link=reverse("workflows:without_decider"),
            context=context,
        )
    return notify(
        recipients=deciders,
        kind=NotificationKind.TASK_AVAILABLE,
        event=f"task:{task.pk}:available",
        link=reverse("workflows:task", kwargs={"task_id": task.pk}),
        context=context,
    )


def case_event_notify(*, event) -> list[Notification]:
    """Tell the applicant what just happened to their application (a CaseEvent written in this transaction):
    submitted or resubmitted, sent back (with the comment), finally approved, rejected (with the reason), or its
    decision letter stored. Other events notify nothing."""
    from applications.models import ApplicationStatus, CaseEvent

    application = event.application
    action = event.action
    if action in (CaseEvent.Action.SUBMITTED, CaseEvent.Action.RESUBMITTED):
        kind = NotificationKind.APPLICATION_SUBMITTED
    elif action == CaseEvent.Action.CHANGES_REQUESTED:
        kind = NotificationKind.CHANGES_REQUESTED
    elif action == CaseEvent.Action.REJECTED:
        kind = NotificationKind.REJECTED
    elif action == CaseEvent.Action.APPROVED and application.status == ApplicationStatus.APPROVED:
        kind = NotificationKind.APPROVED
    elif action == CaseEvent.Action.DOCUMENT_UPLOADED and (event.data or {}).get("kind") == "decision_letter":
        kind = NotificationKind.DECISION_LETTER
    else:
        return []
    place = application.nominated_place if application.nominated_place_id else None

    def context() -> dict:
        from workflows.cases import APPLICATION

        step = APPLICATION.steps.get(event.step)
        return {
            "number": application.pk,
            "call": application.call.title,
            "resubmitted": action == CaseEvent.Action.RESUBMITTED,
            "step": step.label if step else "",
            "comment": event.comment,
            "partner": place.partner.name if place else "",
            "status": ApplicationStatus(application.status).label,
        }

    return notify(
        recipients=[application.applicant],
        kind=kind,
        event=f"case-event:{event.pk}",
        link=application.get_absolute_url(),
        context=context,
    )


# --- reminders, escalation and the digest (Celery beat jobs) ----------------------------------------------------


def _open_deadlines():
    from workflows.permissions import OPEN_TASK_STATUSES

    return (
        TaskDeadline.objects.filter(task__status__in=OPEN_TASK_STATUSES)
        .select_related(
            "task__process__mobilityprocess__application__applicant",
            "task__process__mobilityprocess__application__call",
        )
        .order_by("due_at", "task_id")
    )


def _remind(*, deadlines, kind: str, suffix: str, escalate: bool = False) -> int:
    """One notification per task of `deadlines` (each in its own transaction); the event key makes a second
    run of the job add nothing. Returns how many tasks were looked at."""
    from workflows.cases import kind_of_task
    from workflows.selectors import step_deciders, task_deciders

    count = 0
    for deadline in deadlines:
        task = deadline.task
        case_kind = kind_of_task(task)
        if case_kind is None:
            continue
        case = case_kind.case_of(task)
        if escalate:
            up = ESCALATION_STEP.get(task.flow_task.name)
            if up is None:
                continue
            # Not to a party of the case (an applicant who is also the head hears nothing of their own case).
            recipients = step_deciders(
                kind=case_kind, step=up, department_id=case.department_id, exclude_ids=case_kind.party_ids(case)
            )
            link = _case_link(case)
        else:
            recipients = task_deciders(task=task)
            link = reverse("workflows:task", kwargs={"task_id": task.pk})
        with transaction.atomic():
            notify(
                recipients=recipients,
                kind=kind,
                event=f"task:{task.pk}:{suffix}",
                link=link,
                context=_task_context(task=task, kind=case_kind, case=case, due_at=deadline.due_at),
            )
        count += 1
    return count


def task_due_soon_remind(*, now=None) -> int:
    """Remind whoever may decide an open task that is due within the next day (once per task)."""
    now = now or timezone.now()
    deadlines = _open_deadlines().filter(due_at__gt=now, due_at__lte=now + timedelta(days=1))
    return _remind(deadlines=deadlines, kind=NotificationKind.TASK_DUE_TOMORROW, suffix="due-soon")


def task_overdue_remind(*, now=None) -> int:
    """Tell whoever may decide an open task that it is past its due date (once per task)."""
    now = now or timezone.now()
    return _remind(
        deadlines=_open_deadlines().filter(due_at__lte=now), kind=NotificationKind.TASK_OVERDUE, suffix="overdue"
    )


def task_escalate(*, now=None) -> int:
    """Report tasks overdue by TASK_ESCALATE_AFTER_DAYS days to the next level up (once per task)."""
    now = now or timezone.now()
    deadlines = _open_deadlines().filter(due_at__lte=now - timedelta(days=settings.TASK_ESCALATE_AFTER_DAYS))
    return _remind(deadlines=deadlines, kind=NotificationKind.TASK_ESCALATED, suffix="escalated", escalate=True)


def digests_send(*, now=None) -> int:
    """The daily digest: one email per opted-in user listing the tasks waiting in their inbox (none when
    nothing waits). Once per user and day, however often the job runs."""
    from workflows.cases import kind_of_task
    from workflows.selectors import inbox_tasks

    now = now or timezone.now()
    day = timezone.localdate(now)
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            notification_preferences__kind=NotificationKind.DIGEST,
            notification_preferences__channel=Channel.EMAIL,
            notification_preferences__enabled=True,
        )
        .exclude(email="")
        .order_by("pk")
    )
    sent = 0
    for user in users:
        tasks = list(inbox_tasks(user=user))
        if not tasks:
            continue

        def context(tasks=tasks, user=user) -> dict:
            rows = []
            for task in tasks:
                case_kind = kind_of_task(task)
                step = case_kind.steps.get(task.flow_task.name) if case_kind else None
                deadline = getattr(task, "deadline", None)  # a missing reverse one-to-one is an AttributeError
                rows.append(
                    {
                        "case": case_title(case_kind.case_of(task)) if case_kind else str(task),
                        "step": step.label if step else task.flow_task.name,
                        "due": deadline.due_at if deadline else None,
                        "overdue": bool(deadline and deadline.due_at <= now),
                    }
                )
            return {"tasks": rows, "count": len(rows), "user": user_name(user)}

        with transaction.atomic():
            notify(
                recipients=[user],
                kind=NotificationKind.DIGEST,
                event=f"digest:{day.isoformat()}",
                link=reverse("workflows:inbox"),
                context=context,
                channels=(Channel.EMAIL,),
            )
        sent += 1
    return sent


def agreement_expiry_notify(*, agreement, expired: bool) -> list[Notification]:
    """Tell the coordinators and the head of the agreement's department that it is about to expire (its
    renewal draft has been started) or has expired; once per agreement and kind (the event key)."""
    from accounts.roles import Role

    recipients = (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name__in=[Role.COORDINATOR, Role.HEAD], departments=agreement.department_id
        )
        .distinct()
    )
    kind = NotificationKind.AGREEMENT_EXPIRED if expired else NotificationKind.AGREEMENT_EXPIRING
    return notify(
        recipients=recipients,
        kind=kind,
        event=f"agreement:{agreement.pk}:{'expired' if expired else 'expiring'}",
        link=agreement.get_absolute_url(),
        context={"agreement": agreement.title, "partner": agreement.partner.name, "end_date": agreement.end_date},
    )
