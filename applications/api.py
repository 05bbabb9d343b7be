"""REST endpoints for open calls and mobility applications (/api/v1/calls/, /api/v1/applications/...).

Each view parses its input, fetches through a selector (404 for a case the caller may not see),
calls one service and answers with the case as the caller now sees it. Services raise
ValidationError (400), PermissionDenied (403) and core.errors.Conflict (409); core.api maps them."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from applications import services
from applications.selectors import (
    CaseFilter,
    access_application,
    application_documents,
    application_list,
    application_list_filtered,
    call_list_open,
)
from applications.serializers import (
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationSerializer,
    ApplicationWriteSerializer,
    CallSerializer,
    CaseEventSerializer,
    CaseFilterSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    ErrorSerializer,
)
from core.idempotency import idempotent
from core.pagination import KeysetPagination
from core.serializers import FIELD_ERRORS
from documents.downloads import DOWNLOAD_RESPONSES
from workflows.case_api import CaseDocumentFileView, CaseDocumentsView, CaseHistoryView
from workflows.services import case_submit

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such application, or not yours to see.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this application but not do this.")
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="The application is no longer in a state that allows this: `application_not_editable` (under "
    "review), `application_already_submitted`, `not_waiting_for_revision` (a resubmission nobody asked for), "
    "`case_busy` (someone else is acting on it).",
)

APPLICATIONS = ["applications"]


class CallListView(GenericAPIView):
    serializer_class = CallSerializer

    def get_queryset(self):
        return call_list_open(user=self.request.user)

    @extend_schema(
        tags=["calls"],
        operation_id="calls_list",
        summary="Open calls",
        description="Calls open for applications now, with their partners and the places left at each.",
        responses={200: CallSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ApplicationListView(GenericAPIView):
    serializer_class = ApplicationSerializer
    # Newest first by keyset (`after` / `before` cursors in the next / previous links) and a capped count.
    pagination_class = KeysetPagination

    def get_queryset(self):
        return application_list(user=self.request.user)

    @extend_schema(
        tags=APPLICATIONS,
        operation_id="applications_list",
        summary="Applications I may see",
        description="An applicant's own applications; an approver's departments' submitted cases; every case "
        "for the prorector, auditor and admin; narrowed by status, call, department, partner and a search "
        "(applicant or case number), as the case list page is.",
        parameters=[CaseFilterSerializer],
        responses={200: ApplicationSerializer(many=True), 400: FIELD_ERRORS},
    )
    def get(self, request):
        query = CaseFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(
            application_list_filtered(user=request.user, filters=CaseFilter(**query.validated_data))
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=APPLICATIONS,
        operation_id="applications_create",
        summary="Start a draft application",
        request=ApplicationCreateSerializer,
        responses={201: ApplicationDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    @idempotent
    def post(self, request):
        serializer = ApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        application = services.application_create(
            applicant=request.user, call=fields.pop("call"), choices=fields.pop("choices"), **fields
        )
        return _application_response(request, application.pk, status.HTTP_201_CREATED)


class ApplicationDetailView(GenericAPIView):
    serializer_class = ApplicationDetailSerializer

    @extend_schema(
        tags=APPLICATIONS,
        operation_id="applications_retrieve",
        summary="One application with its documents",
        responses={200: ApplicationDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, application_id: int):
        return _application_response(request, application_id)

    @extend_schema(
        tags=APPLICATIONS,
        operation_id="applications_partial_update",
        summary="Change a draft or an application sent back for changes",
        request=ApplicationWriteSerializer(partial=True),
        responses={200: ApplicationDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def patch(self, request, application_id: int):
        application = access_application(user=request.user, application_id=application_id)
        serializer = ApplicationWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        services.application_update(
            application=application, actor=request.user, choices=fields.pop("choices", None), **fields
        )
        return _application_response(request, application_id)


@extend_schema_view(
    get=extend_schema(
        tags=APPLICATIONS,
        operation_id="applications_documents_list",
        summary="Every version of the application's documents",
        responses={200: DocumentSerializer(many=True), 404: NOT_FOUND},
    ),
    post=extend_schema(
        tags=APPLICATIONS,
        operation_id="applications_documents_create",
        summary="Upload a document",
        description="Stores the file as the next version of its kind, `pending` until a worker has checked its "
        "checksum, type and (when configured) virus scan. PDF, JPEG or PNG; the content must match the file "
        "name's extension; empty, oversized, HTML-carrying files are refused under `file`.",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    ),
)
class ApplicationDocumentsView(CaseDocumentsView):
    kind_key, case_kwarg = "application", "application_id"
    serializer_class = DocumentSerializer
    upload_serializer_class = DocumentUploadSerializer


@extend_schema_view(
    get=extend_schema(
        tags=APPLICATIONS,
        operation_id="applications_documents_file",
        summary="Download a document",
        description="Checks the case permission first. On local disk: the file as an attachment. With S3: a "
        "302 redirect to a presigned URL valid for AWS_QUERYSTRING_EXPIRE seconds. A rejected document is 403.",
        responses={
            **DOWNLOAD_RESPONSES,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
)
class ApplicationDocumentFileView(CaseDocumentFileView):
    kind_key, case_kwarg = "application", "application_id"


class ApplicationSubmitView(GenericAPIView):
    @extend_schema(
        tags=APPLICATIONS,
        operation_id="applications_submit",
        summary="Submit (or resubmit after changes were requested)",
        description="Checks the deadline (`call`), eligibility (`gpa`, `year_of_study`, `language_level`), the "
        "required documents (`documents`) and the other fields, answering each failure under its field.",
        request=None,
        responses={200: ApplicationDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, application_id: int):
        application = access_application(user=request.user, application_id=application_id)
        case_submit(case=application, actor=request.user)
        return _application_response(request, application_id)


@extend_schema_view(
    get=extend_schema(
        tags=APPLICATIONS,
        operation_id="applications_history",
        summary="The case's timeline",
        description="Every event of the case, oldest first: who, when, at which step, what, with which comment.",
        responses={200: CaseEventSerializer(many=True), 404: NOT_FOUND},
    )
)
class ApplicationHistoryView(CaseHistoryView):
    kind_key, case_kwarg = "application", "application_id"
    serializer_class = CaseEventSerializer


def _application_response(request, application_id: int, status_code: int = status.HTTP_200_OK) -> Response:
    """The application as the caller sees it now, read afresh after any write."""
    application = access_application(user=request.user, application_id=application_id)
    documents = list(application_documents(application=application))
    serializer = ApplicationDetailSerializer(application, context={"request": request, "documents": documents})
    return Response(serializer.data, status=status_code)
