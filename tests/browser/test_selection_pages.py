"""A competitive call's selection in a real browser: a committee member scores on the score sheet (saved as they
type, by the page's script, keyboard only), the coordinator ranks, allocates and submits, and the prorector
approves the result on the shared task page, which publishes it."""

import re
import time
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from applications.models import ApplicationStatus
from selection.models import Score, Selection, SelectionStatus
from tests.support.selection import (
    call_places,
    close,
    competitive_call,
    configure,
    decide_result,
    eligible_application,
    score,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_committee_scores_and_the_prorector_approves_the_result(world, open_as, live_server):
    ce = world.departments["ce"]
    call = competitive_call(world, places=(1, 1))
    a, b = call_places(call)
    configure(world, call)
    ann = eligible_application(call, department=ce, choices=[a, b])
    bob = eligible_application(call, department=ce, choices=[a, b])
    close(call)
    criteria = list(call.selection_criteria.order_by("position", "pk"))
    # the coordinator (also on the committee) has scored already; staff1 scores in the browser
    score(call, world.coordinator_ce, ann, ("8", "8", "16"))
    score(call, world.coordinator_ce, bob, ("6", "6", "12"))

    member = open_as("staff1")
    member.goto(f"{live_server.url}/selection/calls/{call.pk}/scores/")
    expect(member.locator("h1")).to_contain_text("Score sheet")
    first_cell = member.locator(f"input[name=score-{ann.pk}-{criteria[0].pk}]")
    first_cell.focus()
    # keyboard only: type, Tab to the next criterion, ...; Enter goes down to the next applicant
    member.keyboard.type("9")
    member.keyboard.press("Tab")
    member.keyboard.type("10")
    member.keyboard.press("Tab")
    member.keyboard.type("18")
    member.keyboard.press("Enter")
    expect(member.locator(f"input[name=score-{bob.pk}-{criteria[2].pk}]")).to_be_focused()
    member.keyboard.type("11")
    member.keyboard.press("Shift+Tab")
    member.keyboard.type("5")
    member.keyboard.press("Shift+Tab")
    member.keyboard.type("5")
    member.keyboard.press("Tab")
    expect(member.locator("#sheet-status")).to_have_text("Saved.")
    # a score out of range is refused with the reason, and the cell is marked
    member.locator(f"input[name=score-{bob.pk}-{criteria[1].pk}]").fill("12")
    member.locator(f"input[name=score-{bob.pk}-{criteria[1].pk}]").press("Tab")
    expect(member.locator("#sheet-status")).to_contain_text("Not saved: Give a score from 0 to 10")
    expect(member.locator(f"input[name=score-{bob.pk}-{criteria[1].pk}]")).to_have_attribute("aria-invalid", "true")
    member.locator(f"input[name=score-{bob.pk}-{criteria[1].pk}]").fill("6")
    member.locator(f"input[name=score-{bob.pk}-{criteria[1].pk}]").press("Tab")
    expect(member.locator("#sheet-status")).to_have_text("Saved.")

    # every save has answered (the status line can read "Saved." from an earlier cell while a later one is on its way)
    def mine(application):
        return dict(
            Score.objects.filter(member=world.staff1, application=application).values_list("criterion_id", "value")
        )

    wanted = {
        ann.pk: {criteria[0].pk: Decimal("9"), criteria[1].pk: Decimal("10"), criteria[2].pk: Decimal("18")},
        bob.pk: {criteria[0].pk: Decimal("5"), criteria[1].pk: Decimal("6"), criteria[2].pk: Decimal("11")},
    }
    deadline = time.monotonic() + 10
    while {ann.pk: mine(ann), bob.pk: mine(bob)} != wanted and time.monotonic() < deadline:
        time.sleep(0.1)
    assert {ann.pk: mine(ann), bob.pk: mine(bob)} == wanted

    # the coordinator ranks and allocates, reads the result and submits it
    coordinator = open_as("coordinator_ce")
    coordinator.goto(f"{live_server.url}/selection/calls/{call.pk}/")
    coordinator.get_by_role("button", name="Rank and allocate").click()
    expect(coordinator.get_by_text("Ranked and allocated.")).to_be_visible()
    expect(coordinator.locator("#places")).to_contain_text(a.partner.name)
    coordinator.get_by_role("button", name="Submit for approval").click()
    expect(coordinator.get_by_text("submitted to the department head")).to_be_visible()
    selection = Selection.objects.get(call=call)
    decide_result(world.head_ce, selection)

    # the prorector finds it in the inbox and approves it on the task page
    prorector = open_as("prorector")
    expect(prorector.locator("h1")).to_have_text("Inbox")
    prorector.get_by_role("link", name=re.compile(f"Selection result #{selection.pk}")).click()
    expect(prorector.locator("#ranking")).to_contain_text(ann.applicant.get_full_name() or ann.applicant.username)
    prorector.get_by_label("Approve").check()
    prorector.get_by_role("button", name="Record decision").click()
    expect(prorector.get_by_text("Decision recorded")).to_be_visible()
    selection.refresh_from_db()
    assert selection.status == SelectionStatus.PUBLISHED
    ann.refresh_from_db()
    bob.refresh_from_db()
    assert (ann.status, ann.nominated_place_id) == (ApplicationStatus.SELECTED, a.pk)
    assert (bob.status, bob.nominated_place_id) == (ApplicationStatus.SELECTED, b.pk)


def test_a_cell_changed_while_its_last_save_is_on_its_way_is_saved_too(world, open_as, live_server):
    """The first save's answer is held back (in the browser, by Playwright's routing) while the member types another
    value into the same cell: the late answer must not mark the new value as saved, or it would never be sent."""
    ce = world.departments["ce"]
    call = competitive_call(world, places=(1, 1))
    a, b = call_places(call)
    configure(world, call)
    ann = eligible_application(call, department=ce, choices=[a, b])
    close(call)
    criterion = call.selection_criteria.order_by("position", "pk").first()

    member = open_as("staff1")
    held = []
    member.route(
        lambda url: "/api/" in url and url.rstrip("/").endswith("/scores"),
        lambda route: held.append(route) if not held else route.continue_(),
    )
    member.goto(f"{live_server.url}/selection/calls/{call.pk}/scores/")
    cell = member.locator(f"input[name=score-{ann.pk}-{criterion.pk}]")
    cell.fill("4")
    cell.press("Tab")  # the first save, held
    for _ in range(50):
        if held:
            break
        member.wait_for_timeout(100)
    assert held, "the first save was not sent"
    cell.fill("7")
    held[0].continue_()  # the first save's answer ("4" saved) arrives after the cell says 7
    expect(member.locator("#sheet-status")).to_have_text("Saved.")
    cell.press("Tab")  # leaving the cell again: 7 is not what was saved, so it is sent
    expect(member.locator("#sheet-status")).to_have_text("Saved.")
    for _ in range(50):
        stored = (
            Score.objects.filter(application=ann, criterion=criterion, member=world.staff1)
            .values_list("value", flat=True)
            .first()
        )
        if stored == Decimal("7"):
            break
        time.sleep(0.1)
    assert stored == Decimal("7")
