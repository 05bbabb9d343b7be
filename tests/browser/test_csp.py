"""Every main page under the site's strict Content-Security-Policy, in a real browser: the pages of each
role, the API docs, the Django admin and the error pages load with no CSP violation and no script error,
and HTML pages, the admin and the docs send the Content-Security-Policy and Permissions-Policy headers.
The same pass runs axe-core on Körpü's own pages and fails on any accessibility violation it finds."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from agreements import services as agreement_services
from applications import services as application_services
from tests.support.agreements import iia_terms
from tests.support.drivers import make_submitted_application
from tests.support.factories import valid_application_fields
from workflows.selectors import open_task_for_agreement, open_task_for_application
from workflows.services import case_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs in every new document before its own scripts (through the DevTools protocol, so the page's CSP does
# not apply to it) and keeps the violations the page reports, including those of its HTML's parsing.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile || ""}:` +
    `${event.lineNumber} (${(event.sample || "").slice(0, 60)})`
  );
});
"""


AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 A and AA and axe's best practices, on Körpü's own pages (the admin and Swagger UI are not ours).
NOT_OURS = ("/admin/", "/api/docs/")
AXE_RUN = """async () => {
  const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
  // no preload: axe would read the stylesheets through an inline <style> of its own, which the CSP refuses
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, preload: false});
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}: ` + v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")
  );
}"""


@pytest.fixture(scope="session")
def axe_source():
    """axe-core's source, which `make install` puts in tests/browser/axe/ (npm ci); without npm the
    accessibility half of the test is skipped, except in CI."""
    if not AXE.exists():
        message = "axe-core is not installed: run `make install` (npm ci --prefix tests/browser/axe)"
        if os.environ.get("CI"):
            pytest.fail(message)
        return None
    return AXE.read_text(encoding="utf-8")


class PageWatcher:
    """Opens pages in one browser context and collects, per page, CSP violations, console errors and
    warnings, and uncaught script errors."""

    def __init__(self, page, axe_source=None):
        self.page = page
        self.axe_source = axe_source
        self.problems: list[str] = []
        self.console: list[str] = []
        page.context.add_init_script(RECORD_VIOLATIONS)
        page.on("console", lambda message: self._on_console(message))
        page.on("pageerror", lambda error: self.console.append(f"script error: {error}"))

    def _on_console(self, message):
        if message.type in ("error", "warning"):
            self.console.append(f"console {message.type}: {message.text}")

    def visit(self, url: str, *, status: int = 200, wait_for: str | None = None):
        self.console.clear()
        response = self.page.goto(url)
        assert response is not None
        assert response.status == status, f"{url} answered {response.status}, not {status}"
        self.page.wait_for_load_state("networkidle")
        if wait_for:
            expect(self.page.locator(wait_for).first).to_be_visible()
        self.check(url, expected_status=status)
        if self.axe_source and not any(prefix in url for prefix in NOT_OURS):
            self.check_accessibility(url)
        return response

    def check_accessibility(self, where: str):
        # evaluated through DevTools like the init script: the page's CSP, which would refuse an added
        # <script>, does not apply
        self.page.evaluate(self.axe_source)
        self.problems += [f"{where}: accessibility: {v}" for v in self.page.evaluate(AXE_RUN)]

    def check(self, where: str, *, expected_status: int = 200):
        """Records what went wrong on the page as it is now (after a visit or an interaction)."""
        violations = self.page.evaluate("window.__cspViolations || []")
        self.problems += [f"{where}: CSP violation: {v}" for v in violations]
        for line in self.console:
            # the browser's own line for the page's deliberate 403/404 status is not a problem
            if expected_status != 200 and f"status of {expected_status}" in line:
                continue
            self.problems.append(f"{where}: {line}")
        self.console.clear()
        self.page.evaluate("window.__cspViolations = []")


@pytest.fixture
def watch(axe_source):
    return lambda page: PageWatcher(page, axe_source)


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
    return {
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

    # the head of department: the task page of an agreement in approval
    head = watch(open_as("head_ce"))
    head.visit(f"{url}/tasks/", wait_for="h1")
    head.visit(f"{url}/tasks/{cases['agreement_task'].pk}/", wait_for="textarea[name=comment]")
    problems += head.problems

    # the administrator: the Django admin's index, changelists, change and add forms
    admin = watch(open_as("admin"))
    response = admin.visit(f"{url}/admin/", wait_for="#content")
    assert_security_headers(response, "admin index")
    admin.visit(f"{url}/admin/applications/call/", wait_for="#result_list")
    # the changelist's actions (admin/js/actions.js): select a row, and the counter shows it
    admin.page.locator("#result_list input.action-select").first.check()
    expect(admin.page.locator(".action-counter")).to_contain_text("1 of 1")
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
