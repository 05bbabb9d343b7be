"""The auditor's pages: a case's history as CSV or PDF (linked from every case page), and the audit events of a
period as a streamed CSV with its filter page. The activity register's pages: list, record, change, an entry with
its confirming documents and timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Department
from accounts.roles import Role, has_role, user_department_ids
from core.changes import change_rows
from core.errors import Conflict
from core.exports import csv_response
from core.forms import add_service_errors
from documents.downloads import document_response
from reports.content import shown_content
from reports.dashboard import CHARTS, dashboard_chart, dashboard_data
from reports.exports import audit_events_response, history_csv_response, history_pdf_response
from reports.flows import REPORT
from reports.forms import (
    ActivityDocumentForm,
    ActivityFilterForm,
    ActivityForm,
    AuditFilterForm,
    PeriodForm,
    PlanActivityForm,
    PlanForm,
    PlanIndicatorForm,
    ReportForm,
    ReportNotesForm,
)
from reports.indicators import MEASURES, measure_count, plan_values
from reports.models import Activity, ActivityKind, Measure, PeriodReport, ReportEvent, ReportNote, ReportProcess
from reports.permissions import (
    can_edit_plan,
    can_edit_register,
    can_export_audit_events,
    can_prepare_report,
    can_read_register,
)
from reports.report_files import report_pdf, report_rows, report_xlsx
from reports.selectors import (
    access_activity,
    access_plan,
    access_plan_activity,
    access_plan_indicator,
    access_report,
    access_reports_document,
    activity_documents,
    activity_events,
    activity_list,
    case_history,
    drill_down_page,
    plan_activities,
    plan_events,
    plan_indicators,
    plan_list,
    report_list,
    report_pdf_document,
)
from reports.services import (
    activity_create,
    activity_document_attach,
    activity_update,
    plan_activity_save,
    plan_create,
    plan_indicator_save,
    plan_update,
    report_create,
    report_update,
)
from workflows.permissions import OPEN_TASK_STATUSES, can_decide, decide_refusal
from workflows.selectors import open_task_for_process
from workflows.services import case_submit
from workflows.views import decision_form_handle


@login_required
def case_history_csv(request: HttpRequest, kind: str, case_id: int) -> HttpResponse:
    return history_csv_response(case_history(user=request.user, kind_key=kind, case_id=case_id))


@login_required
def case_history_pdf(request: HttpRequest, kind: str, case_id: int) -> HttpResponse:
    history = case_history(user=request.user, kind_key=kind, case_id=case_id)
    return history_pdf_response(history, exported_by=request.user.get_username())


def _require_audit_reader(request: HttpRequest) -> None:
    if not can_export_audit_events(request.user):
        raise PermissionDenied(_("Only the auditor, the prorector and administrators export the audit trail."))


@login_required
def audit_events(request: HttpRequest) -> HttpResponse:
    """The filter of the period export; with `export` in the query, the CSV itself."""
    _require_audit_reader(request)
    form = AuditFilterForm(request.GET or None)
    if "export" in request.GET and form.is_valid():
        return audit_events_response(form.filters())
    return render(request, "reports/audit.html", {"form": form})


# --- the activity register --------------------------------------------------------------------------------------

ACTIVITIES_PER_PAGE = 50


def _require_register_reader(request: HttpRequest) -> None:
    if not can_read_register(request.user):
        raise PermissionDenied(_("The activity register is for the office's staff and the auditor."))


def _require_register_writer(request: HttpRequest) -> None:
    if not can_edit_register(request.user):
        raise PermissionDenied(_("Only the office's coordinators, the prorector and administrators keep the register."))


@login_required
def activity_list_page(request: HttpRequest) -> HttpResponse:
    _require_register_reader(request)
    form = ActivityFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    activities = activity_list(
        user=request.user,
        kind=filters.get("kind") or "",
        year=filters.get("year"),
        department_id=filters["department"].pk if filters.get("department") else None,
    )
    page = Paginator(activities, ACTIVITIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/activity_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_edit": can_edit_register(request.user),
        },
    )


@login_required
def activity_create_page(request: HttpRequest) -> HttpResponse:
    _require_register_writer(request)
    kind = request.GET.get("kind") or request.POST.get("kind") or ActivityKind.EVENT
    form = ActivityForm(request.POST or None, initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        try:
            activity = activity_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The activity is recorded. Add its confirming documents."))
            return redirect(activity)
    return render(request, "reports/activity_form.html", {"form": form, "activity": None})


@login_required
def activity_edit_page(request: HttpRequest, activity_id: int) -> HttpResponse:
    _require_register_writer(request)
    activity = access_activity(user=request.user, activity_id=activity_id)
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        try:
            activity_update(activity=activity, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The activity is changed."))
            return redirect(activity)
    return render(request, "reports/activity_form.html", {"form": form, "activity": activity})


@login_required
def activity_detail_page(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The entry, its confirming documents (with the upload form, POST) and its timeline."""
    activity = access_activity(user=request.user, activity_id=activity_id)
    upload_form = ActivityDocumentForm(activity=activity)
    if request.method == "POST":
        _require_register_writer(request)
        upload_form = ActivityDocumentForm(request.POST, request.FILES, activity=activity)
        if upload_form.is_valid():
            try:
                activity_document_attach(
                    activity=activity,
                    actor=request.user,
                    kind=upload_form.cleaned_data["kind"],
                    file=upload_form.cleaned_data["file"],
                )
            except ValidationError as error:
                add_service_errors(upload_form, error)
            else:
                messages.success(request, _("The document is added; it is being checked."))
                return redirect(activity)
    events = list(activity_events(activity=activity))
    for event in events:
        event.changes = change_rows(Activity, event.data)
    return render(
        request,
        "reports/activity_detail.html",
        {
            "activity": activity,
            "documents": activity_documents(activity=activity),
            "events": events,
            "upload_form": upload_form,
            "can_edit": can_edit_register(request.user),
        },
    )


