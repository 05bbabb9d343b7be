"""The selection result as the office records and publishes it: what the allocation (selection.allocation) decided,
turned into canonical JSON with its SHA-256 (the same canonical form as agreements' terms), and each applicant's
explanation in words, in the active language."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from agreements.terms import canonical_json, terms_sha256
from selection.allocation import Allocation, Outcome, Reason

RESULT_FORMAT = 1


def result_sha256(result: dict[str, Any]) -> str:
    return terms_sha256(result)


def result_json(result: dict[str, Any]) -> str:
    return canonical_json(result)


def build_result(
    *,
    call_id: int,
    allocation: Allocation,
    rules: dict[str, Any],
    applicants: Mapping[int, dict[str, Any]],
    places: Mapping[int, dict[str, Any]],
) -> dict[str, Any]:
    """The result document. `applicants`: application id -> what the ranking shows of it (name, score parts);
    `places`: place id -> partner name and capacity. Everything in it is a string, a number or a list, so that
    the canonical JSON (and its hash) is stable."""

    def partner(place_id: int | None) -> str:
        return str(places[place_id]["partner"]) if place_id is not None and place_id in places else ""

    ranking = []
    for placement in allocation.placements:
        ranking.append(
            {
                **applicants[placement.candidate],
                "application": placement.candidate,
                "rank": placement.rank,
                "score": str(placement.score),
                "outcome": str(placement.outcome),
                "place": placement.place,
                "partner": partner(placement.place),
                "choice": placement.choice,
                "explanations": [
                    {
                        "reason": str(e.reason),
                        "choice": e.choice,
                        "place": e.place,
                        "partner": partner(e.place),
                        "places": e.places,
                    }
                    for e in placement.explanations
                ],
            }
        )
    return {
        "format": RESULT_FORMAT,
        "call": call_id,
        "rules": rules,
        "ranking": ranking,
        "places": [
            {
                "place": place_id,
                "partner": partner(place_id),
                "capacity": int(places[place_id]["capacity"]),
                "holders": list(allocation.holders.get(place_id, ())),
                "reserve": list(allocation.reserves.get(place_id, ())),
            }
            for place_id in sorted(places)
        ],
    }


def explanation_texts(entry: dict[str, Any], *, minimum_score: str | Decimal = "") -> list[str]:
    """Why a ranking entry ended as it did, one sentence per reason, in the active language."""
    texts = []
    for item in entry.get("explanations", []):
        reason = item.get("reason")
        values = {"choice": item.get("choice"), "partner": item.get("partner"), "places": item.get("places")}
        if reason == Reason.CHOICE_FULL:
            texts.append(
                _(
                    "Your choice %(choice)s (%(partner)s): its %(places)s place(s) went to applicants with higher "
                    "scores."
                )
                % values
            )
        elif reason == Reason.CHOICE_NO_PLACES:
            texts.append(_("Your choice %(choice)s (%(partner)s) offers no place in this call.") % values)
        elif reason == Reason.SCORE_BELOW_MINIMUM:
            texts.append(
                _("Your score is below the call's minimum of %(minimum)s points.") % {"minimum": minimum_score}
            )
        elif reason == Reason.NO_CHOICES:
            texts.append(_("You chose no host institution."))
    if entry.get("outcome") == Outcome.SELECTED:
        texts.append(
            _("You are selected for your choice %(choice)s, %(partner)s.")
            % {"choice": entry.get("choice"), "partner": entry.get("partner")}
        )
    return texts


def outcome_label(outcome: str) -> str:
    return {
        Outcome.SELECTED: _("Selected"),
        Outcome.RESERVE: _("Reserve list"),
        Outcome.NOT_SELECTED: _("Not selected"),
    }.get(outcome, outcome)
