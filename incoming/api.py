"""REST endpoints of incoming mobility (/api/v1/incoming/...): the office's partner invitations, the incoming
applications (the nominee's edits, documents, submission; everyone's reads with personal data only where
`can_see_personal_data` allows), their timelines and the counts. Decisions go through the shared task API."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from agreements.models import Agreement
from core.idempotency import idempotent
from core.serializers import FIELD_ERRORS, ErrorSerializer
from documents.downloads import DOWNLOAD_RESPONSES, document_response
from incoming import services
from incoming.permissions import can_list_incoming, can_see_personal_data, can_view_invitations
from incoming.selectors import (
    access_incoming,
    access_incoming_document,
    access_invitation,
    incoming_counts,
    incoming_documents,
    incoming_list,
    invitation_nominations,
    invitation_quota,
    invitations_list,
)
from incoming.serializers import (
    CountsQuerySerializer,
    CountsSerializer,
    IncomingApplicationSerializer,
    IncomingDetailSerializer,
    IncomingDocumentSerializer,
    IncomingEventSerializer,
    IncomingNominationSerializer,
    IncomingUploadSerializer,
    IncomingWriteSerializer,
    InvitationCreateSerializer,
    InvitationDetailSerializer,
    InvitationEventSerializer,
    InvitationSerializer,
    QuotaRowSerializer,
    RevokeSerializer,
)
from workflows.case_api import CaseDocumentsView, CaseHistoryView
from workflows.services import case_submit

TAGS = ["incoming"]
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such application or invitation, or not yours to see.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this but not do this.")
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="`application_not_editable` (under review), `application_already_submitted`, "
    "`not_waiting_for_revision`, `case_busy`.",
)


def _detail(request, application_id) -> Response:
    application = access_incoming(user=request.user, application_id=application_id)
    personal = can_see_personal_data(request.user, application)
    return Response(IncomingDetailSerializer(application, context={"request": request, "personal": personal}).data)


def _invitation_body(request, invitation) -> dict:
    body = dict(InvitationSerializer(invitation).data)
    body["quota"] = QuotaRowSerializer(invitation_quota(invitation=invitation), many=True).data
    body["nominations"] = IncomingNominationSerializer(
        invitation_nominations(invitation=invitation).select_related("agreement__partner"), many=True
    ).data
    body["events"] = InvitationEventSerializer(
        invitation.events.select_related("actor").order_by("created_at", "pk"), many=True
    ).data
    return body


class InvitationListView(GenericAPIView):
    serializer_class = InvitationSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="incoming_invitations_list",
        summary="Partner invitations (the office's staff)",
        responses={200: InvitationSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(invitations_list(user=request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="incoming_invitations_create",
        summary="Invite a partner's coordinator to nominate (the link is emailed to them)",
        description="`agreement` (not in force), `academic_year` (no incoming places that year), `expires_on`, "
        "`fall_deadline`: `out_of_range`.",
        request=InvitationCreateSerializer,
        responses={201: InvitationDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @idempotent
    def post(self, request):
        serializer = InvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        if not can_view_invitations(request.user):
            raise Http404(_("No such agreement."))
        agreement = Agreement.objects.filter(pk=fields.pop("agreement")).first()
        if agreement is None:
            raise Http404(_("No such agreement."))
        invitation = services.invitation_create(actor=request.user, agreement=agreement, **fields)
        return Response(_invitation_body(request, invitation), status=status.HTTP_201_CREATED)


class InvitationDetailView(GenericAPIView):
    serializer_class = InvitationDetailSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="incoming_invitations_retrieve",
        summary="A partner invitation: quota, nominations through it, its timeline (every use)",
        responses={200: InvitationDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, invitation_id: int):
        return Response(_invitation_body(request, access_invitation(user=request.user, invitation_id=invitation_id)))


class InvitationRevokeView(GenericAPIView):
    serializer_class = InvitationDetailSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="incoming_invitations_revoke",
        summary="Revoke the link (it answers 404 from now on)",
        request=RevokeSerializer,
        responses={200: InvitationDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @idempotent
    def post(self, request, invitation_id: int):
        invitation = access_invitation(user=request.user, invitation_id=invitation_id)
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.invitation_revoke(
            actor=request.user, invitation=invitation, reason=serializer.validated_data["reason"]
        )
        return Response(_invitation_body(request, invitation))


class InvitationResendView(GenericAPIView):
    serializer_class = InvitationDetailSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="incoming_invitations_resend",
        summary="Email a new link (the previous one stops working)",
        request=None,
        responses={200: InvitationDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @idempotent
    def post(self, request, invitation_id: int):
        invitation = access_invitation(user=request.user, invitation_id=invitation_id)
        invitation = services.invitation_resend(actor=request.user, invitation=invitation)
        return Response(_invitation_body(request, invitation))


class IncomingListView(GenericAPIView):
    serializer_class = IncomingApplicationSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="incoming_applications_list",
        summary="Incoming applications I may see (my own; the office's departments' once submitted)",
        responses={200: IncomingApplicationSerializer(many=True)},
    )
    def get(self, request):
        queryset = incoming_list(user=request.user).select_related("nomination__agreement__partner")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class IncomingDetailView(GenericAPIView):
    serializer_class = IncomingDetailSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="incoming_applications_retrieve",
        summary="One incoming application (passport data null unless you may see personal data)",
        responses={200: IncomingDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, application_id: int):
        return _detail(request, application_id)

    @extend_schema(
        tags=TAGS,
        operation_id="incoming_applications_partial_update",
        summary="The nominee completes their application (a draft, or sent back for changes)",
        request=IncomingWriteSerializer(partial=True),
        responses={200: IncomingDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def patch(self, request, application_id: int):
        application = access_incoming(user=request.user, application_id=application_id)
        serializer = IncomingWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.incoming_update(application=application, actor=request.user, **serializer.validated_data)
        return _detail(request, application_id)


class IncomingSubmitView(GenericAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="incoming_applications_submit",
        summary="Submit (or resubmit after changes were requested)",
        description="`deadline` (`call_closed`), each missing field (`required`), `documents` (`document_missing`, "
        "`document_rejected`), `passport_expires_on` (`invalid`).",
        request=None,
        responses={200: IncomingDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, application_id: int):
        application = access_incoming(user=request.user, application_id=application_id)
        case_submit(case=application, actor=request.user)
        return _detail(request, application_id)


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        operation_id="incoming_applications_documents_list",
        summary="The application's documents you may see (passport, photo and visa letter only with personal data)",
        responses={200: IncomingDocumentSerializer(many=True), 404: NOT_FOUND},
    ),
    post=extend_schema(
        tags=TAGS,
        operation_id="incoming_applications_documents_create",
        summary="The nominee uploads a document",
        request={"multipart/form-data": IncomingUploadSerializer},
        responses={201: IncomingDocumentSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    ),
)
class IncomingDocumentsView(CaseDocumentsView):
    kind_key, case_kwarg = "incoming", "application_id"
    serializer_class = IncomingDocumentSerializer
    upload_serializer_class = IncomingUploadSerializer

    def get(self, request, **kwargs):
        application = access_incoming(user=request.user, application_id=kwargs["application_id"])
        page = self.paginate_queryset(incoming_documents(user=request.user, application=application))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class IncomingDocumentFileView(GenericAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="incoming_applications_documents_file",
        summary="Download a document (a personal one only with personal data)",
        responses={**DOWNLOAD_RESPONSES, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, application_id: int, document_id: int):
        document = access_incoming_document(user=request.user, application_id=application_id, document_id=document_id)
        return document_response(document)


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        operation_id="incoming_applications_history",
        summary="The application's timeline (field names only, never personal values)",
        responses={200: IncomingEventSerializer(many=True), 404: NOT_FOUND},
    )
)
class IncomingHistoryView(CaseHistoryView):
    kind_key, case_kwarg = "incoming", "application_id"
    serializer_class = IncomingEventSerializer


class IncomingCountsView(GenericAPIView):
    serializer_class = CountsSerializer
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="incoming_counts",
        summary="Incoming participants by partner, country, department, level and term (nominated, accepted)",
        parameters=[CountsQuerySerializer],
        responses={200: CountsSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def get(self, request):
        if not can_list_incoming(request.user):
            raise Http404(_("No such page."))
        query = CountsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fields = dict(query.validated_data)
        counts = incoming_counts(
            academic_year=fields.get("academic_year"),
            period_start=fields.get("period_start"),
            period_end=fields.get("period_end"),
            agreement_id=fields.get("agreement"),
            partner_id=fields.get("partner"),
        )
        return Response(CountsSerializer(counts).data)
