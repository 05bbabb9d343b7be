"""Every main page under the site's strict Content-Security-Policy, in a real browser: the pages of each
role, the API docs, the Django admin and the error pages load with no CSP violation and no script error,
and HTML pages, the admin and the docs send the Content-Security-Policy and Permissions-Policy headers.
The same pass runs axe-core on Körpü's own pages and fails on any accessibility violation it finds."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import deputyship_create
from agreements import services as agreement_services
from agreements.ewp import services as ewp_services
from agreements.ewp.selectors import our_iia
from applications import call_services
from applications import services as application_services
from reports.demo import load_plan_2025
from tests.support.agreements import active_agreement, iia_terms
from tests.support.calls import office_call, staff_call
from tests.support.drivers import make_submitted_application
from tests.support.ewp import edited_copy
from tests.support.factories import valid_application_fields
from tests.support.grants import grant_pages
from tests.support.selection import selection_pages
from workflows.selectors import open_task_for_agreement, open_task_for_application
from workflows.services import case_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cases(world):
    """A student's draft and submitted application, an agreement draft and one in approval, and the
    admin as a superuser: something on every page the test opens."""
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save(update_fields=["is_staff", "is_superuser"])
    submitted = make_submitted_application(world)
    draft_application = application_services.application_create(
        applicant=world.student2, call=world.call, choices=[world.partners[1].pk], **valid_application_fields()
    )
    draft = agreement_services.agreement_create_draft(
        actor=world.coordinator_ce, department=world.departments["ce"], **iia_terms(world.partners[0])
    )
    in_approval = agreement_services.agreement_create_draft(
        actor=world.coordinator_ce,
        department=world.departments["ce"],
        **iia_terms(world.partners[1], title="Agreement in approval"),
    )
    case_submit(case=in_approval, actor=world.coordinator_ce)
    # a call the office made, whose partner's agreement quota is not used (set by hand): the page warns
    office = office_call(world)
    active_agreement(world, world.partners[2], places=2)
    call_services.call_place_set_by_hand(
        call=office, actor=world.prorector, partner=world.partners[2], places=1, reason="Agreed by email."
    )
    return {
        "office_call": office,
        "staff_call": staff_call(world),
        "submitted": submitted,
        "draft_application": draft_application,
        "mobility_task": open_task_for_application(application=submitted),
        "draft": draft,
        "in_approval": in_approval,
        "agreement_task": open_task_for_agreement(agreement=in_approval),
    }


def test_every_main_page_loads_without_a_csp_violation(world, cases, browser, live_server, open_as, watch):
    url = live_server.url
    problems: list[str] = []

    # anonymous: the login pages and the API docs
    context = browser.new_context(locale="en-US")
    anonymous = watch(context.new_page())
    response = anonymous.visit(f"{url}/accounts/login/", wait_for="input[name=username]")
    assert_security_headers(response, "login page")
    anonymous.visit(f"{url}/admin/login/", wait_for="input[name=username]")
    response = anonymous.visit(f"{url}/api/docs/", wait_for=".swagger-ui .opblock")
    assert_security_headers(response, "API docs")
    # Swagger UI renders an operation's details (parameters, schemas, example values) when it is opened
    anonymous.page.locator(".opblock-summary").first.click()
    expect(anonymous.page.locator(".opblock-body").first).to_be_visible()
    anonymous.page.locator(".models-control, .models h4").first.click()
    anonymous.page.wait_for_load_state("networkidle")
    anonymous.check("API docs, an operation and the schemas opened")
    # where a single sign-on the mapping refuses ends
    anonymous.visit(f"{url}/accounts/sso/refused/", status=403, wait_for="h1")
    problems += anonymous.problems
    context.close()

    # a student: their applications, the calls, the application form, their case, notifications
    student = watch(open_as("student1"))
    student.visit(f"{url}/applications/", wait_for="h1")
    student.visit(f"{url}/applications/new/", wait_for="h1")
    student.visit(f"{url}/applications/new/{world.call.pk}/", wait_for="form input[name=period_start]")
    student.visit(f"{url}/applications/{cases['submitted'].pk}/", wait_for="h1")
    student.visit(f"{url}/notifications/", wait_for="h1")
    student.visit(f"{url}/notifications/preferences/", wait_for="form")
    problems += student.problems

    # a staff member: the staff mobility form
    staff = watch(open_as("staff1"))
    staff.visit(f"{url}/applications/new/{cases['staff_call'].pk}/", wait_for="input[name=teaching_hours]")
    problems += staff.problems

    another_student = watch(open_as("student2"))
    another_student.visit(f"{url}/applications/{cases['draft_application'].pk}/edit/", wait_for="form")
    problems += another_student.problems

    # the coordinator: cases, inbox, a mobility task, agreements and partners
    coordinator = watch(open_as("coordinator_ce"))
    coordinator.visit(f"{url}/cases/", wait_for="h1")
    coordinator.visit(f"{url}/applications/{cases['submitted'].pk}/", wait_for="h1")
    coordinator.visit(f"{url}/tasks/", wait_for="h1")
    coordinator.visit(f"{url}/tasks/{cases['mobility_task'].pk}/", wait_for="textarea[name=comment]")
    coordinator.visit(f"{url}/agreements/", wait_for="h1")
    coordinator.visit(f"{url}/agreements/new/", wait_for="input[name=title]")
    coordinator.visit(f"{url}/agreements/{cases['draft'].pk}/", wait_for="h1")
    coordinator.visit(f"{url}/agreements/{cases['draft'].pk}/edit/", wait_for="input[name=title]")
    coordinator.visit(f"{url}/agreements/{cases['draft'].pk}/versions/", wait_for="h1")
    # the EWP page of an agreement, before and after an edited copy of the partner's shows its differences
    coordinator.visit(f"{url}/agreements/{cases['draft'].pk}/ewp/", wait_for="h1")
    ewp_services.partner_copy_import(
        agreement=cases["draft"],
        actor=world.coordinator_ce,
        data=edited_copy(our_iia(cases["draft"]).xml, mobilities=9, restate=True),
    )
    coordinator.visit(f"{url}/agreements/{cases['draft'].pk}/ewp/", wait_for="table.diff")
    # the office's call pages: the list, a call with its places and a quota warning, its edit form, a new call
    coordinator.visit(f"{url}/calls/", wait_for="h1")
    coordinator.visit(f"{url}/calls/{cases['office_call'].pk}/", wait_for=".quota-unused")
    coordinator.visit(f"{url}/calls/{cases['office_call'].pk}/edit/", wait_for="input[name=title]")
    coordinator.visit(f"{url}/calls/new/", wait_for="input[name=required_documents]")
    coordinator.visit(f"{url}/agreements/partners/", wait_for="h1")
    coordinator.visit(f"{url}/agreements/partners/{world.partners[0].pk}/", wait_for="h1")
    coordinator.visit(f"{url}/agreements/partners/new/", wait_for="input[name=name]")
    coordinator.visit(f"{url}/agreements/partners/{world.partners[0].pk}/edit/", wait_for="input[name=name]")
    coordinator.visit(f"{url}/notifications/", wait_for="h1")
    # the API docs with the coordinator's session: try an operation out, and Swagger UI shows the live answer
    coordinator.visit(f"{url}/api/docs/", wait_for=".swagger-ui .opblock")
    operation = coordinator.page.locator("#operations-agreements-agreements_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(operation.locator(".live-responses-table .highlight-code").first).to_contain_text(cases["draft"].title)
    coordinator.check("API docs, an operation tried out")
    coordinator.visit(f"{url}/applications/new/", status=403)
    coordinator.visit(f"{url}/no-such-page/", status=404)
    problems += coordinator.problems

    # the competitive selection: rules, score sheet, results, the head's task page, the applicant's offer
    for username, paths in selection_pages(world).items():
        someone = watch(open_as(username))
        for path in paths:
            someone.visit(f"{url}{path}", wait_for="h1")
        problems += someone.problems
    # nominations and grants: a call's nominations, the partner's page, the rate tables, the participant's grant
    for username, paths in grant_pages(world).items():
        someone = watch(open_as(username))
        for path in paths:
            someone.visit(f"{url}{path}", wait_for="h1")
        problems += someone.problems

    # the head of department: the task page of an agreement in approval
    head = watch(open_as("head_ce"))
    head.visit(f"{url}/tasks/", wait_for="h1")
    head.visit(f"{url}/tasks/{cases['agreement_task'].pk}/", wait_for="textarea[name=comment]")
    # the profile: language, deputies (one named, and the form to name another), sessions, tokens
    today = timezone.localdate()
    deputyship_create(
        actor=world.head_ce,
        principal=world.head_ce,
        deputy=world.head_math,
        starts_on=today,
        ends_on=today + timedelta(days=3),
    )
    head.visit(f"{url}/accounts/profile/", wait_for="select[name=deputy]")
    problems += head.problems

    # the office's reports (reports/): the plan, the register, reports and the dashboard; the auditor's exports
    load_plan_2025()
    coordinator = watch(open_as("coordinator_ce"))
    coordinator.visit(f"{url}/reports/register/new/", wait_for="input[name=title]")
    coordinator.visit(f"{url}/reports/period-reports/new/", wait_for="select[name=plan]")
    problems += coordinator.problems
    auditor = watch(open_as("auditor"))
    auditor.visit(f"{url}/reports/audit/", wait_for="input[name=date_from]")
    auditor.visit(f"{url}/applications/{cases['submitted'].pk}/", wait_for=".case-history-export")
    for path in ("plans/", "plans/2025/", "register/", "period-reports/", "dashboard/?year=2025"):
        auditor.visit(f"{url}/reports/{path}", wait_for="h1")
    problems += auditor.problems

    # the administrator: the Django admin's index, changelists, change and add forms
    admin = watch(open_as("admin"))
    response = admin.visit(f"{url}/admin/", wait_for="#content")
    assert_security_headers(response, "admin index")
    admin.visit(f"{url}/admin/applications/call/", wait_for="#result_list")
    # the changelist's actions (admin/js/actions.js): select a row, and the counter shows it
    admin.page.locator("#result_list input.action-select").first.check()
    expect(admin.page.locator(".action-counter")).to_contain_text(re.compile(r"1 of \d+ selected"))
    admin.check("admin call changelist, a row selected")
    admin.visit(f"{url}/admin/applications/call/{world.call.pk}/change/", wait_for="#call_form")
    # the date and time shortcuts and the inline's "add another" row (admin/js/*.js)
    admin.page.locator(".datetimeshortcuts a").first.click()
    admin.page.locator(".add-row a").first.click()
    admin.check("admin call change form, shortcuts and a new inline row")
    admin.visit(f"{url}/admin/applications/call/add/", wait_for="#call_form")
    admin.visit(f"{url}/admin/applications/application/", wait_for="#result_list")
    admin.visit(f"{url}/admin/applications/application/{cases['submitted'].pk}/change/", wait_for="#content")
    admin.visit(f"{url}/admin/agreements/agreement/{cases['draft'].pk}/change/", wait_for="#content")
    admin.visit(f"{url}/admin/partners/partnerinstitution/?q=Partner", wait_for="#result_list")
    admin.visit(f"{url}/admin/accounts/user/{world.student1.pk}/change/", wait_for="#content")
    admin.visit(f"{url}/admin/auth/group/", wait_for="#result_list")
    admin.visit(f"{url}/admin/viewflow/task/", wait_for="#result_list")
    admin.visit(f"{url}/tasks/without-decider/", wait_for="h1")
    admin.visit(f"{url}/accounts/tokens/", wait_for="h1")
    admin.visit(f"{url}/accounts/profile/", wait_for="h1")
    admin.visit(f"{url}/admin/accounts/deputyship/", wait_for="#result_list")
    admin.visit(f"{url}/admin/accounts/deputyship/add/", wait_for="#deputyship_form")
    problems += admin.problems

    assert not problems, "\n".join(problems)


def assert_security_headers(response, what: str):
    headers = response.all_headers()
    policy = headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy and "script-src 'self'" in policy, f"{what}: CSP is {policy!r}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, f"{what}: CSP is {policy!r}"
    assert "camera=()" in headers.get("permissions-policy", ""), f"{what}: no Permissions-Policy"
    assert headers.get("x-content-type-options") == "nosniff", what
    assert headers.get("referrer-policy") == "same-origin", what
