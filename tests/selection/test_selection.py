"""A competitive call's selection end to end on the services and the shared kernel: rules until the deadline, the
committee's scores after it, ranking and allocation, the result case through the head and the prorector (inbox,
decisions, timeline), publication (places taken, offers, reserve lists, each applicant told) and the answers."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from applications.models import ApplicationStatus, CallPlace, CaseEvent
from core.errors import ErrorCode, OfferNotOpen, ScoringClosed, SelectionFrozen, SelectionRulesFrozen
from notifications.models import Notification, NotificationKind
from selection import services
from selection.models import Offer, OfferStatus, ReserveEntry, RulesEvent, SelectionEvent, SelectionStatus
from selection.results import result_sha256
from tests.support.selection import (
    call_places,
    close,
    competitive_call,
    configure,
    decide_result,
    eligible_application,
    published,
    score,
    submitted_result,
)
from workflows.selectors import inbox_tasks, open_task_for_process

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> dict:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


@pytest.fixture
def scored(world):
    """A closed competitive call: partner A with 2 places, B with 1; four eligible applicants scored by both
    committee members (coordinator_ce, staff1): ann 90, bob 80 (first mobility: +5 → 85), cem 70, dan 60."""
    call = competitive_call(world, places=(2, 1))
    a, b = call_places(call)
    configure(world, call)
    ce = world.departments["ce"]
    people = {
        "ann": eligible_application(call, department=ce, choices=[a, b], minutes=1),
        "bob": eligible_application(call, department=ce, choices=[a], minutes=2),
        "cem": eligible_application(call, department=ce, choices=[a, b], minutes=3),
        "dan": eligible_application(call, department=ce, choices=[b, a], minutes=4),
    }
    close(call)
    marks = {"ann": ("9", "9", "18"), "bob": ("8", "8", "16"), "cem": ("7", "7", "14"), "dan": ("6", "6", "12")}
    for name, values in marks.items():
        score(call, world.coordinator_ce, people[name], values)
        score(call, world.staff1, people[name], values)
    services.bonus_record(
        call=call,
        actor=world.coordinator_ce,
        application_id=people["bob"].pk,
        first_mobility=True,
        fewer_opportunities=False,
    )
    return call, a, b, people


def test_rules_are_set_until_the_deadline_by_whoever_manages_the_call(world):
    call = competitive_call(world)
    configure(world, call)
    assert [c.name for c in call.selection_criteria.all()] == ["Motivation", "Language", "Interview"]
    assert RulesEvent.objects.filter(call=call, action=RulesEvent.Action.CRITERION_ADDED).count() == 3
    # a coordinator of another department may not; a student may not sit on the committee
    with pytest.raises(PermissionDenied):
        services.criterion_save(call=call, actor=world.coordinator_math, name="X", weight=1, max_score=1)
    with pytest.raises(ValidationError) as refused:
        services.selection_settings_save(
            call=call, actor=world.coordinator_ce, committee=[world.student1], department=world.departments["ce"]
        )
    assert codes(refused.value) == {"committee": [ErrorCode.SELECTION_NOT_COMMITTEE]}
    # after the deadline the rules are frozen
    close(call)
    with pytest.raises(SelectionRulesFrozen):
        services.criterion_save(call=call, actor=world.coordinator_ce, name="Late", weight=1, max_score=1)


def test_scores_come_after_the_deadline_from_the_committee_only_and_within_range(world):
    call = competitive_call(world)
    configure(world, call)
    (a, _b) = call_places(call)
    application = eligible_application(call, department=world.departments["ce"], choices=[a])
    criterion = call.selection_criteria.first()
    with pytest.raises(ScoringClosed):
        services.score_record(
            call=call, member=world.staff1, application_id=application.pk, criterion_id=criterion.pk, value=1
        )
    close(call)
    with pytest.raises(PermissionDenied):
        services.score_record(
            call=call, member=world.head_ce, application_id=application.pk, criterion_id=criterion.pk, value=1
        )
    with pytest.raises(ValidationError) as refused:
        services.score_record(
            call=call,
            member=world.staff1,
            application_id=application.pk,
            criterion_id=criterion.pk,
            value=Decimal("10.5"),
        )
    assert codes(refused.value) == {"value": [ErrorCode.SCORE_OUT_OF_RANGE]}
    services.score_record(
        call=call, member=world.staff1, application_id=application.pk, criterion_id=criterion.pk, value=Decimal("7")
    )
    line = RulesEvent.objects.get(call=call, action=RulesEvent.Action.SCORED)
    assert line.data == {"criterion": criterion.pk, "before": None, "after": "7"}
    # the allocation waits for every criterion of every application
    with pytest.raises(ValidationError) as missing:
        services.selection_run(call=call, actor=world.coordinator_ce)
    assert codes(missing.value) == {"scores": [ErrorCode.SCORES_MISSING]}


def test_ranking_allocation_and_explanations(world, scored):
    call, a, b, people = scored
    selection = services.selection_run(call=call, actor=world.coordinator_ce)
    ranking = {entry["application"]: entry for entry in selection.result["ranking"]}
    # ann 90, bob 80 + 5 bonus, cem 70, dan 60 (weights 50/30/20 on marks out of 10/10/20)
    assert [ranking[people[n].pk]["score"] for n in ("ann", "bob", "cem", "dan")] == [
        "90.00",
        "85.00",
        "70.00",
        "60.00",
    ]
    assert ranking[people["ann"].pk]["partner"] == a.partner.name
    assert ranking[people["bob"].pk]["place"] == a.pk
    # cem's first choice went to ann and bob: B, the second choice
    assert ranking[people["cem"].pk]["place"] == b.pk
    assert ranking[people["cem"].pk]["explanations"][0] == {
        "reason": "choice_full",
        "choice": 1,
        "place": a.pk,
        "partner": a.partner.name,
        "places": 2,
    }
    assert ranking[people["dan"].pk]["outcome"] == "reserve"
    assert selection.result_sha256 == result_sha256(selection.result)
    assert selection.events.filter(action=SelectionEvent.Action.ALLOCATED).count() == 1
    # re-runnable: a changed score gives a new version; submitting the old one is refused
    services.score_record(
        call=call,
        member=world.staff1,
        application_id=people["dan"].pk,
        criterion_id=call.selection_criteria.first().pk,
        value=Decimal("10"),
    )
    with pytest.raises(ValidationError) as outdated:
        services.selection_submit(selection=selection, actor=world.coordinator_ce)
    assert codes(outdated.value) == {"result": [ErrorCode.SELECTION_OUTDATED]}
    again = services.selection_run(call=call, actor=world.coordinator_ce)
    assert again.pk == selection.pk and again.result_sha256 != selection.result_sha256


def test_the_result_goes_through_head_and_prorector_and_publication_takes_the_places(world, scored):
    call, a, b, people = scored
    selection = submitted_result(world, call)
    assert selection.status == SelectionStatus.HEAD_REVIEW
    task = open_task_for_process(selection.process)
    assert task in inbox_tasks(user=world.head_ce) and task not in inbox_tasks(user=world.head_math)
    # frozen while under review
    with pytest.raises(SelectionFrozen):
        services.selection_run(call=call, actor=world.coordinator_ce)
    with pytest.raises(ScoringClosed):
        score(call, world.staff1, people["dan"], ("10", "10", "20"))

    decide_result(world.head_ce, selection)
    selection.refresh_from_db()
    assert selection.status == SelectionStatus.PRORECTOR_REVIEW
    selection = decide_result(world.prorector, selection)
    assert selection.status == SelectionStatus.PUBLISHED and selection.published_at is not None

    statuses = {name: app.__class__.objects.get(pk=app.pk).status for name, app in people.items()}
    assert statuses == {
        "ann": ApplicationStatus.SELECTED,
        "bob": ApplicationStatus.SELECTED,
        "cem": ApplicationStatus.SELECTED,
        "dan": ApplicationStatus.RESERVE,
    }
    assert [p.places_taken for p in CallPlace.objects.filter(pk__in=[a.pk, b.pk]).order_by("pk")] == [2, 1]
    assert Offer.objects.filter(selection=selection, status=OfferStatus.OPEN).count() == 3
    assert list(ReserveEntry.objects.filter(selection=selection).values_list("place_id", "application_id")) == [
        (a.pk, people["dan"].pk),
        (b.pk, people["dan"].pk),
    ]
    # the timeline of the result: allocated, submitted, the two approvals, published (with the version)
    assert list(selection.events.values_list("action", flat=True)) == [
        "created",
        "allocated",
        "submitted",
        "approved",
        "approved",
        "published",
    ]
    assert selection.events.get(action="published").data["sha256"] == selection.result_sha256
    # each application's timeline and each applicant told, in their language
    cem = people["cem"]
    line = CaseEvent.objects.get(application=cem, action=CaseEvent.Action.SELECTED)
    assert line.data["partner"] == b.partner.name and line.data["choice_rank"] == 2
    told = Notification.objects.get(recipient=cem.applicant, kind=NotificationKind.SELECTION_RESULT, channel="email")
    assert b.partner.name in told.subject
    assert "went to applicants with higher scores" in told.body
    dan_told = Notification.objects.get(
        recipient=people["dan"].applicant, kind=NotificationKind.SELECTION_RESULT, channel="email"
    )
    assert "reserve list" in dan_told.body
    # published and frozen
    with pytest.raises(SelectionFrozen):
        services.selection_run(call=call, actor=world.coordinator_ce)


def test_sent_back_the_coordinator_runs_again_and_resubmits(world, scored):
    call, _a, _b, people = scored
    selection = submitted_result(world, call)
    decide_result(world.head_ce, selection, "request_changes", "Check the interview marks.")
    selection.refresh_from_db()
    assert selection.status == SelectionStatus.CHANGES_REQUESTED
    score(call, world.staff1, people["dan"], ("10", "10", "20"))
    selection = services.selection_run(call=call, actor=world.coordinator_ce)
    from workflows.services import case_submit

    selection = case_submit(case=selection, actor=world.coordinator_ce)
    assert selection.status == SelectionStatus.HEAD_REVIEW
    assert list(selection.events.values_list("action", flat=True))[-2:] == ["allocated", "resubmitted"]


def test_a_decline_passes_the_place_to_the_reserve_list_and_silence_too(world, scored):
    call, a, b, people = scored
    selection = published(world, call)
    cem_offer = Offer.objects.get(application=people["cem"])
    # cem declines B: dan, first on B's reserve list, is offered it with the same window
    with pytest.raises(PermissionDenied):
        services.offer_decline(offer_id=cem_offer.pk, actor=people["dan"].applicant)
    services.offer_decline(offer_id=cem_offer.pk, actor=people["cem"].applicant, comment="Staying home")
    dan = people["dan"].__class__.objects.get(pk=people["dan"].pk)
    assert dan.status == ApplicationStatus.SELECTED and dan.nominated_place_id == b.pk
    dan_offer = Offer.objects.get(application=dan, status=OfferStatus.OPEN)
    assert dan_offer.from_reserve and dan_offer.respond_by - dan_offer.offered_at == timedelta(days=5)
    assert CallPlace.objects.get(pk=b.pk).places_taken == 1
    assert Notification.objects.filter(recipient=dan.applicant, kind=NotificationKind.PLACE_OFFERED).exists()
    assert CaseEvent.objects.filter(application=dan, action=CaseEvent.Action.PROMOTED).exists()
    # ann accepts; answering twice is a conflict
    ann_offer = Offer.objects.get(application=people["ann"])
    services.offer_accept(offer_id=ann_offer.pk, actor=people["ann"].applicant)
    with pytest.raises(OfferNotOpen):
        services.offer_decline(offer_id=ann_offer.pk, actor=people["ann"].applicant)
    # dan does not answer in time: the sweep expires it and, with nobody left on B's list, the place is free again
    Offer.objects.filter(pk=dan_offer.pk).update(
        offered_at=dan_offer.offered_at - timedelta(days=10), respond_by=dan_offer.offered_at - timedelta(days=4)
    )
    assert services.offers_expire() == 1
    assert services.offers_expire() == 0  # idempotent
    assert Offer.objects.get(pk=dan_offer.pk).status == OfferStatus.EXPIRED
    assert CallPlace.objects.get(pk=b.pk).places_taken == 0
    assert CaseEvent.objects.filter(application=dan, action=CaseEvent.Action.OFFER_EXPIRED).exists()
    assert selection.status == SelectionStatus.PUBLISHED


def test_the_published_result_is_append_only_history_on_postgresql(world, scored):
    call, *_ = scored
    selection = published(world, call)
    event = selection.events.first()
    with (
        pytest.raises(DatabaseError, match="append-only|Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE selection_selectionevent SET comment = 'x' WHERE id = %s", [event.pk])
