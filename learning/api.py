"""REST endpoints of learning agreements (/api/v1/learning-agreements/...). Each view parses its input, fetches
through a selector (404 for what the caller may not see), calls one service and answers."""

from __future__ import annotations

import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core.idempotency import idempotent
from core.serializers import FIELD_ERRORS, ErrorSerializer
from documents.downloads import DOWNLOAD_RESPONSES, document_response
from learning import services
from learning.ewp import la_tree, la_xml
from learning.selectors import (
    access_la,
    access_signed_pdf,
    agreement_links,
    agreement_results,
    agreement_versions,
    visible_agreements,
)
from learning.serializers import (
    ChangeInputSerializer,
    ContactSerializer,
    LADocumentSerializer,
    LADocumentUploadSerializer,
    LAEventSerializer,
    LearningAgreementDetailSerializer,
    LearningAgreementSerializer,
    LinkSerializer,
    ResultsInputSerializer,
    SignatureSerializer,
    SignInputSerializer,
    StartSerializer,
    VersionInputSerializer,
    VersionSerializer,
)
from workflows.case_api import CaseDocumentFileView, CaseDocumentsView, CaseHistoryView

TAGS = ["learning-agreements"]
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such learning agreement, or not yours to see.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this agreement but not do this.")
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="`la_not_editable`, `la_version_outdated` (sign the current version), `la_already_signed`, "
    "`la_not_signable`, `la_change_window_closed`.",
)


def _detail(request, agreement_id: int) -> Response:
    agreement = access_la(user=request.user, agreement_id=agreement_id)
    context = {
        "request": request,
        "versions": agreement_versions(agreement=agreement),
        "links": agreement_links(agreement=agreement),
        "results": agreement_results(agreement=agreement),
    }
    return Response(LearningAgreementDetailSerializer(agreement, context=context).data)


