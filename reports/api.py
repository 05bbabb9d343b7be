"""The auditor's export in the API: a case's full history as CSV or PDF (any kind of case the caller may see),
and the audit events of a period as a streamed CSV (auditor, prorector, administrators). The activity register:
entries, their confirming documents and timeline."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.idempotency import idempotent
from core.pagination import CappedPagination
from core.serializers import FIELD_ERRORS, ErrorSerializer
from documents.downloads import DOWNLOAD_RESPONSES, document_response
from reports.content import shown_content
from reports.exports import audit_events_response, history_csv_response, history_pdf_response
from reports.forms import AuditFilterForm, PeriodForm
from reports.indicators import MEASURES, Count, Period, plan_values
from reports.models import ActivityKind, Measure
from reports.permissions import can_export_audit_events, can_read_register
from reports.selectors import (
    access_activity,
    access_activity_document,
    access_plan,
    access_plan_activity,
    access_plan_indicator,
    access_report,
    activity_documents,
    activity_events,
    activity_list,
    case_history,
    drill_down_rows,
    plan_events,
    plan_indicators,
    plan_list,
    report_list,
)
from reports.serializers import (
    ActionPlanDetailSerializer,
    ActionPlanSerializer,
    ActionPlanUpdateSerializer,
    ActionPlanWriteSerializer,
    ActivityDocumentSerializer,
    ActivityDocumentUploadSerializer,
    ActivityEventSerializer,
    ActivitySerializer,
    ActivityUpdateSerializer,
    IndicatorRecordSerializer,
    IndicatorValuesSerializer,
    PeriodReportCreateSerializer,
    PeriodReportDetailSerializer,
    PeriodReportSerializer,
    PeriodReportUpdateSerializer,
    PlanActivityWriteSerializer,
    PlanEventSerializer,
    PlanIndicatorWriteSerializer,
    ReportEventSerializer,
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
from workflows.case_api import CaseHistoryView
from workflows.services import case_submit

AUDIT = ["audit"]
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such kind of case or case, or not yours to see.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Not one of the roles that export the audit trail.")
KIND = OpenApiParameter(
    "kind", str, OpenApiParameter.PATH, description="The kind of case: application, agreement, selection, report…"
)


class CaseHistoryCsvView(GenericAPIView):
    serializer_class = serializers.Serializer

    @extend_schema(
        tags=AUDIT,
        operation_id="audit_case_history_csv",
        summary="A case's full history as CSV",
        description="Its timeline, each decision's document versions and SHA-256 hashes, the notifications sent "
        "about it and its documents; one row each, with a `section` column. Formula-safe cells.",
        parameters=[KIND],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The CSV file."),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request, kind: str, case_id: int):
        return history_csv_response(case_history(user=request.user, kind_key=kind, case_id=case_id))


class CaseHistoryPdfView(GenericAPIView):
    serializer_class = serializers.Serializer

    @extend_schema(
        tags=AUDIT,
        operation_id="audit_case_history_pdf",
        summary="A case's full history as PDF",
        description="The same content as the CSV, bilingual (Azerbaijani and English), in the letters' layout.",
        parameters=[KIND],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF file."),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request, kind: str, case_id: int):
        history = case_history(user=request.user, kind_key=kind, case_id=case_id)
        return history_pdf_response(history, exported_by=request.user.get_username())


class AuditEventsQuerySerializer(serializers.Serializer):
    """The query parameters, for the schema (the page's form validates them)."""

    date_from = serializers.DateField(required=False, help_text="First day (inclusive).")
    date_to = serializers.DateField(required=False, help_text="Last day (inclusive).")
    kind = serializers.CharField(required=False, help_text="A kind of case (application, agreement…) or `call`.")
    department = serializers.IntegerField(required=False, help_text="A department's id.")
    actor = serializers.CharField(required=False, help_text="The user name of whoever acted.")


class AuditEventsView(GenericAPIView):
    serializer_class = serializers.Serializer

    @extend_schema(
        tags=AUDIT,
        operation_id="audit_events_csv",
        summary="The audit events of a period as CSV (streamed)",
        description="Every timeline line of every kind of case (and of calls and the office's register) in the "
        "period, oldest first, streamed as it is read: memory stays flat whatever its size.",
        parameters=[AuditEventsQuerySerializer],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The CSV file."),
            400: FIELD_ERRORS,
            403: FORBIDDEN,
        },
    )
    def get(self, request):
        if not can_export_audit_events(request.user):
            raise PermissionDenied(_("Only the auditor, the prorector and administrators export the audit trail."))
        form = AuditFilterForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(
                {field: [str(error) for error in errors] for field, errors in form.errors.items()}
            )
        return audit_events_response(form.filters())


