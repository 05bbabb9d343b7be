"""REST endpoints of agreements (/api/v1/agreements/...); the partner registry's are partners.api.

Each view parses its input, fetches through a selector (404 for what the caller may not see — students see
no partners or agreements at all), calls one service and answers with the object as the caller now sees
it. Services raise ValidationError (400), PermissionDenied (403) and core.errors.Conflict (409)."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from agreements import services
from agreements.selectors import (
    access_agreement,
    agreement_detail,
    agreement_list_visible,
    agreement_quota_rows,
    agreement_versions,
    draft_department,
)
from agreements.serializers import (
    AgreementCreateSerializer,
    AgreementDetailSerializer,
    AgreementDocumentSerializer,
    AgreementDocumentUploadSerializer,
    AgreementEventSerializer,
    AgreementFilterSerializer,
    AgreementSerializer,
    AgreementVersionSerializer,
    AgreementWriteSerializer,
    MarkSentSerializer,
    QuotaSerializer,
    SignedCopySerializer,
)
from applications.api import FIELD_ERRORS
from applications.serializers import ErrorSerializer
from core.idempotency import idempotent
from documents.downloads import DOWNLOAD_RESPONSES
from partners.permissions import can_read_partners
from workflows import agreement as flow_steps
from workflows.case_api import CaseDocumentFileView, CaseDocumentsView, CaseHistoryView
from workflows.selectors import open_task_for_case
from workflows.services import case_submit

AGREEMENTS = ["agreements"]
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such agreement, or not yours to see.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this but not do this.")
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="The agreement is no longer in a state that allows this: `agreement_not_draft` (terms change "
    "only in a draft), `agreement_already_submitted`, `agreement_not_in_force` (only an active or expiring one "
    "is terminated), `not_waiting_for_revision`, `case_busy`.",
)


def _require_staff(user) -> None:
    if not can_read_partners(user):
        raise Http404(_("No such page."))


# --- agreements --------------------------------------------------------------------------------


def agreement_detail_response(request, agreement_id, status_code=status.HTTP_200_OK) -> Response:
    """The agreement as the caller sees it now, read afresh after any write."""
    agreement = agreement_detail(user=request.user, agreement_id=agreement_id)
    context = {"request": request, "open_task": open_task_for_case(case=agreement)}
    return Response(AgreementDetailSerializer(agreement, context=context).data, status=status_code)


class AgreementListView(GenericAPIView):
    serializer_class = AgreementSerializer

    @extend_schema(
        tags=AGREEMENTS,
        operation_id="agreements_list",
        summary="Agreements I may see",
        description="A department's agreements for its coordinators, head and staff; all of them for the "
        "prorector, auditor and admin; the soonest ending first.",
        parameters=[AgreementFilterSerializer],
        responses={200: AgreementSerializer(many=True), 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def get(self, request):
        filters = AgreementFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(agreement_list_visible(user=request.user, **filters.filters()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=AGREEMENTS,
        operation_id="agreements_create",
        summary="Draft an agreement",
        description="A coordinator drafts an agreement of their department; its terms become version 1. "
        "Term errors come back under their field (`conditions` for the cooperation conditions).",
        request=AgreementCreateSerializer,
        responses={201: AgreementDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @idempotent
    def post(self, request):
        _require_staff(request.user)
        serializer = AgreementCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        department = draft_department(user=request.user, department_id=fields.pop("department", None))
        agreement = services.agreement_create_draft(actor=request.user, department=department, **fields)
        return agreement_detail_response(request, agreement.pk, status.HTTP_201_CREATED)


class AgreementDetailView(GenericAPIView):
    serializer_class = AgreementDetailSerializer

    @extend_schema(
        tags=AGREEMENTS,
        operation_id="agreements_retrieve",
        summary="One agreement with its current terms, quotas and documents",
        responses={200: AgreementDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, agreement_id: int):
        return agreement_detail_response(request, agreement_id)

    @extend_schema(
        tags=AGREEMENTS,
        operation_id="agreements_partial_update",
        summary="Change a draft's terms or an agreement's general information",
        description="Changed terms make a new version and are accepted only while the agreement is a draft (409 "
        "otherwise); general information (number, signatories) changes until the agreement closes.",
        request=AgreementWriteSerializer(partial=True),
        responses={200: AgreementDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def patch(self, request, agreement_id: int):
        agreement = access_agreement(user=request.user, agreement_id=agreement_id)
        serializer = AgreementWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.agreement_update(agreement=agreement, actor=request.user, **serializer.validated_data)
        return agreement_detail_response(request, agreement_id)


class AgreementSubmitView(GenericAPIView):
    @extend_schema(
        tags=AGREEMENTS,
        operation_id="agreements_submit",
        summary="Submit a draft for approval (or resubmit one sent back)",
        description="The draft goes to the department head, then the prorector. After a send-back it returns to "
        "the first step whose approval does not cover the current version of the terms.",
        request=None,
        responses={200: AgreementDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, agreement_id: int):
        agreement = access_agreement(user=request.user, agreement_id=agreement_id)
        case_submit(case=agreement, actor=request.user)
        return agreement_detail_response(request, agreement_id)


class TerminationSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, default="", help_text="Why the agreement ends early (required).")


class AgreementTerminateView(GenericAPIView):
    serializer_class = TerminationSerializer

    @extend_schema(
        tags=AGREEMENTS,
        operation_id="agreements_terminate",
        summary="Terminate an agreement in force (prorector or administrator)",
        description="An active or expiring agreement ends now: it offers no more places; approved mobilities stay.",
        request=TerminationSerializer,
        responses={200: AgreementDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, agreement_id: int):
        agreement = access_agreement(user=request.user, agreement_id=agreement_id)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.agreement_terminate(
            agreement=agreement, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return agreement_detail_response(request, agreement_id)


class AgreementVersionsView(GenericAPIView):
    serializer_class = AgreementVersionSerializer

    @extend_schema(
        tags=AGREEMENTS,
        operation_id="agreements_versions",
        summary="Every version of the terms",
        description="Oldest first, each with its canonical terms and their SHA-256.",
        responses={200: AgreementVersionSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, agreement_id: int):
        agreement = access_agreement(user=request.user, agreement_id=agreement_id)
        page = self.paginate_queryset(agreement_versions(agreement=agreement))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    get=extend_schema(
        tags=AGREEMENTS,
        operation_id="agreements_history",
        summary="The agreement's timeline",
        description="Every event, oldest first: who, when, at which step, what, with which comment, and the "
        "version of the terms (number and SHA-256) it concerned.",
        responses={200: AgreementEventSerializer(many=True), 404: NOT_FOUND},
    )
)
class AgreementHistoryView(CaseHistoryView):
    kind_key, case_kwarg = "agreement", "agreement_id"
    serializer_class = AgreementEventSerializer


class AgreementQuotasView(GenericAPIView):
    serializer_class = QuotaSerializer

    @extend_schema(
        tags=AGREEMENTS,
        operation_id="agreements_quotas",
        summary="Quotas per academic year, direction and category",
        description="Set when the agreement becomes active: places, approved mobilities and what remains.",
        responses={200: QuotaSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, agreement_id: int):
        agreement = access_agreement(user=request.user, agreement_id=agreement_id)
        page = self.paginate_queryset(agreement_quota_rows(agreement=agreement))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    get=extend_schema(
        tags=AGREEMENTS,
        operation_id="agreements_documents_list",
        summary="Every version of the agreement's documents",
        responses={200: AgreementDocumentSerializer(many=True), 404: NOT_FOUND},
    ),
    post=extend_schema(
        tags=AGREEMENTS,
        operation_id="agreements_documents_create",
        summary="Upload a draft text or a supporting document",
        description="Coordinators of the agreement's department. The copy signed by both sides is uploaded with "
        "the signing step: POST /api/v1/tasks/{task_id}/signed/.",
        request={"multipart/form-data": AgreementDocumentUploadSerializer},
        responses={
            201: AgreementDocumentSerializer,
            400: FIELD_ERRORS,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    ),
)
class AgreementDocumentsView(CaseDocumentsView):
    kind_key, case_kwarg = "agreement", "agreement_id"
    serializer_class = AgreementDocumentSerializer
    upload_serializer_class = AgreementDocumentUploadSerializer


@extend_schema_view(
    get=extend_schema(
        tags=AGREEMENTS,
        operation_id="agreements_documents_file",
        summary="Download a document of the agreement",
        description="Checks the agreement permission first. On local disk: the file as an attachment. With S3: "
        "a 302 redirect to a short-lived presigned URL. A rejected document is 403.",
        responses={
            **DOWNLOAD_RESPONSES,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
)
class AgreementDocumentFileView(CaseDocumentFileView):
    kind_key, case_kwarg = "agreement", "agreement_id"


# --- the agreement flow's coordinator steps (/api/v1/tasks/<id>/mark-sent/ and signed/) -------------------------

TASKS = ["tasks"]
TASK_FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this case but not act on this step.")
TASK_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such task, or its case is not yours to see.")
TASK_CONFLICT = OpenApiResponse(
    ErrorSerializer, description="Already done (`already_decided`) or someone else is acting on it (`case_busy`)."
)


class TaskMarkSentView(GenericAPIView):
    serializer_class = MarkSentSerializer

    @extend_schema(
        tags=TASKS,
        operation_id="tasks_mark_sent",
        summary="Record that the approved agreement was sent to the partner",
        description="The agreement's `send_to_partner` step, by a coordinator of its department. To send it back to "
        "the draft instead, POST decision/ with `request_changes`. Returns the agreement.",
        request=MarkSentSerializer,
        responses={
            200: AgreementDetailSerializer,
            400: FIELD_ERRORS,
            403: TASK_FORBIDDEN,
            404: TASK_NOT_FOUND,
            409: TASK_CONFLICT,
        },
    )
    @idempotent
    def post(self, request, task_id: int):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agreement = flow_steps.agreement_mark_sent(user=request.user, task_id=task_id, **serializer.validated_data)
        return agreement_detail_response(request, agreement.pk)


class TaskSignedView(GenericAPIView):
    serializer_class = SignedCopySerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=TASKS,
        operation_id="tasks_signed",
        summary="Upload the copy signed by both sides",
        description="The agreement's `upload_signed` step, by a coordinator of its department: the signing dates "
        "(not in the future) and the signed file. The agreement becomes active and its quotas are set. Returns "
        "the agreement.",
        request={"multipart/form-data": SignedCopySerializer},
        responses={
            200: AgreementDetailSerializer,
            400: FIELD_ERRORS,
            403: TASK_FORBIDDEN,
            404: TASK_NOT_FOUND,
            409: TASK_CONFLICT,
        },
    )
    @idempotent
    def post(self, request, task_id: int):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agreement = flow_steps.agreement_record_signed(user=request.user, task_id=task_id, **serializer.validated_data)
        return agreement_detail_response(request, agreement.pk)
