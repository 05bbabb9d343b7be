"""Nominating a partner's participants in a real browser: the coordinator ticks who travels green and nominates;
the page shows each participant's grant, and the participant sees theirs on the application's page."""

import pytest
from playwright.sync_api import expect

from applications.models import ApplicationStatus
from tests.support.grants import accepted_call, rate_table

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_nominates_and_the_participant_sees_the_grant(world, open_as, live_server):
    rate_table(world)
    call, place, (first, second) = accepted_call(world)

    coordinator = open_as("coordinator_ce")
    coordinator.goto(f"{live_server.url}/grants/calls/{call.pk}/")
    section = coordinator.locator(f"#partner-{place.partner_id}")
    expect(section).to_contain_text("2 participants ready to be nominated")
    section.locator(f"input[name=green_travel][value='{second.pk}']").check()
    section.get_by_role("button", name=f"Nominate to {place.partner.name}").click()

    expect(coordinator.locator(".messages, [role=status], .notice").first).to_contain_text(place.partner.name)
    totals = coordinator.locator(f"#partner-{place.partner_id} td.grant-total")
    expect(totals).to_have_text(["3000.00 EUR", "3050.00 EUR"])
    first.refresh_from_db()
    assert first.status == ApplicationStatus.NOMINATED

    student = open_as("student1")
    student.goto(f"{live_server.url}/applications/{first.pk}/")
    expect(student.locator("#grant-total")).to_have_text("3000.00 EUR")
    expect(student.locator("#grant")).to_contain_text(place.partner.name)
