"""Writes of the activity register (record an activity, change it, add a confirming document, stored as a
documents.Document of the activity through documents.services.document_store) and of period reports (prepare,
note, submit — the kind's adapter — and the prorector's approval that freezes them). Each writes its timeline line
in the same transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from core.changes import field_changes
from core.errors import ErrorCode, ReportAlreadySubmitted, ReportNotEditable, field_error
from documents.models import Document, DocumentKind
from documents.services import atomic_storing, document_store, document_store_generated
from reports.content import content_sha256, report_content
from reports.models import (
    CATEGORIES,
    ActionPlan,
    Activity,
    ActivityEvent,
    PeriodReport,
    PlanActivity,
    PlanEvent,
    PlanIndicator,
    ReportEvent,
    ReportNote,
    ReportStatus,
)
from reports.permissions import can_edit_plan, can_edit_register, can_prepare_report

# The fields a person sets (the rest are the register's own).
ACTIVITY_FIELDS = (
    "kind",
    "category",
    "title",
    "department",
    "start_date",
    "end_date",
    "country",
    "location",
    "organisation",
    "partners",
    "participants_count",
    "students_count",
    "staff_count",
    "participants",
    "role",
    "outcome",
    "amount",
    "result",
    "notes",
)


def _require_writer(actor: User) -> None:
    if not can_edit_register(actor):
        raise PermissionDenied(_("Only the office's coordinators, the prorector and administrators keep the register."))


def _check(activity: Activity) -> None:
    activity.full_clean()
    if activity.category not in CATEGORIES.get(activity.kind, ()):
        raise field_error("category", _("Choose a category of this kind of activity."), ErrorCode.ACTIVITY_CATEGORY)


def _values(activity: Activity) -> dict[str, Any]:
    return {name: getattr(activity, f"{name}_id" if name == "department" else name) for name in ACTIVITY_FIELDS}


def activity_event_record(
    *, activity: Activity, action: str, actor: User | None, comment: str = "", data: dict[str, Any] | None = None
) -> ActivityEvent:
    return ActivityEvent.objects.create(activity=activity, action=action, actor=actor, comment=comment, data=data or {})


@transaction.atomic
def activity_create(*, actor: User, **fields: Any) -> Activity:
    _require_writer(actor)
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    activity = Activity(created_by=actor, **fields)
    _check(activity)
    activity.save()
    activity_event_record(
        activity=activity,
        action=ActivityEvent.Action.CREATED,
        actor=actor,
        data={"kind": activity.kind, "category": activity.category},
    )
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, actor: User, **fields: Any) -> Activity:
    """Change an activity; the line records each changed field's old and new value (none changed: no line)."""
    _require_writer(actor)
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    before = _values(activity)
    for name, value in fields.items():
        setattr(activity, name, value)
    _check(activity)
    changes = field_changes(before, _values(activity))
    if not changes:
        return activity
    activity.updated_at = timezone.now()
    activity.save(update_fields=[*fields, "updated_at"])
    activity_event_record(
        activity=activity, action=ActivityEvent.Action.UPDATED, actor=actor, data={"changes": changes}
    )
    return activity


def activity_document_attach(*, activity: Activity, actor: User, kind: str, file: File[bytes] | None) -> Document:
    """Store a confirming document of one of the activity's kinds as the next version of that kind."""
    _require_writer(actor)
    with atomic_storing():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        document = document_store(
            case=activity, kind=kind, file=file, actor=actor, allowed_kinds=activity.document_kinds
        )
        activity_event_record(
            activity=activity,
            action=ActivityEvent.Action.DOCUMENT_UPLOADED,
            actor=actor,
            data={"kind": kind, "version": document.version, "document_id": document.pk, "sha256": document.sha256},
        )
    return document


# --- period reports ----------------------------------------------------------------------------------------------


def _require_report_writer(actor: User, report: PeriodReport | None = None) -> None:
    if not can_prepare_report(actor, report):
        raise PermissionDenied(_("Only the office's coordinators, the prorector and administrators prepare reports."))


