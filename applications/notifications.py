"""What an applicant is told about their own application: submitted or resubmitted, sent back (with the comment),
finally approved, rejected (with the reason), its decision letter stored. Written in the change's transaction
through the notifications outbox."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from applications.models import ApplicationStatus, CaseEvent
from notifications.models import Notification, NotificationKind
from notifications.services import notify

# The steps an application's events name, as the applicant reads them.
STEP_LABELS = {
    "coordinator_review": _("Coordinator review"),
    "head_review": _("Department head review"),
    "prorector_review": _("Prorector review"),
}


def case_event_notify(*, event) -> list[Notification]:
    """Tell the applicant what just happened to their application (a CaseEvent written in this transaction):
    submitted or resubmitted, sent back (with the comment), finally approved, rejected (with the reason), or its
    decision letter stored. Other events notify nothing."""
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
        step = STEP_LABELS.get(event.step, "")
        return {
            "number": application.pk,
            "call": application.call.title,
            "resubmitted": action == CaseEvent.Action.RESUBMITTED,
            "step": step,
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
