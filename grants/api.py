"""REST endpoints of nominations, grants and rate tables (/api/v1/grants/...). Each view parses its input, fetches
through a selector (404 for what the caller may not see), calls one service and answers."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from applications.selectors import access_application
from core.idempotency import idempotent
from core.serializers import FIELD_ERRORS, ErrorSerializer
from grants import services
from grants.models import Nomination
from grants.permissions import can_manage_rates, can_view_nominations
from grants.selectors import access_nomination_call, access_rate_table, call_nomination_rows, grant_of, rate_tables
from grants.serializers import (
    GrantSerializer,
    NominateSerializer,
    NominationSerializer,
    PartnerRowSerializer,
    RateTableSerializer,
)

TAGS = ["grants"]
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such call, nomination, grant or rate table, or not yours.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this but not do this.")


def _nomination(user, nomination_id) -> Nomination:
    if not can_view_nominations(user):
        raise Http404(_("No such nomination."))
    found = (
        Nomination.objects.select_related("partner", "nominated_by")
        .prefetch_related("grants", "events__actor")
        .filter(pk=nomination_id)
        .first()
    )
    if found is None:
        raise Http404(_("No such nomination."))
    return found


class CallNominationsView(GenericAPIView):
    serializer_class = PartnerRowSerializer
    pagination_class = None  # one row per partner of the call: a short list

    @extend_schema(
        tags=TAGS,
        operation_id="grants_call_nominations_list",
        summary="A call's partners: who is ready to be nominated, and each nomination made",
        responses={200: PartnerRowSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, call_id: int):
        call = access_nomination_call(user=request.user, call_id=call_id)
        return Response(PartnerRowSerializer(call_nomination_rows(call=call), many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="grants_call_nominations_create",
        summary="Nominate a partner's participants (once; again returns the first nomination)",
        description="`partner`: `nomination_empty` (nobody ready), `grant_no_rate`; `applications`: "
        "`grant_period_missing`.",
        request=NominateSerializer,
        responses={
            200: NominationSerializer,
            201: NominationSerializer,
            400: FIELD_ERRORS,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @idempotent
    def post(self, request, call_id: int):
        call = access_nomination_call(user=request.user, call_id=call_id)
        serializer = NominateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        nomination, created = services.nomination_create(
            call=call,
            partner_id=serializer.validated_data["partner"],
            actor=request.user,
            green_travel=serializer.validated_data["green_travel"],
        )
        body = NominationSerializer(_nomination(request.user, nomination.pk)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class NominationView(GenericAPIView):
    serializer_class = NominationSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="grants_nominations_retrieve",
        summary="A nomination: its grants and timeline (letter issued, emails sent)",
        responses={200: NominationSerializer, 404: NOT_FOUND},
    )
    def get(self, request, nomination_id: int):
        return Response(NominationSerializer(_nomination(request.user, nomination_id)).data)


class ApplicationGrantView(GenericAPIView):
    serializer_class = GrantSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="grants_application_grant_retrieve",
        summary="An application's grant, as computed and frozen at nomination",
        responses={200: GrantSerializer, 404: NOT_FOUND},
    )
    def get(self, request, application_id: int):
        application = access_application(user=request.user, application_id=application_id)
        grant = grant_of(application=application)
        if grant is None:
            raise Http404(_("This application has no grant."))
        return Response(GrantSerializer(grant).data)


def _rate_values(serializer) -> tuple[dict, dict]:
    data = dict(serializer.validated_data)
    rates = {row["group"].pk: (row["student_monthly"], row["staff_daily"]) for row in data.pop("rates", [])}
    return data, rates


class RateTableListView(GenericAPIView):
    serializer_class = RateTableSerializer
    pagination_class = None  # one table per programme and year

    @extend_schema(
        tags=TAGS,
        operation_id="grants_rate_tables_list",
        summary="The grant rate tables (the prorector's office)",
        responses={200: RateTableSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request):
        if not can_manage_rates(request.user):
            raise Http404(_("No such rate table."))
        return Response(RateTableSerializer(rate_tables(), many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="grants_rate_tables_create",
        summary="Create a rate table",
        request=RateTableSerializer,
        responses={201: RateTableSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    @idempotent
    def post(self, request):
        serializer = RateTableSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values, rates = _rate_values(serializer)
        table = services.rate_table_save(actor=request.user, values=values, rates=rates)
        body = RateTableSerializer(access_rate_table(user=request.user, table_id=table.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class RateTableView(GenericAPIView):
    serializer_class = RateTableSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="grants_rate_tables_retrieve",
        summary="A rate table",
        responses={200: RateTableSerializer, 404: NOT_FOUND},
    )
    def get(self, request, table_id: int):
        return Response(RateTableSerializer(access_rate_table(user=request.user, table_id=table_id)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="grants_rate_tables_update",
        summary="Change a rate table (grants already computed keep their values)",
        request=RateTableSerializer,
        responses={200: RateTableSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @idempotent
    def put(self, request, table_id: int):
        table = access_rate_table(user=request.user, table_id=table_id)
        serializer = RateTableSerializer(table, data=request.data)
        serializer.is_valid(raise_exception=True)
        values, rates = _rate_values(serializer)
        services.rate_table_save(actor=request.user, table=table, values=values, rates=rates)
        return Response(RateTableSerializer(access_rate_table(user=request.user, table_id=table_id)).data)
