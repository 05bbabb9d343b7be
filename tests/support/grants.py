"""Nominations and grants in tests: a rate table with its country groups, and a competitive call whose published
result left participants who accepted their places (ready to be nominated)."""

from __future__ import annotations

from decimal import Decimal

from grants.models import CountryGroup, CountryGroupMember, RateTable
from grants.services import rate_table_save
from partners.models import PartnerContact
from selection import services as selection_services
from tests.support.selection import call_places, close, competitive_call, configure, eligible_application, published
from tests.support.selection import score as score_application


def rate_table(world, *, year="2026/27", programme="erasmus", monthly="600", daily="180") -> RateTable:
    """Group 1 (DE, FR) at `monthly` / `daily`, group 2 (IT, PL) at 540 / 160; fewer opportunities +250 a month,
    green travel +50 once."""
    one, _ = CountryGroup.objects.get_or_create(code="G1", defaults={"name": "Group 1", "name_az": "Qrup 1"})
    two, _ = CountryGroup.objects.get_or_create(code="G2", defaults={"name": "Group 2", "name_az": "Qrup 2"})
    for country, group in (("DE", one), ("FR", one), ("IT", two), ("PL", two)):
        CountryGroupMember.objects.get_or_create(country=country, defaults={"group": group})
    return rate_table_save(
        actor=world.prorector,
        values={
            "programme": programme,
            "academic_year": year,
            "currency": "EUR",
            "fewer_opportunities_monthly": Decimal("250"),
            "green_travel_amount": Decimal("50"),
        },
        rates={one.pk: (Decimal(monthly), Decimal(daily)), two.pk: (Decimal("540"), Decimal("160"))},
    )


def accepted_call(world, *, places=(2,), contacts=("intl@partner.example.edu",)):
    """A published competitive call of department ce whose first partner's places were all accepted by student1
    (and student2 when it has two places). Returns (call, place, [applications])."""
    call = competitive_call(world, places=places)
    place = call_places(call)[0]
    configure(world, call)
    applicants = [world.student1, world.student2][: place.places]
    applications = [eligible_application(call, applicant=a, choices=[place]) for a in applicants]
    close(call)
    for n, application in enumerate(applications):
        score_application(call, world.staff1, application, ("9", "9", str(18 - n)))
    result = published(world, call)
    for offer in result.offers.select_related("application__applicant"):
        selection_services.offer_accept(offer_id=offer.pk, actor=offer.application.applicant)
    for n, email in enumerate(contacts):
        PartnerContact.objects.create(partner=place.partner, name=f"Contact {n}", role="Incoming", email=email)
    for application in applications:
        application.refresh_from_db()
    return call, place, applications


def grant_pages(world) -> dict:
    """Something on every page of nominations and grants, for the CSP and accessibility pass
    (tests/browser/test_csp.py): a call with participants ready to be nominated, one nominated (grants shown on the
    call's, the partner's and the participant's pages), the rate tables. Returns {"user": [urls...]}."""
    from grants.services import nomination_create

    table = rate_table(world)
    call, place, (first, *_rest) = accepted_call(world, places=(2, 1))
    nomination_create(call=call, partner_id=place.partner_id, actor=world.coordinator_ce)
    return {
        "coordinator_ce": [
            f"/grants/calls/{call.pk}/",
            f"/agreements/partners/{place.partner_id}/",
        ],
        "prorector": ["/grants/rates/", f"/grants/rates/{table.pk}/", "/grants/rates/new/"],
        "student1": [f"/applications/{first.pk}/"],
    }
