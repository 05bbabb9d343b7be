"""Each signed-in request's user is loaded by the session's backend through one compiled statement
(accounts.backends.CompiledUserLoad), with the backend's own rule on who may be signed in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from accounts.backends import PasswordBackend
from accounts.oidc import AuthenticationBackend as OidcBackend
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
