"""The approval of a period report as a kind of case ("report"): the office submits it, the head of its department
and then the prorector approve (either may send it back to whoever prepared it, or reject it); the prorector's
approval freezes it (reports.services.report_approve). Registered with the case kernel (workflows.kinds) like the
built-in kinds, from ReportsConfig.ready(), following docs/ARCHITECTURE.md "Adding a kind of case" (the flow lives
in its own app, as tests/docrequest's does: the kernel's modules are not this app's to change)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from accounts.roles import Role
from documents.models import DocumentKind
from reports import services
from reports.content import content_sha256, report_content
from reports.models import PeriodReport, ReportEvent, ReportProcess, ReportStatus
from reports.permissions import can_view_report
from workflows import kinds, locks
from workflows.models import Decision
from workflows.nodes import CaseEnd, CaseOutcome, CaseStep, CaseSwitch, decided


class ReportFlow(flow.Flow):
    process_class = ReportProcess
    lock_impl = locks.select_for_update_lock

    start = flow.StartHandle(this.start_case).Next(this.head_review)
    head_review = CaseStep().Next(this.after_head)
    after_head = (
        CaseSwitch()
        .Case(this.prorector_review, decided(Decision.APPROVE))
        .Case(this.revise, decided(Decision.REQUEST_CHANGES))
        .Default(this.reject)
    )
    prorector_review = CaseStep().Next(this.after_prorector)
    after_prorector = (
        CaseSwitch()
        .Case(this.approve, decided(Decision.APPROVE))
        .Case(this.revise, decided(Decision.REQUEST_CHANGES))
        .Default(this.reject)
    )
    # Back to whoever prepared the report; done by submitting it again.
    revise = CaseStep().Assign(lambda activation: activation.process.report.created_by).Next(this.head_review)
    approve = CaseOutcome(this.approve_case, status=ReportStatus.APPROVED).Next(this.end)
    reject = CaseOutcome(this.reject_case, status=ReportStatus.REJECTED).Next(this.end)
    end = CaseEnd()

    def start_case(self, activation, *, report):
        activation.process.report = report
        return activation.process

    def approve_case(self, activation):
        services.report_approve(report=activation.process.report)

    def reject_case(self, activation):
        services.report_enter_status(report=activation.process.report, status=ReportStatus.REJECTED)


def _decision_data(*, case: PeriodReport, step: str, decision: str) -> dict:
    # What the approver saw: the hash of the report's content (numbers and notes) at the moment of the decision.
    return {"content_sha256": content_sha256(report_content(report=case))}


def _no_uploads(actor, report) -> None:
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied(_("A report's PDF is made by Körpü at its approval."))


REPORT = kinds.register(
    kinds.CaseKind(
        key="report",
        label=_("Period report"),
        flow=ReportFlow,
        process_attr="reportprocess",
        case_attr="report",
        steps={
            "head_review": kinds.review(
                Role.HEAD, _("Department head review"), status=ReportStatus.HEAD_REVIEW, escalate_to="prorector_review"
            ),
            "prorector_review": kinds.review(
                Role.PRORECTOR, _("Prorector review"), status=ReportStatus.PRORECTOR_REVIEW, department_scoped=False
            ),
            "revise": kinds.revision(_("Changes requested"), status=ReportStatus.CHANGES_REQUESTED),
        },
        can_view=can_view_report,
        submit=services.report_submit,
        submitted=services.report_submitted_record,
        record_event=services.report_event_record,
        decision_events={
            Decision.APPROVE: ReportEvent.Action.APPROVED,
            Decision.REQUEST_CHANGES: ReportEvent.Action.CHANGES_REQUESTED,
            Decision.REJECT: ReportEvent.Action.REJECTED,
        },
        inbox_columns=lambda case: (str(case.created_by), case.title),
        related=("created_by", "department", "plan"),
        search_fields=("title",),
        parties=("created_by",),
        party_refusal=_("You cannot approve a report that you prepared."),
        decision_data=_decision_data,
        events=lambda case: (
            ReportEvent.objects.filter(report=case).select_related("actor").order_by("created_at", "pk")
        ),
        documents=kinds.CaseDocuments(upload_kinds=(DocumentKind.PERIOD_REPORT,), attach_check=_no_uploads),
    )
)
