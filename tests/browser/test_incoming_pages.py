"""Incoming mobility in a real browser: the partner's coordinator opens the emailed link (no account) and
nominates; the nominee sets a password through their own link and lands on their application; the office reads
the invitation with its timeline. Every page is checked for CSP violations, script errors and accessibility."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incoming import services
from incoming.models import Nomination
from tests.support.incoming import incoming_agreement, last_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_partner_nominates_and_the_nominee_sets_a_password(
    world, browser, open_as, live_server, watch, eager_tasks
):
    base = live_server.url
    today = timezone.localdate()
    invitation = services.invitation_create(
        actor=world.coordinator_ce,
        agreement=incoming_agreement(world),
        academic_year="2026/27",
        coordinator_email="erasmus@partner.example.edu",
        expires_on=today + timedelta(days=30),
        fall_deadline=today + timedelta(days=20),
    )
    token = last_link("partner")

    # the partner's coordinator, signed in nowhere, nominates through the link
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    partner = watch(context.new_page())
    partner.visit(f"{base}/incoming/partner/{token}/")
    page = partner.page
    page.fill("input[name=first_name]", "Anna")
    page.fill("input[name=last_name]", "Schmidt")
    page.fill("input[name=email]", "anna@student.example.edu")
    page.select_option("select[name=level]", "bachelor")
    page.select_option("select[name=category]", "student_studies")
    page.select_option("select[name=term]", "fall")
    page.get_by_role("button", name="Nominate").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Anna Schmidt is nominated")
    partner.check("after nominating")
    nomination = Nomination.objects.get(invitation=invitation)

    # the nominee sets a password through their own link and lands on their application
    nominee = watch(context.new_page())
    nominee.visit(f"{base}/incoming/welcome/{last_link('welcome')}/")
    nominee.page.fill("input[name=new_password1]", "Nominee-pass-2026")
    nominee.page.fill("input[name=new_password2]", "Nominee-pass-2026")
    nominee.page.get_by_role("button", name="Set my password").click()
    nominee.page.wait_for_load_state()
    assert nominee.page.url.endswith(f"/incoming/{nomination.application.pk}/")
    nominee.visit(nominee.page.url)
    expect(nominee.page.locator("#edit")).to_contain_text("Passport number")

    # the office reads the invitation and its timeline
    office = watch(open_as("coordinator_ce"))
    office.visit(f"{base}/incoming/invitations/")
    office.visit(f"{base}/incoming/invitations/{invitation.pk}/")
    expect(office.page.locator("main")).to_contain_text("Nominee added")
    context.close()
    assert partner.problems + nominee.problems + office.problems == []
