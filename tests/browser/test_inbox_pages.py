"""The inbox in a real browser: the step chips and filters, choosing tasks with the keyboard, one bulk approval with
a result per case, opening a task without the mouse — with no CSP violation, script error or axe-core finding."""

import pytest
from playwright.sync_api import expect

from applications.models import ApplicationStatus
from tests.support.drivers import another_call, decide, make_submitted_application, open_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_filters_chooses_with_the_keyboard_and_approves_in_bulk(world, open_as, live_server, watch):
    first = make_submitted_application(world, world.student1)
    second = make_submitted_application(world, world.student2)
    third = make_submitted_application(world, world.student1, call=another_call(world))

    page = open_as("coordinator_ce")
    watcher = watch(page)
    watcher.visit(f"{live_server.url}/tasks/", wait_for="#inbox-table")
    expect(page.locator(".facets .chip.current")).to_have_text("All")
    expect(page.get_by_role("link", name="Application · Coordinator review 3")).to_be_visible()
    expect(page.locator("#inbox-table tbody tr")).to_have_count(3)
    # at 1280 px the whole table fits its card: nothing to scroll sideways, the "Open" column in view
    fits = page.evaluate(
        "() => { const wrap = document.querySelector('.table-wrap'); return wrap.scrollWidth <= wrap.clientWidth; }"
    )
    assert fits, "the inbox table overflows its card at 1280 px"
    expect(page.get_by_role("link", name="Open").first).to_be_in_viewport()

    # search narrows the list and is kept in the address
    page.fill("input[name=q]", world.student2.username)
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#inbox-table tbody tr")).to_have_count(1)
    watcher.check("filtered inbox")
    page.get_by_role("link", name="Clear").click()
    expect(page.locator("#inbox-table tbody tr")).to_have_count(3)
    page.wait_for_load_state()  # the keys are the deferred script's: pressed before it ran, they would be lost

    # j moves down, x chooses: the first two rows
    page.locator("body").press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(page.locator("input[name=tasks]:checked")).to_have_count(2)
    expect(page.locator("#select-all")).to_have_js_property("indeterminate", True)
    chosen = [int(v) for v in page.locator("input[name=tasks]:checked").evaluate_all("els => els.map(e => e.value)")]

    # meanwhile someone decides one of the chosen ones
    case_of = {open_task(a).pk: a for a in (first, second, third)}
    decide(world.coordinator_ce, case_of[chosen[0]])

    page.get_by_label("Approve").check()
    page.fill("textarea[name=comment]", "Eligible and complete.")
    page.get_by_role("button", name="Decide the chosen tasks").click()
    expect(page.locator("h1")).to_have_text("Decision: Approve")
    expect(page.locator("#bulk-results tbody tr")).to_have_count(2)
    expect(page.locator("#bulk-results tr[data-result=done]")).to_have_count(1)
    expect(page.locator("#bulk-results tr[data-result=already_decided]")).to_have_count(1)
    watcher.check("bulk results")
    watcher.check_accessibility("bulk results")
    for application in (first, second, third):
        application.refresh_from_db()
    assert sorted(a.status for a in (first, second, third)) == sorted(
        [ApplicationStatus.HEAD_REVIEW, ApplicationStatus.HEAD_REVIEW, ApplicationStatus.COORDINATOR_REVIEW]
    )

    # back in the inbox, the one left opens with o
    page.get_by_role("link", name="Back to the inbox").click()
    expect(page.locator("#inbox-table tbody tr")).to_have_count(1)
    page.wait_for_load_state()
    page.locator("body").press("j")
    page.keyboard.press("o")
    expect(page.locator("textarea[name=comment]")).to_be_visible()
    page.wait_for_load_state()
    watcher.check("task page")
    # r chooses "reject" and puts the cursor in the comment; the reason typed, Enter on the choice records it
    page.locator("body").press("r")
    expect(page.get_by_label("Reject")).to_be_checked()
    expect(page.locator("textarea[name=comment]")).to_be_focused()
    page.keyboard.type("Not eligible: the transcript is missing a semester.")
    page.get_by_label("Reject").press("Enter")
    expect(page.locator("h1")).to_have_text("Inbox")
    assert ApplicationStatus.REJECTED in {a.status for a in (first, second, third) if not a.refresh_from_db()}
    assert not watcher.problems, "\n".join(watcher.problems)