class LAListView(GenericAPIView):
    serializer_class = LearningAgreementSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_list",
        summary="The learning agreements you may see",
        responses={200: LearningAgreementSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(visible_agreements(user=request.user).order_by("-created_at", "-pk"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_create",
        summary="Start the learning agreement of your approved mobility (again: the one started)",
        description="`application`: `la_not_startable` until the application is approved with a place.",
        request=StartSerializer,
        responses={201: LearningAgreementDetailSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    @idempotent
    def post(self, request):
        serializer = StartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agreement = services.la_start(application_id=serializer.validated_data["application"], actor=request.user)
        response = _detail(request, agreement.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class LADetailView(GenericAPIView):
    serializer_class = LearningAgreementDetailSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_retrieve",
        summary="A learning agreement: every version with its signatures and changes, links, results",
        responses={200: LearningAgreementDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, agreement_id: int):
        return _detail(request, agreement_id)

    @extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_contact_update",
        summary="Name the receiving coordinator who signs through an emailed link",
        request=ContactSerializer,
        responses={200: LearningAgreementDetailSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def patch(self, request, agreement_id: int):
        access_la(user=request.user, agreement_id=agreement_id)
        serializer = ContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.la_contact_set(
            agreement_id=agreement_id,
            actor=request.user,
            name=serializer.validated_data["receiving_contact_name"],
            email=serializer.validated_data["receiving_contact_email"],
        )
        return _detail(request, agreement_id)


class LAVersionsView(GenericAPIView):
    serializer_class = VersionSerializer
    pagination_class = None  # a handful of versions

    @extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_versions_list",
        summary="Every version, oldest first, each with what changed from the one before",
        responses={200: VersionSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, agreement_id: int):
        agreement = access_la(user=request.user, agreement_id=agreement_id)
        return Response(VersionSerializer(agreement_versions(agreement=agreement), many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_versions_create",
        summary="Save new content: the next version (signatures stay on the versions they signed)",
        description="Errors per field by path: `mobility.start_date`, `components.2.ects`, ...",
        request=VersionInputSerializer,
        responses={201: LearningAgreementDetailSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, agreement_id: int):
        access_la(user=request.user, agreement_id=agreement_id)
        serializer = VersionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.la_save(
            agreement_id=agreement_id,
            actor=request.user,
            content=serializer.validated_data["content"],
            comment=serializer.validated_data["comment"],
        )
        response = _detail(request, agreement_id)
        response.status_code = status.HTTP_201_CREATED
        return response


class LASignView(GenericAPIView):
    serializer_class = SignInputSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_sign",
        summary="Sign (or reject with a reason) the current version as the student or the sending coordinator",
        description="`sha256` is the hash of the version you reviewed: another answers 409 `la_version_outdated`. "
        "The student signs first (the rules are checked then: `la_ects_out_of_range`, `la_credits_mismatch`, "
        "`la_not_in_catalogue`, `la_language_level`); the receiving coordinator signs through the emailed link.",
        request=SignInputSerializer,
        responses={201: SignatureSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, agreement_id: int):
        access_la(user=request.user, agreement_id=agreement_id)
        serializer = SignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signature = services.la_sign(agreement_id=agreement_id, actor=request.user, **serializer.validated_data)
        return Response(SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)


class LAChangesView(GenericAPIView):
    serializer_class = ChangeInputSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_changes_create",
        summary="Propose a change during the mobility: components removed and added, with EWP reason codes",
        description="`removed`: [{position, reason_code, reason_text}] (positions in the final version); `added`: "
        "components with `reason_code`. Within LA_CHANGE_WINDOW_DAYS of the start (409 `la_change_window_closed`).",
        request=ChangeInputSerializer,
        responses={201: LearningAgreementDetailSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, agreement_id: int):
        access_la(user=request.user, agreement_id=agreement_id)
        serializer = ChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.la_change_propose(agreement_id=agreement_id, actor=request.user, **serializer.validated_data)
        response = _detail(request, agreement_id)
        response.status_code = status.HTTP_201_CREATED
        return response


class LALinksView(GenericAPIView):
    serializer_class = LinkSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_links_create",
        summary="Email the receiving coordinator a fresh signing link (the open one is revoked)",
        request=None,
        responses={201: LinkSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, agreement_id: int):
        access_la(user=request.user, agreement_id=agreement_id)
        link = services.signing_link_reissue(agreement_id=agreement_id, actor=request.user)
        return Response(LinkSerializer(link).data, status=status.HTTP_201_CREATED)


class LALinkRevokeView(GenericAPIView):
    serializer_class = LinkSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_links_revoke",
        summary="Revoke a signing link",
        request=None,
        responses={200: LinkSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @idempotent
    def post(self, request, agreement_id: int, link_id: int):
        access_la(user=request.user, agreement_id=agreement_id)
        link = services.signing_link_revoke(agreement_id=agreement_id, link_id=link_id, actor=request.user)
        return Response(LinkSerializer(link).data)


class LAResultsView(GenericAPIView):
    serializer_class = ResultsInputSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_results_record",
        summary="Record the host's transcript and the home's recognition of the final version's components",
        request=ResultsInputSerializer,
        responses={200: LearningAgreementDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @idempotent
    def post(self, request, agreement_id: int):
        access_la(user=request.user, agreement_id=agreement_id)
        serializer = ResultsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.la_results_record(
            agreement_id=agreement_id, actor=request.user, rows=serializer.validated_data["rows"]
        )
        return _detail(request, agreement_id)


class LAExportXmlView(GenericAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_export_xml",
        summary="The agreement as an EWP omobility-las v1 get-response (XML)",
        responses={(200, "application/xml"): OpenApiResponse(OpenApiTypes.BINARY), 404: NOT_FOUND},
    )
    def get(self, request, agreement_id: int):
        agreement = access_la(user=request.user, agreement_id=agreement_id)
        return HttpResponse(la_xml(agreement), content_type="application/xml")


class LAExportJsonView(GenericAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_export_json",
        summary="The agreement as EWP omobility-las v1 shapes it, as JSON",
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
    )
    def get(self, request, agreement_id: int):
        agreement = access_la(user=request.user, agreement_id=agreement_id)
        return HttpResponse(json.dumps(la_tree(agreement), ensure_ascii=False), content_type="application/json")


class LAVersionPdfView(GenericAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_version_pdf",
        summary="The signed PDF of a final version",
        responses={**DOWNLOAD_RESPONSES, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, agreement_id: int, number: int):
        return document_response(access_signed_pdf(user=request.user, agreement_id=agreement_id, number=number))


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_history",
        summary="The agreement's timeline: versions, signatures, every use of a signing link, results",
        responses={200: LAEventSerializer(many=True), 404: NOT_FOUND},
    )
)
class LAHistoryView(CaseHistoryView):
    kind_key, case_kwarg = "learning_agreement", "agreement_id"
    serializer_class = LAEventSerializer


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_documents_list",
        summary="The agreement's documents (e.g. the host's transcript of records)",
        responses={200: LADocumentSerializer(many=True), 404: NOT_FOUND},
    ),
    post=extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_documents_create",
        summary="Upload the transcript of records or another document",
        request={"multipart/form-data": LADocumentUploadSerializer},
        responses={201: LADocumentSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    ),
)
class LADocumentsView(CaseDocumentsView):
    kind_key, case_kwarg = "learning_agreement", "agreement_id"
    serializer_class = LADocumentSerializer
    upload_serializer_class = LADocumentUploadSerializer


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        operation_id="learning_agreements_documents_file",
        summary="Download a document of the agreement",
        responses={**DOWNLOAD_RESPONSES, 403: FORBIDDEN, 404: NOT_FOUND},
    )
)
class LADocumentFileView(CaseDocumentFileView):
    kind_key, case_kwarg = "learning_agreement", "agreement_id"
