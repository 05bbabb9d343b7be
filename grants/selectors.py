"""Reads of nominations and grants: who is ready to be nominated to which partner, a call's nominations, a
partner's and an agreement's, the rate tables. Permission-checked fetches raise 404 for missing and not yours."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from agreements.models import Agreement
from applications.models import Application, ApplicationStatus, Call, CallPlace, SelectionMode
from grants.models import CountryGroup, Grant, Nomination, NominationEvent, RateTable
from grants.permissions import can_manage_rates, can_view_nominations
from partners.models import PartnerInstitution


def access_nomination_call(*, user: User | AnonymousUser, call_id: int | str) -> Call:
    """A call's nominations page: the office's staff who read calls."""
    if not can_view_nominations(user):
        raise Http404(_("No such call."))
    try:
        return Call.objects.prefetch_related("departments").get(pk=call_id)
    except (Call.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such call."))


def access_rate_table(*, user: User | AnonymousUser, table_id: int | str) -> RateTable:
    if not can_manage_rates(user):
        raise Http404(_("No such rate table."))
    try:
        return RateTable.objects.prefetch_related("rates__group").get(pk=table_id)
    except (RateTable.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such rate table."))


def candidates_q(call: Call) -> Q:
    """The applications of a call ready to be nominated: in a competitive call, those who accepted their place; in
    a rolling call, the approved applications with a place."""
    if call.selection_mode == SelectionMode.COMPETITIVE:
        return Q(status=ApplicationStatus.ACCEPTED, offers__status="accepted")
    return Q(status=ApplicationStatus.APPROVED, nominated_place__isnull=False)


def candidates_by_place(*, call: Call) -> dict[int, list[Application]]:
    """{call place id: the applications ready to be nominated to its partner}."""
    found: dict[int, list[Application]] = {}
    rows = (
        Application.objects.filter(candidates_q(call), call=call)
        .select_related("applicant", "nominated_place")
        .prefetch_related(Prefetch("offers", to_attr="all_offers"))
        .order_by("pk")
        .distinct()
    )
    for application in rows:
        place_id = _place_of(application, call)
        if place_id is not None:
            found.setdefault(place_id, []).append(application)
    return found


def _place_of(application: Application, call: Call) -> int | None:
    if call.selection_mode == SelectionMode.COMPETITIVE:
        accepted = [o for o in getattr(application, "all_offers", application.offers.all()) if o.status == "accepted"]
        return accepted[0].place_id if accepted else None
    return application.nominated_place_id


@dataclass
class PartnerRow:
    place: CallPlace
    candidates: list[Application]
    nominations: list[Nomination] = field(default_factory=list)

    @property
    def nomination_ids(self) -> list[int]:
        return [n.pk for n in self.nominations]


def call_nomination_rows(*, call: Call) -> list[PartnerRow]:
    """One row per partner of the call: who is ready to be nominated, and its nominations (each with its grants,
    its timeline and whether its letter is issued: `letter_ready`)."""
    candidates = candidates_by_place(call=call)
    nominations: dict[int, list[Nomination]] = {}
    for nomination in (
        Nomination.objects.filter(call=call)
        .select_related("nominated_by")
        .prefetch_related(
            Prefetch(
                "grants",
                queryset=Grant.objects.select_related("application__applicant").order_by("application_id"),
                to_attr="grant_list",
            ),
            Prefetch("events", queryset=NominationEvent.objects.order_by("created_at", "pk"), to_attr="event_list"),
        )
        .order_by("created_at", "pk")
    ):
        events: list[NominationEvent] = getattr(nomination, "event_list", [])
        nomination.letter_ready = any(  # type: ignore[attr-defined]
            e.action == NominationEvent.Action.LETTER_ISSUED for e in events
        )
        nominations.setdefault(nomination.partner_id, []).append(nomination)
    return [
        PartnerRow(
            place=place,
            candidates=candidates.get(place.pk, []),
            nominations=nominations.get(place.partner_id, []),
        )
        for place in CallPlace.objects.filter(call=call).select_related("partner").order_by("partner__name", "pk")
    ]


def nominations_of_partner(*, partner: PartnerInstitution) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(partner=partner)
        .select_related("call", "nominated_by")
        .prefetch_related("grants__application__applicant")
    )


def nominations_of_agreement(*, agreement: Agreement) -> QuerySet[Nomination]:
    """The nominations to the agreement's partner from calls whose places came from its quotas."""
    return (
        nominations_of_partner(partner=agreement.partner)
        .filter(call__places__partner_id=agreement.partner_id, call__places__quota__agreement=agreement)
        .distinct()
    )


def nomination_events(*, nomination: Nomination) -> QuerySet[NominationEvent]:
    return nomination.events.select_related("actor").order_by("created_at", "pk")


def call_grants(*, call: Call) -> QuerySet[Grant]:
    return (
        Grant.objects.filter(nomination__call=call)
        .select_related("application__applicant", "nomination__partner")
        .order_by("nomination__partner__name", "application_id")
    )


def grant_of(*, application: Application) -> Grant | None:
    return Grant.objects.filter(application=application).select_related("nomination__partner").first()


def rate_tables() -> QuerySet[RateTable]:
    return RateTable.objects.prefetch_related("rates__group")


def country_groups() -> QuerySet[CountryGroup]:
    return CountryGroup.objects.prefetch_related("members")