# --- the activity register (/api/v1/register/) -------------------------------------------------------------------

REGISTER = ["register"]
ACTIVITY_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such activity, or the register is not yours.")
REGISTER_FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Only the office's staff keep the register.")


class ActivityListView(GenericAPIView):
    serializer_class = ActivitySerializer

    @extend_schema(
        tags=REGISTER,
        operation_id="register_list",
        summary="The activity register",
        description="Newest first; narrowed by kind, year and department. Empty for those who may not read it.",
        parameters=[
            OpenApiParameter("kind", str, enum=ActivityKind.values, required=False),
            OpenApiParameter("year", int, required=False),
            OpenApiParameter("department", int, required=False),
        ],
        responses={200: ActivitySerializer(many=True)},
    )
    def get(self, request):
        def number(name):
            value = request.query_params.get(name, "")
            return int(value) if value.isdigit() and len(value) < 10 else None

        kind = request.query_params.get("kind", "")
        activities = activity_list(
            user=request.user,
            kind=kind if kind in ActivityKind.values else "",
            year=number("year"),
            department_id=number("department"),
        )
        page = self.paginate_queryset(activities)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=REGISTER,
        operation_id="register_create",
        summary="Record an activity",
        request=ActivitySerializer,
        responses={201: ActivitySerializer, 400: FIELD_ERRORS, 403: REGISTER_FORBIDDEN},
    )
    @idempotent
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = activity_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(activity).data, status=status.HTTP_201_CREATED)


class ActivityDetailView(GenericAPIView):
    serializer_class = ActivityUpdateSerializer

    @extend_schema(
        tags=REGISTER,
        operation_id="register_detail",
        summary="An activity",
        responses={200: ActivitySerializer, 404: ACTIVITY_NOT_FOUND},
    )
    def get(self, request, activity_id: int):
        activity = access_activity(user=request.user, activity_id=activity_id)
        return Response(ActivitySerializer(activity, context={"request": request}).data)

    @extend_schema(
        tags=REGISTER,
        operation_id="register_update",
        summary="Change an activity",
        description="The fields sent change (its kind stays); the timeline records each change.",
        request=ActivityUpdateSerializer,
        responses={200: ActivitySerializer, 400: FIELD_ERRORS, 403: REGISTER_FORBIDDEN, 404: ACTIVITY_NOT_FOUND},
    )
    @idempotent
    def patch(self, request, activity_id: int):
        activity = access_activity(user=request.user, activity_id=activity_id)
        serializer = self.get_serializer(activity, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        activity = activity_update(activity=activity, actor=request.user, **serializer.validated_data)
        return Response(ActivitySerializer(activity, context={"request": request}).data)


class ActivityDocumentsView(GenericAPIView):
    serializer_class = ActivityDocumentSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=REGISTER,
        operation_id="register_documents_list",
        summary="Every version of the activity's confirming documents",
        responses={200: ActivityDocumentSerializer(many=True), 404: ACTIVITY_NOT_FOUND},
    )
    def get(self, request, activity_id: int):
        activity = access_activity(user=request.user, activity_id=activity_id)
        page = self.paginate_queryset(activity_documents(activity=activity))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=REGISTER,
        operation_id="register_documents_upload",
        summary="Add a confirming document",
        description="Stored as the next version of its kind, then checked (virus scan, type) after commit.",
        request={"multipart/form-data": ActivityDocumentUploadSerializer},
        responses={
            201: ActivityDocumentSerializer,
            400: FIELD_ERRORS,
            403: REGISTER_FORBIDDEN,
            404: ACTIVITY_NOT_FOUND,
        },
    )
    @idempotent
    def post(self, request, activity_id: int):
        activity = access_activity(user=request.user, activity_id=activity_id)
        upload = ActivityDocumentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        document = activity_document_attach(activity=activity, actor=request.user, **upload.validated_data)
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)


