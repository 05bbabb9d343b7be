"""Reads of the audit trail for the auditor's exports, for every kind of case, present and future: a case's full
history (its timeline, its decisions with the document versions and hashes they were taken on, the notifications
sent about it, its documents) and the audit events of a period, streamed.

Both ask the kernel's registry (workflows.kinds) and Django's model registry, never a particular kind: a kind's
timeline is its `events`; the audit events of a period are the rows of every append-only timeline table
(subclasses of core.models.CaseEventBase), each tied to the case or record it is about."""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from accounts.models import User
from core.models import CaseEventBase
from core.pagination import CappedPaginator
from documents.models import Document, DocumentStatus
from notifications.models import Notification
from reports.indicators import Record, RecordList
from reports.models import (
    ActionPlan,
    Activity,
    ActivityEvent,
    PeriodReport,
    PlanActivity,
    PlanEvent,
    PlanIndicator,
)
from reports.permissions import can_export_case_history, can_read_register, can_view_report
from workflows.kinds import CaseKind, case_kinds, kind_by_key
from workflows.selectors import access_case, case_documents, case_events

# Rows fetched per round trip by the streamed export (a server-side cursor on PostgreSQL).
CHUNK_SIZE = 2000


# --- one case's history ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentSeen:
    """A document version a decision was taken on, as its timeline line recorded it."""

    kind: str
    version: Any
    sha256: str
    status: str


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    actor: str
    action: str  # the action's code
    action_label: str
    step: str
    status_before: str
    status_after: str
    comment: str
    data: dict[str, Any]
    is_decision: bool
    documents: tuple[DocumentSeen, ...] = ()
    # A line about one version of a case's terms (an agreement's) names its hash.
    version_sha256: str = ""


@dataclass(frozen=True)
class CaseHistory:
    kind: CaseKind
    case: Any
    title: str
    department: str
    status: str
    lines: list[HistoryLine]
    notifications: list[Notification]
    documents: list[Document] = field(default_factory=list)

    @property
    def decisions(self) -> list[HistoryLine]:
        return [line for line in self.lines if line.is_decision]

    @property
    def filename(self) -> str:
        return f"{self.kind.key}-{self.case.pk}-history"


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _documents_seen(data: dict[str, Any]) -> tuple[DocumentSeen, ...]:
    seen = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(seen, list):
        return ()
    return tuple(
        DocumentSeen(
            kind=str(item.get("kind", "")),
            version=item.get("version", ""),
            sha256=str(item.get("sha256", "")),
            status=str(item.get("status", "")),
        )
        for item in seen
        if isinstance(item, dict)
    )


def _line(event: Any, decision_actions: set[str]) -> HistoryLine:
    action = str(getattr(event, "action", ""))
    label_of = getattr(event, "get_action_display", None)
    data = event.data if isinstance(event.data, dict) else {}
    return HistoryLine(
        when=event.created_at,
        actor=_person(event.actor),
        action=action,
        action_label=str(label_of()) if callable(label_of) else action,
        step=event.step,
        status_before=str(getattr(event, "status_before", "") or ""),
        status_after=str(getattr(event, "status_after", "") or ""),
        comment=event.comment,
        data=data,
        is_decision=action in decision_actions,
        documents=_documents_seen(data),
        version_sha256=str(getattr(event, "version_sha256", "") or ""),
    )


def case_notifications(*, kind: CaseKind, case: Any, event_ids: list[int]) -> QuerySet[Notification]:
    """The notifications sent about a case, by their event keys (notifications.models.Notification.event): those
    of its process's tasks (`task:<id>:…`), those named after the kind and the case (`<kind>:<id>:…`, e.g. an
    agreement's expiry), and those of its timeline lines (`case-event:<id>`), which name rows of the model called
    CaseEvent only — another kind's line with the same id is another row."""
    keys = Q(event__startswith=f"{kind.key}:{case.pk}:")
    process = kind.flow.process_class.objects.filter(**{kind.case_attr: case}).first()
    if process is not None:
        task_ids = list(Task.objects.filter(process=process).values_list("pk", flat=True))
        if task_ids:
            keys |= Q(event__regex=r"^task:(" + "|".join(str(pk) for pk in task_ids) + r"):")
    events = kind.events(case) if kind.events is not None else None
    if event_ids and events is not None and events.model._meta.model_name == "caseevent":
        keys |= Q(event__in=[f"case-event:{pk}" for pk in event_ids])
    return Notification.objects.filter(keys).select_related("recipient").order_by("created_at", "pk")


