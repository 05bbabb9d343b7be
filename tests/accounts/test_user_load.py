"""Each signed-in request's user is loaded by the session's backend through one compiled statement
(accounts.backends.CompiledUserLoad), with the backend's own rule on who may be signed in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.backends import PasswordBackend
from accounts.oidc import AuthenticationBackend as OidcBackend
from tests.support.drivers import decide, make_submitted_application, open_task
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_user_of_a_session_is_one_query_and_refused_once_inactive(client):
    user = UserFactory()
    for backend in (PasswordBackend(), OidcBackend()):
        with CaptureQueriesContext(connection) as queries:
            assert backend.get_user(user.pk) == user
            assert backend.get_user(str(user.pk)) == user
        assert len(queries.captured_queries) == 2
        assert backend.get_user("not a number") is None
        assert backend.get_user(user.pk + 10_000) is None
    user.is_active = False
    user.save()
    assert PasswordBackend().get_user(user.pk) is None
    assert OidcBackend().get_user(user.pk) is None


@override_settings(PASSWORD_LOGIN_ADMINS_ONLY=True)
def test_a_password_session_of_someone_who_may_no_longer_use_a_password_ends(client):
    user = UserFactory()
    client.force_login(user, backend="accounts.backends.PasswordBackend")
    assert client.get(reverse("workflows:inbox")).status_code == 302  # to the sign-in page


def _reads_about_the_signed_in_user(client, url) -> list[str]:
    """The statements of one page that read someone's roles, departments or deputyships, beside the user's load."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    tables = ('"accounts_user_groups"', '"accounts_user_departments"', '"accounts_deputyship"')
    return [
        query["sql"]
        for query in queries.captured_queries
        if "rights_roles" not in query["sql"] and any(table in query["sql"] for table in tables)
    ]


def test_a_page_learns_who_signed_in_with_the_users_load(world, client):
    # Roles, departments and "standing in for anyone today?" come with the user (PostgreSQL): no query of their own.
    client.force_login(world.coordinator_ce)
    for url in (reverse("workflows:inbox"), reverse("notifications:list")):
        assert _reads_about_the_signed_in_user(client, url) == []

    # A deputy standing in today is asked whom for, and sees the approver's tasks.
    today = timezone.localdate()
    account_services.deputyship_create(
        actor=world.head_ce, principal=world.head_ce, deputy=world.head_math, starts_on=today, ends_on=today
    )
    application = decide(world.coordinator_ce, make_submitted_application(world))
    client.force_login(world.head_math)
    assert any('"accounts_deputyship"' in sql for sql in _reads_about_the_signed_in_user(client, "/tasks/"))
    assert f"/tasks/{open_task(application).pk}/" in client.get("/tasks/").content.decode()
