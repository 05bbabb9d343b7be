"""Reads of notifications: the user's in-app list, the unread count, a permission-checked fetch, and the
preferences as the page shows them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import CharField, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import APPLICANT_ROLES, APPROVER_ROLES, has_role
from notifications.models import (
    CONFIGURABLE_KINDS,
    MANDATORY_KINDS,
    TASK_KINDS,
    Channel,
    Notification,
    NotificationKind,
    NotificationPreference,
)

# The annotation `with_notification_choices` adds: "kind|channel|true" or "kind|channel|false" per preference.
CHOICES_ANNOTATION = "notification_choices"


def with_notification_choices(users: QuerySet[Any]) -> QuerySet[Any]:
    """The users with every notification preference they set, read in the same query (PostgreSQL; elsewhere the
    queryset as it is), so that notifying them asks no more (notifications.services.notify)."""
    if connection.vendor != "postgresql":
        return users
    choices = NotificationPreference.objects.filter(user=OuterRef("pk")).values_list(
        Concat("kind", Value("|"), "channel", Value("|"), Cast("enabled", CharField()), output_field=CharField())
    )
    annotated: QuerySet[Any] = users.annotate(**{CHOICES_ANNOTATION: ArraySubquery(choices)})
    return annotated


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's in-app notifications, the newest first."""
    notifications = Notification.objects.filter(recipient=user, channel=Channel.IN_APP)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


# The header's badge counts unread notifications up to this many and then says "99+": the count reads at most
# UNREAD_BADGE_CAP + 1 index entries (notification_unread_idx), whatever the size of the table or of the backlog.
UNREAD_BADGE_CAP = 99


def notification_unread_count(*, user: User | AnonymousUser) -> int:
    """How many unread in-app notifications the user has, counted up to UNREAD_BADGE_CAP + 1."""
    if not user.is_authenticated:
        return 0
    unread = Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True)
    return unread.order_by().values("pk")[: UNREAD_BADGE_CAP + 1].count()


def notification_unread_badge(*, user: User | AnonymousUser) -> str:
    """The header's badge: "", "7", or "99+"."""
    count = notification_unread_count(user=user)
    if count > UNREAD_BADGE_CAP:
        return f"{UNREAD_BADGE_CAP}+"
    return str(count) if count else ""


def access_notification(*, user: User, notification_id: int | str) -> Notification:
    """One of the user's in-app notifications; the same 404 for a missing one and another's."""
    try:
        return Notification.objects.get(pk=notification_id, recipient=user, channel=Channel.IN_APP)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such notification."))


def notification_preference_kinds(*, user: User) -> tuple[list[NotificationKind], bool]:
    """The configurable kinds that concern this user (task kinds for approvers, their own case for applicants;
    all of them for anyone else) and whether the daily digest is offered (to approvers)."""
    approver = has_role(user, *APPROVER_ROLES)
    kinds = [k for k in CONFIGURABLE_KINDS if k in TASK_KINDS] if approver else []
    if has_role(user, *APPLICANT_ROLES):
        kinds += [k for k in CONFIGURABLE_KINDS if k not in TASK_KINDS]
    return (kinds or list(CONFIGURABLE_KINDS)), approver


def notification_preferences(*, user: User) -> dict[str, Any]:
    """{"rows": [{kind, label, email, in_app, mandatory}], "digest": bool, "digest_offered": bool}: what the user
    receives, by kind and channel (no stored choice means on; decisions on one's own case are always on)."""
    kinds, digest_offered = notification_preference_kinds(user=user)
    stored = {(p.kind, p.channel): p.enabled for p in NotificationPreference.objects.filter(user=user)}
    rows = [
        {
            "kind": kind,
            "label": NotificationKind(kind).label,
            "email": stored.get((kind, Channel.EMAIL), True),
            "in_app": stored.get((kind, Channel.IN_APP), True),
            "mandatory": False,
        }
        for kind in kinds
    ]
    if has_role(user, *APPLICANT_ROLES) or not digest_offered:
        rows += [
            {"kind": kind, "label": NotificationKind(kind).label, "email": True, "in_app": True, "mandatory": True}
            for kind in NotificationKind.values
            if kind in MANDATORY_KINDS
        ]
    return {
        "rows": rows,
        "digest": stored.get((NotificationKind.DIGEST, Channel.EMAIL), False),
        "digest_offered": digest_offered,
    }