def case_history(*, user: User | AnonymousUser, kind_key: str, case_id: int | str) -> CaseHistory:
    """A case's full history, if the user may see the case (404 for an unknown kind, a missing case and a
    stranger's alike) and export it (403: reports.permissions.can_export_case_history)."""
    try:
        kind = kind_by_key(kind_key)
    except KeyError:
        raise Http404(_("No such case.")) from None
    case = access_case(user=user, kind=kind, case_id=case_id)
    if not can_export_case_history(user, kind, case):
        raise PermissionDenied(_("Only the office's staff export a case's history."))
    events = list(case_events(kind=kind, case=case).select_related("actor"))
    decision_actions = {str(action) for action in kind.decision_events.values()}
    department = getattr(case, "department", None)
    status_label = getattr(case, "get_status_display", None)
    return CaseHistory(
        kind=kind,
        case=case,
        title=kind.title(case),
        department=str(department) if department is not None else "",
        status=str(status_label()) if callable(status_label) else str(getattr(case, "status", "")),
        lines=[_line(event, decision_actions) for event in events],
        notifications=list(case_notifications(kind=kind, case=case, event_ids=[event.pk for event in events])),
        documents=list(case_documents(case=case)) if kind.documents is not None else [],
    )


# --- the audit events of a period -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditSource:
    """One append-only timeline table and what its lines are about: a kind of case (`key` is the kind's) or
    another record (`key` is that model's name, e.g. a call)."""

    key: str
    label: str
    model: type[models.Model]
    subject: str  # the field linking a line to its case or record
    department: str | None  # the path to the subject's department, if it has one
    fields: tuple[str, ...]  # action, status_before, status_after: those the table has


def _subject_field(model: type[models.Model], case_models: dict[type, CaseKind]) -> models.ForeignKey[Any, Any] | None:
    links = [
        f
        for f in model._meta.get_fields()
        if isinstance(f, models.ForeignKey) and f.name != "actor" and f.model is model
    ]
    # What every line of the table is about: a required link, to a case if one is (a table whose lines may
    # name an application, e.g. a call's selection rules, is about the call).
    required = [link for link in links if not link.null]
    for link in required:
        if link.related_model in case_models:
            return link
    candidates = required or links
    return candidates[0] if candidates else None


def audit_sources() -> list[AuditSource]:
    """Every append-only timeline table, ordered by key."""
    case_models = {kind.case_model: kind for kind in case_kinds()}
    sources = []
    for model in apps.get_models():
        if not issubclass(model, CaseEventBase):
            continue
        link = _subject_field(model, case_models)
        if link is None:
            continue
        subject_model = link.related_model
        kind = case_models.get(subject_model)
        names = {f.name for f in model._meta.get_fields()}
        subject_names = {f.name for f in subject_model._meta.get_fields()}
        sources.append(
            AuditSource(
                key=kind.key if kind is not None else str(subject_model._meta.model_name),
                label=str(kind.label) if kind is not None else str(subject_model._meta.verbose_name),
                model=model,
                subject=link.name,
                department=f"{link.name}__department" if "department" in subject_names else None,
                fields=tuple(name for name in ("action", "status_before", "status_after") if name in names),
            )
        )
    return sorted(sources, key=lambda source: (source.key, source.model._meta.label))


@dataclass(frozen=True)
class AuditFilter:
    date_from: date | None = None
    date_to: date | None = None
    kind: str = ""  # an AuditSource key
    department_id: int | None = None
    actor_id: int | None = None


AUDIT_COLUMNS = (
    "when",
    "kind",
    "table",
    "case",
    "department",
    "actor",
    "action",
    "step",
    "status_before",
    "status_after",
    "comment",
    "data",
)


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _source_rows(source: AuditSource, filters: AuditFilter) -> Iterator[tuple[datetime, tuple[Any, ...]]]:
    rows = source.model._default_manager.all()
    if filters.date_from:
        rows = rows.filter(created_at__gte=_start(filters.date_from))
    if filters.date_to:
        rows = rows.filter(created_at__lt=_start(filters.date_to + timedelta(days=1)))
    if filters.actor_id:
        rows = rows.filter(actor_id=filters.actor_id)
    if filters.department_id:
        if source.department is None:
            return
        rows = rows.filter(**{f"{source.department}_id": filters.department_id})
    department = f"{source.department}__name" if source.department else None
    columns = [
        "created_at",
        f"{source.subject}_id",
        *([department] if department else []),
        "actor__username",
        *source.fields,
        "step",
        "comment",
        "data",
    ]
    for values in rows.order_by("created_at", "pk").values_list(*columns).iterator(chunk_size=CHUNK_SIZE):
        row = dict(zip(columns, values, strict=True))
        yield (
            row["created_at"],
            (
                timezone.localtime(row["created_at"]).isoformat(),
                source.key,
                source.model._meta.label,
                row[f"{source.subject}_id"],
                row.get(department, "") if department else "",
                row["actor__username"] or "",
                row.get("action", ""),
                row["step"],
                row.get("status_before", ""),
                row.get("status_after", ""),
                row["comment"],
                json.dumps(row["data"], ensure_ascii=False, sort_keys=True) if row["data"] else "",
            ),
        )


