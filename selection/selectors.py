"""Reads of a call's selection, permission-checked (404 for what does not exist and what is not yours alike), in a
constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Application, ApplicationStatus, Call, HostChoice, SelectionMode
from selection.models import (
    Appeal,
    ApplicantBonus,
    Criterion,
    Offer,
    Score,
    Selection,
    SelectionEvent,
    SelectionSettings,
    SelectionStatus,
)
from selection.permissions import can_appeal, can_view_appeal, can_view_scores, can_view_selection


def selection_settings_of(*, call: Call) -> SelectionSettings | None:
    return (
        SelectionSettings.objects.filter(call=call).select_related("department").prefetch_related("committee").first()
    )


def call_criteria(*, call: Call) -> list[Criterion]:
    return list(Criterion.objects.filter(call=call).order_by("position", "pk"))


def access_selection_call(*, user: User | AnonymousUser, call_id: int | str) -> tuple[Call, SelectionSettings | None]:
    """A competitive call and its selection rules, for the committee, whoever manages the call and those who read
    every case; 404 otherwise."""
    try:
        call = Call.objects.prefetch_related("departments").get(pk=call_id, selection_mode=SelectionMode.COMPETITIVE)
    except (Call.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such competitive call."))
    settings = selection_settings_of(call=call)
    if not can_view_scores(user, call, settings):
        raise Http404(_("No such competitive call."))
    return call, settings


def live_selection(*, call: Call) -> Selection | None:
    """The call's result that is not rejected (at most one)."""
    return Selection.objects.filter(call=call).exclude(status=SelectionStatus.REJECTED).first()


@dataclass
class SheetRow:
    application: Application
    choices: list[HostChoice]
    # criterion id -> this member's score (None: not scored by them yet)
    mine: dict[int, Decimal | None]
    # criterion id -> how many members scored it
    scored_by: dict[int, int]
    first_mobility: bool = False
    fewer_opportunities: bool = False
    cells: list[dict[str, Any]] = field(default_factory=list)


def score_sheet(*, call: Call, member: User, criteria: list[Criterion]) -> list[SheetRow]:
    """The eligible applications of a call with this member's scores, how many members scored each criterion and
    the bonus flags: four queries whatever the number of applications."""
    applications = list(
        Application.objects.filter(call=call, status=ApplicationStatus.ELIGIBLE)
        .select_related("applicant")
        .prefetch_related(
            Prefetch("choices", queryset=HostChoice.objects.select_related("place__partner").order_by("rank"))
        )
        .order_by("pk")
    )
    mine: dict[tuple[int, int], Decimal] = {}
    counts: dict[tuple[int, int], int] = {}
    for application_id, criterion_id, member_id, value in Score.objects.filter(
        application__in=applications, criterion__in=criteria
    ).values_list("application_id", "criterion_id", "member_id", "value"):
        key = (application_id, criterion_id)
        counts[key] = counts.get(key, 0) + 1
        if member_id == member.pk:
            mine[key] = value
    bonuses = {b.application_id: b for b in ApplicantBonus.objects.filter(application__in=applications)}
    rows = []
    for application in applications:
        bonus = bonuses.get(application.pk)
        row = SheetRow(
            application=application,
            choices=list(application.choices.all()),
            mine={c.pk: mine.get((application.pk, c.pk)) for c in criteria},
            scored_by={c.pk: counts.get((application.pk, c.pk), 0) for c in criteria},
            first_mobility=bool(bonus and bonus.first_mobility),
            fewer_opportunities=bool(bonus and bonus.fewer_opportunities),
        )
        row.cells = [{"criterion": c, "value": row.mine[c.pk], "scored_by": row.scored_by[c.pk]} for c in criteria]
        rows.append(row)
    return rows


def access_selection(*, user: User | AnonymousUser, selection_id: int | str) -> Selection:
    try:
        selection = Selection.objects.select_related(
            "call__selection_settings", "department", "created_by", "submitted_by"
        ).get(pk=selection_id)
    except (Selection.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such selection result."))
    if not can_view_selection(user, selection):
        raise Http404(_("No such selection result."))
    return selection


def selection_events(*, selection: Selection) -> QuerySet[SelectionEvent]:
    return selection.events.select_related("actor").order_by("created_at", "pk")


def offer_list_own(*, user: User) -> QuerySet[Offer]:
    return (
        Offer.objects.filter(application__applicant=user)
        .select_related("application__call", "place__partner")
        .order_by("-offered_at", "-pk")
    )


def access_offer(*, user: User | AnonymousUser, offer_id: int | str) -> Offer:
    """An offer of the applicant's own; 404 for anyone else's."""
    if not user.is_authenticated:
        raise Http404(_("No such offer."))
    try:
        return offer_list_own(user=user).get(pk=offer_id)
    except (Offer.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such offer."))


def scored_by_count(*, application_id: int, criterion_id: int) -> int:
    """How many committee members scored this application on this criterion."""
    return Score.objects.filter(application_id=application_id, criterion_id=criterion_id).count()


SELECTION_ACTIONS = (
    "selected",
    "reserve_listed",
    "not_selected",
    "promoted",
    "place_accepted",
    "place_declined",
    "offer_expired",
    "appealed",
    "appeal_upheld",
    "appeal_dismissed",
)


def appeal_window_open(*, application: Application) -> bool:
    """Whether the call's published result can still be appealed against."""
    selection = (
        Selection.objects.filter(call_id=application.call_id, status=SelectionStatus.PUBLISHED)
        .select_related("call__selection_settings")
        .first()
    )
    if selection is None or selection.published_at is None:
        return False
    return timezone.now() < selection.published_at + timedelta(days=selection.call.selection_settings.appeal_days)


def application_selection(*, application: Application, user: Any = None) -> dict[str, Any] | None:
    """What an application's page shows of its selection: the last selection line of its timeline (with the
    reasons it carries), its live offer, its appeal and whether `user` may appeal now. None for an application no
    selection has touched."""
    from applications.models import CaseEvent

    event = (
        CaseEvent.objects.filter(application=application, action__in=SELECTION_ACTIONS)
        .order_by("-created_at", "-pk")
        .first()
    )
    if event is None:
        return None
    offer = (
        Offer.objects.filter(application=application, status__in=["open", "accepted"])
        .select_related("place__partner", "application")
        .first()
    )
    appeal = appeal_of(application=application)
    may_appeal = (
        appeal is None
        and user is not None
        and can_appeal(user, application)
        and appeal_window_open(application=application)
    )
    return {"event": event, "offer": offer, "appeal": appeal, "may_appeal": may_appeal}


def access_appeal(*, user: User | AnonymousUser, appeal_id: int | str) -> Appeal:
    try:
        appeal = Appeal.objects.select_related("application__call", "applicant", "department", "selection").get(
            pk=appeal_id
        )
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such appeal."))
    if not can_view_appeal(user, appeal):
        raise Http404(_("No such appeal."))
    return appeal


def appeal_of(*, application: Application) -> Appeal | None:
    return Appeal.objects.filter(application=application).first()
