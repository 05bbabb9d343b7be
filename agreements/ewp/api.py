"""REST endpoints of an agreement's EWP side (/api/v1/agreements/<id>/ewp/...): the EWP view, our copy as XML,
importing the partner's copy and approval (uploaded, or fetched by the worker when EWP_FETCH_ENABLED), approving
the partner's copy. The EWP-shaped endpoints the network calls are agreements.ewp.endpoints."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from agreements.ewp import services
from agreements.ewp.selectors import ewp_problem, ewp_view, our_iia
from agreements.ewp.serializers import EwpApproveSerializer, EwpFetchSerializer, EwpFileSerializer, EwpViewSerializer
from agreements.ewp.tasks import ewp_fetch_queue
from agreements.selectors import access_agreement
from core.errors import ErrorCode, field_error
from core.idempotency import idempotent
from core.serializers import FIELD_ERRORS, ErrorSerializer

EWP = ["ewp"]
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such Erasmus+ agreement, or not yours to see.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this agreement but not exchange it.")
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="`ewp_no_partner_copy` (none imported, or a newer one arrived), `ewp_copies_differ` (the copies "
    "differ in substance), `ewp_not_approvable` (its stated hash is not its own, or values not yet defined).",
)


def _access(request, agreement_id):
    agreement = access_agreement(user=request.user, agreement_id=agreement_id)
    view = ewp_view(user=request.user, agreement=agreement)
    if view is None:
        raise Http404(_("This agreement is not exchanged over EWP."))
    return agreement, view


def _view_response(request, agreement_id, status_code=status.HTTP_200_OK) -> Response:
    _agreement, view = _access(request, agreement_id)
    return Response(EwpViewSerializer(view, context={"request": request}).data, status=status_code)


def _import_file(view, request, agreement_id, service, status_code) -> Response:
    """An uploaded partner document (copy or approval) handed to its import service; the EWP view as answer."""
    agreement, _view = _access(request, agreement_id)
    serializer = view.get_serializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data["file"].read(settings.EWP_MAX_XML_BYTES + 1)
    service(agreement=agreement, actor=request.user, data=data)
    return _view_response(request, agreement_id, status_code)


class AgreementEwpView(GenericAPIView):
    serializer_class = EwpViewSerializer

    @extend_schema(
        tags=EWP,
        operation_id="agreements_ewp",
        summary="The agreement's EWP view",
        description="Our copy's iia-id and official iia-hash, whether it is valid for approval, the partner's "
        "latest copy and how it differs from ours condition by condition, and the approvals each way.",
        responses={200: EwpViewSerializer, 404: NOT_FOUND},
    )
    def get(self, request, agreement_id: int):
        return _view_response(request, agreement_id)


class AgreementEwpXmlView(GenericAPIView):
    @extend_schema(
        tags=EWP,
        operation_id="agreements_ewp_xml",
        summary="Our copy as an IIAs API v7 get response",
        description="The XML the EWP get endpoint serves for this agreement, with its iia-hash; it validates "
        "against the official get-response.xsd.",
        responses={
            (200, "application/xml"): OpenApiResponse(OpenApiTypes.STR, description="The get response."),
            400: FIELD_ERRORS,
            404: NOT_FOUND,
        },
    )
    def get(self, request, agreement_id: int):
        agreement, view = _access(request, agreement_id)
        problem = ewp_problem(agreement)
        if problem is not None:
            raise field_error("agreement", problem, ErrorCode.EWP_NOT_EXCHANGEABLE)
        response = HttpResponse(our_iia(agreement).xml, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="iia-{agreement.pk}.xml"'
        return response


class AgreementEwpPartnerCopyView(GenericAPIView):
    serializer_class = EwpFileSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=EWP,
        operation_id="agreements_ewp_partner_copy",
        summary="Import the partner's copy of the IIA",
        description="An IIAs v7 get response (the partner's, or ours edited by them): validated against the "
        "schema, matched to this agreement by the partner's hei-id and our iia-id or code, hashed with the "
        "official stylesheet and compared with ours. Answers the EWP view with the differences.",
        request={"multipart/form-data": EwpFileSerializer},
        responses={201: EwpViewSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @idempotent
    def post(self, request, agreement_id: int):
        return _import_file(self, request, agreement_id, services.partner_copy_import, status.HTTP_201_CREATED)


class AgreementEwpApproveView(GenericAPIView):
    serializer_class = EwpApproveSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        tags=EWP,
        operation_id="agreements_ewp_approve",
        summary="Approve the partner's latest copy",
        description="Records the partner's iia-id and iia-hash as approved by us (served by the Approval API). "
        "Refused while the copies differ in substance.",
        request=EwpApproveSerializer,
        responses={200: EwpViewSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, agreement_id: int):
        agreement, _view = _access(request, agreement_id)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.partner_copy_approve(
            agreement=agreement, actor=request.user, iia_hash=serializer.validated_data["iia_hash"]
        )
        return _view_response(request, agreement_id)


class AgreementEwpPartnerApprovalView(GenericAPIView):
    serializer_class = EwpFileSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=EWP,
        operation_id="agreements_ewp_partner_approval",
        summary="Import the partner's approval of our copy",
        description="An IIAs Approval API v2 response naming our iia-id; accepted only when the hash it "
        "approved is our copy's current iia-hash (`ewp_approval_hash_mismatch` otherwise).",
        request={"multipart/form-data": EwpFileSerializer},
        responses={200: EwpViewSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @idempotent
    def post(self, request, agreement_id: int):
        return _import_file(self, request, agreement_id, services.partner_approval_import, status.HTTP_200_OK)


class QueuedSerializer(serializers.Serializer):
    queued = serializers.BooleanField()


class AgreementEwpFetchView(GenericAPIView):
    serializer_class = EwpFetchSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        tags=EWP,
        operation_id="agreements_ewp_fetch",
        summary="Have the worker fetch the partner's copy or approval from a URL",
        description="Only when the deployment enables it (EWP_FETCH_ENABLED; `ewp_fetch_disabled` otherwise). "
        "The worker fetches the https URL and imports it as an upload would be; the timeline shows the result.",
        request=EwpFetchSerializer,
        responses={202: QueuedSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @idempotent
    def post(self, request, agreement_id: int):
        agreement, _view = _access(request, agreement_id)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        url, kind = serializer.validated_data["url"], serializer.validated_data["kind"]
        ewp_fetch_queue(agreement=agreement, actor=request.user, url=url, kind=kind)
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)
