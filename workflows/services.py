"""Drives the mobility flow from code: start it, resubmit after a send-back, and decide a review task.
Every path takes the flow's row lock and checks workflows.permissions.can_decide itself, since
viewflow does not enforce node permissions when an activation is driven from code."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from applications.models import Application, CaseEvent
from applications.services import case_event_record
from config.errors import CaseBusy, StaleState, TaskAlreadyDecided
from workflows.mobility import MobilityFlow
from workflows.models import Decision, MobilityProcess
from workflows.permissions import OPEN_TASK_STATUSES, can_decide
from workflows.selectors import access_task

DECISION_EVENT = {
    Decision.APPROVE: CaseEvent.Action.APPROVED,
    Decision.REQUEST_CHANGES: CaseEvent.Action.CHANGES_REQUESTED,
    Decision.REJECT: CaseEvent.Action.REJECTED,
}


def mobility_flow_start(*, application: Application) -> MobilityProcess:
    """Start the approval flow for a freshly submitted application (inside the caller's transaction)."""
    return MobilityFlow.start.run(application=application)


def mobility_flow_resubmit(*, application: Application, actor) -> None:
    """Complete the applicant's `revise` task; the flow returns the case to coordinator review."""
    try:
        with MobilityFlow.lock(application.process.pk):
            task = Task.objects.filter(
                process_id=application.process.pk, flow_task=MobilityFlow.revise, status__in=OPEN_TASK_STATUSES
            ).first()
            if task is None or task.owner_id != actor.pk:
                raise StaleState(_("This application is not waiting for your changes."))
            activation = task.flow_task.activation_class(task)
            activation.start(None)
            activation.execute()
    except FlowLockFailed:
        raise CaseBusy()


def task_decide(*, user, task_id, decision: str, comment: str = "") -> Application:
    """Approve, send back or reject a review task.

    Errors: Http404 if the user may not see the case; PermissionDenied if they see it but may not
    decide this step; ValidationError for a bad decision or a missing reason; TaskAlreadyDecided if
    someone (or a double click) decided it first; CaseBusy if another decision holds the case's lock;
    NoPlaceLeft if a final approval finds no place (the whole decision is rolled back)."""
    comment = (comment or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose approve, request_changes or reject.")})
    if decision == Decision.REJECT and not comment:
        raise ValidationError({"comment": _("Give the reason for the rejection.")})
    if decision == Decision.REQUEST_CHANGES and not comment:
        raise ValidationError({"comment": _("Tell the applicant what to change.")})

    task = access_task(user=user, task_id=task_id)
    try:
        with transaction.atomic(), MobilityFlow.lock(task.process_id):
            task.refresh_from_db()
            if task.status not in OPEN_TASK_STATUSES:
                raise TaskAlreadyDecided()
            if not can_decide(user, task):
                raise PermissionDenied(_("You may not decide this task."))
            activation = task.flow_task.activation_class(task)
            if task.status == STATUS.NEW:
                activation.assign(user)
            activation.start(None)
            process = activation.process
            application = process.application
            status_before = application.status
            process.last_decision = decision
            process.save(update_fields=["last_decision"])
            activation.execute()
            data = {}
            if application.nominated_place_id:
                data["nominated_partner"] = application.nominated_place.partner.name
            case_event_record(
                application=application,
                action=DECISION_EVENT[Decision(decision)],
                actor=user,
                step=task.flow_task.name,
                comment=comment,
                status_before=status_before,
                data=data,
            )
            return application
    except FlowLockFailed:
        raise CaseBusy()
