"""The flow of a document request and its registration as a kind of case — the only shared thing it touches is the
registry (workflows.kinds.register)."""

from viewflow import this
from viewflow.workflow import flow

from accounts.roles import Role, has_role
from tests.docrequest import services
from tests.docrequest.models import DocumentRequest, DocumentRequestProcess
from workflows import kinds, locks
from workflows.models import Decision
from workflows.nodes import CaseEnd, CaseOutcome, CaseStep, CaseSwitch, decided


class DocumentRequestFlow(flow.Flow):
    process_class = DocumentRequestProcess
    lock_impl = locks.select_for_update_lock

    start = flow.StartHandle(this.start_case).Next(this.coordinator_review)
    coordinator_review = CaseStep().Next(this.after_coordinator)
    after_coordinator = (
        CaseSwitch()
        .Case(this.head_review, decided(Decision.APPROVE))
        .Case(this.revise, decided(Decision.REQUEST_CHANGES))
        .Default(this.reject)
    )
    head_review = CaseStep().Next(this.after_head)
    after_head = (
        CaseSwitch()
        .Case(this.approve, decided(Decision.APPROVE))
        .Case(this.revise, decided(Decision.REQUEST_CHANGES))
        .Default(this.reject)
    )
    revise = CaseStep().Assign(lambda activation: activation.process.request.requester).Next(this.coordinator_review)
    approve = CaseOutcome(this.finish_approved, status=DocumentRequest.Status.APPROVED).Next(this.end)
    reject = CaseOutcome(this.finish_rejected, status=DocumentRequest.Status.REJECTED).Next(this.end)
    end = CaseEnd()

    def start_case(self, activation, *, request):
        activation.process.request = request
        return activation.process

    def finish_approved(self, activation):
        services.document_request_enter_status(request=activation.process.request, status="approved")

    def finish_rejected(self, activation):
        services.document_request_enter_status(request=activation.process.request, status="rejected")


def can_view(user, request) -> bool:
    return user.pk == request.requester_id or has_role(user, Role.COORDINATOR, Role.HEAD, Role.ADMIN)


DOCUMENT_REQUEST = kinds.register(
    kinds.CaseKind(
        key="document_request",
        label="Document request",
        flow=DocumentRequestFlow,
        process_attr="documentrequestprocess",
        case_attr="request",
        steps={
            "coordinator_review": kinds.review(
                Role.COORDINATOR,
                "Coordinator review",
                status=DocumentRequest.Status.COORDINATOR_REVIEW,
                escalate_to="head_review",
            ),
            "head_review": kinds.review(Role.HEAD, "Head review", status=DocumentRequest.Status.HEAD_REVIEW),
            "revise": kinds.revision("Revise the request", status=DocumentRequest.Status.CHANGES_REQUESTED),
        },
        can_view=can_view,
        submit=lambda *, case, actor: services.document_request_submit(request=case, actor=actor),
        submitted=lambda *, case, actor, status_before, resubmitted: services.document_request_event_record(
            case=case, action="resubmitted" if resubmitted else "submitted", actor=actor, status_before=status_before
        ),
        record_event=services.document_request_event_record,
        decision_events={decision: decision for decision in Decision.values},
        inbox_columns=lambda case: (str(case.requester), case.title),
        related=("requester", "department"),
        parties=("requester",),
        party_refusal="You cannot decide your own request.",
        events=lambda case: case.events.order_by("pk"),
        documents=kinds.CaseDocuments(upload_kinds=("other",), attach_check=services.document_request_attach_check),
    )
)
