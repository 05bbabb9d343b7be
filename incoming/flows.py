"""The flow of an incoming application and its registration as the kind of case "incoming": the receiving
department's coordinator → its head → the IRO's decision, each of whom may approve, send back to the nominee or
reject with a reason. The chain is configurable (settings.INCOMING_REVIEW_STEPS: which of the three steps run, in
this order; INCOMING_DECISION_ROLE: who issues the IRO's decision). The last step's approval accepts the nominee
(incoming.services.incoming_accept: a place of the incoming quota, the letters, the migration-advice case)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from accounts.roles import Role
from incoming import services
from incoming.models import IncomingApplication, IncomingEvent, IncomingProcess, IncomingStatus
from incoming.permissions import can_view_incoming
from workflows import kinds, locks
from workflows.models import Decision
from workflows.nodes import CaseEnd, CaseOutcome, CaseStep, CaseSwitch, decided

REVIEW_STEPS = ("coordinator_review", "head_review", "office_review")


def review_chain() -> list[str]:
    """The review steps that run, in order (settings.INCOMING_REVIEW_STEPS, kept in the flow's order)."""
    configured = set(getattr(settings, "INCOMING_REVIEW_STEPS", REVIEW_STEPS))
    chain = [step for step in REVIEW_STEPS if step in configured]
    return chain or ["office_review"]


def _next_after(step: str | None) -> str:
    """The step after `step` in the chain (None: the first), or "accept" after the last."""
    chain = review_chain()
    index = -1 if step is None else chain.index(step) if step in chain else len(chain)
    return chain[index + 1] if index + 1 < len(chain) else "accept"


def _goes_to(target: str, after: str | None):
    """The route after an approval of `after` (None: at the start or after a resubmission) leads to `target`.
    Reads only the process and settings, as workflows.nodes.status_after_decision needs."""

    def condition(activation) -> bool:
        if after is not None and activation.process.last_decision != Decision.APPROVE:
            return False
        return _next_after(after) == target

    return condition


def _route_after(after: str | None):
    switch = CaseSwitch()
    for target in (*REVIEW_STEPS, "accept"):
        if target != after:
            switch = switch.Case(getattr(this, target), _goes_to(target, after))
    if after is None:
        return switch.Default(this.coordinator_review)
    return switch.Case(this.revise, decided(Decision.REQUEST_CHANGES)).Default(this.reject)


class IncomingFlow(flow.Flow):
    process_class = IncomingProcess
    lock_impl = locks.select_for_update_lock
    process_title = _("Incoming application")
    process_description = _("A nominee's application to come, through the receiving department and the IRO.")

    start = flow.StartHandle(this.start_case).Next(this.route)
    # The first configured review step (also after a resubmission).
    route = _route_after(None)

    coordinator_review = CaseStep().Next(this.after_coordinator_review)
    after_coordinator_review = _route_after("coordinator_review")

    head_review = CaseStep().Next(this.after_head_review)
    after_head_review = _route_after("head_review")

    office_review = CaseStep().Next(this.after_office_review)
    after_office_review = _route_after("office_review")

    # Sent back: the nominee changes and resubmits; the case starts the chain again.
    revise = CaseStep().Assign(lambda activation: activation.process.application.applicant).Next(this.route)

    accept = CaseOutcome(this.accept_case, status=IncomingStatus.ACCEPTED).Next(this.end)
    reject = CaseOutcome(this.reject_case, status=IncomingStatus.REJECTED).Next(this.end)
    end = CaseEnd()

    def start_case(self, activation, *, application):
        activation.process.application = application
        return activation.process

    def accept_case(self, activation):
        # Inside the deciding transaction: no place left rolls the whole decision back (the case stays with the
        # decider).
        services.incoming_accept(application=activation.process.application)

    def reject_case(self, activation):
        services.incoming_reject(application=activation.process.application)


def _decision_data(*, case: IncomingApplication, step: str, decision: str) -> dict:
    # The versions of the documents the decision was taken on (kinds and checksums, never personal values).
    return {
        "documents": [
            {"kind": d.kind, "version": d.version, "sha256": d.sha256}
            for d in case.documents.order_by("kind", "-version")
        ]
    }


INCOMING = kinds.register(
    kinds.CaseKind(
        key="incoming",
        label=_("Incoming application"),
        flow=IncomingFlow,
        process_attr="incomingprocess",
        case_attr="application",
        steps={
            "coordinator_review": kinds.review(
                Role.COORDINATOR,
                _("Receiving coordinator review"),
                status=IncomingStatus.COORDINATOR_REVIEW,
                escalate_to="head_review",
            ),
            "head_review": kinds.review(
                Role.HEAD,
                _("Department head review"),
                status=IncomingStatus.HEAD_REVIEW,
                escalate_to="office_review",
            ),
            "office_review": kinds.review(
                getattr(settings, "INCOMING_DECISION_ROLE", Role.PRORECTOR),
                _("IRO decision"),
                status=IncomingStatus.OFFICE_REVIEW,
                department_scoped=False,
            ),
            "revise": kinds.revision(_("Changes requested"), status=IncomingStatus.CHANGES_REQUESTED),
        },
        # Only the configured review steps (and the nominee's revision) are what a case goes through next.
        steps_in_use=lambda: (*review_chain(), "revise"),
        can_view=can_view_incoming,
        submit=lambda *, case, actor: services.incoming_submit(application=case, actor=actor),
        submitted=services.incoming_submitted_record,
        record_event=services.incoming_event_record,
        decision_events={
            Decision.APPROVE: IncomingEvent.Action.APPROVED,
            Decision.REQUEST_CHANGES: IncomingEvent.Action.CHANGES_REQUESTED,
            Decision.REJECT: IncomingEvent.Action.REJECTED,
        },
        title=str,
        inbox_columns=lambda case: (case.full_name, str(case.nomination.agreement.partner)),
        # The partner, for the inbox's partner filter and so that a partner's rename reaches the row it names.
        inbox_entry=lambda case: {"partner_id": case.nomination.agreement.partner_id},
        related=("applicant", "department", "nomination__agreement__partner"),
        search_fields=("nomination__first_name", "nomination__last_name", "nomination__email"),
        parties=("applicant",),
        party_refusal=_("You cannot decide your own application."),
        decision_data=_decision_data,
        after_decision=services.incoming_after_decision,
        events=lambda case: case.events.select_related("actor").order_by("created_at", "pk"),
        documents=kinds.CaseDocuments(
            upload_kinds=services.UPLOAD_KINDS,
            attach_check=services.incoming_attach_check,
            uploaded_event=IncomingEvent.Action.DOCUMENT_UPLOADED,
        ),
    )
)
