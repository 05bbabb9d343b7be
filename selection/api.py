"""REST endpoints of the competitive selection (/api/v1/selection/...): a call's rules and criteria, the score sheet
and bonuses, the ranking and allocation, the result case, and the applicant's answer to a place offered.

Each view parses its input, fetches through a selector (404 for what the caller may not see), calls one service
and answers. Services raise ValidationError (400), PermissionDenied (403) and core.errors.Conflict (409)."""

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
from selection import services
from selection.models import Criterion
from selection.selectors import (
    access_appeal,
    access_offer,
    access_selection,
    access_selection_call,
    call_criteria,
    live_selection,
    offer_list_own,
    score_sheet,
    scored_by_count,
    selection_events,
)
from selection.serializers import (
    AppealCreateSerializer,
    AppealSerializer,
    BonusSerializer,
    BonusWriteSerializer,
    CallSelectionSerializer,
    CriterionSerializer,
    CriterionWriteSerializer,
    OfferDeclineSerializer,
    OfferSerializer,
    ScoreSerializer,
    ScoreWriteSerializer,
    SelectionDetailSerializer,
    SelectionEventSerializer,
    SelectionRulesWriteSerializer,
    SheetRowSerializer,
)
from workflows.services import case_submit

TAGS = ["selection"]
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such competitive call, result or offer, or not yours.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this but not do this.")
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="The selection has moved on: `selection_rules_frozen` (after the deadline), `scoring_closed` "
    "(before the deadline, or the result is under review or published), `selection_frozen`, "
    "`selection_places_changed`, `offer_not_open`, `offer_window_closed`, `appeal_window_closed`, `case_busy`, "
    "`not_waiting_for_revision`.",
)


def _call_body(call, settings) -> dict:
    selection = live_selection(call=call)
    return CallSelectionSerializer(
        {
            "call": call.pk,
            "rules": settings,
            "criteria": call_criteria(call=call),
            "selection": selection.pk if selection else None,
        }
    ).data


