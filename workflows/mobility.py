"""The mobility application flow: coordinator → department head → prorector, each of whom may approve, send back
to the applicant, or reject (for a competitive call the coordinator's approval ends it: eligible, awaiting the
selection); and its registration as the kind of case "application". Node handlers call
applications.services; the shared machinery reaches the case through the kind's adapters."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from accounts.roles import Role
from applications import services as application_services
from applications.letters import MOBILITY_DECISION
from applications.models import Application, ApplicationStatus, CaseEvent, SelectionMode
from applications.notifications import case_event_notify
from applications.permissions import can_view_application
from applications.selectors import application_document_versions, application_events
from documents.models import APPLICATION_UPLOAD_KINDS
from documents.services import letter_schedule
from workflows import kinds, locks
from workflows.models import Decision, MobilityProcess
from workflows.nodes import CaseEnd, CaseOutcome, CaseStep, CaseSwitch, decided


def _found_eligible(activation) -> bool:
    # A competitive call's coordinator checks eligibility and completeness only: approval ends the chain here (the
    # selection ranks and allocates after the deadline). Reads only the process, as status_after_decision needs.
    process = activation.process
    return (
        process.last_decision == Decision.APPROVE
        and process.application.call.selection_mode == SelectionMode.COMPETITIVE
    )


class MobilityFlow(flow.Flow):
    process_class = MobilityProcess
    # Our savepoint-safe variant of viewflow's select_for_update_lock (see workflows/locks.py).
    lock_impl = locks.select_for_update_lock
    process_title = _("Mobility application")
    process_description = _("A student's or staff member's mobility application through its approval chain.")

    start = flow.StartHandle(this.start_case).Next(this.coordinator_review)

    coordinator_review = CaseStep().Next(this.after_coordinator_review)
    after_coordinator_review = (
        CaseSwitch()
        .Case(this.eligible, _found_eligible)
        .Case(this.head_review, decided(Decision.APPROVE))
        .Case(this.revise, decided(Decision.REQUEST_CHANGES))
        .Default(this.reject)
    )

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
        .Case(this.approve, decided(Decision.APPROVE))
        .Case(this.revise, decided(Decision.REQUEST_CHANGES))
        .Default(this.reject)
    )

    # Sent back: the applicant revises and resubmits; the case returns to coordinator review.
    revise = (
        CaseStep().Assign(lambda activation: activation.process.application.applicant).Next(this.coordinator_review)
    )

    # Each outcome changes the application through the process's own object (changes_case_elsewhere=False).
    approve = CaseOutcome(this.approve_case, status=ApplicationStatus.APPROVED, changes_case_elsewhere=False).Next(
        this.end
    )
    # A competitive call: eligible and complete, waiting for the selection; no place is taken.
    eligible = CaseOutcome(this.eligible_case, status=ApplicationStatus.ELIGIBLE, changes_case_elsewhere=False).Next(
        this.end
    )
    reject = CaseOutcome(this.reject_case, status=ApplicationStatus.REJECTED, changes_case_elsewhere=False).Next(
        this.end
    )
    end = CaseEnd()

    def start_case(self, activation, *, application):
        activation.process.application = application
        return activation.process

    def approve_case(self, activation):
        # Runs inside the prorector's decision transaction: if no place is left the
        # exception rolls the whole decision back and the case stays with the prorector.
        application_services.application_approve(application=activation.process.application)
        letter_schedule(case=activation.process.application, purpose=MOBILITY_DECISION)

    def eligible_case(self, activation):
        application_services.application_enter_status(
            application=activation.process.application, status=ApplicationStatus.ELIGIBLE
        )

    def reject_case(self, activation):
        application_services.application_enter_status(
            application=activation.process.application, status=ApplicationStatus.REJECTED, final=True
        )
        letter_schedule(case=activation.process.application, purpose=MOBILITY_DECISION)


def _record_event(*, case: Application, **fields) -> CaseEvent:
    return application_services.case_event_record(application=case, **fields)


def _decision_data(*, case: Application, step: str, decision: str) -> dict:
    # The versions the decision was taken on, so the timeline proves what the approver saw. (The place a final
    # approval takes is the next line, "place assigned".)
    return {"documents": application_document_versions(application=case)}


def _after_decision(*, case: Application, step: str, decision: str, event: CaseEvent) -> None:
    case_event_notify(event=event)


APPLICATION = kinds.register(
    kinds.CaseKind(
        key="application",
        label=_("Application"),
        flow=MobilityFlow,
        process_attr="mobilityprocess",
        case_attr="application",
        steps={
            "coordinator_review": kinds.review(
                Role.COORDINATOR,
                _("Coordinator review"),
                status=ApplicationStatus.COORDINATOR_REVIEW,
                escalate_to="head_review",
            ),
            "head_review": kinds.review(
                Role.HEAD,
                _("Department head review"),
                status=ApplicationStatus.HEAD_REVIEW,
                escalate_to="prorector_review",
            ),
            "prorector_review": kinds.review(
                Role.PRORECTOR,
                _("Prorector review"),
                status=ApplicationStatus.PRORECTOR_REVIEW,
                department_scoped=False,
            ),
            # Assigned to the applicant by the flow; done by submitting the application again.
            "revise": kinds.revision(_("Changes requested"), status=ApplicationStatus.CHANGES_REQUESTED),
        },
        can_view=can_view_application,
        submit=lambda *, case, actor: application_services.application_submit(application=case, actor=actor),
        submitted=lambda *, case, **fields: application_services.application_submitted_record(
            application=case, **fields
        ),
        record_event=_record_event,
        decision_events={
            Decision.APPROVE: CaseEvent.Action.APPROVED,
            Decision.REQUEST_CHANGES: CaseEvent.Action.CHANGES_REQUESTED,
            Decision.REJECT: CaseEvent.Action.REJECTED,
        },
        title=application_services.application_title,
        inbox_columns=lambda case: (str(case.applicant), case.call.title),
        related=("applicant", "department", "call"),
        search_fields=("applicant__first_name", "applicant__last_name", "applicant__username", "call__title"),
        parties=("applicant",),
        party_refusal=_("You cannot decide your own application."),
        decision_data=_decision_data,
        after_decision=_after_decision,
        events=lambda case: application_events(application=case),
        documents=kinds.CaseDocuments(
            upload_kinds=APPLICATION_UPLOAD_KINDS,
            attach_check=application_services.application_document_attach_check,
            uploaded_event=CaseEvent.Action.DOCUMENT_UPLOADED,
        ),
    )
)
