"""The office's year in numbers, in a real browser (issue 11): the office opens the 2025 plan, records a fair with
its confirming document, changes an indicator's target and opens the fairs' records, prepares the first half-year's
report with a note, and submits it; the department head and the prorector approve it from their inbox; the approved
report keeps its hash and PDF; the auditor exports a case's history and a period's audit trail. Every page is
checked for CSP violations and by axe."""

import csv
import io

import pytest
from playwright.sync_api import expect

from reports.demo import load_plan_2025
from reports.models import Activity, PeriodReport
from tests.support.drivers import make_submitted_application
from tests.support.files import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_reports_its_first_half_year(world, open_as, watch, live_server, tmp_path):
    url = live_server.url
    load_plan_2025()
    application = make_submitted_application(world)
    problems: list[str] = []

    # the office opens the plan and records a fair with its participants' list
    office = watch(open_as("coordinator_ce"))
    office.visit(f"{url}/reports/plans/", wait_for="h1")
    office.page.get_by_role("link", name="Action plan of the International Relations Department for 2025").click()
    expect(office.page.locator("table.plan tbody tr")).to_have_count(14)
    office.check("the plan")
    office.visit(f"{url}/reports/register/new/", wait_for="input[name=title]")
    page = office.page
    page.select_option("select[name=kind]", "event")
    page.select_option("select[name=category]", "fair_abroad")
    page.fill("input[name=title]", "Study in Azerbaijan, Istanbul")
    page.fill("input[name=start_date]", "2025-03-01")
    page.fill("input[name=country]", "TR")
    page.fill("input[name=participants_count]", "3")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Study in Azerbaijan, Istanbul")
    office.check("the activity")
    pdf = tmp_path / "participants.pdf"
    pdf.write_bytes(PDF_BYTES)
    page.select_option("select[name=kind]", "participant_list")
    page.set_input_files("input[name=file]", str(pdf))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#documents")).to_contain_text("participants.pdf")
    office.check("the activity with its document")

    # the office changes an indicator's target in the plan's editor, then opens the fairs' records with their
    # confirming documents
    office.visit(f"{url}/reports/plans/2025/edit/", wait_for="h1")
    office.check("the plan's editor")
    page.get_by_role("link", name="Change indicator 3.1").click()
    page.fill("input[name=target_value]", "4")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#plan-history-heading + ul")).to_contain_text("target_value")
    office.check("the plan's editor after a change")
    page.get_by_role("link", name="Change indicator 3.1").click()
    office.check("an indicator's form")
    office.visit(f"{url}/reports/indicators/fairs/?year=2025", wait_for="h1")
    expect(page.locator("#records-heading ~ .table-wrap table")).to_contain_text("participants.pdf")
    office.check("a number's records")
    office.visit(f"{url}/reports/indicators/?year=2025", wait_for="h1")
    office.check("every number")

    # the first half-year's report, with a note on the fairs
    office.visit(f"{url}/reports/period-reports/new/", wait_for="select[name=plan]")
    page.select_option("select[name=department]", str(world.departments["ce"].pk))
    page.select_option("select[name=preset]", "h1")
    page.get_by_role("button", name="Prepare").click()
    expect(page.locator("h1")).to_contain_text("2025-01-01 – 2025-06-30")
    office.check("the prepared report")
    report = PeriodReport.objects.get()
    fairs_row = page.locator("tbody tr", has_text="Number of education fairs attended")
    expect(fairs_row.locator("td").nth(3)).to_contain_text("1")
    page.get_by_label("Note on 3.1").fill("One fair in the first half; two more planned.")
    page.get_by_role("button", name="Save the notes").click()
    expect(fairs_row.locator("td").nth(4)).to_contain_text("two more planned")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("h1 + p")).to_contain_text("Department head review")
    office.check("the submitted report")
    problems += office.problems

    # the head and then the prorector approve it from their inbox
    for username in ("head_ce", "prorector"):
        approver = watch(open_as(username))
        approver.visit(f"{url}/tasks/", wait_for="h1")
        approver.page.get_by_role("link", name=f"Period report #{report.pk}").click()
        expect(approver.page.locator("#decision")).to_be_visible()
        approver.check(f"{username}'s task page")
        approver.page.get_by_label("Approve").check()
        approver.page.get_by_role("button", name="Record decision").click()
        approver.page.wait_for_load_state()
        problems += approver.problems
    report.refresh_from_db()
    assert report.status == "approved" and report.content_sha256

    # the approved report shows its hash; its PDF is the kept one
    auditor = watch(open_as("auditor"))
    auditor.visit(f"{url}{report.get_absolute_url()}", wait_for="h1")
    expect(auditor.page.locator("code").first).to_have_text(report.content_sha256)
    with auditor.page.expect_download() as download:
        auditor.page.get_by_role("link", name="PDF", exact=True).first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    # the auditor exports an application's history from its page, and the period's audit trail
    auditor.visit(f"{url}{application.get_absolute_url()}", wait_for=".case-history-export")
    with auditor.page.expect_download() as download:
        auditor.page.locator(".case-history-export").get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert any(row[0] == "timeline" and row[3] == "submitted" for row in rows)
    auditor.visit(f"{url}/reports/audit/", wait_for="input[name=date_from]")
    auditor.page.select_option("select[name=kind]", "activity")
    with auditor.page.expect_download() as download:
        auditor.page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    activity = Activity.objects.get()
    assert {row[3] for row in rows[1:]} == {str(activity.pk)} and len(rows) == 3
    auditor.visit(f"{url}/reports/dashboard/?year=2025", wait_for="figure img")
    problems += auditor.problems
    assert not problems, "\n".join(problems)