def audit_event_rows(filters: AuditFilter) -> Iterator[tuple[Any, ...]]:
    """The audit events matching the filter, oldest first across every table (each read through a server-side
    cursor, CHUNK_SIZE rows at a time, and merged by time), one CSV row (AUDIT_COLUMNS) each. Lazy: nothing is
    read until iterated, and at most a chunk per table is held at once."""
    sources = [source for source in audit_sources() if not filters.kind or source.key == filters.kind]
    merged = heapq.merge(*(_source_rows(source, filters) for source in sources), key=lambda item: item[0])
    return (row for _when, row in merged)


# --- the activity register ------------------------------------------------------------------------------------


def activity_list(
    *, user: User | AnonymousUser, kind: str = "", year: int | None = None, department_id: int | None = None
) -> QuerySet[Activity]:
    """The register's entries the user may read (all of them, for its readers; none otherwise), newest first."""
    if not can_read_register(user):
        return Activity.objects.none()
    activities = Activity.objects.select_related("department", "created_by")
    if kind:
        activities = activities.filter(kind=kind)
    if year:
        if not MINYEAR <= year <= MAXYEAR:
            return Activity.objects.none()  # no date has that year (the lookup would fail building its range)
        activities = activities.filter(start_date__year=year)
    if department_id:
        activities = activities.filter(department_id=department_id)
    return activities.order_by("-start_date", "-pk")


def access_activity(*, user: User | AnonymousUser, activity_id: int | str) -> Activity:
    """An entry of the register, for its readers; one 404 for a missing entry and a stranger."""
    try:
        activity = Activity.objects.select_related("department", "created_by").get(pk=activity_id)
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such activity.")) from None
    if not can_read_register(user):
        raise Http404(_("No such activity."))
    return activity


def activity_documents(*, activity: Activity) -> QuerySet[Document]:
    """Every version of the activity's confirming documents, by kind, newest version first."""
    return case_documents(case=activity)


def access_activity_document(*, user: User | AnonymousUser, activity_id: int | str, document_id: int | str) -> Document:
    activity = access_activity(user=user, activity_id=activity_id)
    try:
        return activity_documents(activity=activity).get(pk=document_id)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such document.")) from None


def activity_events(*, activity: Activity) -> QuerySet[ActivityEvent]:
    return ActivityEvent.objects.filter(activity=activity).select_related("actor").order_by("created_at", "pk")


# --- the action plan ------------------------------------------------------------------------------------------


def plan_list(*, user: User | AnonymousUser) -> QuerySet[ActionPlan]:
    if not can_read_register(user):
        return ActionPlan.objects.none()
    return ActionPlan.objects.order_by("-year")


