"""REST endpoints of the partner registry (/api/v1/partners/).

Each view parses its input, fetches through a selector (404 for students, who see no partners at all),
calls one service and answers with the partner as it now is. Services raise ValidationError (400) and
PermissionDenied (403); core.api maps them."""

from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core.errors import ErrorCode
from core.idempotency import idempotent
from core.serializers import FIELD_ERRORS, ErrorSerializer
from partners import services
from partners.permissions import can_read_partners
from partners.selectors import access_partner, partner_list
from partners.serializers import PartnerFilterSerializer, PartnerSerializer, PartnerWriteSerializer

PARTNERS = ["partners"]
PARTNER_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such partner; students see no partners.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this but not do this.")


def _require_staff(user) -> None:
    if not can_read_partners(user):
        raise Http404(_("No such page."))


def _partner_response(request, partner_id, status_code=status.HTTP_200_OK) -> Response:
    partner = access_partner(user=request.user, partner_id=partner_id)
    return Response(PartnerSerializer(partner, context={"request": request}).data, status=status_code)


def _partner_children(fields: dict) -> tuple:
    return fields.pop("units", None), fields.pop("contacts", None)


class PartnerListView(GenericAPIView):
    serializer_class = PartnerSerializer

    @extend_schema(
        tags=PARTNERS,
        operation_id="partners_list",
        summary="Partner institutions",
        description="Every partner, by name; filter by part of the name, country, city or Erasmus code. Staff only.",
        parameters=[PartnerFilterSerializer],
        responses={200: PartnerSerializer(many=True), 400: FIELD_ERRORS, 404: PARTNER_NOT_FOUND},
    )
    def get(self, request):
        filters = PartnerFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(partner_list(user=request.user, **filters.validated_data))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=PARTNERS,
        operation_id="partners_create",
        summary="Add a partner institution",
        description="Coordinators and administrators.",
        request=PartnerWriteSerializer,
        responses={201: PartnerSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: PARTNER_NOT_FOUND},
    )
    @idempotent
    def post(self, request):
        _require_staff(request.user)
        serializer = PartnerWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        units, contacts = _partner_children(fields)
        partner = services.partner_create(actor=request.user, units=units, contacts=contacts, **fields)
        return _partner_response(request, partner.pk, status.HTTP_201_CREATED)


class PartnerDetailView(GenericAPIView):
    serializer_class = PartnerSerializer

    @extend_schema(
        tags=PARTNERS,
        operation_id="partners_retrieve",
        summary="One partner with its units and contacts",
        responses={200: PartnerSerializer, 404: PARTNER_NOT_FOUND},
    )
    def get(self, request, partner_id: int):
        return _partner_response(request, partner_id)

    @extend_schema(
        tags=PARTNERS,
        operation_id="partners_partial_update",
        summary="Change a partner",
        description="Coordinators and administrators. `units` and `contacts`, when given, replace the current "
        "ones; a unit an agreement names cannot be removed.",
        request=PartnerWriteSerializer(partial=True),
        responses={200: PartnerSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: PARTNER_NOT_FOUND},
    )
    @idempotent
    def patch(self, request, partner_id: int):
        partner = access_partner(user=request.user, partner_id=partner_id)
        serializer = PartnerWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        units, contacts = _partner_children(fields)
        try:
            services.partner_update(partner=partner, actor=request.user, units=units, contacts=contacts, **fields)
        except ProtectedError:
            raise DRFValidationError(
                {"units": [_("A unit that an agreement names cannot be removed.")]}, code=ErrorCode.UNIT_IN_USE
            )
        return _partner_response(request, partner_id)