# --- the action plan and its indicators --------------------------------------------------------------------------


@login_required
def plan_list_page(request: HttpRequest) -> HttpResponse:
    _require_register_reader(request)
    return render(
        request,
        "reports/plan_list.html",
        {"plans": plan_list(user=request.user), "can_edit": can_edit_plan(request.user)},
    )


@login_required
def plan_page(request: HttpRequest, year: int) -> HttpResponse:
    """The year's plan: each activity and indicator with its baseline, target and the value counted for the
    chosen period (each value opens the records behind it)."""
    plan = access_plan(user=request.user, year=year)
    form = PeriodForm(request.GET or None, year=plan.year)
    period = form.period()
    rows = plan_values(plan_indicators(plan=plan), period)
    return render(
        request,
        "reports/plan.html",
        {
            "plan": plan,
            "form": form,
            "period": period,
            "rows": rows,
            "can_edit": can_edit_plan(request.user),
            "period_query": urlencode({"date_from": period.start.isoformat(), "date_to": period.end.isoformat()}),
        },
    )


def _drill_down_context(request: HttpRequest, measure: str, period: Any) -> dict[str, Any]:
    """The number, its breakdowns and one page of the chosen list of records behind it (`list`, `page`)."""
    count = measure_count(measure, period)
    record_list = count.record_list(request.GET.get("list", "")) if count is not None else None
    page, rows = (
        drill_down_page(record_list=record_list, page_number=request.GET.get("page"))
        if record_list is not None
        else (None, [])
    )
    query = request.GET.copy()
    query.pop("page", None)
    list_query = query.copy()
    list_query.pop("list", None)
    return {
        "count": count,
        "record_list": record_list,
        "page": page,
        "drill_rows": rows,
        "query": query.urlencode(),
        "list_query": list_query.urlencode(),
        "period": period,
    }


@login_required
def indicator_page(request: HttpRequest, year: int, indicator_id: int) -> HttpResponse:
    """The drill-down: the records behind an indicator's number in a period, a page at a time, with their
    confirming documents."""
    indicator = access_plan_indicator(user=request.user, year=year, indicator_id=indicator_id)
    form = PeriodForm({"preset": "custom", **request.GET.dict()}, year=year)
    period = form.period()
    context = _drill_down_context(request, indicator.measure, period)
    return render(
        request,
        "reports/indicator.html",
        {"indicator": indicator, "plan": indicator.activity.plan, "form": form, **context},
    )


def _period_from_query(request: HttpRequest) -> tuple[PeriodForm, Any]:
    year = _dashboard_year(request)
    form = PeriodForm(request.GET or None, year=year)
    return form, form.period()


@login_required
def measure_list_page(request: HttpRequest) -> HttpResponse:
    """Every number Körpü counts for a period (the plan's and the office's others), each opening its records."""
    _require_register_reader(request)
    form, period = _period_from_query(request)
    query = request.GET.copy()
    rows = [(Measure(measure), measure_count(measure, period)) for measure in MEASURES]
    return render(
        request,
        "reports/measure_list.html",
        {"form": form, "period": period, "rows": rows, "query": query.urlencode(), "year": form.year},
    )


