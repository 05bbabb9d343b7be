"""Writes of notifications: the outbox (record in the caller's transaction, dispatch after commit, send once,
retry with backoff, relay what the broker missed) and the user's own actions (mark read, preferences). This app
is the delivery leaf: what to tell whom lives with the layer that knows it (workflows/reminders.py for tasks,
applications/notifications.py for applicants, agreements/notifications.py for expiry).

Delivery guarantees, in short: a notification exists only if the change that caused it committed (it is written
in the same transaction); its idempotency key (event, recipient, channel) is unique, so an event notified twice is
one row; an email row is claimed by one worker at a time (pending → sending, with a lease) and sent once; if the
broker is down at commit the row stays pending and the relay (Celery beat) sends it later."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from core.db import insert_rows
from core.effects import on_commit_call
from notifications.messages import Context, email_message, render_message
from notifications.models import (
    CONFIGURABLE_KINDS,
    MANDATORY_KINDS,
    TASK_KINDS,
    Channel,
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationStatus,
)

logger = logging.getLogger(__name__)

ALL_CHANNELS = (Channel.EMAIL, Channel.IN_APP)
RELAY_BATCH = 500


# --- the outbox -------------------------------------------------------------------------------------------------


def _channels_by_user(*, users: Sequence[User], kind: str, channels: Sequence[str]) -> dict[int, list[str]]:
    """The channels each user receives this kind on, after their preferences (one query, none for users read
    `with_notification_choices`)."""
    from notifications.selectors import CHOICES_ANNOTATION

    choices: dict[tuple[int, str, str], bool]
    if all(hasattr(user, CHOICES_ANNOTATION) for user in users):
        choices = {}
        for user in users:
            for choice in getattr(user, CHOICES_ANNOTATION):
                chosen_kind, channel, enabled = choice.split("|")
                choices[(user.pk, chosen_kind, channel)] = enabled == "true"
    else:
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
    recipients: Iterable[User | None],
    kind: str,
    event: str,
    context: Context,
    link: str = "",
    channels: Sequence[str] = ALL_CHANNELS,
) -> list[Notification]:
    """Record a notification of `event` for each recipient on each channel they receive `kind` on, inside the
    caller's transaction; the emails are dispatched to the worker once it commits (nothing if it rolls back).

    Notifying the same event again is harmless: the rows exist already (the unique idempotency key) and their
    emails are dispatched again, which the worker's claim turns into no second email. Returns the rows as written
    (with their ids; a row that existed keeps its stored status, which the returned object does not show)."""
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
    # One statement, ON CONFLICT on the idempotency key: a second notification of the same event (a retried job, a
    # double click that got through) neither fails the caller's transaction nor adds a row; the rows come back
    # with their ids either way (the "update" writes the event it already has).
    insert_rows(rows, unique_fields=["event", "recipient", "channel"], update_fields=["event"])
    stored = sorted(rows, key=lambda row: row.pk)
    # An email notified before may have been sent already: dispatching it again is harmless (the worker's claim
    # sends it once).
    pending = [n.pk for n in stored if n.channel == Channel.EMAIL]
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


def notification_relay(*, now: datetime | None = None) -> int:
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


def notification_mark_read(*, user: User, notification_id: int | str) -> Notification:
    """Mark one of the user's in-app notifications read (again is fine). Http404 for another's or a missing one."""
    from notifications.selectors import access_notification

    notification = access_notification(user=user, notification_id=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_preferences_set(
    *, user: User, enabled: Iterable[tuple[str, str]], digest: bool | None, kinds: Iterable[str] = CONFIGURABLE_KINDS
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
