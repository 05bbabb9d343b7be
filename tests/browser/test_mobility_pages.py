"""A mobility application from a student's first click to the prorector's approval, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Application, ApplicationStatus
from tests.support.drivers import make_submitted_application
from tests.support.files import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_student_applies_and_three_approvers_approve(world, open_as, tmp_path):
    # student1 applies to the open call
    page = open_as("student1")
    expect(page.locator("h1")).to_have_text("My applications")
    page.get_by_role("link", name="New application").first.click()
    expect(page.get_by_text(world.call.title)).to_be_visible()
    page.get_by_role("link", name="Apply to this call").click()
    page.fill("input[name=period_start]", "2027-02-01")
    page.fill("input[name=period_end]", "2027-06-30")
    page.fill("textarea[name=motivation]", "I want to study distributed systems in Berlin.")
    page.fill("input[name=gpa]", "88")
    page.fill("input[name=year_of_study]", "3")
    page.fill("input[name=language]", "English")
    page.select_option("select[name=language_level]", "B2")
    page.select_option("select[name=choice_1]", str(world.partners[0].pk))
    page.select_option("select[name=choice_2]", str(world.partners[2].pk))
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft is saved.")).to_be_visible()
    application = Application.objects.get(applicant=world.student1)
    expect(page.locator(".tag-missing")).to_have_count(2)

    # uploads the call's required documents
    for kind in world.call.required_documents:
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(PDF_BYTES)
        page.select_option("select[name=kind]", kind)
        page.set_input_files("input[name=file]", str(path))
        page.get_by_role("button", name="Upload").click()
        expect(page.get_by_text("uploaded (version 1)")).to_be_visible()
    expect(page.locator(".tag-missing")).to_have_count(0)

    # and submits
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Your application is submitted.")).to_be_visible()
    expect(page.locator("h1 .badge")).to_have_text("Coordinator review")

    # coordinator, head and prorector each open their inbox, the task, and approve
    for username in ("coordinator_ce", "head_ce", "prorector"):
        approver = open_as(username)
        expect(approver.locator("h1")).to_have_text("Inbox")
        if username == "coordinator_ce":
            approver.screenshot(path="/tmp/korpu-inbox.png", full_page=True)
        approver.get_by_role("link", name=f"Application #{application.pk}", exact=True).click()
        expect(approver.get_by_text("I want to study distributed systems in Berlin.")).to_be_visible()
        approver.get_by_label("Approve").check()
        approver.fill("textarea[name=comment]", f"Approved by {username}.")
        approver.get_by_role("button", name="Record decision").click()
        expect(approver.get_by_text("Decision recorded: Approve")).to_be_visible()
        expect(approver.locator("h1")).to_have_text("Inbox")

    # student1 sees the approval and every step in the timeline
    page.reload()
    expect(page.locator("h1 .badge")).to_have_text("Approved")
    expect(page.get_by_text(f"Nominated to {world.partners[0].name}.")).to_be_visible()
    timeline = page.locator("#timeline")
    for step in ("Coordinator review", "Department head review", "Prorector review"):
        expect(timeline.get_by_text(re.compile(step))).not_to_have_count(0)
    for username in ("coordinator_ce", "head_ce", "prorector"):
        expect(timeline.get_by_text(f"Approved by {username}.")).to_be_visible()
    page.screenshot(path="/tmp/korpu-case.png", full_page=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_reject_without_a_reason_shows_the_error_on_the_form(world, open_as):
    application = make_submitted_application(world)
    page = open_as("coordinator_ce")
    page.get_by_role("link", name=f"Application #{application.pk}", exact=True).click()
    page.get_by_label("Reject").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#decision .errorlist")).to_have_text("Give the reason for the rejection.")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COORDINATOR_REVIEW
