"""Drives the flows from code: start them, resubmit after a send-back, decide a review task, and the
agreement flow's coordinator steps.
Every path takes the flow's row lock and checks workflows.permissions.act_refusal itself, since
viewflow does not enforce node permissions when an activation is driven from code."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from agreements.models import AgreementEvent
from agreements.services import (
    agreement_decision_letter_schedule,
    agreement_event_record,
    agreement_signed_copy_store,
)
from applications.models import Application, CaseEvent
from applications.selectors import application_document_versions
from applications.services import case_event_record
from core.errors import CaseBusy, StaleState, TaskAlreadyDecided
from documents.services import atomic_storing
from notifications import services as notification_services
from workflows.agreement import AgreementFlow
from workflows.cases import APPLICATION, MARK_SENT, RECORD_SIGNED, RESUBMIT, kind_of_task
from workflows.mobility import MobilityFlow
from workflows.models import AgreementProcess, Decision, MobilityProcess
from workflows.permissions import OPEN_TASK_STATUSES, act_refusal
from workflows.selectors import access_task, open_task_for_agreement

AGREEMENT_DECISION_EVENT = {
    Decision.APPROVE: AgreementEvent.Action.APPROVED,
    Decision.REQUEST_CHANGES: AgreementEvent.Action.CHANGES_REQUESTED,
    Decision.REJECT: AgreementEvent.Action.REJECTED,
}
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


def _record_decision(*, kind, case, user, step: str, decision: str, comment: str, status_before: str) -> None:
    """The decision's line in the case timeline, written in the decision's transaction."""
    if kind is APPLICATION:
        # The versions the decision was taken on, so the timeline proves what the approver saw.
        data: dict = {"documents": application_document_versions(application=case)}
        if case.nominated_place_id:
            data["nominated_partner"] = case.nominated_place.partner.name
        event = case_event_record(
            application=case,
            action=DECISION_EVENT[Decision(decision)],
            actor=user,
            step=step,
            comment=comment,
            status_before=status_before,
            data=data,
        )
        notification_services.case_event_notify(event=event)
    else:
        agreement_event_record(
            agreement=case,
            action=AGREEMENT_DECISION_EVENT[Decision(decision)],
            actor=user,
            step=step,
            comment=comment,
            status_before=status_before,
        )
        if step == "prorector_review" and decision == Decision.APPROVE:
            agreement_decision_letter_schedule(agreement=case)


def _complete_task(*, user, task_id, action: str, before_execute) -> tuple:
    """Take the case's flow lock, re-read the task, check `can_act`, run
    `before_execute(process, case, step)`, complete the task and let the flow move on.
    Returns (kind, case, step name, status before)."""
    task = access_task(user=user, task_id=task_id)
    kind = kind_of_task(task)
    assert kind is not None  # access_task answers 404 for tasks of no known kind of case
    flow: Any = kind.flow
    try:
        with transaction.atomic(), flow.lock(task.process_id):
            task.refresh_from_db()
            if task.status not in OPEN_TASK_STATUSES:
                raise TaskAlreadyDecided()
            refusal = act_refusal(user, task, action)
            if refusal is not None:
                # Also separation of duties: "You cannot decide your own application", and the like.
                raise PermissionDenied(refusal)
            activation = task.flow_task.activation_class(task)
            if task.status == STATUS.NEW:
                activation.assign(user)
            activation.start(None)
            process = activation.process
            case = getattr(process, kind.case_attr)
            status_before = case.status
            before_execute(process, case, task.flow_task.name)
            activation.execute()
            return kind, case, task.flow_task.name, status_before
    except FlowLockFailed:
        raise CaseBusy()


def task_decide(*, user, task_id, decision: str, comment: str = ""):
    """Approve, send back or reject a task; returns the case (an Application or an Agreement).

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
        raise ValidationError({"comment": _("Say what should change before the case comes back.")})

    def set_decision(process, case, step):
        process.last_decision = decision
        fields = ["last_decision"]
        if isinstance(process, AgreementProcess) and decision == Decision.APPROVE:
            # Bind the approval to the version it approved; the flow routes on it (workflows/agreement.py).
            setattr(process, f"{step}_sha256", case.current_version.sha256)
            fields.append(f"{step}_sha256")
        process.save(update_fields=fields)

    with transaction.atomic():
        kind, case, step, status_before = _complete_task(
            user=user, task_id=task_id, action=decision, before_execute=set_decision
        )
        _record_decision(
            kind=kind, case=case, user=user, step=step, decision=decision, comment=comment, status_before=status_before
        )
    return case