def access_plan(*, user: User | AnonymousUser, year: int | str) -> ActionPlan:
    """A year's plan, for the register's readers; one 404 otherwise."""
    try:
        plan = ActionPlan.objects.get(year=year)
    except (ActionPlan.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No plan for this year.")) from None
    if not can_read_register(user):
        raise Http404(_("No plan for this year."))
    return plan


def plan_indicators(*, plan: ActionPlan) -> QuerySet[PlanIndicator]:
    return (
        PlanIndicator.objects.filter(activity__plan=plan)
        .select_related("activity")
        .order_by("activity__position", "code")
    )


def plan_activities(*, plan: ActionPlan) -> QuerySet[PlanActivity]:
    """The plan's activities, each with its indicators (two queries)."""
    return (
        PlanActivity.objects.filter(plan=plan)
        .prefetch_related(models.Prefetch("indicators", PlanIndicator.objects.order_by("code")))
        .order_by("position")
    )


def access_plan_activity(*, plan: ActionPlan, activity_id: int | str) -> PlanActivity:
    """An activity of a plan already fetched through access_plan; 404 for another plan's."""
    try:
        return PlanActivity.objects.get(plan=plan, pk=activity_id)
    except (PlanActivity.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such activity of the plan.")) from None


def plan_events(*, plan: ActionPlan) -> QuerySet[PlanEvent]:
    return PlanEvent.objects.filter(plan=plan).select_related("actor").order_by("-created_at", "-pk")


def access_plan_indicator(*, user: User | AnonymousUser, year: int | str, indicator_id: int | str) -> PlanIndicator:
    plan = access_plan(user=user, year=year)
    try:
        return plan_indicators(plan=plan).get(pk=indicator_id)
    except (PlanIndicator.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such indicator.")) from None


# --- period reports -------------------------------------------------------------------------------------------


def report_list(*, user: User | AnonymousUser) -> QuerySet[PeriodReport]:
    if not can_read_register(user):
        return PeriodReport.objects.none()
    return PeriodReport.objects.select_related("plan", "department", "created_by").order_by("-period_end", "-pk")


def access_report(*, user: User | AnonymousUser, report_id: int | str) -> PeriodReport:
    """A period report, for those who may see it; one 404 otherwise."""
    try:
        report = PeriodReport.objects.select_related("plan", "department", "created_by").get(pk=report_id)
    except (PeriodReport.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such report.")) from None
    if not can_view_report(user, report):
        raise Http404(_("No such report."))
    return report


def report_pdf_document(*, report: PeriodReport) -> Document | None:
    """The PDF kept at the approval (None before)."""
    return case_documents(case=report).filter(kind="period_report").first()


def access_reports_document(*, user: User | AnonymousUser, case_id: int | str, document_id: int | str) -> Document:
    """A document of this app's records (an activity's confirming document or a report's PDF), after the record's
    permission; 404 otherwise."""
    try:
        document = Document.objects.select_related("case_type").get(
            pk=document_id, case_id=case_id, case_type__app_label="reports"
        )
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such document.")) from None
    if document.case_type.model == "activity":
        return access_activity_document(user=user, activity_id=case_id, document_id=document_id)
    if document.case_type.model == "periodreport":
        access_report(user=user, report_id=case_id)
        return document
    raise Http404(_("No such document."))


# --- the drill-down: the records behind a number, a page at a time, with their confirming documents ----------------

DRILL_DOWN_PER_PAGE = 50


@dataclass(frozen=True)
class DrillRow:
    record: Record
    documents: list[Document]


def confirming_documents(
    owners: list[models.Model], kinds: tuple[str, ...] | None = None
) -> dict[tuple[int, int], list[Document]]:
    """The documents of the given records (their cases; of these kinds if given), by (content type id, record id):
    one query per model, rejected versions left out, each kind's newest version first."""
    by_model: dict[type[models.Model], set[int]] = {}
    for owner in owners:
        by_model.setdefault(type(owner), set()).add(owner.pk)
    found: dict[tuple[int, int], list[Document]] = {}
    for model, ids in by_model.items():
        content_type = ContentType.objects.get_for_model(model)
        documents = (
            Document.objects.filter(case_type=content_type, case_id__in=ids)
            .exclude(status=DocumentStatus.REJECTED)
            .order_by("case_id", "kind", "-version")
        )
        if kinds is not None:
            documents = documents.filter(kind__in=kinds)
        for document in documents:
            found.setdefault((content_type.pk, document.case_id), []).append(document)
    return found


def drill_down_page(*, record_list: RecordList, page_number: Any) -> tuple[Page[Any], list[DrillRow]]:
    """One page of a number's records (CappedPaginator: the count stops at COUNT_CAP), each with its documents."""
    page = CappedPaginator(record_list.rows, DRILL_DOWN_PER_PAGE).get_page(page_number)
    return page, drill_down_rows(record_list=record_list, rows=list(page.object_list))


def drill_down_rows(*, record_list: RecordList, rows: list[Any]) -> list[DrillRow]:
    """The rows of a page as records, each with its confirming documents (one query per model on the page)."""
    owners = [getattr(row, record_list.owner) if record_list.owner else row for row in rows]
    documents = confirming_documents(owners, record_list.document_kinds)
    return [
        DrillRow(
            record_list.record(row),
            documents.get((ContentType.objects.get_for_model(type(owner)).pk, owner.pk), []),
        )
        for row, owner in zip(rows, owners, strict=True)
    ]
