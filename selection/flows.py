"""The flows of the competitive selection and their registration as kinds of case: "selection" — the result goes
to the department head, then the prorector; either may approve, send it back to the coordinators (who re-run and
resubmit) or reject it; the prorector's approval publishes and freezes it (selection.services.selection_publish) —
and "appeal" — an applicant's appeal against the published result, which the prorector upholds (the allocation
runs again for the places still free), sends back or dismisses."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from accounts.roles import Role
from selection import services
from selection.models import (
    AppealEvent,
    AppealProcess,
    AppealStatus,
    Selection,
    SelectionEvent,
    SelectionProcess,
    SelectionStatus,
)
from selection.permissions import can_view_appeal, can_view_selection
from workflows import kinds, locks
from workflows.models import Decision
from workflows.nodes import CaseEnd, CaseOutcome, CaseStep, CaseSwitch, decided


class SelectionFlow(flow.Flow):
    process_class = SelectionProcess
    lock_impl = locks.select_for_update_lock
    process_title = _("Selection result")
    process_description = _("The ranking and allocation of a competitive call, through its approval.")

    start = flow.StartHandle(this.start_case).Next(this.head_review)

    head_review = CaseStep().Next(this.after_head_review)
    after_head_review = (
        CaseSwitch()
        .Case(this.prorector_review, decided(Decision.APPROVE))
        .Case(this.revise, decided(Decision.REQUEST_CHANGES))
        .Default(this.reject)
    )

    prorector_review = CaseStep().Next(this.after_prorector_review)
    after_prorector_review = (
        CaseSwitch()
        .Case(this.publish, decided(Decision.APPROVE))
        .Case(this.revise, decided(Decision.REQUEST_CHANGES))
        .Default(this.reject)
    )

    # Sent back: a coordinator of the department re-runs the allocation and submits it again.
    revise = CaseStep().Next(this.head_review)

    publish = CaseOutcome(this.publish_result, status=SelectionStatus.PUBLISHED).Next(this.end)
    reject = CaseOutcome(this.reject_result, status=SelectionStatus.REJECTED).Next(this.end)
    end = CaseEnd()

    def start_case(self, activation, *, selection):
        activation.process.selection = selection
        return activation.process

    def publish_result(self, activation):
        # Inside the prorector's decision transaction: a place no longer there rolls the decision back.
        services.selection_publish(selection=activation.process.selection)

    def reject_result(self, activation):
        services.selection_reject(selection=activation.process.selection)


def _decision_data(*, case: Selection, step: str, decision: str) -> dict:
    # The version of the result the decision was taken on.
    return {"sha256": case.result_sha256}


def _inbox_columns(case: Selection) -> tuple[str, str]:
    ranking = case.result.get("ranking", []) if isinstance(case.result, dict) else []
    return (str(_("%(count)s applicants") % {"count": len(ranking)}), case.call.title)


SELECTION = kinds.register(
    kinds.CaseKind(
        key="selection",
        label=_("Selection result"),
        flow=SelectionFlow,
        process_attr="selectionprocess",
        case_attr="selection",
        steps={
            "head_review": kinds.review(
                Role.HEAD,
                _("Department head review"),
                status=SelectionStatus.HEAD_REVIEW,
                escalate_to="prorector_review",
            ),
            "prorector_review": kinds.review(
                Role.PRORECTOR,
                _("Prorector review"),
                status=SelectionStatus.PRORECTOR_REVIEW,
                department_scoped=False,
            ),
            "revise": kinds.revision(
                _("Run the selection again"), status=SelectionStatus.CHANGES_REQUESTED, role=Role.COORDINATOR
            ),
        },
        can_view=can_view_selection,
        submit=lambda *, case, actor: services.selection_submit(selection=case, actor=actor),
        submitted=lambda *, case, **fields: services.selection_submitted_record(selection=case, **fields),
        record_event=services.selection_event_record,
        decision_events={
            Decision.APPROVE: SelectionEvent.Action.APPROVED,
            Decision.REQUEST_CHANGES: SelectionEvent.Action.CHANGES_REQUESTED,
            Decision.REJECT: SelectionEvent.Action.REJECTED,
        },
        inbox_columns=_inbox_columns,
        related=("call", "department"),
        parties=("submitted_by",),
        party_refusal=_("You cannot decide a selection result you submitted."),
        decision_data=_decision_data,
        events=lambda case: case.events.select_related("actor").order_by("created_at", "pk"),
    )
)


class AppealFlow(flow.Flow):
    """An applicant's appeal against a published result: the prorector upholds it (the allocation runs again for
    the places still free), sends it back to the applicant for more, or dismisses it."""

    process_class = AppealProcess
    lock_impl = locks.select_for_update_lock
    process_title = _("Appeal against a selection result")
    process_description = _("An applicant's appeal, decided by the prorector.")

    start = flow.StartHandle(this.start_case).Next(this.prorector_review)

    prorector_review = CaseStep().Next(this.after_prorector_review)
    after_prorector_review = (
        CaseSwitch()
        .Case(this.uphold, decided(Decision.APPROVE))
        .Case(this.revise, decided(Decision.REQUEST_CHANGES))
        .Default(this.dismiss)
    )
    # Sent back: the applicant says more and submits the appeal again.
    revise = CaseStep().Assign(lambda activation: activation.process.appeal.applicant).Next(this.prorector_review)

    uphold = CaseOutcome(this.uphold_appeal, status=AppealStatus.UPHELD).Next(this.end)
    dismiss = CaseOutcome(this.dismiss_appeal, status=AppealStatus.DISMISSED).Next(this.end)
    end = CaseEnd()

    def start_case(self, activation, *, appeal):
        activation.process.appeal = appeal
        return activation.process

    def uphold_appeal(self, activation):
        services.appeal_uphold(appeal=activation.process.appeal)

    def dismiss_appeal(self, activation):
        services.appeal_dismiss(appeal=activation.process.appeal)


APPEAL = kinds.register(
    kinds.CaseKind(
        key="appeal",
        label=_("Appeal"),
        flow=AppealFlow,
        process_attr="appealprocess",
        case_attr="appeal",
        steps={
            "prorector_review": kinds.review(
                Role.PRORECTOR,
                _("Prorector review"),
                status=AppealStatus.PRORECTOR_REVIEW,
                department_scoped=False,
            ),
            "revise": kinds.revision(_("Changes requested"), status=AppealStatus.CHANGES_REQUESTED),
        },
        can_view=can_view_appeal,
        submit=lambda *, case, actor: services.appeal_submit(appeal=case, actor=actor),
        submitted=lambda *, case, **fields: services.appeal_submitted_record(appeal=case, **fields),
        record_event=services.appeal_event_record,
        decision_events={
            Decision.APPROVE: AppealEvent.Action.APPROVED,
            Decision.REQUEST_CHANGES: AppealEvent.Action.CHANGES_REQUESTED,
            Decision.REJECT: AppealEvent.Action.REJECTED,
        },
        inbox_columns=lambda case: (str(case.applicant), case.application.call.title),
        related=("applicant", "department", "application__call"),
        parties=("applicant",),
        party_refusal=_("You cannot decide your own appeal."),
        events=lambda case: case.events.select_related("actor").order_by("created_at", "pk"),
    )
)
