"""The Erasmus Without Paper journey of the demo, as a new user would try it in a real browser: the TU Berlin
agreement's EWP XML downloads, validates offline against the vendored schema and carries the hash the page shows
(the official stylesheet's); an edited copy uploaded as the partner's shows the edit and blocks approval; the
unedited copy is approved; the partner's approval of our hash makes the agreement "approved by both"."""

import pytest
from django.core.management import call_command
from lxml import etree
from playwright.sync_api import expect

from agreements.ewp.hashing import iia_hashes
from agreements.ewp.xml import validation_errors
from agreements.models import Agreement
from tests.support.ewp import approval_xml, edited_copy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_tu_berlin_agreement_is_exchanged_over_ewp(settings, open_as, watch, live_server, tmp_path):
    settings.DEBUG = True
    call_command("load_demo")
    agreement = Agreement.objects.get(partner__schac_code="tu-berlin.de")

    # the coordinator finds the agreement and its EWP card (every page also checked for CSP and accessibility)
    page = open_as("coordinator_ce")
    watcher = watch(page)
    page.get_by_role("link", name="Agreements", exact=True).click()
    page.get_by_role("link", name=agreement.title).click()
    card = page.locator("#ewp")
    expect(card).to_contain_text("Not exchanged")
    card.get_by_role("link", name="EWP exchange").click()
    expect(page.locator("h1")).to_contain_text("Erasmus Without Paper")
    our_hash = page.locator("#our-iia-hash").inner_text().strip()
    expect(page.locator("#valid-for-approval")).to_have_text("yes")

    # the XML downloads; it validates offline and the official stylesheet gives the hash the page shows
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download our IIA (XML)").click()
    downloaded = tmp_path / "iia.xml"
    download_info.value.save_as(downloaded)
    xml = downloaded.read_bytes()
    tree = etree.fromstring(xml)
    assert validation_errors(tree, "get") == []
    [computed] = iia_hashes(tree)
    assert computed.iia_hash == our_hash

    # an edited copy uploaded as the partner's: the edit is shown side by side and approval is blocked
    edited = tmp_path / "edited.xml"
    edited.write_bytes(edited_copy(xml, mobilities=7, restate=True))
    page.set_input_files("input[name=copy-file]", str(edited))
    page.get_by_role("button", name="Import and compare").click()
    row = page.locator('tr[data-key="outgoing.student_studies"]')
    expect(row).to_contain_text("mobilities per year")
    expect(row.locator("td.old")).to_contain_text("3 per year")
    expect(row.locator("td.new")).to_contain_text("7 per year")
    expect(page.locator("#copies-differ")).to_be_visible()
    expect(page.get_by_role("button", name="Approve the partner's copy")).to_have_count(0)
    expect(page.locator("h1 .badge")).to_have_text("Partner copy received")
    watcher.visit(f"{live_server.url}/agreements/{agreement.pk}/ewp/", wait_for="table.diff")

    # the unedited copy says the same and can be approved
    page.set_input_files("input[name=copy-file]", str(downloaded))
    page.get_by_role("button", name="Import and compare").click()
    expect(page.locator("#no-differences")).to_be_visible()
    page.get_by_role("button", name="Approve the partner's copy").click()
    expect(page.locator("h1 .badge")).to_have_text("Approved by us")

    # the partner's approval of our hash: approved by both, and the list filters on it
    approval = tmp_path / "approval.xml"
    approval.write_bytes(approval_xml(computed.iia_id, our_hash))
    page.set_input_files("input[name=approval-file]", str(approval))
    page.get_by_role("button", name="Import the approval").click()
    expect(page.locator("h1 .badge")).to_have_text("Approved by both")
    watcher.visit(f"{live_server.url}/agreements/{agreement.pk}/ewp/", wait_for="#no-differences")
    watcher.visit(f"{live_server.url}/agreements/{agreement.pk}/", wait_for="#ewp")
    watcher.visit(f"{live_server.url}/agreements/?ewp_status=approved_by_both", wait_for="table.agreements")
    page.get_by_role("link", name="Agreements", exact=True).click()
    page.select_option("select[name=ewp_status]", "approved_by_both")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name=agreement.title)).to_be_visible()
    page.get_by_role("link", name=agreement.title).click()
    expect(page.locator("#timeline")).to_contain_text("Partner's EWP approval of our copy imported")
    assert not watcher.problems, "\n".join(watcher.problems)
