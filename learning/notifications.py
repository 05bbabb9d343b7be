"""Who is told what about a learning agreement (notifications.notify: in the app and by email, after commit, once
per event). The receiving coordinator has no account: their email carries the signing link (learning/emails.py)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import users_with_roles
from learning.models import LASignature, LAVersion, LearningAgreement, Party
from notifications.models import NotificationKind
from notifications.services import notify

# Kinds of message of learning agreements (templates/notifications/messages/<kind>.*.txt).
SIGNATURE_REQUESTED = NotificationKind.LA_SIGNATURE_REQUESTED
SIGNATURE_REMINDER = NotificationKind.LA_SIGNATURE_REMINDER
FINAL = NotificationKind.LA_FINAL
REJECTED = NotificationKind.LA_REJECTED
RECOGNISED = NotificationKind.LA_RECOGNISED


def _title(agreement: LearningAgreement) -> str:
    participant = agreement.participant
    return (
        f"{agreement} — {participant.get_full_name() or participant.get_username()}, "
        f"{agreement.receiving_partner.name} ({agreement.academic_year})"
    )


def sending_coordinators(agreement: LearningAgreement) -> list[User]:
    return list(
        users_with_roles([Role.COORDINATOR])
        .filter(departments=agreement.department_id)
        .exclude(pk=agreement.participant_id)
    )


def _link(agreement: LearningAgreement) -> str:
    return reverse("learning:detail", args=[agreement.pk])


def sending_signature_requested(*, agreement: LearningAgreement, version: LAVersion) -> None:
    notify(
        recipients=sending_coordinators(agreement),
        kind=SIGNATURE_REQUESTED,
        event=f"learning_agreement:{agreement.pk}:v{version.number}:sign:{Party.SENDING}",
        context={"case": _title(agreement), "version": version.number, "party": str(Party.SENDING.label)},
        link=_link(agreement),
    )


def reminder_notify(*, agreement: LearningAgreement, version: LAVersion, party: str, day: date) -> int:
    recipients = sending_coordinators(agreement) if party == Party.SENDING else [agreement.participant]
    sent = notify(
        recipients=recipients,
        kind=SIGNATURE_REMINDER,
        event=f"learning_agreement:{agreement.pk}:v{version.number}:remind:{party}:{day.isoformat()}",
        context={"case": _title(agreement), "version": version.number, "party": str(Party(party).label)},
        link=_link(agreement),
    )
    return 1 if sent else 0


def final_notify(*, agreement: LearningAgreement, version: LAVersion) -> None:
    notify(
        recipients=[agreement.participant, *sending_coordinators(agreement)],
        kind=FINAL,
        event=f"learning_agreement:{agreement.pk}:v{version.number}:final",
        context={"case": _title(agreement), "version": version.number},
        link=_link(agreement),
    )


def rejected_notify(*, agreement: LearningAgreement, version: LAVersion, signature: LASignature) -> None:
    notify(
        recipients=[agreement.participant, *sending_coordinators(agreement)],
        kind=REJECTED,
        event=f"learning_agreement:{agreement.pk}:v{version.number}:rejected",
        context={
            "case": _title(agreement),
            "version": version.number,
            "party": str(Party(signature.party).label),
            "signer": signature.signer_name,
            "reason": signature.reason,
        },
        link=_link(agreement),
    )


def recognised_notify(*, agreement: LearningAgreement) -> None:
    notify(
        recipients=[agreement.participant],
        kind=RECOGNISED,
        event=f"learning_agreement:{agreement.pk}:recognised",
        context={"case": _title(agreement)},
        link=_link(agreement),
    )
