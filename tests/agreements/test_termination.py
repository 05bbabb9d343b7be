"""Terminating an agreement in force: who may, what it leaves behind, through the service, API and page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from agreements import services
from agreements.models import AgreementStatus
from core.errors import AgreementNotInForce
from tests.support.agreements import activate

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(world, draft):
    return activate(draft)


def test_the_prorector_terminates_an_active_agreement_and_it_offers_no_places(world, active):
    for user in (world.coordinator_ce, world.head_ce, world.auditor):
        with pytest.raises(PermissionDenied):
            services.agreement_terminate(agreement=active, actor=user, reason="no")
    with pytest.raises(ValidationError) as exc:
        services.agreement_terminate(agreement=active, actor=world.prorector, reason="  ")
    assert "reason" in exc.value.message_dict
    agreement = services.agreement_terminate(
        agreement=active, actor=world.prorector, reason="Partner closed the programme"
    )
    assert agreement.status == AgreementStatus.TERMINATED and agreement.terminated_on is not None
    event = agreement.events.last()
    assert (event.action, event.comment, event.actor) == ("terminated", "Partner closed the programme", world.prorector)
    quota = agreement.quotas.filter(direction="outgoing").first()
    assert not services.quota_consume_rollback_unsafe(quota_id=quota.pk)
    with pytest.raises(AgreementNotInForce):
        services.agreement_terminate(agreement=agreement, actor=world.prorector, reason="again")
    # the sweep leaves a terminated agreement alone
    assert services.agreements_expiry_sweep(today=agreement.end_date) == {"expiring": 0, "renewals": 0, "expired": 0}


def test_termination_through_the_api_and_the_page(world, active, client):
    api = APIClient()
    api.force_authenticate(world.coordinator_ce)
    url = f"/api/v1/agreements/{active.pk}/terminate/"
    assert api.post(url, {"reason": "x"}, format="json").status_code == 403
    api.force_authenticate(world.prorector)
    assert api.post(url, {"reason": ""}, format="json").status_code == 400
    response = api.post(url, {"reason": "Ended by mutual consent"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "terminated"
    assert api.post(url, {"reason": "again"}, format="json").status_code == 409
    api.force_authenticate(world.student1)
    assert api.post(url, {"reason": "x"}, format="json").status_code == 404

    client.force_login(world.prorector)
    page = client.get(f"/agreements/{active.pk}/")
    assert page.status_code == 200 and "Ended by mutual consent" in page.content.decode()
    assert 'id="terminate"' not in page.content.decode()


def test_the_agreement_page_offers_termination_to_the_prorector_only(world, active, client):
    client.force_login(world.coordinator_ce)
    assert 'id="terminate"' not in client.get(f"/agreements/{active.pk}/").content.decode()
    assert client.post(f"/agreements/{active.pk}/terminate/", {"reason": "x"}).status_code == 403
    active.refresh_from_db()
    assert active.status == AgreementStatus.ACTIVE
    client.force_login(world.prorector)
    assert 'id="terminate"' in client.get(f"/agreements/{active.pk}/").content.decode()
    response = client.post(f"/agreements/{active.pk}/terminate/", {"reason": ""}, follow=True)
    assert "Give the reason for the termination." in response.content.decode()
    response = client.post(f"/agreements/{active.pk}/terminate/", {"reason": "Programme closed"}, follow=True)
    assert "it offers no more places" in response.content.decode()
    active.refresh_from_db()
    assert active.status == AgreementStatus.TERMINATED
