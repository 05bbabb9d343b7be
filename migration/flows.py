"""The flow of a migration-advice case and its registration as the kind of case "migration".

A checklist is not an approval chain: its steps are done in any order, some long after others (a renewal a year
later), and each is recorded by the office as it happens. So the flow is one office step, "advise", that stays open
in the coordinators' inbox while the foreigner is here (the case is found by the inbox's search, reminded, escalated
like any task) and is completed by closing the case; the checklist itself is domain data (migration.services)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from accounts.models import User
from accounts.roles import Role
from core.errors import AdviceCaseClosed, TaskAlreadyDecided
from migration import services
from migration.models import AdviceCase, AdviceProcess, AdviceStatus
from migration.permissions import can_manage_migration, can_view_case
from workflows import kinds, locks
from workflows.nodes import CaseEnd, CaseOutcome, CaseStep
from workflows.selectors import open_task_for_case
from workflows.services import task_complete

CLOSE = "close"


class AdviceFlow(flow.Flow):
    process_class = AdviceProcess
    lock_impl = locks.select_for_update_lock
    process_title = _("Migration advice")
    process_description = _("The migration-advice checklist of a foreign student or staff member, until departure.")

    start = flow.StartHandle(this.start_case).Next(this.advise)
    advise = CaseStep().Next(this.finish)
    finish = CaseOutcome(this.close_case, status=AdviceStatus.CLOSED).Next(this.end)
    end = CaseEnd()

    def start_case(self, activation, *, case):
        activation.process.case = case
        return activation.process

    def close_case(self, activation):
        services.advice_case_close_finish(case=activation.process.case)


def advice_case_close(
    *, actor: User, case_id: int | str, departure_date: date | None = None, comment: str = ""
) -> AdviceCase:
    """Close a case (the foreigner left): completes the office's "advise" step with the departure date, which the
    retention period counts from. Errors: Http404 (not visible), PermissionDenied (not the office),
    AdviceCaseClosed (closed meanwhile, or a double click), CaseBusy, ValidationError (a departure before the
    arrival)."""
    case = AdviceCase.objects.filter(pk=case_id).first()
    if case is None or not can_view_case(actor, case):
        raise Http404(_("No such case."))
    if not can_manage_migration(actor):
        raise PermissionDenied(_("Only the International Relations Office manages migration advice."))
    task = open_task_for_case(case=case)
    if task is None or case.status != AdviceStatus.OPEN:
        raise AdviceCaseClosed()

    def record(process, locked_case, step):
        process.last_decision = CLOSE
        process.save(update_fields=["last_decision"])
        services.advice_case_closed_record(
            case=locked_case, actor=actor, departure_date=departure_date, comment=comment
        )

    try:
        outcome = task_complete(user=actor, task_id=task.pk, action=CLOSE, before_execute=record)
    except TaskAlreadyDecided as error:
        raise AdviceCaseClosed() from error
    outcome.case.refresh_from_db()
    return outcome.case


def _inbox_columns(case: AdviceCase) -> tuple[str, str]:
    return (str(case.person), case.nationality or str(_("Migration advice")))


MIGRATION = kinds.register(
    kinds.CaseKind(
        key="migration",
        label=_("Migration advice"),
        flow=AdviceFlow,
        process_attr="adviceprocess",
        case_attr="case",
        steps={
            # Migration advice is the office's, not a department's: any coordinator advises and closes.
            "advise": kinds.Step(
                role=Role.COORDINATOR,
                department_scoped=False,
                actions=frozenset({CLOSE}),
                label=_("Advise until departure"),
                status=AdviceStatus.OPEN,
            ),
        },
        can_view=can_view_case,
        submit=lambda *, case, actor: services.advice_case_submit(case=case, actor=actor),
        submitted=lambda *, case, **fields: services.advice_case_submitted_record(case=case, **fields),
        record_event=services.advice_event_record,
        decision_events={},
        inbox_columns=_inbox_columns,
        related=("person", "department"),
        search_fields=("person__first_name", "person__last_name", "person__email", "nationality"),
        parties=("person",),
        party_refusal=_("You cannot advise on your own case."),
        events=lambda case: case.events.select_related("actor").order_by("created_at", "pk"),
        documents=kinds.CaseDocuments(
            upload_kinds=services.UPLOAD_KINDS, attach_check=services.advice_document_attach_check
        ),
    )
)