class ActivityDocumentFileView(GenericAPIView):
    serializer_class = serializers.Serializer

    @extend_schema(
        tags=REGISTER,
        operation_id="register_documents_file",
        summary="Download a confirming document",
        responses={**DOWNLOAD_RESPONSES, 403: REGISTER_FORBIDDEN, 404: ACTIVITY_NOT_FOUND},
    )
    def get(self, request, activity_id: int, document_id: int):
        document = access_activity_document(user=request.user, activity_id=activity_id, document_id=document_id)
        return document_response(document)


class ActivityHistoryView(GenericAPIView):
    serializer_class = ActivityEventSerializer

    @extend_schema(
        tags=REGISTER,
        operation_id="register_history",
        summary="The activity's timeline, oldest first",
        responses={200: ActivityEventSerializer(many=True), 404: ACTIVITY_NOT_FOUND},
    )
    def get(self, request, activity_id: int):
        activity = access_activity(user=request.user, activity_id=activity_id)
        page = self.paginate_queryset(activity_events(activity=activity))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- the action plan (/api/v1/plans/) -------------------------------------------------------------------------------

PLANS = ["plans"]
PLAN_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No plan for this year, or not yours to see.")
PLAN_FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Only the office's staff edit the plan.")


class PlanListView(GenericAPIView):
    serializer_class = ActionPlanSerializer

    @extend_schema(
        tags=PLANS,
        operation_id="plans_list",
        summary="The action plans, newest first",
        responses={200: ActionPlanSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(plan_list(user=request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=PLANS,
        operation_id="plans_create",
        summary="Create a year's action plan",
        request=ActionPlanWriteSerializer,
        responses={201: ActionPlanSerializer, 400: FIELD_ERRORS, 403: PLAN_FORBIDDEN},
    )
    @idempotent
    def post(self, request):
        body = ActionPlanWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = plan_create(actor=request.user, **body.validated_data)
        return Response(ActionPlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailView(GenericAPIView):
    serializer_class = ActionPlanDetailSerializer

    @extend_schema(
        tags=PLANS,
        operation_id="plans_detail",
        summary="A year's plan with each indicator's value for a period",
        description="`preset` is year (default), h1 or h2; or `preset=custom` with `date_from` and `date_to`.",
        parameters=[
            OpenApiParameter("preset", str, enum=["year", "h1", "h2", "custom"], required=False),
            OpenApiParameter("date_from", OpenApiTypes.DATE, required=False),
            OpenApiParameter("date_to", OpenApiTypes.DATE, required=False),
        ],
        responses={200: ActionPlanDetailSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def get(self, request, year: int):
        plan = access_plan(user=request.user, year=year)
        form = PeriodForm(request.query_params, year=plan.year)
        if request.query_params and not form.is_valid():
            raise serializers.ValidationError(
                {field: [str(error) for error in errors] for field, errors in form.errors.items()}
            )
        period = form.period()
        indicators = list(plan_indicators(plan=plan))
        values = {
            indicator.pk: count.value for indicator, count in plan_values(indicators, period) if count is not None
        }
        context = {"request": request, "period": period, "indicators": indicators, "values": values}
        return Response(ActionPlanDetailSerializer(plan, context=context).data)

    @extend_schema(
        tags=PLANS,
        operation_id="plans_update",
        summary="Change the plan's titles or approval",
        request=ActionPlanUpdateSerializer,
        responses={200: ActionPlanSerializer, 400: FIELD_ERRORS, 403: PLAN_FORBIDDEN, 404: PLAN_NOT_FOUND},
    )
    @idempotent
    def patch(self, request, year: int):
        plan = access_plan(user=request.user, year=year)
        body = ActionPlanUpdateSerializer(plan, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        plan = plan_update(plan=plan, actor=request.user, **body.validated_data)
        return Response(ActionPlanSerializer(plan).data)


# --- period reports (/api/v1/period-reports/) ------------------------------------------------------------------------

REPORTS = ["period reports"]
REPORT_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such report, or not yours to see.")


class PeriodReportListView(GenericAPIView):
    serializer_class = PeriodReportSerializer

    @extend_schema(
        tags=REPORTS,
        operation_id="period_reports_list",
        summary="Period reports, newest first",
        responses={200: PeriodReportSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(report_list(user=request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=REPORTS,
        operation_id="period_reports_create",
        summary="Prepare a report on a plan for a period",
        description="A draft for the department (a coordinator: one of theirs), numbers counted live until the "
        "prorector approves it. `preset` h1, h2 or year of the plan's year, or custom with date_from and date_to.",
        request=PeriodReportCreateSerializer,
        responses={201: PeriodReportSerializer, 400: FIELD_ERRORS, 403: REGISTER_FORBIDDEN},
    )
    @idempotent
    def post(self, request):
        body = PeriodReportCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            plan = access_plan(user=request.user, year=data["plan"])
        except Http404:
            raise serializers.ValidationError({"plan": [_("No plan for this year.")]}) from None
        form = PeriodForm(
            {"preset": data["preset"], "date_from": data.get("date_from"), "date_to": data.get("date_to")},
            year=plan.year,
        )
        if not form.is_valid():
            raise serializers.ValidationError(
                {field: [str(error) for error in errors] for field, errors in form.errors.items()}
            )
        period = form.period()
        report = report_create(
            actor=request.user,
            plan=plan,
            department=data["department"],
            period_start=period.start,
            period_end=period.end,
            title=data.get("title", ""),
        )
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)


class PeriodReportDetailView(GenericAPIView):
    serializer_class = PeriodReportDetailSerializer

    @extend_schema(
        tags=REPORTS,
        operation_id="period_reports_detail",
        summary="A period report with its numbers",
        description="The numbers as approved once the prorector approved it (with `content_sha256`); counted now "
        "before.",
        responses={200: PeriodReportDetailSerializer, 404: REPORT_NOT_FOUND},
    )
    def get(self, request, report_id: int):
        report = access_report(user=request.user, report_id=report_id)
        context = {"request": request, "content": shown_content(report)}
        return Response(PeriodReportDetailSerializer(report, context=context).data)

    @extend_schema(
        tags=REPORTS,
        operation_id="period_reports_update",
        summary="Write the summary and the qualitative notes per indicator",
        description="While the report is a draft or sent back; the notes sent replace those indicators' notes.",
        request=PeriodReportUpdateSerializer,
        responses={
            200: PeriodReportDetailSerializer,
            400: FIELD_ERRORS,
            403: REGISTER_FORBIDDEN,
            404: REPORT_NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="With its approvers or decided (`report_not_editable`)."),
        },
    )
    @idempotent
    def patch(self, request, report_id: int):
        report = access_report(user=request.user, report_id=report_id)
        body = PeriodReportUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notes = {note["indicator"]: note["text"] for note in body.validated_data.get("notes", [])}
        report = report_update(
            report=report, actor=request.user, summary=body.validated_data.get("summary"), notes=notes
        )
        report = access_report(user=request.user, report_id=report.pk)
        context = {"request": request, "content": shown_content(report)}
        return Response(PeriodReportDetailSerializer(report, context=context).data)


class PeriodReportSubmitView(GenericAPIView):
    serializer_class = PeriodReportSerializer

    @extend_schema(
        tags=REPORTS,
        operation_id="period_reports_submit",
        summary="Submit a report for approval",
        description="To the department head, then the prorector (who decide through the task decision API).",
        request=None,
        responses={
            200: PeriodReportSerializer,
            403: REGISTER_FORBIDDEN,
            404: REPORT_NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="Submitted already (`report_already_submitted`)."),
        },
    )
    @idempotent
    def post(self, request, report_id: int):
        report = access_report(user=request.user, report_id=report_id)
        report = case_submit(case=report, actor=request.user)
        report.refresh_from_db()
        return Response(self.get_serializer(report).data)


class PeriodReportHistoryView(CaseHistoryView):
    kind_key, case_kwarg = "report", "report_id"
    serializer_class = ReportEventSerializer

    @extend_schema(
        tags=REPORTS,
        operation_id="period_reports_history",
        summary="The report's timeline, oldest first",
        responses={200: ReportEventSerializer(many=True), 404: REPORT_NOT_FOUND},
    )
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


# --- editing the plan (/api/v1/plans/…) ------------------------------------------------------------------------------


class PlanActivityListView(GenericAPIView):
    serializer_class = PlanActivityWriteSerializer

    @extend_schema(
        tags=PLANS,
        operation_id="plans_activities_create",
        summary="Add an activity to the plan",
        description="Its number (unique in the plan), goal and target code, and texts in both languages.",
        responses={201: PlanActivityWriteSerializer, 400: FIELD_ERRORS, 403: PLAN_FORBIDDEN, 404: PLAN_NOT_FOUND},
    )
    @idempotent
    def post(self, request, year: int):
        plan = access_plan(user=request.user, year=year)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = plan_activity_save(plan=plan, actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(activity).data, status=status.HTTP_201_CREATED)


class PlanActivityDetailView(GenericAPIView):
    serializer_class = PlanActivityWriteSerializer

    @extend_schema(
        tags=PLANS,
        operation_id="plans_activities_update",
        summary="Change an activity of the plan",
        responses={200: PlanActivityWriteSerializer, 400: FIELD_ERRORS, 403: PLAN_FORBIDDEN, 404: PLAN_NOT_FOUND},
    )
    @idempotent
    def patch(self, request, year: int, activity_id: int):
        plan = access_plan(user=request.user, year=year)
        activity = access_plan_activity(plan=plan, activity_id=activity_id)
        serializer = self.get_serializer(activity, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        activity = plan_activity_save(plan=plan, actor=request.user, activity=activity, **serializer.validated_data)
        return Response(self.get_serializer(activity).data)


class PlanIndicatorListView(GenericAPIView):
    serializer_class = PlanIndicatorWriteSerializer

    @extend_schema(
        tags=PLANS,
        operation_id="plans_indicators_create",
        summary="Add an indicator to an activity of the plan",
        description="Baseline, target, responsible unit, controller (both languages), reporting cycle, what Körpü "
        "counts for it (`measure`, empty: reported by hand) and the kinds of its confirming documents.",
        responses={201: PlanIndicatorWriteSerializer, 400: FIELD_ERRORS, 403: PLAN_FORBIDDEN, 404: PLAN_NOT_FOUND},
    )
    @idempotent
    def post(self, request, year: int):
        plan = access_plan(user=request.user, year=year)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        indicator = plan_indicator_save(plan=plan, actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(indicator).data, status=status.HTTP_201_CREATED)


class PlanIndicatorDetailView(GenericAPIView):
    serializer_class = PlanIndicatorWriteSerializer

    @extend_schema(
        tags=PLANS,
        operation_id="plans_indicators_update",
        summary="Change an indicator of the plan",
        responses={200: PlanIndicatorWriteSerializer, 400: FIELD_ERRORS, 403: PLAN_FORBIDDEN, 404: PLAN_NOT_FOUND},
    )
    @idempotent
    def patch(self, request, year: int, indicator_id: int):
        indicator = access_plan_indicator(user=request.user, year=year, indicator_id=indicator_id)
        plan = indicator.activity.plan
        serializer = self.get_serializer(indicator, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        indicator = plan_indicator_save(plan=plan, actor=request.user, indicator=indicator, **serializer.validated_data)
        return Response(self.get_serializer(indicator).data)


class PlanHistoryView(GenericAPIView):
    serializer_class = PlanEventSerializer

    @extend_schema(
        tags=PLANS,
        operation_id="plans_history",
        summary="The plan's changes, newest first",
        responses={200: PlanEventSerializer(many=True), 404: PLAN_NOT_FOUND},
    )
    def get(self, request, year: int):
        plan = access_plan(user=request.user, year=year)
        page = self.paginate_queryset(plan_events(plan=plan))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- indicators and the records behind them (/api/v1/indicators/) ---------------------------------------------------

INDICATORS = ["indicators"]
PERIOD_PARAMETERS = [
    OpenApiParameter("year", int, required=False, description="The year of the presets (default: this year)."),
    OpenApiParameter("preset", str, enum=["year", "h1", "h2", "custom"], required=False),
    OpenApiParameter("date_from", OpenApiTypes.DATE, required=False),
    OpenApiParameter("date_to", OpenApiTypes.DATE, required=False),
]
INDICATOR_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such indicator, or not yours to see.")


def _period(request) -> Period:
    value = request.query_params.get("year", "")
    year = int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year
    form = PeriodForm(request.query_params, year=year)
    if not form.is_valid():
        raise serializers.ValidationError(
            {field: [str(error) for error in errors] for field, errors in form.errors.items()}
        )
    return form.period()


def _indicator_value(measure: str, count: Count) -> dict:
    return {
        "measure": measure,
        "label": str(Measure(measure).label),
        "value": count.value,
        "breakdown": count.breakdown,
        "by_stage": count.by_stage,
        "lists": [{"key": record_list.key, "label": record_list.label} for record_list in count.lists],
    }


class IndicatorListView(GenericAPIView):
    serializer_class = IndicatorValuesSerializer
    pagination_class = None

    @extend_schema(
        tags=INDICATORS,
        operation_id="indicators_list",
        summary="Every number Körpü counts, for a period",
        description="The plan's measures and the office's others (effective agreements, implementation of "
        "agreements), each with its breakdowns and the names of its lists of records.",
        parameters=PERIOD_PARAMETERS,
        responses={200: IndicatorValuesSerializer, 400: FIELD_ERRORS, 403: REGISTER_FORBIDDEN},
    )
    def get(self, request):
        if not can_read_register(request.user):
            raise PermissionDenied(_("The indicators are for the office's staff and the auditor."))
        period = _period(request)
        rows = [_indicator_value(measure, compute(period)) for measure, compute in MEASURES.items()]
        return Response({"period_start": period.start, "period_end": period.end, "indicators": rows})


class IndicatorRecordsView(GenericAPIView):
    serializer_class = IndicatorRecordSerializer
    pagination_class = CappedPagination

    @extend_schema(
        tags=INDICATORS,
        operation_id="indicators_records",
        summary="The records behind a number, a page at a time, with their confirming documents",
        description="`list` names one of the number's lists (mobility: took_place, approved, nominated; agreements: "
        "agreements, effective); the number's own by default. `count` stops at 1,001 (then more).",
        parameters=[*PERIOD_PARAMETERS, OpenApiParameter("list", str, required=False)],
        responses={200: IndicatorRecordSerializer(many=True), 400: FIELD_ERRORS, 404: INDICATOR_NOT_FOUND},
    )
    def get(self, request, measure: str):
        if measure not in MEASURES or not can_read_register(request.user):
            raise Http404(_("No such indicator."))
        count = MEASURES[measure](_period(request))
        record_list = count.record_list(request.query_params.get("list", ""))
        if record_list is None:
            raise Http404(_("No such indicator."))
        page = self.paginate_queryset(record_list.rows)
        rows = drill_down_rows(record_list=record_list, rows=list(page))
        data = [
            {
                "label": row.record.label,
                "url": request.build_absolute_uri(row.record.url),
                "detail": row.record.detail,
                "documents": [
                    {
                        "id": document.pk,
                        "kind": document.kind,
                        "version": document.version,
                        "original_name": document.original_name,
                        "sha256": document.sha256,
                        "url": request.build_absolute_uri(document.get_absolute_url()),
                    }
                    for document in row.documents
                ],
            }
            for row in rows
        ]
        return self.get_paginated_response(data)
