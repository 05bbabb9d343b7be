"""A learning agreement in a real browser: the student fills and signs it, the sending coordinator signs, the
receiving coordinator signs through the emailed link (no account); every page passes axe-core and the CSP."""

import pytest
from playwright.sync_api import expect

from learning.models import LAStatus, LearningAgreement
from tests.support.learning import RECEIVING, approved_application, emailed_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_three_parties_sign_a_learning_agreement(world, browser, open_as, watch, live_server):
    url = live_server.url
    application = approved_application(world)
    problems: list[str] = []

    # the student starts it from the application's page and fills it in
    student = watch(open_as("student1"))
    student.visit(f"{url}/applications/{application.pk}/", wait_for="#learning-agreement")
    student.page.get_by_role("button", name="Start the learning agreement").click()
    page = student.page
    expect(page.locator("h1")).to_contain_text("Edit")
    student.check("the edit page")
    page.get_by_label("ISCED-F code").fill("0613")
    page.get_by_label("Language of instruction").fill("en")
    page.get_by_label("Your level in it (CEFR)").select_option("B2")
    rows = [
        ("A", "DS-1", "Distributed Systems", "18"),
        ("A", "DE-1", "German A2", "12"),
        ("B", "CE401", "Distributed Computing", "30"),
    ]
    for index, (table, code, title, ects) in enumerate(rows):
        page.locator(f"#id_components-{index}-table").select_option(table)
        page.locator(f"#id_components-{index}-code").fill(code)
        page.locator(f"#id_components-{index}-title").fill(title)
        page.locator(f"#id_components-{index}-ects").fill(ects)
        page.locator(f"#id_components-{index}-term").select_option("spring")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.locator("#current-version")).to_contain_text("Distributed Systems")
    agreement = LearningAgreement.objects.get(application=application)
    student.visit(f"{url}/learning/{agreement.pk}/", wait_for="#signatures")
    page.get_by_label("Receiving coordinator's name").fill(RECEIVING[0])
    page.get_by_label("Receiving coordinator's email").fill(RECEIVING[1])
    page.get_by_role("button", name="Save the receiving coordinator").click()
    page.get_by_role("button", name="Sign version 1").click()
    expect(page.locator("#signatures")).to_contain_text("Signed — ")
    student.check("the signed page")
    problems += student.problems

    # the sending coordinator signs from the list of what waits for them
    coordinator = watch(open_as("coordinator_ce"))
    coordinator.visit(f"{url}/learning/", wait_for="#to-sign")
    coordinator.page.locator("#to-sign a").first.click()
    coordinator.page.get_by_role("button", name="Sign version 1 for the sending institution").click()
    expect(coordinator.page.locator("#signatures")).to_contain_text("coordinator_ce")
    coordinator.check("the coordinator's page")
    problems += coordinator.problems

    # the receiving coordinator opens the emailed link, without an account, and signs
    agreement_id, token = emailed_token()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    receiving = watch(context.new_page())
    receiving.visit(f"{url}/learning/{agreement_id}/sign/{token}/", wait_for="form")
    receiving.page.get_by_label("Your position").fill("Erasmus coordinator")
    receiving.page.get_by_role("button", name="Sign", exact=True).click()
    expect(receiving.page.locator("h1")).to_have_text("Thank you")
    receiving.check("the thank-you page")
    receiving.visit(f"{url}/learning/{agreement_id}/sign/{token}/", status=404)
    problems += receiving.problems
    context.close()
    agreement.refresh_from_db()
    assert agreement.status == LAStatus.FINAL
    assert not problems, "\n".join(problems)
