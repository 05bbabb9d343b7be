"""What an office notices on its first day, in a real browser (issue 17): a renewal is marked in the agreement list,
timelines do not repeat themselves and say what an update changed, numbers out of range get the office's words and
the GPA scale, reloading a failed submit lands on the application, and the applicant sees the next step and its
due date."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from agreements import services as agreement_services
from agreements.models import Agreement
from applications.models import Application
from notifications.models import TaskDeadline
from tests.support.agreements import iia_terms, make_active
from tests.support.drivers import decide, make_ready_application, make_submitted_application, open_task
from workflows.services import case_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_renewal_is_marked_in_the_agreement_list(world, open_as, live_server):
    # given an agreement in force that ends within the expiry window, and the daily sweep's renewal draft
    old = make_active(
        world,
        agreement_services.agreement_create_draft(
            actor=world.coordinator_ce,
            department=world.departments["ce"],
            number="IIA-RENEW-1",
            **iia_terms(world.partners[0], start_date=date(2025, 1, 1), end_date=date(2027, 1, 31)),
        ),
    )
    agreement_services.agreements_expiry_sweep(window_days=180)
    renewal = Agreement.objects.get(renewal_of=old)

    # then its title is marked, and the list shows a "renewal of" link to the agreement it renews
    assert renewal.title != old.title and renewal.title.startswith(old.title)
    assert re.search(r"\(renewal 2027–2029\)$", renewal.title), renewal.title
    page = open_as("coordinator_ce")
    page.goto(f"{live_server.url}/agreements/")
    row = page.locator("tbody tr", has=page.get_by_role("link", name=renewal.title, exact=True))
    expect(row.locator(".renewal-of")).to_contain_text("Renewal of IIA-RENEW-1")
    row.get_by_role("link", name="IIA-RENEW-1").click()
    expect(page.locator("h1")).to_contain_text(old.title)
    assert page.url.endswith(old.get_absolute_url())


def test_the_timeline_does_not_repeat_itself_and_shows_what_changed(world, open_as, live_server):
    # given a draft the student changes on the edit page (GPA 85 → 90, year 3 → 4)
    application = make_ready_application(world)
    page = open_as("student1")
    page.goto(f"{live_server.url}{application.get_absolute_url()}edit/")
    page.fill("input[name=gpa]", "90")
    page.fill("input[name=year_of_study]", "4")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()

    # then the "Updated" line lists each changed field, old → new
    updated = page.locator("#timeline li.ev-updated").last
    expect(updated.locator(".ev-changes li")).to_have_count(2)
    expect(updated.locator(".ev-changes")).to_contain_text("GPA: 85 → 90")
    expect(updated.locator(".ev-changes")).to_contain_text("Year of study: 3 → 4")

    # and once the coordinator sends it back and then rejects it, neither line repeats its label after an arrow
    case_submit(case=application, actor=world.student1)
    decide(world.coordinator_ce, application, "request_changes", "Add the certificate.")
    case_submit(case=application, actor=world.student1)
    decide(world.coordinator_ce, application, "reject", "Too late.")
    page.goto(f"{live_server.url}{application.get_absolute_url()}")
    for action, label in (("changes_requested", "Changes requested"), ("rejected", "Rejected")):
        title = page.locator(f"#timeline li.ev-{action} .ev-title").first
        expect(title).to_contain_text(label)
        expect(title).not_to_contain_text("→")
    # a line whose status differs from its action still names where the case went
    expect(page.locator("#timeline li.ev-submitted .ev-title").first).to_contain_text("→ Coordinator review")


def test_numbers_out_of_range_get_the_offices_words_and_the_gpa_scale(world, open_as, live_server, settings):
    application = make_ready_application(world)
    page = open_as("student1")
    edit = f"{live_server.url}{application.get_absolute_url()}edit/"

    # the 100-point scale: shown next to the field, and a GPA of 1000 is refused in the office's words
    page.goto(edit)
    expect(page.locator(".field", has=page.locator("input[name=gpa]")).locator(".help")).to_have_text(
        "On the 100-point scale (0–100)."
    )
    page.fill("input[name=gpa]", "1000")
    page.fill("input[name=year_of_study]", "12")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("GPA must be between 0 and 100.")).to_have_count(1)
    expect(page.get_by_text("Year of study must be between 1 and 10.")).to_be_visible()
    expect(page.get_by_text("digits before the decimal point")).to_have_count(0)

    # the 4-point scale of another university: 100 is now out of range, 3.5 is fine
    settings.GPA_SCALE = 4
    page.goto(edit)
    expect(page.locator(".field", has=page.locator("input[name=gpa]")).locator(".help")).to_have_text(
        "On the 4-point scale (0–4)."
    )
    page.fill("input[name=gpa]", "85")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("GPA must be between 0 and 4.")).to_be_visible()
    page.fill("input[name=gpa]", "3.5")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    application.refresh_from_db()
    assert str(application.gpa) == "3.50"


def test_reloading_a_failed_submit_shows_the_application(world, open_as, live_server):
    # given a draft below the call's minimum GPA, submitted from the application page
    application = make_ready_application(world)
    Application.objects.filter(pk=application.pk).update(gpa=Decimal("60"))
    page = open_as("student1")
    page.goto(f"{live_server.url}{application.get_absolute_url()}")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Your application cannot be submitted yet", exact=False).first).to_be_visible()

    # when the browser asks for the submit address again (a reload, a bookmark)
    response = page.goto(f"{live_server.url}{application.get_absolute_url()}submit/")

    # then it lands on the application page, with what is missing, and no 405
    assert response.status == 200
    assert page.url.split("#")[0] == f"{live_server.url}{application.get_absolute_url()}"
    expect(page.get_by_text("Before you can submit:")).to_be_visible()
    expect(page.get_by_text("This call requires a GPA of at least 70")).to_be_visible()


def test_the_applicant_sees_the_next_step_and_its_due_date(world, open_as, live_server):
    application = make_submitted_application(world)
    due = TaskDeadline.objects.get(task=open_task(application)).due_at
    page = open_as("student1")
    page.goto(f"{live_server.url}{application.get_absolute_url()}")
    section = page.locator("#next-step")
    expect(section).to_contain_text("What happens next")
    expect(section).to_contain_text(f"Now: Coordinator review, due by {timezone.localtime(due):%-d %b %Y}.")
    expect(section).to_contain_text("Then: Department head review → Prorector review.")
    expect(section).not_to_contain_text("p.m.")

    # after the coordinator's approval it moves on
    decide(world.coordinator_ce, application, "approve")
    page.reload()
    expect(section).to_contain_text("Now: Department head review")
    expect(section).to_contain_text("Then: Prorector review.")


def test_the_agreement_page_shows_its_next_step(world, open_as, live_server):
    agreement = case_submit(
        case=agreement_services.agreement_create_draft(
            actor=world.coordinator_ce, department=world.departments["ce"], **iia_terms(world.partners[0])
        ),
        actor=world.coordinator_ce,
    )
    page = open_as("coordinator_ce")
    page.goto(f"{live_server.url}{agreement.get_absolute_url()}")
    section = page.locator("#next-step")
    expect(section).to_contain_text("Now: Department head review")
    expect(section).to_contain_text("Then: Prorector review → Send to the partner → Upload the signed copy.")