# --- the agreement flow's coordinator steps ------------------------------------------------------


def agreement_flow_start(*, agreement) -> AgreementProcess:
    """Start the approval flow for a submitted agreement draft (inside the caller's transaction)."""
    return AgreementFlow.start.run(agreement=agreement)


def agreement_flow_resubmit(*, agreement, actor) -> None:
    """Complete the `revise` task of a draft that was sent back; the flow routes it to the first
    step whose approval does not cover the current version."""
    task = open_task_for_agreement(agreement=agreement)
    if task is None or task.flow_task != AgreementFlow.revise:
        raise StaleState(_("This agreement is not waiting for a revision."))
    _complete_task(user=actor, task_id=task.pk, action=RESUBMIT, before_execute=lambda process, case, step: None)


def agreement_mark_sent(*, user, task_id, comment: str = ""):
    """The coordinator records that the approved text was sent to the partner for signature."""

    def mark(process, agreement, step):
        process.last_decision = ""
        process.save(update_fields=["last_decision"])
        agreement.sent_to_partner_at = timezone.now()
        agreement.save(update_fields=["sent_to_partner_at", "updated_at"])
        agreement_event_record(
            agreement=agreement,
            action=AgreementEvent.Action.SENT_TO_PARTNER,
            actor=user,
            step=step,
            comment=(comment or "").strip(),
            status_before=agreement.status,
        )

    _kind, agreement, _step, _status_before = _complete_task(
        user=user, task_id=task_id, action=MARK_SENT, before_execute=mark
    )
    return agreement


def agreement_record_signed(*, user, task_id, our_signed_on, partner_signed_on, file, comment: str = ""):
    """The coordinator uploads the copy signed by both sides; the agreement becomes active."""
    errors = {}
    today = timezone.localdate()
    for field, value in (("our_signed_on", our_signed_on), ("partner_signed_on", partner_signed_on)):
        if value is None:
            errors[field] = [_("Give the signing date.")]
        elif value > today:
            errors[field] = [_("A signing date cannot be in the future.")]
    if file is None:
        errors["file"] = [_("Upload the copy signed by both sides.")]
    if errors:
        raise ValidationError(errors)

    def record(process, agreement, step):
        process.last_decision = ""
        process.save(update_fields=["last_decision"])
        agreement.our_signed_on = our_signed_on
        agreement.partner_signed_on = partner_signed_on
        agreement.save(update_fields=["our_signed_on", "partner_signed_on", "updated_at"])
        document = agreement_signed_copy_store(agreement=agreement, actor=user, file=file)
        # Recorded before the flow moves on, so "signed" precedes "activated" in the timeline.
        agreement_event_record(
            agreement=agreement,
            action=AgreementEvent.Action.SIGNED,
            actor=user,
            step=step,
            comment=(comment or "").strip(),
            status_before=agreement.status,
            data={
                "our_signed_on": our_signed_on.isoformat(),
                "partner_signed_on": partner_signed_on.isoformat(),
                "document_id": document.pk,
                "sha256": document.sha256,
            },
        )

    # atomic_storing: if the step fails after the file was stored, the stored object goes too.
    with atomic_storing():
        _kind, agreement, _step, _status_before = _complete_task(
            user=user, task_id=task_id, action=RECORD_SIGNED, before_execute=record
        )
    agreement.refresh_from_db()
    return agreement
