"""Fixtures for the browser tests: the system's headless Chromium driven by Playwright against
pytest-django's live server. Never downloads a browser; without /usr/bin/chromium the tests skip
(or fail when CI is set, so a CI machine cannot silently skip them)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told it is safe (the test code and the ORM do not share the loop).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: install the system Chromium package to run the browser tests."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_as(browser, live_server):
    """open_as("student1") -> a Playwright page of a fresh browser session, logged in as that demo user."""
    contexts = []

    def login(username: str, password: str = "demo"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"{username} could not log in"
        return page

    yield login
    for context in contexts:
        context.close()


# --- watching a page: CSP violations, script errors and axe-core (used by test_csp.py and the page tests) ---

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
