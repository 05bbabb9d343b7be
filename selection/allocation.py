"""Ranking and allocation of a competitive call's places: a pure function of its input (no database, no clock).

The rule (published with the call, docs in the README):
1. Applicants are ranked by total score, highest first. Ties are broken by the call's tie-break rule, then by the
   application's number (the lower first), so the order is total and the result never depends on input order.
2. Applicants scoring below the call's minimum are not selected.
3. In rank order, each applicant gets their highest-ranked choice of partner that still has a place.
4. An applicant left without a place is on the reserve list of each of their choices, in rank order.
Every applicant gets the reasons: which of their higher choices were full (and how many places went to applicants
ranked above them), or why they were not selected.

Time O(n log n + n·k) for n applicants with k choices each; memory O(n·k)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class TieBreak(StrEnum):
    BONUS_GPA_SUBMITTED = "bonus_gpa_submitted"
    GPA_SUBMITTED = "gpa_submitted"
    SUBMITTED = "submitted"


class Outcome(StrEnum):
    SELECTED = "selected"
    RESERVE = "reserve"
    NOT_SELECTED = "not_selected"


class Reason(StrEnum):
    # A higher choice whose places all went to applicants ranked higher.
    CHOICE_FULL = "choice_full"
    # A choice that offers no place at all.
    CHOICE_NO_PLACES = "choice_no_places"
    SCORE_BELOW_MINIMUM = "score_below_minimum"
    NO_CHOICES = "no_choices"


_NO_GPA = Decimal("-1")
_NEVER = datetime.max


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    score: Decimal
    # Place ids, the first choice first.
    preferences: tuple[int, ...]
    gpa: Decimal | None = None
    submitted_at: datetime | None = None
    # Holds a priority (first mobility, fewer opportunities): the bonus tie-break puts them first.
    bonus: bool = False


@dataclass(frozen=True, slots=True)
class Explanation:
    reason: Reason
    choice: int = 0  # the choice's rank (1 = first choice), 0 when it concerns no choice
    place: int | None = None
    places: int = 0  # how many places the choice offered (all taken by applicants ranked higher)


@dataclass(frozen=True, slots=True)
class Placement:
    candidate: int
    rank: int
    score: Decimal
    outcome: Outcome
    place: int | None = None
    choice: int = 0
    explanations: tuple[Explanation, ...] = ()


@dataclass(frozen=True)
class Allocation:
    # In rank order.
    placements: tuple[Placement, ...]
    # place id -> the candidates holding its places, in rank order.
    holders: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # place id -> its reserve list, in rank order.
    reserves: dict[int, tuple[int, ...]] = field(default_factory=dict)


def _sort_key(tie_break: TieBreak):
    if tie_break == TieBreak.BONUS_GPA_SUBMITTED:
        return lambda c: (
            -c.score,
            not c.bonus,
            -(c.gpa if c.gpa is not None else _NO_GPA),
            c.submitted_at or _NEVER,
            c.id,
        )
    if tie_break == TieBreak.GPA_SUBMITTED:
        return lambda c: (-c.score, -(c.gpa if c.gpa is not None else _NO_GPA), c.submitted_at or _NEVER, c.id)
    if tie_break == TieBreak.SUBMITTED:
        return lambda c: (-c.score, c.submitted_at or _NEVER, c.id)
    raise ValueError(f"unknown tie-break rule {tie_break!r}")


def rank(
    candidates: Iterable[Candidate], *, tie_break: TieBreak | str = TieBreak.BONUS_GPA_SUBMITTED
) -> list[Candidate]:
    """The candidates in rank order (best first)."""
    return sorted(candidates, key=_sort_key(TieBreak(tie_break)))


def allocate(
    candidates: Iterable[Candidate],
    capacity: Mapping[int, int],
    *,
    tie_break: TieBreak | str = TieBreak.BONUS_GPA_SUBMITTED,
    minimum_score: Decimal = Decimal("0"),
) -> Allocation:
    """Rank the candidates and allocate `capacity` (place id -> places offered) by rank and preference. A
    preference naming a place not in `capacity` offers no place."""
    ranked = rank(candidates, tie_break=tie_break)
    if len({c.id for c in ranked}) != len(ranked):
        raise ValueError("candidate ids must be unique")
    left = {place: max(int(n), 0) for place, n in capacity.items()}
    holders: dict[int, list[int]] = {place: [] for place in left}
    reserves: dict[int, list[int]] = {place: [] for place in left}
    placements: list[Placement] = []
    for position, candidate in enumerate(ranked, 1):
        if candidate.score < minimum_score:
            placements.append(
                Placement(
                    candidate.id,
                    position,
                    candidate.score,
                    Outcome.NOT_SELECTED,
                    explanations=(Explanation(Reason.SCORE_BELOW_MINIMUM),),
                )
            )
            continue
        explanations: list[Explanation] = []
        chosen: int | None = None
        chosen_rank = 0
        for choice, place in enumerate(candidate.preferences, 1):
            if left.get(place, 0) > 0:
                chosen, chosen_rank = place, choice
                break
            offered = capacity.get(place, 0)
            if offered > 0:
                explanations.append(Explanation(Reason.CHOICE_FULL, choice, place, offered))
            else:
                explanations.append(Explanation(Reason.CHOICE_NO_PLACES, choice, place))
        if chosen is not None:
            left[chosen] -= 1
            holders[chosen].append(candidate.id)
            placements.append(
                Placement(
                    candidate.id, position, candidate.score, Outcome.SELECTED, chosen, chosen_rank, tuple(explanations)
                )
            )
            continue
        if not candidate.preferences:
            explanations.append(Explanation(Reason.NO_CHOICES))
        on_lists = [place for place in candidate.preferences if place in reserves and capacity.get(place, 0) > 0]
        for place in on_lists:
            reserves[place].append(candidate.id)
        outcome = Outcome.RESERVE if on_lists else Outcome.NOT_SELECTED
        placements.append(Placement(candidate.id, position, candidate.score, outcome, explanations=tuple(explanations)))
    return Allocation(
        placements=tuple(placements),
        holders={place: tuple(ids) for place, ids in holders.items()},
        reserves={place: tuple(ids) for place, ids in reserves.items()},
    )