@login_required
def measure_page(request: HttpRequest, measure: str) -> HttpResponse:
    _require_register_reader(request)
    if measure not in MEASURES:
        raise Http404(_("No such indicator."))
    form, period = _period_from_query(request)
    context = _drill_down_context(request, measure, period)
    return render(
        request,
        "reports/indicator.html",
        {"measure_label": Measure(measure).label, "form": form, **context},
    )


# --- period reports -----------------------------------------------------------------------------------------------


def _report_context(request: HttpRequest, report: PeriodReport, **extra: Any) -> dict[str, Any]:
    content = shown_content(report)
    process = ReportProcess.objects.filter(report=report).first()
    task = open_task_for_process(process)
    return {
        "report": report,
        "content": content,
        "events": ReportEvent.objects.filter(report=report).select_related("actor").order_by("created_at", "pk"),
        "pdf_document": report_pdf_document(report=report),
        "can_prepare": can_prepare_report(request.user, report),
        "open_task": task,
        **extra,
    }


@login_required
def report_list_page(request: HttpRequest) -> HttpResponse:
    _require_register_reader(request)
    page = Paginator(report_list(user=request.user), ACTIVITIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/report_list.html",
        {"page": page, "query": "", "can_prepare": can_prepare_report(request.user)},
    )


@login_required
def report_create_page(request: HttpRequest) -> HttpResponse:
    if not can_prepare_report(request.user):
        raise PermissionDenied(_("Only the office's coordinators, the prorector and administrators prepare reports."))
    departments = (
        Department.objects.order_by("name")
        if has_role(request.user, Role.PRORECTOR, Role.ADMIN)
        else Department.objects.filter(pk__in=user_department_ids(request.user)).order_by("name")
    )
    form = ReportForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        try:
            report = report_create(
                actor=request.user,
                plan=form.cleaned_data["plan"],
                department=form.cleaned_data["department"],
                period_start=period.start,
                period_end=period.end,
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The report is prepared from the data. Add your notes, then submit it."))
            return redirect(report)
    return render(request, "reports/report_form.html", {"form": form})


@login_required
def report_page(request: HttpRequest, report_id: int) -> HttpResponse:
    """The report with its numbers (live while a draft, frozen once approved); POST: its notes."""
    report = access_report(user=request.user, report_id=report_id)
    indicators = list(plan_indicators(plan=report.plan))
    notes = dict(ReportNote.objects.filter(report=report).values_list("indicator_id", "text"))
    notes_form = ReportNotesForm(
        request.POST or None, indicators=indicators, notes=notes, initial={"summary": report.summary}
    )
    if request.method == "POST" and notes_form.is_valid():
        try:
            report_update(
                report=report,
                actor=request.user,
                summary=notes_form.cleaned_data["summary"],
                notes=notes_form.notes(),
            )
        except Conflict as conflict:
            messages.error(request, conflict.message)
        else:
            messages.success(request, _("The notes are saved."))
        return redirect(report)
    return render(request, "reports/report_detail.html", _report_context(request, report, notes_form=notes_form))


@login_required
@require_POST
def report_submit_page(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access_report(user=request.user, report_id=report_id)
    try:
        case_submit(case=report, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("The report is submitted to the department head and then the prorector."))
    return redirect(report)


@login_required
def report_file(request: HttpRequest, report_id: int, fmt: str) -> HttpResponseBase:
    """The report as PDF (the kept one once approved), XLSX or CSV."""
    report = access_report(user=request.user, report_id=report_id)
    name = f"report-{report.pk}-v{report.version}"
    if fmt == "pdf":
        kept = report_pdf_document(report=report)
        if kept is not None:
            return document_response(kept)
        response = HttpResponse(report_pdf(report), content_type="application/pdf")
    elif fmt == "xlsx":
        response = HttpResponse(
            report_xlsx(report, report_header(), [_("code"), _("record"), _("address")]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "csv":
        return csv_response(f"{name}.csv", report_header(), report_rows(report))
    else:
        raise Http404(_("No such file."))
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{name}.{fmt}")
    return response


def report_header() -> list[str]:
    return [
        _("code"),
        _("goal and target"),
        _("indicator (Azerbaijani)"),
        _("indicator (English)"),
        _("baseline"),
        _("target value"),
        _("target"),
        _("value"),
        _("note"),
    ]


def report_task(request: HttpRequest, task) -> HttpResponse:
    """The page of a report's task (registered with workflows.web): the report and the decision form."""
    report = access_report(user=request.user, report_id=task.process.reportprocess.report_id)
    if task.flow_task.name == "revise":
        return redirect(report)
    form, answered = decision_form_handle(
        request,
        task,
        decided_message=lambda decision: _("Decision recorded on the report “%(title)s”.") % {"title": report.title},
    )
    if answered is not None:
        return answered
    step = REPORT.steps.get(task.flow_task.name)
    context = _report_context(
        request,
        report,
        task=task,
        step=str(step.label) if step else task.flow_task.name,
        task_open=task.status in OPEN_TASK_STATUSES,
        can_decide=can_decide(request.user, task),
        refusal=decide_refusal(request.user, task),
        form=form,
        with_decision=True,
    )
    return render(request, "reports/report_detail.html", context, status=400 if form.is_bound else 200)


@login_required
def reports_document_download(request: HttpRequest, case_id: int, document_id: int) -> HttpResponseBase:
    document = access_reports_document(user=request.user, case_id=case_id, document_id=document_id)
    return document_response(document)


# --- the dashboard ------------------------------------------------------------------------------------------------


def _dashboard_year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


CHART_TITLES = {
    "mobility": gettext_lazy("Mobility by half-year and programme"),
    "agreements": gettext_lazy("Agreements in force by country and type"),
    "progress": gettext_lazy("The plan: value and target per indicator"),
}


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    _require_register_reader(request)
    year = _dashboard_year(request)
    data = dashboard_data(year)
    return render(
        request,
        "reports/dashboard.html",
        {
            "year": year,
            "data": data,
            "as_of": datetime.fromisoformat(data["as_of"]),
            "titles": CHART_TITLES,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )


@login_required
def dashboard_chart_png(request: HttpRequest, year: int, chart: str) -> HttpResponse:
    _require_register_reader(request)
    if chart not in CHARTS:
        raise Http404(_("No such chart."))
    response = HttpResponse(dashboard_chart(year, chart, title=str(CHART_TITLES[chart])), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- editing the action plan --------------------------------------------------------------------------------------


def _require_plan_editor(request: HttpRequest) -> None:
    if not can_edit_plan(request.user):
        raise PermissionDenied(_("Only the office's coordinators, the prorector and administrators edit the plan."))


@login_required
def plan_create_page(request: HttpRequest) -> HttpResponse:
    _require_plan_editor(request)
    form = PlanForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The plan is created. Add its activities and indicators."))
            return redirect("reports:plan_edit", plan.year)
    return render(request, "reports/plan_form.html", {"form": form, "plan": None, "what": "plan"})


@login_required
def plan_edit_page(request: HttpRequest, year: int) -> HttpResponse:
    """The plan's titles (POST), its activities and indicators with their edit links, and its timeline."""
    plan = access_plan(user=request.user, year=year)
    _require_plan_editor(request)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            plan_update(plan=plan, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The plan is changed."))
            return redirect("reports:plan_edit", plan.year)
    return render(
        request,
        "reports/plan_edit.html",
        {
            "plan": plan,
            "form": form,
            "activities": plan_activities(plan=plan),
            "events": plan_events(plan=plan),
        },
    )


@login_required
def plan_activity_page(request: HttpRequest, year: int, activity_id: int | None = None) -> HttpResponse:
    plan = access_plan(user=request.user, year=year)
    _require_plan_editor(request)
    activity = access_plan_activity(plan=plan, activity_id=activity_id) if activity_id else None
    form = PlanActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        try:
            plan_activity_save(plan=plan, actor=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The activity of the plan is saved."))
            return redirect("reports:plan_edit", plan.year)
    return render(request, "reports/plan_form.html", {"form": form, "plan": plan, "what": "activity"})


@login_required
def plan_indicator_page(request: HttpRequest, year: int, indicator_id: int | None = None) -> HttpResponse:
    plan = access_plan(user=request.user, year=year)
    _require_plan_editor(request)
    indicator = access_plan_indicator(user=request.user, year=year, indicator_id=indicator_id) if indicator_id else None
    form = PlanIndicatorForm(request.POST or None, instance=indicator, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            plan_indicator_save(plan=plan, actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The indicator is saved."))
            return redirect("reports:plan_edit", plan.year)
    return render(request, "reports/plan_form.html", {"form": form, "plan": plan, "what": "indicator"})
