"""The notification outbox (one row per event, recipient and channel: the in-app item and the email to send),
users' notification preferences, and the due date of each review task that reminders and the inbox read."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    TASK_AVAILABLE = "task_available", _("A task is waiting for you")
    APPLICATION_SUBMITTED = "application_submitted", _("Your application was submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested on your application")
    APPROVED = "approved", _("Your application was approved")
    REJECTED = "rejected", _("Your application was rejected")
    DECISION_LETTER = "decision_letter", _("Your decision letter is ready")
    TASK_DUE_TOMORROW = "task_due_tomorrow", _("A task is due within a day")
    TASK_OVERDUE = "task_overdue", _("A task is overdue")
    TASK_ESCALATED = "task_escalated", _("An overdue task was escalated to you")
    DIGEST = "digest", _("Daily digest of your waiting tasks")
    TASK_WITHOUT_DECIDER = "task_without_decider", _("A task has nobody who may decide it")
    # Reserved for the agreements' expiry reminders.
    AGREEMENT_EXPIRING = "agreement_expiring", _("An agreement is about to expire")
    AGREEMENT_EXPIRED = "agreement_expired", _("An agreement has expired")
    AGREEMENT_EWP_OUTDATED = "agreement_ewp_outdated", _("An agreement's EWP approval is outdated")
    # The competitive selection's result for an applicant, and a place offered to them from a reserve list.
    SELECTION_RESULT = "selection_result", _("The selection result of your application")
    PLACE_OFFERED = "place_offered", _("A place is offered to you")
    # What a deputy decided on an approver's behalf while they were away (workflows.reminders).
    DEPUTY_SUMMARY = "deputy_summary", _("What your deputy decided while you were away")
    # Learning agreements (learning/notifications.py): a signature asked for or overdue, the version final or
    # rejected, the recognition recorded.
    LA_SIGNATURE_REQUESTED = "la_signature_requested", _("A learning agreement waits for your signature")
    LA_SIGNATURE_REMINDER = "la_signature_reminder", _("A learning agreement still waits for your signature")
    LA_FINAL = "la_final", _("A learning agreement is signed by all three parties")
    LA_REJECTED = "la_rejected", _("A learning agreement was rejected")
    LA_RECOGNISED = "la_recognised", _("The recognition of your learning agreement is recorded")
    # A step of a foreigner's migration-advice checklist nears its deadline (migration/reminders.py).
    MIGRATION_STEP_DUE = "migration_step_due", _("A migration step is due soon")
    MIGRATION_CASE_OPENED = "migration_case_opened", _("Your migration-advice checklist is ready")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    IN_APP = "in_app", _("In the app")


# Decisions on your own case reach you on every channel, whatever your preferences say.
MANDATORY_KINDS = frozenset(
    {
        NotificationKind.CHANGES_REQUESTED,
        NotificationKind.APPROVED,
        NotificationKind.REJECTED,
        NotificationKind.SELECTION_RESULT,
        NotificationKind.PLACE_OFFERED,
    }
)
# About one task each: a user who chose the daily digest gets these in the app only, and the digest by email.
TASK_KINDS = frozenset(
    {
        NotificationKind.TASK_AVAILABLE,
        NotificationKind.TASK_DUE_TOMORROW,
        NotificationKind.TASK_OVERDUE,
        NotificationKind.TASK_ESCALATED,
    }
)
# What the preferences page offers, in this order (the digest is a separate opt-in).
CONFIGURABLE_KINDS = (
    NotificationKind.TASK_AVAILABLE,
    NotificationKind.TASK_DUE_TOMORROW,
    NotificationKind.TASK_OVERDUE,
    NotificationKind.TASK_ESCALATED,
    NotificationKind.APPLICATION_SUBMITTED,
    NotificationKind.DECISION_LETTER,
)


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One notification of one event to one recipient on one channel.

    It is written in the same transaction as the change that causes it (so a rollback leaves nothing)
    and its email is sent by a worker after commit. (event, recipient, channel) is unique: however often
    an event is notified or its task runs, there is one row, and a row is sent once. In-app rows are
    delivered when they commit; email rows go pending → sending (claimed by one worker) → sent or failed."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # What happened, e.g. "task:12:available" or "case-event:40"; with recipient and channel, the idempotency key.
    event = models.CharField(_("event"), max_length=200)
    language = models.CharField(_("language"), max_length=5)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # After a failed try, when the next may start (the backoff); empty: at once. The relay waits for it.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # When a worker claimed it for sending; a claim older than the send lease is taken to have died with its worker.
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient", "channel"], name="notification_once_per_event"),
        ]
        indexes = [
            # The in-app list and the unread badge on every page.
            models.Index(
                fields=["recipient", "-created_at"], condition=Q(channel="in_app"), name="notification_inbox_idx"
            ),
            # The unread badge: a capped count over the user's unread ones only (notification_unread_count).
            models.Index(
                fields=["recipient"],
                condition=Q(channel="in_app", read_at__isnull=True),
                name="notification_unread_idx",
            ),
            # The relay's scan for emails that wait or whose worker died.
            models.Index(
                fields=["status", "created_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="notification_outbox_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} ({self.get_channel_display()})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice for one kind on one channel. No row means the default: on, except the digest (off)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notification_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind}/{self.channel} = {self.enabled}"


class TaskDeadline(models.Model):
    """When a review task is due: its step's working days after it arrived. The inbox sorts on it and the
    reminder and escalation jobs scan it. (Kept here rather than in workflows: viewflow's Task is not ours.)"""

    task = models.OneToOneField(
        "viewflow.Task", on_delete=models.CASCADE, primary_key=True, related_name="deadline", verbose_name=_("task")
    )
    due_at = models.DateTimeField(_("due"), db_index=True)

    class Meta:
        verbose_name = _("task deadline")
        verbose_name_plural = _("task deadlines")

    def __str__(self) -> str:
        return f"{self.task_id}: {self.due_at:%Y-%m-%d %H:%M}"

    def is_overdue(self, now=None) -> bool:
        return self.due_at <= (now or timezone.now())
