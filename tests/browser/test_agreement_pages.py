"""An Erasmus+ agreement from the coordinator's draft to active with its quotas, in a real browser."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from agreements.models import Agreement, AgreementStatus
from tests.support.files import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_drafts_head_and_prorector_approve_and_the_signed_copy_activates_it(world, open_as, tmp_path):
    partner = world.partners[0]
    # coordinator_ce drafts an agreement on the pages
    page = open_as("coordinator_ce")
    page.get_by_role("link", name="Agreements", exact=True).click()
    expect(page.locator("h1")).to_have_text("Agreements")
    page.get_by_role("link", name="New agreement").click()
    page.fill("input[name=title]", f"Erasmus+ IIA with {partner.name}")
    page.select_option("select[name=type]", "erasmus_iia")
    page.select_option("select[name=partner]", str(partner.pk))
    page.fill("input[name=start_date]", "2026-09-01")
    page.fill("input[name=end_date]", "2028-08-31")
    page.fill("textarea[name=text]", "Both parties agree to exchange students and staff.")
    page.select_option("select[name=conditions-0-direction]", "outgoing")
    page.select_option("select[name=conditions-0-category]", "student_studies")
    page.fill("input[name=conditions-0-first_academic_year]", "2026/27")
    page.fill("input[name=conditions-0-last_academic_year]", "2027/28")
    page.fill("input[name=conditions-0-mobilities_per_year]", "2")
    page.fill("input[name=conditions-0-total_months_per_year]", "10")
    page.fill("input[name=conditions-0-subject_areas]", "0613, 0714")
    page.fill("input[name=conditions-0-eqf_levels]", "6, 7")
    page.fill("input[name=conditions-0-languages]", "en:B2, de:B1")
    page.select_option("select[name=conditions-1-direction]", "incoming")
    page.select_option("select[name=conditions-1-category]", "staff_teaching")
    page.fill("input[name=conditions-1-first_academic_year]", "2026/27")
    page.fill("input[name=conditions-1-last_academic_year]", "2026/27")
    page.fill("input[name=conditions-1-mobilities_per_year]", "1")
    page.fill("input[name=conditions-1-total_days_per_year]", "5")
    page.fill("input[name=our_signatory_name]", "Prof. Aliyev")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("The draft is saved.")).to_be_visible()
    agreement = Agreement.objects.get()
    expect(page.locator("h1 .badge")).to_have_text("Draft")
    expect(page.locator("#terms")).to_contain_text("de B1, en B2")

    # and submits it
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("The draft is submitted")).to_be_visible()
    expect(page.locator("h1 .badge")).to_have_text("In approval")

    # head_ce and the prorector approve it in their inbox
    for username in ("head_ce", "prorector"):
        approver = open_as(username)
        approver.get_by_role("link", name="Inbox", exact=True).click()
        approver.get_by_role("link", name=f"Agreement #{agreement.pk}", exact=True).click()
        expect(approver.locator("#terms")).to_contain_text("Student mobility for studies")
        approver.get_by_label("Approve").check()
        approver.fill("textarea[name=comment]", f"Approved by {username}.")
        approver.get_by_role("button", name="Record decision").click()
        expect(approver.get_by_text("Decision recorded: Approve")).to_be_visible()

    # the coordinator marks it sent and uploads the signed PDF
    page.get_by_role("link", name="Inbox", exact=True).click()
    page.get_by_role("link", name=f"Agreement #{agreement.pk}", exact=True).click()
    page.fill("#mark-sent textarea[name=comment]", "Sent by courier.")
    page.get_by_role("button", name="Mark as sent").click()
    expect(page.get_by_text("Recorded as sent to the partner.")).to_be_visible()
    page.get_by_role("link", name="Open the task").click()
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(PDF_BYTES)
    page.fill("input[name=our_signed_on]", timezone.localdate().isoformat())
    page.fill("input[name=partner_signed_on]", timezone.localdate().isoformat())
    page.set_input_files("input[name=file]", str(signed))
    page.get_by_role("button", name="Upload signed copy").click()
    expect(page.get_by_text("The signed copy is stored and the agreement is active.")).to_be_visible()

    # the agreement page shows it active, with its quotas
    expect(page.locator("h1 .badge")).to_have_text("Active")
    quotas = page.locator("#quotas tbody tr")
    expect(quotas).to_have_count(3)
    expect(quotas.first).to_contain_text("2026/27")
    expect(page.locator("#documents")).to_contain_text("signed.pdf")
    expect(page.locator("#timeline")).to_contain_text("Approved by prorector.")
    page.screenshot(path="/tmp/korpu-agreement.png", full_page=True)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.quotas.count() == 3
