"""A call's places come from the active agreements' outgoing quotas; approving a mobility consumes
the quota of the agreement it falls under, never below zero, also when two calls share it."""

from datetime import timedelta

import pytest

from agreements import services as agreement_services
from agreements.models import AgreementQuota, AgreementStatus
from applications.models import ApplicationStatus, CallPlace
from applications.services import call_places_from_agreements
from core.errors import NoPlaceLeft
from tests.support.agreements import active_agreement
from tests.support.concurrency import decide_as, run_together
from tests.support.drivers import approve_all, decide, make_submitted_application
from tests.support.factories import CallFactory, UserFactory
from workflows.selectors import open_task_for_application


def student(world):
    return UserFactory(roles=["student"], departments=[world.departments["ce"]])


@pytest.mark.django_db
def test_call_places_come_from_the_agreements_outgoing_quota(world):
    partner = world.partners[0]
    agreement = active_agreement(world, partner, places=2)
    call = CallFactory(academic_year="2026/27")
    manual = CallPlace.objects.create(call=call, partner=world.partners[1], places=4)
    assert call_places_from_agreements(call=call) == 1
    assert call_places_from_agreements(call=call) == 0  # idempotent
    place = CallPlace.objects.get(call=call, partner=partner)
    assert place.quota.agreement == agreement and place.places == 2 and place.from_agreement
    manual.refresh_from_db()
    assert manual.quota is None and manual.places == 4
    # a call of another year or category takes nothing from it
    assert call_places_from_agreements(call=CallFactory(academic_year="2030/31")) == 0
    assert call_places_from_agreements(call=CallFactory(academic_year="2026/27", mobility_type="teaching")) == 0


@pytest.mark.django_db
def test_two_calls_share_the_yearly_quota_and_it_never_goes_negative(world):
    partner = world.partners[0]
    agreement = active_agreement(world, partner, places=1)
    spring, fall = CallFactory(academic_year="2026/27"), CallFactory(academic_year="2026/27")
    call_places_from_agreements(call=spring)
    call_places_from_agreements(call=fall)
    first = approve_all(world, make_submitted_application(world, call=spring, choices=[partner.pk]))
    assert first.status == ApplicationStatus.APPROVED
    quota = AgreementQuota.objects.get(agreement=agreement, academic_year="2026/27", direction="outgoing")
    assert quota.used == 1 and quota.remaining == 0
    fall_place = CallPlace.objects.select_related("quota__agreement").get(call=fall, partner=partner)
    assert fall_place.places_left == 0
    other = make_submitted_application(world, student(world), call=fall, choices=[partner.pk])
    for name in ("coordinator_ce", "head_ce"):
        decide(getattr(world, name), other)
    with pytest.raises(NoPlaceLeft):
        decide(world.prorector, other)
    other.refresh_from_db()
    assert other.status == ApplicationStatus.PRORECTOR_REVIEW
    quota.refresh_from_db()
    assert quota.used == 1


@pytest.mark.django_db
def test_an_expired_agreement_offers_no_more_places(world):
    partner = world.partners[0]
    agreement = active_agreement(world, partner, places=3)
    call = CallFactory(academic_year="2026/27")
    call_places_from_agreements(call=call)
    application = make_submitted_application(world, call=call, choices=[partner.pk])
    agreement_services.agreements_expiry_sweep(today=agreement.end_date + timedelta(days=1))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.EXPIRED
    assert CallPlace.objects.select_related("quota__agreement").get(call=call, partner=partner).places_left == 0
    with pytest.raises(NoPlaceLeft):
        approve_all(world, application)


@pytest.mark.django_db(transaction=True)
def test_two_approvals_in_two_calls_race_for_the_last_quota_place(world):
    partner = world.partners[0]
    active_agreement(world, partner, places=1)
    calls = [CallFactory(academic_year="2026/27"), CallFactory(academic_year="2026/27")]
    applications = []
    for call in calls:
        call_places_from_agreements(call=call)
        application = make_submitted_application(world, student(world), call=call, choices=[partner.pk])
        for name in ("coordinator_ce", "head_ce"):
            decide(getattr(world, name), application)
        applications.append(application)
    tasks = [open_task_for_application(application=a).pk for a in applications]
    outcomes = run_together(decide_as("prorector", tasks[0]), decide_as("prorector", tasks[1]))
    assert sum(isinstance(o, Exception) for o in outcomes) == 1, outcomes
    assert any(isinstance(o, NoPlaceLeft) for o in outcomes), outcomes
    statuses = sorted(a.__class__.objects.get(pk=a.pk).status for a in applications)
    assert statuses == [ApplicationStatus.APPROVED, ApplicationStatus.PRORECTOR_REVIEW]
    assert AgreementQuota.objects.get(direction="outgoing", academic_year="2026/27").used == 1
