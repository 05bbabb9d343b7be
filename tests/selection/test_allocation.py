"""The allocation of a competitive call's places (selection.allocation), a pure function: properties over generated
calls (hypothesis) and the worked examples the office reads in the explanations."""

import subprocess
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings as settings_module
from hypothesis import given, settings
from hypothesis import strategies as st

from selection.allocation import Candidate, Outcome, Reason, TieBreak, allocate, rank

START = datetime(2026, 3, 1, 9, 0)


@st.composite
def calls(draw):
    """A call: 1–8 partners with 0–4 places, 0–40 candidates with 0–3 distinct choices, scores from a small
    range (so ties happen), optional GPA, bonus and submission time."""
    places = draw(st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=8))
    capacity = {100 + i: n for i, n in enumerate(places)}
    place_ids = sorted(capacity)
    count = draw(st.integers(min_value=0, max_value=40))
    candidates = []
    for i in range(count):
        preferences = draw(st.lists(st.sampled_from(place_ids), max_size=3, unique=True))
        candidates.append(
            Candidate(
                id=1000 + i,
                score=Decimal(draw(st.integers(min_value=0, max_value=12))) / 2,
                preferences=tuple(preferences),
                gpa=draw(st.one_of(st.none(), st.integers(min_value=50, max_value=100).map(Decimal))),
                submitted_at=START + timedelta(minutes=draw(st.integers(min_value=0, max_value=5))),
                bonus=draw(st.booleans()),
            )
        )
    tie_break = draw(st.sampled_from(list(TieBreak)))
    minimum = Decimal(draw(st.integers(min_value=0, max_value=3)))
    return candidates, capacity, tie_break, minimum


@settings(max_examples=300, deadline=None)
@given(calls())
def test_never_over_capacity_and_every_place_held_once(call):
    candidates, capacity, tie_break, minimum = call
    result = allocate(candidates, capacity, tie_break=tie_break, minimum_score=minimum)
    for place, holders in result.holders.items():
        assert len(holders) <= capacity[place]
    held = [c for holders in result.holders.values() for c in holders]
    assert len(held) == len(set(held))
    selected = {p.candidate for p in result.placements if p.outcome == Outcome.SELECTED}
    assert selected == set(held)


@settings(max_examples=300, deadline=None)
@given(calls())
def test_no_applicant_holds_a_lower_preference_while_a_higher_one_went_to_a_lower_ranked_applicant(call):
    candidates, capacity, tie_break, minimum = call
    result = allocate(candidates, capacity, tie_break=tie_break, minimum_score=minimum)
    rank_of = {p.candidate: p.rank for p in result.placements}
    placement = {p.candidate: p for p in result.placements}
    for candidate in candidates:
        mine = placement[candidate.id]
        if mine.outcome == Outcome.NOT_SELECTED and candidate.score < minimum:
            continue
        # the preferences above the one they hold (all of them if they hold none)
        higher = candidate.preferences[: mine.choice - 1] if mine.choice else candidate.preferences
        for place in higher:
            # every holder of a preference they wanted more is ranked above them, and no place there is left
            assert all(rank_of[holder] < mine.rank for holder in result.holders.get(place, ()))
            assert len(result.holders.get(place, ())) == capacity.get(place, 0)


@settings(max_examples=200, deadline=None)
@given(calls(), st.randoms(use_true_random=False))
def test_same_input_same_output_whatever_the_order(call, shuffler):
    candidates, capacity, tie_break, minimum = call
    first = allocate(candidates, capacity, tie_break=tie_break, minimum_score=minimum)
    shuffled = list(candidates)
    shuffler.shuffle(shuffled)
    again = allocate(shuffled, dict(reversed(list(capacity.items()))), tie_break=tie_break, minimum_score=minimum)
    assert again == first


@settings(max_examples=200, deadline=None)
@given(calls())
def test_higher_scores_rank_first_and_reserve_lists_follow_the_ranking(call):
    candidates, capacity, tie_break, minimum = call
    result = allocate(candidates, capacity, tie_break=tie_break, minimum_score=minimum)
    scores = [p.score for p in result.placements]
    assert scores == sorted(scores, reverse=True)
    rank_of = {p.candidate: p.rank for p in result.placements}
    outcome = {p.candidate: p.outcome for p in result.placements}
    for reserve in result.reserves.values():
        assert [rank_of[c] for c in reserve] == sorted(rank_of[c] for c in reserve)
        assert all(outcome[c] == Outcome.RESERVE for c in reserve)


def test_the_highest_scored_gets_their_first_choice_and_the_others_learn_why():
    # given two places at A and one at B; three applicants want A first
    a, b = 1, 2
    candidates = [
        Candidate(id=10, score=Decimal("80"), preferences=(a, b)),
        Candidate(id=11, score=Decimal("90"), preferences=(a,)),
        Candidate(id=12, score=Decimal("85"), preferences=(a, b)),
        Candidate(id=13, score=Decimal("70"), preferences=(a, b)),
    ]
    # when allocated
    result = allocate(candidates, {a: 2, b: 1})
    by_id = {p.candidate: p for p in result.placements}
    # then 11 and 12 take A, 10 gets its second choice B and is told why; 13 waits on both reserve lists
    assert result.holders == {a: (11, 12), b: (10,)}
    assert (by_id[10].outcome, by_id[10].place, by_id[10].choice) == (Outcome.SELECTED, b, 2)
    assert by_id[10].explanations[0].reason == Reason.CHOICE_FULL and by_id[10].explanations[0].places == 2
    assert by_id[13].outcome == Outcome.RESERVE
    assert result.reserves == {a: (13,), b: (13,)}


def test_ties_follow_the_rule_then_the_application_number():
    same = Decimal("50")
    early, late = START, START + timedelta(hours=1)
    candidates = [
        Candidate(id=3, score=same, preferences=(1,), gpa=Decimal("90"), submitted_at=late, bonus=False),
        Candidate(id=2, score=same, preferences=(1,), gpa=Decimal("80"), submitted_at=early, bonus=True),
        Candidate(id=1, score=same, preferences=(1,), gpa=Decimal("80"), submitted_at=early, bonus=True),
    ]
    assert [c.id for c in rank(candidates, tie_break=TieBreak.BONUS_GPA_SUBMITTED)] == [1, 2, 3]
    assert [c.id for c in rank(candidates, tie_break=TieBreak.GPA_SUBMITTED)] == [3, 1, 2]
    assert [c.id for c in rank(candidates, tie_break=TieBreak.SUBMITTED)] == [1, 2, 3]


def test_below_the_minimum_is_not_selected_even_with_places_left():
    result = allocate([Candidate(id=1, score=Decimal("9.99"), preferences=(5,))], {5: 3}, minimum_score=Decimal("10"))
    (placement,) = result.placements
    assert placement.outcome == Outcome.NOT_SELECTED
    assert placement.explanations[0].reason == Reason.SCORE_BELOW_MINIMUM
    assert result.reserves == {5: ()}


def test_a_tiny_run_of_the_benchmark():
    # bench/selection.py at a tiny size, as a user runs it: it allocates every place and prints its figures
    bench = Path(settings_module.BASE_DIR) / "bench" / "selection.py"
    run = subprocess.run(
        [sys.executable, str(bench), "--applicants", "300", "--partners", "12", "--places", "40"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "300 applicants, 12 partners, 40 places: 40 selected" in run.stdout
    assert "rank + allocate:" in run.stdout and "peak memory" in run.stdout