class CallSelectionView(GenericAPIView):
    serializer_class = CallSelectionSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="selection_call_retrieve",
        summary="A competitive call's selection rules and criteria",
        responses={200: CallSelectionSerializer, 404: NOT_FOUND},
    )
    def get(self, request, call_id: int):
        call, settings = access_selection_call(user=request.user, call_id=call_id)
        return Response(_call_body(call, settings))

    @extend_schema(
        tags=TAGS,
        operation_id="selection_call_rules_update",
        summary="Set the selection rules and committee (until the deadline)",
        request=SelectionRulesWriteSerializer,
        responses={200: CallSelectionSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def put(self, request, call_id: int):
        call, _settings = access_selection_call(user=request.user, call_id=call_id)
        serializer = SelectionRulesWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        committee = fields.pop("committee")
        services.selection_settings_save(call=call, actor=request.user, committee=committee, **fields)
        call, settings = access_selection_call(user=request.user, call_id=call_id)
        return Response(_call_body(call, settings))


class CriteriaView(GenericAPIView):
    serializer_class = CriterionSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="selection_criteria_create",
        summary="Add a criterion (until the deadline)",
        request=CriterionWriteSerializer,
        responses={201: CriterionSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, call_id: int):
        call, _settings = access_selection_call(user=request.user, call_id=call_id)
        serializer = CriterionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        criterion = services.criterion_save(call=call, actor=request.user, **serializer.validated_data)
        return Response(CriterionSerializer(criterion).data, status=status.HTTP_201_CREATED)


class CriterionView(GenericAPIView):
    serializer_class = CriterionSerializer

    def _criterion(self, call, criterion_id) -> Criterion:
        try:
            return Criterion.objects.get(pk=criterion_id, call=call)
        except (Criterion.DoesNotExist, ValueError, TypeError):
            raise Http404(_("No such criterion."))

    @extend_schema(
        tags=TAGS,
        operation_id="selection_criteria_partial_update",
        summary="Change a criterion (until the deadline)",
        request=CriterionWriteSerializer(partial=True),
        responses={200: CriterionSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def patch(self, request, call_id: int, criterion_id: int):
        call, _settings = access_selection_call(user=request.user, call_id=call_id)
        criterion = self._criterion(call, criterion_id)
        serializer = CriterionWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        criterion = services.criterion_save(
            call=call, actor=request.user, criterion=criterion, **serializer.validated_data
        )
        return Response(CriterionSerializer(criterion).data)

    @extend_schema(
        tags=TAGS,
        operation_id="selection_criteria_destroy",
        summary="Remove a criterion (until the deadline)",
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def delete(self, request, call_id: int, criterion_id: int):
        call, _settings = access_selection_call(user=request.user, call_id=call_id)
        services.criterion_delete(criterion=self._criterion(call, criterion_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScoresView(GenericAPIView):
    serializer_class = SheetRowSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="selection_scores_list",
        summary="The score sheet: eligible applications with your scores and the bonus flags",
        responses={200: SheetRowSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, call_id: int):
        call, _settings = access_selection_call(user=request.user, call_id=call_id)
        rows = score_sheet(call=call, member=request.user, criteria=call_criteria(call=call))
        return Response(SheetRowSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="selection_scores_create",
        summary="Enter (or clear, with null) your score of an application on a criterion",
        request=ScoreWriteSerializer,
        responses={200: ScoreSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, call_id: int):
        call, _settings = access_selection_call(user=request.user, call_id=call_id)
        serializer = ScoreWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        score = services.score_record(
            call=call,
            member=request.user,
            application_id=data["application"],
            criterion_id=data["criterion"],
            value=data["value"],
        )
        scored_by = scored_by_count(application_id=data["application"], criterion_id=data["criterion"])
        return Response(
            ScoreSerializer(
                {
                    "application": data["application"],
                    "criterion": data["criterion"],
                    "value": score.value if score is not None else None,
                    "scored_by": scored_by,
                }
            ).data
        )


class BonusesView(GenericAPIView):
    serializer_class = BonusSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="selection_bonuses_create",
        summary="Record an applicant's Erasmus+ priorities (first mobility, fewer opportunities)",
        request=BonusWriteSerializer,
        responses={200: BonusSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, call_id: int):
        call, _settings = access_selection_call(user=request.user, call_id=call_id)
        serializer = BonusWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        bonus = services.bonus_record(
            call=call,
            actor=request.user,
            application_id=data["application"],
            first_mobility=data["first_mobility"],
            fewer_opportunities=data["fewer_opportunities"],
        )
        return Response(BonusSerializer(bonus).data)


class RunView(GenericAPIView):
    serializer_class = SelectionDetailSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="selection_run",
        summary="Rank and allocate (after the deadline; again until the result is submitted)",
        description="Answers the call's live result. `scores` lists applications missing a score, `applications` "
        "those still being checked for eligibility, `criteria` a call without rules.",
        request=None,
        responses={200: SelectionDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, call_id: int):
        call, _settings = access_selection_call(user=request.user, call_id=call_id)
        selection = services.selection_run(call=call, actor=request.user)
        return Response(SelectionDetailSerializer(access_selection(user=request.user, selection_id=selection.pk)).data)


class ResultView(GenericAPIView):
    serializer_class = SelectionDetailSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="selection_results_retrieve",
        summary="A selection result: ranking, allocation, reserve lists, status and version",
        responses={200: SelectionDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, selection_id: int):
        return Response(SelectionDetailSerializer(access_selection(user=request.user, selection_id=selection_id)).data)


class ResultSubmitView(GenericAPIView):
    serializer_class = SelectionDetailSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="selection_results_submit",
        summary="Submit the result for approval (or resubmit after it was sent back)",
        description="`result`: not run yet, or scores, rules or places changed since the last run.",
        request=None,
        responses={200: SelectionDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, selection_id: int):
        selection = access_selection(user=request.user, selection_id=selection_id)
        case_submit(case=selection, actor=request.user)
        return Response(SelectionDetailSerializer(access_selection(user=request.user, selection_id=selection_id)).data)


class ResultHistoryView(GenericAPIView):
    serializer_class = SelectionEventSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="selection_results_history",
        summary="The result's timeline",
        responses={200: SelectionEventSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, selection_id: int):
        selection = access_selection(user=request.user, selection_id=selection_id)
        page = self.paginate_queryset(selection_events(selection=selection))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class OfferListView(GenericAPIView):
    serializer_class = OfferSerializer

    def get_queryset(self):
        return offer_list_own(user=self.request.user)

    @extend_schema(
        tags=TAGS,
        operation_id="selection_offers_list",
        summary="Places offered to me",
        responses={200: OfferSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class OfferAcceptView(GenericAPIView):
    serializer_class = OfferSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="selection_offers_accept",
        summary="Accept the place offered (within the window)",
        request=None,
        responses={200: OfferSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, offer_id: int):
        offer = access_offer(user=request.user, offer_id=offer_id)
        services.offer_accept(offer_id=offer.pk, actor=request.user)
        return Response(OfferSerializer(access_offer(user=request.user, offer_id=offer_id)).data)


class OfferDeclineView(GenericAPIView):
    serializer_class = OfferSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="selection_offers_decline",
        summary="Decline the place offered: it passes to the partner's reserve list",
        request=OfferDeclineSerializer,
        responses={200: OfferSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request, offer_id: int):
        offer = access_offer(user=request.user, offer_id=offer_id)
        serializer = OfferDeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.offer_decline(offer_id=offer.pk, actor=request.user, comment=serializer.validated_data["comment"])
        return Response(OfferSerializer(access_offer(user=request.user, offer_id=offer_id)).data)


class AppealListView(GenericAPIView):
    serializer_class = AppealSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="selection_appeals_create",
        summary="Appeal against the published result (reserve list or not selected, within the appeal window)",
        description="Creates the appeal and sends it to the prorector. `application`: not yours to appeal "
        "(`appeal_not_allowed`) or appealed already (`duplicate_appeal`); `reason` is required. "
        "409 `appeal_window_closed` after the window.",
        request=AppealCreateSerializer,
        responses={201: AppealSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @idempotent
    def post(self, request):
        serializer = AppealCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = access_application(user=request.user, application_id=serializer.validated_data["application"])
        appeal = services.appeal_create(
            application=application, actor=request.user, reason=serializer.validated_data["reason"]
        )
        case_submit(case=appeal, actor=request.user)
        return Response(
            AppealSerializer(access_appeal(user=request.user, appeal_id=appeal.pk)).data, status=status.HTTP_201_CREATED
        )


class AppealView(GenericAPIView):
    serializer_class = AppealSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="selection_appeals_retrieve",
        summary="An appeal",
        responses={200: AppealSerializer, 404: NOT_FOUND},
    )
    def get(self, request, appeal_id: int):
        return Response(AppealSerializer(access_appeal(user=request.user, appeal_id=appeal_id)).data)
