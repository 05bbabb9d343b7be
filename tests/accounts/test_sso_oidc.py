"""Signing in with OpenID Connect against a real provider on loopback (oidc-provider-mock): accounts created on
the first sign-in with the roles and departments of the claim mapping, updated on the next; a mapping miss is
logged and ends on a clear page; password sign-in can be kept for administrators; logging out ends the provider's
session too."""

import logging

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import User, UserSession
from accounts.roles import Role, user_roles
from tests.support.sso import oidc_provider, oidc_settings, oidc_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    with oidc_provider() as issuer:
        oidc_settings(settings, issuer)
        yield issuer


def test_a_student_and_a_coordinator_sign_in_with_the_right_roles(world, provider):
    student = Client()
    response = oidc_sign_in(student, "aysel.student", next_url="/applications/")
    assert response.status_code == 302 and response["Location"] == "/applications/"
    aysel = User.objects.get(username="aysel.student")
    assert user_roles(aysel) == {Role.STUDENT}
    assert [d.code for d in aysel.departments.all()] == ["ce"]
    assert (aysel.email, aysel.first_name, aysel.last_name) == ("aysel@uni.example", "Aysel", "Məmmədova")
    assert not aysel.has_usable_password()
    assert student.get("/applications/").status_code == 200
    assert UserSession.objects.get(user=aysel).method == "oidc"

    coordinator = Client()
    oidc_sign_in(coordinator, "kamal.coord", next_url="/tasks/")
    kamal = User.objects.get(username="kamal.coord")
    # "iro-coordinator" and "employee" both map: coordinator and staff member
    assert user_roles(kamal) == {Role.COORDINATOR, Role.STAFF}
    inbox = coordinator.get("/tasks/")
    assert inbox.status_code == 200 and "Inbox" in inbox.content.decode()


def test_the_next_sign_in_updates_roles_from_the_provider_and_keeps_roles_given_here(world, provider, settings):
    oidc_sign_in(Client(), "kamal.coord")
    kamal = User.objects.get(username="kamal.coord")
    kamal.groups.add(Group.objects.get(name=Role.AUDITOR))  # given here, in the admin
    # the office's coordinators are now the group "iro-staff", which he is not in
    settings.SSO_ROLE_MAP = {"employee": "staff", "iro-staff": "coordinator"}
    oidc_sign_in(Client(), "kamal.coord")
    assert user_roles(User.objects.get(pk=kamal.pk)) == {Role.STAFF, Role.AUDITOR}
    assert User.objects.filter(username__iexact="kamal.coord").count() == 1


def test_a_mapping_miss_is_logged_and_shown_on_a_clear_page(world, provider, caplog):
    client = Client()
    with caplog.at_level(logging.WARNING, logger="accounts.sso"):
        response = oidc_sign_in(client, "guest.user")
    assert response.status_code == 302 and response["Location"] == "/accounts/sso/refused/"
    page = client.get(response["Location"])
    assert page.status_code == 403
    assert "gives you no role in Körpü" in page.content.decode()
    assert "no role for 'guest.user'" in caplog.text
    assert not User.objects.filter(username="guest.user").exists()

    response = oidc_sign_in(Client(), "lost.student")
    assert response["Location"] == "/accounts/sso/refused/"
    assert "no known department" in caplog.text


def test_the_login_page_offers_it_and_it_is_off_until_configured(world, settings, client):
    settings.OIDC_ISSUER = ""
    assert client.get("/oidc/authenticate/").status_code == 404
    assert "/oidc/authenticate/" not in client.get("/accounts/login/").content.decode()
    settings.OIDC_ISSUER, settings.OIDC_RP_CLIENT_ID = "http://localhost:1", "x"
    assert "/oidc/authenticate/" in client.get("/accounts/login/").content.decode()


def test_password_login_can_be_kept_for_administrators(world, settings):
    for user in (world.student1, world.admin):
        user.set_password("Pass-word-123")
        user.save()
    settings.PASSWORD_LOGIN_ADMINS_ONLY = True
    refused = Client().post("/accounts/login/", {"username": "student1", "password": "Pass-word-123"})
    assert refused.status_code == 200 and "_auth_user_id" not in refused.wsgi_request.session
    admin = Client()
    allowed = admin.post("/accounts/login/", {"username": "admin", "password": "Pass-word-123", "next": "/"})
    assert allowed.status_code == 302
    # the API's token endpoint follows the same rule
    token = Client().post("/api/v1/auth/token/", {"username": "student1", "password": "Pass-word-123"})
    assert token.status_code == 400
    settings.PASSWORD_LOGIN_ADMINS_ONLY = False
    assert Client().post("/accounts/login/", {"username": "student1", "password": "Pass-word-123"}).status_code == 302


def test_logout_ends_the_local_session_and_the_providers(world, provider):
    client = Client()
    oidc_sign_in(client, "aysel.student")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{provider}/oauth2/end_session?id_token_hint=")
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Flogin%2F" in response["Location"]
    assert client.get("/applications/").status_code == 302  # signed out here
    assert not UserSession.objects.filter(user__username="aysel.student").exists()
    # a password session just ends here
    other = Client()
    other.force_login(world.student1)
    assert other.post("/accounts/logout/")["Location"] == "/accounts/login/"
