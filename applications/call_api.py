"""REST endpoints of calls as the office manages them: create (POST /api/v1/calls/), read and change one
(/api/v1/calls/<id>/), take its places from the agreements' quotas or set a partner's by hand, its audit trail.
Thin like every API view: parse, fetch through a selector (404 for who may not see calls), call one service."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from applications import call_services
from applications.api import CallListView
from applications.call_serializers import (
    CallEventSerializer,
    CallWriteSerializer,
    ManagedCallSerializer,
    PlacesByHandSerializer,
    PlacesFeedSerializer,
)
from applications.selectors import access_call, call_events, call_unused_quotas
from applications.serializers import ErrorSerializer
from core.idempotency import idempotent
from core.serializers import FIELD_ERRORS

CALLS = ["calls"]
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such call, or calls are not for you to see.")
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="Not yours to change: coordinators manage their departments' calls only."
)


def _call_response(request, call_id: int, status_code: int = status.HTTP_200_OK) -> Response:
    """The call as the office sees it now, read afresh after any write."""
    call = access_call(user=request.user, call_id=call_id)
    context = {"request": request, "unused_quotas": call_unused_quotas(call=call)}
    return Response(ManagedCallSerializer(call, context=context).data, status=status_code)


class CallCollectionView(CallListView):
    """GET lists the open calls (as before); POST creates a call."""

    @extend_schema(
        tags=CALLS,
        operation_id="calls_create",
        summary="Create a call",
        description="The prorector's office for any departments (none: university-wide); a coordinator for their "
        "own departments only (`departments`: `call_department_not_yours`). A staff call offers teaching or "
        "training and has no GPA or year-of-study rule; it always requires the `programme` document.",
        request=CallWriteSerializer,
        responses={201: ManagedCallSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    @idempotent
    def post(self, request):
        serializer = CallWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        call = call_services.call_create(actor=request.user, departments=fields.pop("departments", []), **fields)
        return _call_response(request, call.pk, status.HTTP_201_CREATED)


class CallDetailView(GenericAPIView):
    serializer_class = ManagedCallSerializer

    @extend_schema(
        tags=CALLS,
        operation_id="calls_retrieve",
        summary="A call with its places and the quotas it does not use",
        responses={200: ManagedCallSerializer, 404: NOT_FOUND},
    )
    def get(self, request, call_id: int):
        return _call_response(request, call_id)

    @extend_schema(
        tags=CALLS,
        operation_id="calls_partial_update",
        summary="Change a call",
        description="Audience, mobility type, academic year and selection mode are locked once someone has applied "
        "(`call_field_locked`).",
        request=CallWriteSerializer(partial=True),
        responses={200: ManagedCallSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @idempotent
    def patch(self, request, call_id: int):
        call = access_call(user=request.user, call_id=call_id)
        serializer = CallWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        call_services.call_update(call=call, actor=request.user, departments=fields.pop("departments", None), **fields)
        return _call_response(request, call_id)


class CallPlacesFromAgreementsView(GenericAPIView):
    serializer_class = PlacesFeedSerializer

    @extend_schema(
        tags=CALLS,
        operation_id="calls_places_from_agreements",
        summary="Take the call's places from the agreements' quotas",
        description="Places set by hand stay and are named in `kept_by_hand` with their reason; `summary` says what "
        "happened, also when nothing did.",
        request=None,
        responses={200: PlacesFeedSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @idempotent
    def post(self, request, call_id: int):
        call = access_call(user=request.user, call_id=call_id)
        feed = call_services.call_places_take_from_agreements(call=call, actor=request.user)
        body = {
            "summary": feed.summary(),
            "quotas": feed.quotas,
            "created": feed.created,
            "updated": feed.updated,
            "kept_by_hand": [list(kept) for kept in feed.kept_by_hand],
        }
        return Response(PlacesFeedSerializer(body).data)


class CallPlacesByHandView(GenericAPIView):
    serializer_class = PlacesByHandSerializer

    @extend_schema(
        tags=CALLS,
        operation_id="calls_places_by_hand",
        summary="Set a partner's places by hand, with a reason",
        description="The agreement quota no longer feeds that partner's places (the call then lists it under "
        "`unused_quotas`). `reason` is required (`reason_required`); fewer places than taken: `places_below_taken`.",
        request=PlacesByHandSerializer,
        responses={200: ManagedCallSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @idempotent
    def post(self, request, call_id: int):
        call = access_call(user=request.user, call_id=call_id)
        serializer = PlacesByHandSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_services.call_place_set_by_hand(call=call, actor=request.user, **serializer.validated_data)
        return _call_response(request, call_id)


class CallHistoryView(GenericAPIView):
    serializer_class = CallEventSerializer

    @extend_schema(
        tags=CALLS,
        operation_id="calls_history",
        summary="The call's audit trail",
        responses={200: CallEventSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, call_id: int):
        call = access_call(user=request.user, call_id=call_id)
        page = self.paginate_queryset(call_events(call=call))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
