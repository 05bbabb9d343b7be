"""Races on real PostgreSQL (threads, each on its own connection, released together): an acceptance, declines,
reserve promotions and the expiry sweep never leave a place below zero or over capacity, never promote one
reserve applicant twice, and exactly one answer to an offer wins."""

from datetime import timedelta

import pytest

from accounts.models import User
from applications.models import Application, ApplicationStatus, CallPlace
from core.errors import OfferNotOpen
from selection import services
from selection.models import Offer, OfferStatus
from tests.support.concurrency import run_together
from tests.support.selection import (
    call_places,
    close,
    competitive_call,
    configure,
    eligible_application,
    published,
    score,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def race(world):
    """Published: A (2 places) held by ann and bob, B (1 place) by cem; dan waits on both reserve lists."""
    call = competitive_call(world, places=(2, 1))
    a, b = call_places(call)
    configure(world, call, committee=[world.staff1])
    ce = world.departments["ce"]
    people = {
        "ann": eligible_application(call, department=ce, choices=[a]),
        "bob": eligible_application(call, department=ce, choices=[a]),
        "cem": eligible_application(call, department=ce, choices=[b]),
        "dan": eligible_application(call, department=ce, choices=[a, b]),
    }
    close(call)
    for name, mark in (("ann", "9"), ("bob", "8"), ("cem", "7"), ("dan", "6")):
        score(call, world.staff1, people[name], (mark, mark, mark))
    published(world, call)
    return a, b, people


def offer_of(application) -> Offer:
    return Offer.objects.get(application=application, status__in=[OfferStatus.OPEN, OfferStatus.ACCEPTED])


def as_applicant(application, action, **kwargs):
    def job():
        user = User.objects.get(pk=application.applicant_id)
        offer_id = Offer.objects.get(application_id=application.pk, status=OfferStatus.OPEN).pk
        return action(offer_id=offer_id, actor=user, **kwargs)

    return job


def assert_places_sound(*places):
    for place in places:
        place = CallPlace.objects.get(pk=place.pk)
        live = Offer.objects.filter(place=place, status__in=[OfferStatus.OPEN, OfferStatus.ACCEPTED]).count()
        assert 0 <= place.places_taken <= place.places
        assert place.places_taken == live, (place, place.places_taken, live)


def test_accept_and_decline_of_one_offer_race_and_exactly_one_wins(race):
    a, b, people = race
    ann = people["ann"]
    offer_id = offer_of(ann).pk
    user = User.objects.get(pk=ann.applicant_id)
    outcomes = run_together(
        lambda: services.offer_accept(offer_id=offer_id, actor=user),
        lambda: services.offer_decline(offer_id=offer_id, actor=user),
    )
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], OfferNotOpen), outcomes
    assert_places_sound(a, b)


def test_two_declines_at_one_partner_promote_the_reserve_applicant_once(race):
    a, b, people = race
    outcomes = run_together(
        as_applicant(people["ann"], services.offer_decline), as_applicant(people["bob"], services.offer_decline)
    )
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    dan = Application.objects.get(pk=people["dan"].pk)
    assert dan.status == ApplicationStatus.SELECTED
    assert Offer.objects.filter(application=dan, status=OfferStatus.OPEN).count() == 1
    assert CallPlace.objects.get(pk=a.pk).places_taken == 1
    assert_places_sound(a, b)


def test_declines_at_two_partners_race_for_the_same_reserve_applicant(race):
    a, b, people = race
    outcomes = run_together(
        as_applicant(people["ann"], services.offer_decline), as_applicant(people["cem"], services.offer_decline)
    )
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    dan = Application.objects.get(pk=people["dan"].pk)
    assert dan.status == ApplicationStatus.SELECTED
    assert Offer.objects.filter(application=dan, status=OfferStatus.OPEN).count() == 1
    # one partner got dan, the other gave its place back
    assert CallPlace.objects.get(pk=a.pk).places_taken + CallPlace.objects.get(pk=b.pk).places_taken == 2
    assert_places_sound(a, b)


def test_the_expiry_sweep_racing_an_acceptance_and_a_decline(race):
    a, b, people = race
    # cem's offer is past due; ann accepts and bob declines while the sweep runs
    cem_offer = offer_of(people["cem"])
    Offer.objects.filter(pk=cem_offer.pk).update(
        offered_at=cem_offer.offered_at - timedelta(days=9), respond_by=cem_offer.offered_at - timedelta(days=1)
    )
    outcomes = run_together(
        services.offers_expire,
        as_applicant(people["ann"], services.offer_accept),
        as_applicant(people["bob"], services.offer_decline),
    )
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert Offer.objects.get(pk=cem_offer.pk).status == OfferStatus.EXPIRED
    assert Application.objects.get(pk=people["ann"].pk).status == ApplicationStatus.ACCEPTED
    # dan took exactly one of the two freed places
    assert Offer.objects.filter(application_id=people["dan"].pk, status=OfferStatus.OPEN).count() == 1
    assert_places_sound(a, b)
    assert sum(CallPlace.objects.filter(pk__in=[a.pk, b.pk]).values_list("places_taken", flat=True)) == 2