@transaction.atomic
def report_create(
    *,
    actor: User,
    plan: ActionPlan,
    department: Department,
    period_start: date,
    period_end: date,
    title: str = "",
    summary: str = "",
    corrects: PeriodReport | None = None,
) -> PeriodReport:
    """A draft report on the plan for the period; with `corrects`, the next version of an approved report."""
    version = 1
    if corrects is not None:
        corrects = PeriodReport.objects.select_for_update().get(pk=corrects.pk)
        if corrects.status != ReportStatus.APPROVED:
            raise field_error("corrects", _("Only an approved report is corrected."), ErrorCode.REPORT_NOT_APPROVED)
        if PeriodReport.objects.filter(corrects=corrects).exists():
            raise field_error("corrects", _("This report has a correction already."), ErrorCode.REPORT_CORRECTED)
        plan, department = corrects.plan, corrects.department
        period_start, period_end = corrects.period_start, corrects.period_end
        version = corrects.version + 1
    report = PeriodReport(
        plan=plan,
        department=department,
        period_start=period_start,
        period_end=period_end,
        title=title or f"{plan.title_en}: {period_start.isoformat()} – {period_end.isoformat()}",
        summary=summary,
        version=version,
        corrects=corrects,
        created_by=actor,
    )
    _require_report_writer(actor, report)
    report.full_clean()
    if period_end < period_start:
        raise field_error("period_end", _("The end is before the start."), ErrorCode.INVALID)
    report.save()
    report_event_record(
        case=report,
        action=ReportEvent.Action.CREATED,
        actor=actor,
        data={"version": version, "corrects": corrects.pk if corrects else None},
    )
    return report


@transaction.atomic
def report_update(
    *, report: PeriodReport, actor: User, summary: str | None = None, notes: dict[int, str] | None = None
) -> PeriodReport:
    """The summary and the qualitative notes per indicator, while the report is a draft or sent back."""
    report = PeriodReport.objects.select_for_update().get(pk=report.pk)
    _require_report_writer(actor, report)
    if not report.is_editable:
        raise ReportNotEditable(_("The report is with its approvers or decided; it cannot change."))
    changes: dict[str, Any] = {}
    if summary is not None and summary != report.summary:
        changes["summary"] = {"old": report.summary, "new": summary}
        report.summary = summary
    indicator_ids = set(PlanIndicator.objects.filter(activity__plan=report.plan_id).values_list("pk", flat=True))
    for indicator_id, text in (notes or {}).items():
        if indicator_id not in indicator_ids:
            raise field_error("notes", _("An indicator of another plan."), ErrorCode.INVALID)
        note, _created = ReportNote.objects.get_or_create(report=report, indicator_id=indicator_id)
        if note.text != text:
            changes[f"note:{indicator_id}"] = {"old": note.text, "new": text}
            note.text = text
            note.save(update_fields=["text"])
    if changes:
        report.updated_at = timezone.now()
        report.save(update_fields=["summary", "updated_at"])
        report_event_record(case=report, action=ReportEvent.Action.UPDATED, actor=actor, data={"changes": changes})
    return report


def report_submit(*, case: PeriodReport, actor: User) -> PeriodReport:
    """The kind's `submit`: checks and locks (the shared case_submit starts the flow or completes the revision)."""
    report = PeriodReport.objects.select_for_update().get(pk=case.pk)
    _require_report_writer(actor, report)
    if not report.is_editable:
        raise ReportAlreadySubmitted(_("The report is submitted already."))
    return report


def report_event_record(
    *,
    case: PeriodReport,
    action: str,
    actor: User | None,
    step: str = "",
    comment: str = "",
    status_before: str | None = None,
    status_after: str | None = None,
    data: dict[str, Any] | None = None,
) -> ReportEvent:
    return ReportEvent.objects.create(
        report=case,
        action=action,
        actor=actor,
        step=step,
        comment=comment,
        status_before=case.status if status_before is None else status_before,
        status_after=case.status if status_after is None else status_after,
        data=data or {},
    )


def report_submitted_record(*, case: PeriodReport, actor: User, status_before: str, resubmitted: bool) -> ReportEvent:
    action = ReportEvent.Action.RESUBMITTED if resubmitted else ReportEvent.Action.SUBMITTED
    return report_event_record(case=case, action=action, actor=actor, status_before=status_before)


