"""What an agreement's coordinators and head are told about its end: about to expire (its renewal draft has been
started) or expired. Written in the sweep's transaction through the notifications outbox."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from accounts.roles import Role
from notifications.models import Notification, NotificationKind
from notifications.services import notify


def agreement_expiry_notify(*, agreement, expired: bool) -> list[Notification]:
    """Tell the coordinators and the head of the agreement's department that it is about to expire (its
    renewal draft has been started) or has expired; once per agreement and kind (the event key)."""
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
