"""The auditor's export in the API: a case's full history as CSV or PDF (any kind of case the caller may see),
and the audit events of a period as a streamed CSV (auditor, prorector, administrators). The activity register:
entries, their confirming documents and timeline."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.idempotency import idempotent
from core.serializers import FIELD_ERRORS, ErrorSerializer
from documents.downloads import DOWNLOAD_RESPONSES, document_response
from reports.content import shown_content
from reports.exports import audit_events_response, history_csv_response, history_pdf_response
from reports.forms import AuditFilterForm, PeriodForm
from reports.indicators import plan_values
from reports.models import ActivityKind
from reports.permissions import can_export_audit_events
from reports.selectors import (
    access_activity,
    access_activity_document,
    access_plan,
    access_report,
    activity_documents,
    activity_events,
    activity_list,
    case_history,
    plan_indicators,
    plan_list,
    report_list,
)
from reports.serializers import (
    ActionPlanDetailSerializer,
    ActionPlanSerializer,
    ActivityDocumentSerializer,
    ActivityDocumentUploadSerializer,
    ActivityEventSerializer,
    ActivitySerializer,
    ActivityUpdateSerializer,
    PeriodReportDetailSerializer,
    PeriodReportSerializer,
    ReportEventSerializer,
)
from reports.services import activity_create, activity_document_attach, activity_update
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
