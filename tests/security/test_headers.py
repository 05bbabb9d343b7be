"""The security headers of every response (Content-Security-Policy, Permissions-Policy and Django's own),
and the templates that make a strict policy possible: no inline script, style or event handler.
tests/browser/test_csp.py proves in a real browser that the pages then break no rule."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.support.drivers import make_ready_application
from tests.support.files import PDF_BYTES, upload
from workflows.services import case_document_attach

pytestmark = pytest.mark.django_db

SITE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "serial", "hid", "midi"]


def policy(response) -> dict[str, str]:
    directives = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return {name: value for name, value in directives}


def assert_site_headers(response, *, referrer="same-origin"):
    features = dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))
    assert all(features[name] == "()" for name in DENIED_FEATURES), features
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == referrer
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/", "/no-such-page/"])
def test_pages_send_the_strict_policy_anonymously(client, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert policy(response) == SITE_POLICY
    assert_site_headers(response)


def test_signed_in_pages_and_the_admin_send_the_strict_policy(client, world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(world.admin)
    for url in ["/admin/", "/admin/applications/call/", f"/admin/applications/call/{world.call.pk}/change/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response) == SITE_POLICY, url
        assert_site_headers(response)
    client.force_login(world.coordinator_ce)
    response = client.get("/agreements/")
    assert policy(response) == SITE_POLICY
    assert_site_headers(response)


def test_the_api_docs_allow_data_images_and_have_no_inline_script_or_style(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert policy(response) == {**SITE_POLICY, "img-src": "'self' data:"}
    assert_site_headers(response)
    html = response.content.decode()
    assert "<style" not in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(" src=" in tag for tag in scripts), scripts
    # the init script has a URL of its own (drf-spectacular's split view)
    init = client.get("/api/docs/?script=")
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in init.content


def test_a_download_keeps_its_own_stricter_policy(client, world):
    application = make_ready_application(world)
    document = case_document_attach(
        case=application, actor=world.student1, kind="other", file=upload("x.pdf", PDF_BYTES)
    )
    client.force_login(world.student1)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert_site_headers(response, referrer="no-referrer")


# --- the templates -------------------------------------------------------------------------------------

# An email is not a page: mail programs ignore stylesheets, so its styles stay inline.
NOT_PAGES = {"notifications/email.html"}
INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def project_templates():
    base = Path(settings.BASE_DIR)
    folders = [base / "templates", *(path for path in base.glob("*/templates") if ".venv" not in path.parts)]
    for folder in folders:
        for path in folder.rglob("*.html"):
            yield str(path.relative_to(folder)), path


def test_no_template_has_inline_script_style_or_event_handler():
    found = [
        f"{name}: {what}"
        for name, path in project_templates()
        if name not in NOT_PAGES
        for pattern, what in INLINE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)