def report_enter_status(*, report: PeriodReport, status: str) -> None:
    report.status = status
    report.updated_at = timezone.now()
    report.save(update_fields=["status", "updated_at"])


def report_approve(*, report: PeriodReport) -> PeriodReport:
    """The prorector's approval (the flow's final node, inside the decision's transaction): the numbers as of now
    are frozen with the notes, their SHA-256 kept, the PDF rendered and stored as the report's document."""
    from reports.report_files import report_pdf

    # Lock the row, then change the very object the flow holds (the kernel checks the case it passed to the node).
    PeriodReport.objects.select_for_update().filter(pk=report.pk).values_list("pk", flat=True).get()
    report.refresh_from_db()
    content = report_content(report=report)
    report.frozen = content
    report.content_sha256 = content_sha256(content)
    report.approved_at = timezone.now()
    report.status = ReportStatus.APPROVED
    report.updated_at = report.approved_at
    report.save(update_fields=["frozen", "content_sha256", "approved_at", "status", "updated_at"])
    document, _created = document_store_generated(
        case=report,
        kind=DocumentKind.PERIOD_REPORT,
        content=report_pdf(report),
        name=f"report-{report.pk}-v{report.version}.pdf",
    )
    report_event_record(
        case=report,
        action=ReportEvent.Action.FROZEN,
        actor=None,
        data={"sha256": report.content_sha256, "document_id": document.pk, "pdf_sha256": document.sha256},
    )
    return report


# --- the action plan: the office edits its goals, activities and indicators ------------------------------------------

PLAN_FIELDS = ("year", "title_az", "title_en", "approved_by")
PLAN_ACTIVITY_FIELDS = ("position", "goal_code", "name_az", "name_en", "timing_az", "timing_en")
PLAN_INDICATOR_FIELDS = (
    "activity",
    "code",
    "quantitative_az",
    "quantitative_en",
    "qualitative_az",
    "qualitative_en",
    "baseline_az",
    "baseline_en",
    "baseline_value",
    "target_az",
    "target_en",
    "target_value",
    "responsible_az",
    "responsible_en",
    "controller_az",
    "controller_en",
    "documents_az",
    "documents_en",
    "document_kinds",
    "reporting_cycle",
    "measure",
)


def _require_plan_editor(actor: User) -> None:
    if not can_edit_plan(actor):
        raise PermissionDenied(_("Only the office's coordinators, the prorector and administrators edit the plan."))


def _known(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")


def _snapshot(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, f"{name}_id" if name == "activity" else name) for name in names}


def plan_event_record(
    *, plan: ActionPlan, action: str, actor: User | None, data: dict[str, Any] | None = None
) -> PlanEvent:
    return PlanEvent.objects.create(plan=plan, action=action, actor=actor, data=data or {})


def _full_clean(row: Any) -> None:
    """full_clean, with a unique clash (two activities at one number, two indicators with one code) keyed by its
    field rather than by the request as a whole."""
    try:
        row.full_clean()
    except ValidationError as error:
        if hasattr(error, "error_dict") and "__all__" in error.error_dict:
            clashes = [e for e in error.error_dict["__all__"] if e.code in ("unique_together", "unique")]
            if clashes:
                field = "position" if isinstance(row, PlanActivity) else "code"
                raise field_error(field, clashes[0].messages[0], ErrorCode.UNIQUE) from None
        raise


@transaction.atomic
def plan_create(*, actor: User, **fields: Any) -> ActionPlan:
    _require_plan_editor(actor)
    _known(fields, PLAN_FIELDS)
    plan = ActionPlan(**fields)
    plan.full_clean()
    plan.save()
    plan_event_record(plan=plan, action=PlanEvent.Action.CREATED, actor=actor, data={"year": plan.year})
    return plan


