"""Migration advice in a real browser: the coordinator opens a case by hand, marks a step done with the document it
produced, and the foreigner reads their checklist; every page is checked by axe-core and the CSP."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from migration.models import AdviceCase, AdviceStep
from migration.services import step_templates_seed_defaults
from tests.support.files import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_opens_a_case_marks_a_step_done_and_the_foreigner_sees_it(
    world, open_as, live_server, watch, tmp_path
):
    step_templates_seed_defaults()  # the data migration's rows do not survive other transactional tests
    base = live_server.url
    office = watch(open_as("coordinator_ce"))
    page = office.page
    office.visit(f"{base}/migration/checklist/")
    expect(page.locator(".notice-warn")).to_contain_text("example to adjust")

    office.visit(f"{base}/migration/new/")
    page.fill("input[name=email]", "student3@example.org")  # links student3's account
    page.fill("input[name=first_name]", "Leyla")
    page.fill("input[name=last_name]", "Hüseynova")
    page.fill("input[name=nationality]", "Georgia")
    page.fill("input[name=arrival_date]", (timezone.localdate() - timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_load_state()
    case = AdviceCase.objects.get(person=world.student3)
    assert page.url.endswith(f"/migration/{case.pk}/")
    office.check("after opening")
    office.visit(f"{base}/migration/{case.pk}/")

    step = AdviceStep.objects.get(case=case, template__code="stay-registration")
    row = page.locator(f"#step-{step.pk}")
    row.locator("summary").click()
    scan = tmp_path / "registration.pdf"
    scan.write_bytes(PDF_BYTES)
    row.locator("input[type=file]").set_input_files(str(scan))
    row.get_by_label("Note").fill("Registered at the ASAN service")
    row.get_by_role("button", name="Mark done").click()
    page.wait_for_load_state()
    expect(page.locator(f"#step-{step.pk}")).to_contain_text(str(world.coordinator_ce))
    office.check("after marking done")
    office.visit(f"{base}/migration/overdue/")

    foreigner = watch(open_as("student3"))
    foreigner.visit(f"{base}/migration/mine/")
    expect(foreigner.page.locator("main")).to_contain_text("Yaşayış yeri üzrə qeydiyyat")
    expect(foreigner.page.locator(f"#step-{step.pk}")).to_contain_text("done")
    foreigner.visit(f"{base}/migration/{case.pk}/")
    assert office.problems + foreigner.problems == []
