"""Signing in with SAML 2.0 against a real identity provider on loopback (pysaml2's IdP, signed assertions checked
with xmlsec1): accounts from the attributes through the same mapping as OpenID Connect; misses on a clear page;
the service provider's metadata at /saml2/metadata/."""

import logging
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from django.test import Client

from accounts.models import User, UserSession
from accounts.roles import Role, user_roles
from tests.support.saml_idp import saml_idp, saml_settings, saml_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def idp(settings, tmp_path):
    with saml_idp(tmp_path) as server:
        saml_settings(settings, server, "http://testserver")
        yield server


def test_a_student_and_a_coordinator_sign_in_with_the_right_roles(world, idp):
    student = Client()
    response = saml_sign_in(student, idp, "aysel.student", next_url="/applications/")
    assert response.status_code == 302 and response["Location"] == "/applications/", response.content[:500]
    aysel = User.objects.get(username="aysel.student")
    assert user_roles(aysel) == {Role.STUDENT}
    assert [d.code for d in aysel.departments.all()] == ["ce"]
    assert (aysel.email, aysel.first_name) == ("aysel@uni.example", "Aysel")
    assert student.get("/applications/").status_code == 200
    assert UserSession.objects.get(user=aysel).method == "saml"

    coordinator = Client()
    saml_sign_in(coordinator, idp, "kamal.coord", next_url="/tasks/")
    assert user_roles(User.objects.get(username="kamal.coord")) == {Role.COORDINATOR}
    assert "Inbox" in coordinator.get("/tasks/").content.decode()


def test_a_mapping_miss_is_logged_and_shown_on_a_clear_page(world, idp, caplog):
    client = Client()
    with caplog.at_level(logging.WARNING, logger="accounts.sso"):
        response = saml_sign_in(client, idp, "guest.user")
    assert response.status_code == 302 and response["Location"] == "/accounts/sso/refused/"
    page = client.get(response["Location"])
    assert page.status_code == 403 and "gives you no role in Körpü" in page.content.decode()
    assert "no role for 'guest.user'" in caplog.text
    assert not User.objects.filter(username="guest.user").exists()


def test_a_forged_assertion_is_refused(world, idp):
    client = Client()
    start = client.get("/saml2/login/")
    assert start.status_code == 302
    response = client.post("/saml2/acs/", {"SAMLResponse": "PHNhbWxwOlJlc3BvbnNlLz4=", "RelayState": "/"})
    assert response.status_code in (302, 400)
    assert "_auth_user_id" not in client.session


def test_the_service_providers_metadata_is_served(world, idp):
    response = Client().get("/saml2/metadata/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'entityID="http://testserver/saml2/metadata/"' in body
    assert "http://testserver/saml2/acs/" in body


def test_off_until_configured(world, settings, client):
    settings.SAML_IDP_METADATA_FILE = settings.SAML_IDP_METADATA_URL = ""
    assert client.get("/saml2/metadata/").status_code == 404
    assert client.get("/saml2/login/").status_code == 404
    assert "/saml2/login/" not in client.get("/accounts/login/").content.decode()


def test_logout_after_a_saml_sign_in_ends_the_session_here_and_at_the_idp(world, idp):
    client = Client()
    saml_sign_in(client, idp, "aysel.student")
    # Log out → the IdP's single logout service (a signed-in page's CSP lets the form's redirect go there)
    assert f"form-action 'self' {idp.base}" in client.get("/applications/")["Content-Security-Policy"]
    response = client.post("/accounts/logout/", follow=True)
    location = response.redirect_chain[-1][0]
    assert location.startswith(f"{idp.base}/slo/redirect?SAMLRequest="), response.redirect_chain
    back = requests.get(location, allow_redirects=False, timeout=10)
    assert back.status_code == 303 and idp.logged_out
    done = urlsplit(back.headers["Location"])
    assert done.path == "/saml2/ls/"
    finished = client.get(done.path, dict(parse_qsl(done.query)))
    assert finished.status_code == 302 and finished["Location"] == "/accounts/login/"
    assert client.get("/applications/").status_code == 302
    assert not UserSession.objects.filter(user__username="aysel.student").exists()
