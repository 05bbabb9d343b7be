"""Nominations and grants in pages and the API: who may nominate (whoever manages the call), who may read, the
grant on the application's page and in the API, the CSV export (formula-safe), the rate tables (the prorector's),
the partner's and the agreement's pages."""

from decimal import Decimal

import pytest
from django.core import mail

from applications.models import ApplicationStatus
from grants.models import Grant, Nomination, RateTable
from tests.support.api import session_client
from tests.support.grants import accepted_call, rate_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(world):
    rate_table(world)
    return accepted_call(world, places=(2, 1))


def test_the_call_page_nominates_and_shows_the_grants(
    world, ready, client, eager_tasks, django_capture_on_commit_callbacks
):
    call, place, (first, second) = ready
    client.force_login(world.coordinator_ce)
    page = client.get(f"/grants/calls/{call.pk}/")
    assert page.status_code == 200
    assert f"Nominate to {place.partner.name}" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/grants/calls/{call.pk}/nominate/", {"partner": place.partner_id, "green_travel": [second.pk]}
        )
    assert response.status_code == 302
    nomination = Nomination.objects.get(call=call, partner=place.partner)
    page = client.get(f"/grants/calls/{call.pk}/").content.decode()
    assert "3000.00 EUR" in page and "3050.00 EUR" in page
    assert "Nomination letter emailed" in page
    assert len(mail.outbox) == 1

    letter = client.get(f"/grants/nominations/{nomination.pk}/letter/")
    assert letter.status_code == 200 and b"".join(letter.streaming_content).startswith(b"%PDF")

    # the participant sees the grant on the application's page; the partner and agreement pages list it
    client.force_login(world.student1)
    detail = client.get(f"/applications/{first.pk}/").content.decode()
    assert 'id="grant"' in detail and "3000.00 EUR" in detail
    client.force_login(world.coordinator_ce)
    partner_page = client.get(place.partner.get_absolute_url()).content.decode()
    assert 'id="nominations"' in partner_page and call.title in partner_page


def test_only_whoever_manages_the_call_nominates(world, ready, client):
    call, place, _ = ready
    client.force_login(world.coordinator_math)
    page = client.get(f"/grants/calls/{call.pk}/").content.decode()
    assert "Nominate to" not in page
    assert client.post(f"/grants/calls/{call.pk}/nominate/", {"partner": place.partner_id}).status_code == 403
    client.force_login(world.student1)
    assert client.get(f"/grants/calls/{call.pk}/").status_code == 404
    assert not Nomination.objects.exists()


def test_the_api_nominates_once_and_answers_with_codes(world, ready, eager_tasks):
    call, place, (first, _second) = ready
    url = f"/api/v1/grants/calls/{call.pk}/nominations/"
    coordinator = session_client(world.coordinator_ce)

    rows = coordinator.get(url).json()
    row = next(r for r in rows if r["partner"] == place.partner_id)
    assert {c["application"] for c in row["candidates"]} == {a.pk for a in ready[2]}

    assert (
        session_client(world.coordinator_math).post(url, {"partner": place.partner_id}, format="json").status_code
        == 403
    )
    assert session_client(world.student1).post(url, {"partner": place.partner_id}, format="json").status_code == 404

    created = coordinator.post(url, {"partner": place.partner_id}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert {g["total"] for g in body["grants"]} == {"3000.00"}
    again = coordinator.post(url, {"partner": place.partner_id}, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]

    other = call.places.exclude(pk=place.pk).get()
    empty = coordinator.post(url, {"partner": other.partner_id}, format="json")
    assert empty.status_code == 400 and empty.json()["codes"]["partner"] == ["nomination_empty"]

    # the grant in the API: the participant's own, 404 for others
    grant = session_client(world.student1).get(f"/api/v1/grants/applications/{first.pk}/")
    assert grant.status_code == 200 and grant.json()["total"] == "3000.00"
    assert grant.json()["rates_used"]["student_monthly"] == "600.00"
    assert session_client(world.student3).get(f"/api/v1/grants/applications/{first.pk}/").status_code == 404
    first.refresh_from_db()
    assert first.status == ApplicationStatus.NOMINATED


def test_the_grants_export_is_formula_safe(world, ready, client, eager_tasks):
    call, place, (first, _second) = ready
    first.applicant.first_name = "=HYPERLINK(1)"
    first.applicant.save()
    client.force_login(world.coordinator_ce)
    client.post(f"/grants/calls/{call.pk}/nominate/", {"partner": place.partner_id})
    response = client.get(f"/grants/calls/{call.pk}/grants.csv")
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(1)" in text and "3000.00" in text


def test_rate_tables_are_managed_by_the_prorector(world, client):
    table = rate_table(world, year="2027/28")
    group = table.rates.first().group
    client.force_login(world.coordinator_ce)
    assert client.get("/grants/rates/").status_code == 404
    assert client.get(f"/grants/rates/{table.pk}/").status_code == 404
    assert session_client(world.coordinator_ce).get("/api/v1/grants/rate-tables/").status_code == 404

    client.force_login(world.prorector)
    assert client.get("/grants/rates/").status_code == 200
    form = {
        "programme": "erasmus",
        "academic_year": "2027/28",
        "currency": "EUR",
        "fewer_opportunities_monthly": "260",
        "green_travel_amount": "50",
        f"monthly_{group.pk}": "620",
        f"daily_{group.pk}": "180",
    }
    assert client.post(f"/grants/rates/{table.pk}/", form).status_code == 302
    table.refresh_from_db()
    assert table.fewer_opportunities_monthly == Decimal("260")
    assert table.rates.get(group=group).student_monthly == Decimal("620")
    assert table.events.filter(action="updated").exists()

    api = session_client(world.prorector)
    created = api.post(
        "/api/v1/grants/rate-tables/",
        {
            "programme": "bilateral",
            "academic_year": "2027/28",
            "rates": [{"group": group.code, "student_monthly": "400", "staff_daily": "100"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert RateTable.objects.filter(programme="bilateral").exists()
    assert not Grant.objects.exists()


def test_the_agreement_page_lists_the_nominations_from_its_quotas(world, ready, client):
    from applications.models import CallPlace
    from grants.services import nomination_create
    from tests.support.agreements import active_agreement

    call, place, _ = ready
    agreement = active_agreement(world, place.partner)
    CallPlace.objects.filter(pk=place.pk).update(quota=agreement.quotas.first())
    nomination_create(call=call, partner_id=place.partner_id, actor=world.coordinator_ce)

    client.force_login(world.coordinator_ce)
    page = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert 'id="nominations"' in page and call.title in page
    # another agreement with the partner, whose quotas fed no call, lists none
    other = active_agreement(world, place.partner)
    assert 'id="nominations"' not in client.get(f"/agreements/{other.pk}/").content.decode()