@transaction.atomic
def plan_update(*, plan: ActionPlan, actor: User, **fields: Any) -> ActionPlan:
    """The plan's titles and approval (its year stays); the line records what changed."""
    _require_plan_editor(actor)
    _known(fields, PLAN_FIELDS[1:])
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    before = _snapshot(plan, PLAN_FIELDS[1:])
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    changes = field_changes(before, _snapshot(plan, PLAN_FIELDS[1:]))
    if changes:
        plan.save(update_fields=list(fields))
        plan_event_record(plan=plan, action=PlanEvent.Action.UPDATED, actor=actor, data={"changes": changes})
    return plan


@transaction.atomic
def plan_activity_save(
    *, plan: ActionPlan, actor: User, activity: PlanActivity | None = None, **fields: Any
) -> PlanActivity:
    """Add an activity to the plan (no `activity`) or change one of it. The plan's row is locked first, so two
    editors adding at once are told of a taken number instead of one failing in the database."""
    _require_plan_editor(actor)
    _known(fields, PLAN_ACTIVITY_FIELDS)
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if activity is None:
        row = PlanActivity(plan=plan, **fields)
        _full_clean(row)
        row.save()
        plan_event_record(
            plan=plan,
            action=PlanEvent.Action.ACTIVITY_ADDED,
            actor=actor,
            data={"activity": row.pk, "values": field_changes({}, _snapshot(row, PLAN_ACTIVITY_FIELDS))},
        )
        return row
    row = PlanActivity.objects.select_for_update().get(pk=activity.pk, plan=plan)
    before = _snapshot(row, PLAN_ACTIVITY_FIELDS)
    for name, value in fields.items():
        setattr(row, name, value)
    _full_clean(row)
    changes = field_changes(before, _snapshot(row, PLAN_ACTIVITY_FIELDS))
    if changes:
        row.save(update_fields=list(fields))
        plan_event_record(
            plan=plan,
            action=PlanEvent.Action.ACTIVITY_CHANGED,
            actor=actor,
            data={"activity": row.pk, "changes": changes},
        )
    return row


def _check_indicator(plan: ActionPlan, row: PlanIndicator) -> None:
    if row.activity.plan_id != plan.pk:
        raise field_error("activity", _("Choose an activity of this plan."), ErrorCode.INVALID_CHOICE)
    kinds = row.document_kinds
    if not isinstance(kinds, list) or any(kind not in DocumentKind.values for kind in kinds):
        raise field_error("document_kinds", _("Choose kinds of document from the list."), ErrorCode.INVALID_CHOICE)
    row.document_kinds = sorted(set(kinds))
    _full_clean(row)


@transaction.atomic
def plan_indicator_save(
    *, plan: ActionPlan, actor: User, indicator: PlanIndicator | None = None, **fields: Any
) -> PlanIndicator:
    """Add an indicator to one of the plan's activities (no `indicator`) or change one: its texts in both
    languages, baseline, target, responsible unit, controller, reporting cycle, what Körpü counts for it and the
    kinds of its confirming documents. An approved report keeps the numbers and texts it was approved with."""
    _require_plan_editor(actor)
    _known(fields, PLAN_INDICATOR_FIELDS)
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if indicator is None:
        row = PlanIndicator(**fields)
        if row.activity_id is None:
            raise field_error("activity", _("Choose an activity of this plan."), ErrorCode.REQUIRED)
        _check_indicator(plan, row)
        row.save()
        plan_event_record(
            plan=plan,
            action=PlanEvent.Action.INDICATOR_ADDED,
            actor=actor,
            data={"indicator": row.pk, "values": field_changes({}, _snapshot(row, PLAN_INDICATOR_FIELDS))},
        )
        return row
    row = PlanIndicator.objects.select_for_update().select_related("activity").get(pk=indicator.pk, activity__plan=plan)
    before = _snapshot(row, PLAN_INDICATOR_FIELDS)
    for name, value in fields.items():
        setattr(row, name, value)
    _check_indicator(plan, row)
    changes = field_changes(before, _snapshot(row, PLAN_INDICATOR_FIELDS))
    if changes:
        row.save(update_fields=list(fields))
        plan_event_record(
            plan=plan,
            action=PlanEvent.Action.INDICATOR_CHANGED,
            actor=actor,
            data={"indicator": row.pk, "changes": changes},
        )
    return row
