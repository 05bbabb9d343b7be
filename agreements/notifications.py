"""What an agreement's coordinators and head are told about its end: about to expire (its renewal draft has been
started) or expired. Written in the sweep's transaction through the notifications outbox."""

from __future__ import annotations

from accounts.roles import Role
from accounts.selectors import users_with_roles
from notifications.models import Notification, NotificationKind
from notifications.services import notify


def agreement_expiry_notify(*, agreement, expired: bool) -> list[Notification]:
    """Tell the coordinators and the head of the agreement's department that it is about to expire (its
    renewal draft has been started) or has expired; once per agreement and kind (the event key)."""
    recipients = users_with_roles([Role.COORDINATOR, Role.HEAD]).filter(departments=agreement.department_id)
    kind = NotificationKind.AGREEMENT_EXPIRED if expired else NotificationKind.AGREEMENT_EXPIRING
    return notify(
        recipients=recipients,
        kind=kind,
        event=f"agreement:{agreement.pk}:{'expired' if expired else 'expiring'}",
        link=agreement.get_absolute_url(),
        context={"agreement": agreement.title, "partner": agreement.partner.name, "end_date": agreement.end_date},
    )
