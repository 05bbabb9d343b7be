"""REST endpoints of migration advice (/api/v1/migration/...): the checklist's steps, cases (the office's list and
the foreigner's own), opening one by hand, dates, steps done, closing, documents, timeline and the overdue list.

Each view parses its input, fetches through a selector (404 for what the caller may not see), calls one service
and answers. Services raise ValidationError (400), PermissionDenied (403) and core.errors.Conflict (409)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.idempotency import idempotent
from core.pagination import CappedPagination
from core.serializers import FIELD_ERRORS, ErrorSerializer
from documents.downloads import DOWNLOAD_RESPONSES, document_response
from migration import services
from migration.flows import advice_case_close
from migration.models import AdviceStatus, StepTemplate
from migration.permissions import can_list_cases, can_manage_migration, can_view_personal_data
from migration.selectors import (
    CaseFilter,
    OverdueFilter,
    access_advice_case,
    access_personal_document,
    access_personal_documents,
    overdue_steps,
    step_templates,
    visible_cases,
)
from migration.serializers import (
    AdviceCaseListSerializer,
    AdviceCaseOpenSerializer,
    AdviceCaseSerializer,
    AdviceCaseUpdateSerializer,
    AdviceDocumentSerializer,
    AdviceDocumentUploadSerializer,
    AdviceEventSerializer,
    CloseSerializer,
    OverdueStepSerializer,
    StepDoneSerializer,
    StepReopenSerializer,
    StepTemplateSerializer,
)
from workflows.case_api import CaseHistoryView

TAGS = ["migration"]
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such case, step or document, or not yours to see.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Only the International Relations Office does this.")
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="The case has moved on: `advice_case_closed`, `advice_step_done` (marked done meanwhile), "
    "`personal_data_deleted` (after the retention period), `case_busy`, `conflict`.",
)


def _case_body(request, case_id) -> dict:
    case = access_advice_case(user=request.user, case_id=case_id)
    context = {"request": request, "show_personal": can_view_personal_data(request.user, case)}
    return AdviceCaseSerializer(case, context=context).data


class StepTemplatesView(GenericAPIView):
    serializer_class = StepTemplateSerializer
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="migration_checklist_list",
        summary="The checklist's steps, in order (the default set is an example to adjust)",
        responses={200: StepTemplateSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request):
        if not can_list_cases(request.user):
            raise Http404(_("No such page."))
        return Response(StepTemplateSerializer(step_templates(), many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="migration_checklist_create",
        summary="Add a step to the checklist (new cases get it)",
        request=StepTemplateSerializer,
        responses={201: StepTemplateSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    @idempotent
    def post(self, request):
        serializer = StepTemplateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = services.step_template_create(actor=request.user, **serializer.validated_data)
        return Response(StepTemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class StepTemplateView(GenericAPIView):
    serializer_class = StepTemplateSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="migration_checklist_update",
        summary="Change a step of the checklist",
        description="A new anchor or offset moves the due dates of the open cases' steps of it not done yet.",
        request=StepTemplateSerializer,
        responses={200: StepTemplateSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @idempotent
    def patch(self, request, template_id: int):
        if not can_manage_migration(request.user):
            raise Http404(_("No such checklist step."))
        template = StepTemplate.objects.filter(pk=template_id).first()
        if template is None:
            raise Http404(_("No such checklist step."))
        serializer = StepTemplateSerializer(template, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        saved = services.step_template_update(actor=request.user, template_id=template.pk, **serializer.validated_data)
        return Response(StepTemplateSerializer(saved).data)


class CasesView(GenericAPIView):
    serializer_class = AdviceCaseListSerializer
    pagination_class = CappedPagination

    @extend_schema(
        tags=TAGS,
        operation_id="migration_cases_list",
        summary="Migration-advice cases: the office's readers see all, anyone else their own",
        parameters=[
            OpenApiParameter("status", str, enum=AdviceStatus.values, required=False),
            OpenApiParameter("q", str, required=False, description="Name, email or nationality contains."),
        ],
        responses={200: AdviceCaseListSerializer(many=True)},
    )
    def get(self, request):
        filters = CaseFilter(status=request.query_params.get("status", ""), search=request.query_params.get("q", ""))
        page = self.paginate_queryset(visible_cases(user=request.user, filters=filters))
        return self.get_paginated_response(AdviceCaseListSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="migration_cases_create",
        summary="Open a case by hand for someone who came outside the agreements",
        description="Links the account with this email, or creates it (student or staff member, no password), "
        "then opens the case with the checklist's active steps and their due dates.",
        request=AdviceCaseOpenSerializer,
        responses={201: AdviceCaseSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    @idempotent
    def post(self, request):
        serializer = AdviceCaseOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.advice_case_open_manual(actor=request.user, **serializer.validated_data)
        return Response(_case_body(request, case.pk), status=status.HTTP_201_CREATED)


class CaseView(GenericAPIView):
    serializer_class = AdviceCaseSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="migration_cases_retrieve",
        summary="A case with its checklist",
        responses={200: AdviceCaseSerializer, 404: NOT_FOUND},
    )
    def get(self, request, case_id: int):
        return Response(_case_body(request, case_id))

    @extend_schema(
        tags=TAGS,
        operation_id="migration_cases_update",
        summary="Change a case's dates, nationality, passport number or department",
        description="The due dates of the steps not done yet follow the dates.",
        request=AdviceCaseUpdateSerializer,
        responses={200: AdviceCaseSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def patch(self, request, case_id: int):
        case = access_advice_case(user=request.user, case_id=case_id)
        serializer = AdviceCaseUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.advice_case_update(actor=request.user, case_id=case.pk, **serializer.validated_data)
        return Response(_case_body(request, case.pk))


class StepDoneView(GenericAPIView):
    serializer_class = StepDoneSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=TAGS,
        operation_id="migration_steps_done",
        summary="Mark a step done (who and when are recorded), with the document it produced",
        request={"multipart/form-data": StepDoneSerializer, "application/json": StepDoneSerializer},
        responses={200: AdviceCaseSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, case_id: int, step_id: int):
        case = access_advice_case(user=request.user, case_id=case_id)
        serializer = StepDoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.advice_step_done(actor=request.user, case_id=case.pk, step_id=step_id, **serializer.validated_data)
        return Response(_case_body(request, case.pk))


class StepReopenView(GenericAPIView):
    serializer_class = StepReopenSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="migration_steps_reopen",
        summary="Open a step marked done by mistake again (with the reason)",
        request=StepReopenSerializer,
        responses={200: AdviceCaseSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, case_id: int, step_id: int):
        case = access_advice_case(user=request.user, case_id=case_id)
        serializer = StepReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.advice_step_reopen(actor=request.user, case_id=case.pk, step_id=step_id, **serializer.validated_data)
        return Response(_case_body(request, case.pk))


class CloseView(GenericAPIView):
    serializer_class = CloseSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="migration_cases_close",
        summary="Close the case (the person left); the retention period counts from the departure date",
        request=CloseSerializer,
        responses={200: AdviceCaseSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, case_id: int):
        case = access_advice_case(user=request.user, case_id=case_id)
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        advice_case_close(actor=request.user, case_id=case.pk, **serializer.validated_data)
        return Response(_case_body(request, case.pk))


class DocumentsView(GenericAPIView):
    serializer_class = AdviceDocumentSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        operation_id="migration_documents_list",
        summary="The case's residence documents (the person and the office only)",
        responses={200: AdviceDocumentSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, case_id: int):
        _case, documents = access_personal_documents(user=request.user, case_id=case_id)
        page = self.paginate_queryset(documents)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="migration_documents_create",
        summary="Upload a residence document (the person or the office, while the case is open)",
        request={"multipart/form-data": AdviceDocumentUploadSerializer},
        responses={201: AdviceDocumentSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, case_id: int):
        from workflows.services import case_document_attach

        case, _documents = access_personal_documents(user=request.user, case_id=case_id)
        upload = AdviceDocumentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        document = case_document_attach(case=case, actor=request.user, **upload.validated_data)
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)


class DocumentFileView(GenericAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="migration_documents_file",
        summary="Download a residence document (the person and the office only)",
        responses={**DOWNLOAD_RESPONSES, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, case_id: int, document_id: int):
        return document_response(access_personal_document(user=request.user, case_id=case_id, document_id=document_id))


class HistoryView(CaseHistoryView):
    kind_key, case_kwarg = "migration", "case_id"
    serializer_class = AdviceEventSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="migration_cases_history",
        summary="The case's timeline, oldest first",
        responses={200: AdviceEventSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


class OverdueView(GenericAPIView):
    serializer_class = OverdueStepSerializer
    pagination_class = CappedPagination

    @extend_schema(
        tags=TAGS,
        operation_id="migration_overdue_list",
        summary="Steps of open cases past their deadline, the longest overdue first",
        parameters=[
            OpenApiParameter("step", int, required=False, description="A checklist step's id."),
            OpenApiParameter("department", int, required=False),
            OpenApiParameter("q", str, required=False, description="Name, email or nationality contains."),
        ],
        responses={200: OverdueStepSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request):
        def number(name):
            value = request.query_params.get(name, "")
            return int(value) if value.isdigit() else None

        filters = OverdueFilter(
            template=number("step"), department=number("department"), search=request.query_params.get("q", "")
        )
        page = self.paginate_queryset(overdue_steps(user=request.user, filters=filters))
        return self.get_paginated_response(OverdueStepSerializer(page, many=True).data)
