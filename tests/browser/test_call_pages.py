"""The office creates a call in a real browser: a coordinator fills in the call's page (document kinds ticked
from the list), is warned that an agreement's quota is not used, takes the places from it, then sets one partner's
places by hand with a reason, shown with the places; the applicant then sees the call's selection mode."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Call, CallPlace
from tests.support.agreements import active_agreement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_creates_a_call_with_places_from_the_quotas(world, open_as, live_server):
    partner = world.partners[0]
    active_agreement(world, partner, places=3)
    page = open_as("coordinator_ce")
    page.get_by_role("link", name="Calls", exact=True).click()
    expect(page.locator("h1")).to_have_text("Calls")
    page.get_by_role("link", name="New call").click()

    page.fill("input[name=title]", "Erasmus+ 2026/27 fall — studies")
    page.select_option("select[name=programme]", "erasmus")
    page.select_option("select[name=audience]", "students")
    page.select_option("select[name=mobility_type]", "study")
    page.fill("input[name=academic_year]", "2026/27")
    page.select_option("select[name=term]", "fall")
    page.fill("input[name=opens_at]", "2026-01-05T09:00")
    page.fill("input[name=closes_at]", "2030-03-01T17:00")
    page.get_by_label("Computer Engineering").check()
    page.get_by_label("Competitive: scored and ranked after the deadline").check()
    page.fill("input[name=min_year_of_study]", "2")
    page.get_by_label("Transcript of records").check()
    page.get_by_label("Passport copy").check()
    page.get_by_role("button", name="Create the call").click()

    expect(page.get_by_text("The call is created.")).to_be_visible()
    call = Call.objects.get(title="Erasmus+ 2026/27 fall — studies")
    assert call.required_documents == ["transcript", "passport_copy"] and call.selection_mode == "competitive"
    # the quota exists but the call does not use it yet: a visible warning
    warning = page.locator(".quota-unused")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(f"{partner.name}: the agreement")
    expect(warning).to_contain_text("does not offer them yet")

    page.get_by_role("button", name="Take places from the agreements' quotas").click()
    expect(page.get_by_text(f"Places added from the agreements: {partner.name}.")).to_be_visible()
    expect(page.locator(".quota-unused")).to_have_count(0)
    row = page.locator("table.call-places tbody tr", has_text=partner.name)
    expect(row).to_contain_text("the quota of")
    expect(row.locator("td.num").first).to_have_text("3")

    # by hand, with a reason: shown in the table, and the quota warning comes back
    page.select_option("select[name=partner]", str(partner.pk))
    page.fill("input[name=places]", "5")
    page.fill("input[name=reason]", "Two more places agreed with the partner by email.")
    page.get_by_role("button", name="Set the places").click()
    expect(row).to_contain_text("set by hand: Two more places agreed with the partner by email.")
    expect(page.locator(".quota-unused")).to_contain_text("so the quota is not used")
    assert CallPlace.objects.get(call=call, partner=partner).quota is None
    # each change is on the call's trail
    expect(page.locator("#timeline ol.timeline > li")).to_have_count(3)
    # the warning's button puts the quota back
    page.get_by_role("button", name=re.compile(f"Use the quota for {re.escape(partner.name)}")).click()
    expect(page.locator(".quota-unused")).to_have_count(0)

    # a student sees the call and its selection mode
    student = open_as("student1")
    student.goto(f"{live_server.url}/applications/new/")
    card = student.locator("section.card", has_text=call.title)
    expect(card.locator(".selection-mode")).to_contain_text("Competitive")
