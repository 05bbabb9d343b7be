"""Failed logins lock the username and the address out for a while (django-axes), on the login page and the API's
token endpoint alike, with one message that never tells whether the user exists; an admin can unlock."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.lockout import lockout_message
from tests.support.api import TOKEN_URL

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOCKED = "Too many failed login attempts."
WRONG = "Please enter a correct username and password."


def login(client, username, password, address="127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/"}, REMOTE_ADDR=address)


def notice(response) -> str:
    """The words of the lockout page's notice."""
    html = response.content.decode()
    start = html.index('class="notice notice-bad"')
    return html[start : html.index("</div>", start)]


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, world):
    # given 30 wrong passwords for student1
    answers = [login(client, "student1", f"guess{n}").status_code for n in range(30)]
    # then the first four say the password is wrong, the fifth (AXES_FAILURE_LIMIT) locks out, and so on
    assert answers[:4] == [200] * 4
    assert set(answers[4:]) == {429}

    # when the right password comes
    response = login(client, "student1", "demo")

    # then it is refused with the lockout page, which says when to come back
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert response["Retry-After"] == str(15 * 60)
    assert "_auth_user_id" not in client.session
    assert client.get("/applications/").status_code == 302  # still sent to the login page


def test_the_first_failures_say_only_that_the_password_is_wrong(client, world):
    response = login(client, "student1", "wrong")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert LOCKED not in response.content.decode()


def test_an_unknown_username_gets_the_same_lockout_as_a_real_one(client, world):
    # given the same number of failures for a real user and for one that does not exist, from two addresses
    for _ in range(5):
        real = login(client, "student1", "wrong", address="10.0.0.1")
        unknown = login(client, "nobody-here", "wrong", address="10.0.0.2")
    # then both answers are the same lockout, word for word
    assert real.status_code == unknown.status_code == 429
    assert notice(real) == notice(unknown)
    assert "student1" not in real.content.decode() and "nobody-here" not in unknown.content.decode()
    assert lockout_message() in notice(real)


def test_the_username_is_locked_from_every_address(client, world):
    for n in range(5):
        login(client, "student1", "wrong", address=f"10.0.0.{n + 1}")
    assert login(client, "student1", "demo", address="10.9.9.9").status_code == 429
    # and other people are not affected
    assert login(client, "student2", "demo", address="10.9.9.9").status_code == 302


def test_the_address_is_locked_for_every_username(client, world):
    for username in ("student1", "student2", "nobody", "staff1", "head_ce"):
        login(client, username, "wrong", address="10.0.0.7")
    assert login(client, "student3", "demo", address="10.0.0.7").status_code == 429
    assert login(client, "student3", "demo", address="10.0.0.8").status_code == 302


def test_the_limit_and_the_wait_come_from_the_settings(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=2)
    answers = [login(client, "student1", "wrong").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    locked = login(client, "student1", "demo")
    assert locked.status_code == 429 and locked["Retry-After"] == "120"
    assert "2 minutes" in locked.content.decode()

    # when the wait has passed
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=3))

    # then the right password logs in
    assert login(client, "student1", "demo").status_code == 302


def _staff_admin(world):
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    return world.admin


def test_the_admin_unlocks_by_deleting_the_attempts(client, world):
    # given student1 locked out
    for _ in range(5):
        login(client, "student1", "wrong")
    assert login(client, "student1", "demo").status_code == 429

    # when an admin deletes the access attempts in the admin
    admin_client = client.__class__()
    admin_client.force_login(_staff_admin(world))
    changelist = admin_client.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200 and "student1" in changelist.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    confirm = admin_client.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert confirm.status_code == 302

    # then student1 logs in
    assert not AccessAttempt.objects.exists()
    assert login(client, "student1", "demo").status_code == 302


def test_the_admin_unlocks_a_user_from_the_users_list(client, world):
    for _ in range(5):
        login(client, "student1", "wrong")
    admin_client = client.__class__()
    admin_client.force_login(_staff_admin(world))
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_logins", "_selected_action": [world.student1.pk]},
        follow=True,
    )
    assert "failed-login record" in response.content.decode()
    assert login(client, "student1", "demo").status_code == 302


def test_failed_logins_are_logged_where_the_admin_reads_them(client, world):
    login(client, "student1", "wrong", address="10.1.2.3")
    login(client, "nobody", "wrong", address="10.1.2.4")

    rows = {(row.username, row.ip_address) for row in AccessFailureLog.objects.all()}
    assert rows == {("student1", "10.1.2.3"), ("nobody", "10.1.2.4")}
    assert all(row.attempt_time for row in AccessFailureLog.objects.all())

    admin_client = client.__class__()
    admin_client.force_login(_staff_admin(world))
    page = admin_client.get("/admin/axes/accessfailurelog/")
    assert page.status_code == 200
    assert "10.1.2.3" in page.content.decode()


def test_the_token_endpoint_counts_failures_and_honours_the_lockout(client, world):
    api = APIClient()
    answers = [api.post(TOKEN_URL, {"username": "student1", "password": "wrong"}, format="json") for _ in range(5)]
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 429]
    locked = api.post(TOKEN_URL, {"username": "student1", "password": "demo"}, format="json")
    assert locked.status_code == 429
    assert locked.json() == {"detail": lockout_message(), "code": "locked_out"}
    assert locked["Retry-After"] == str(15 * 60)
    assert "token" not in locked.json()
    # one lockout for the page and the API
    assert login(client, "student1", "demo", address="10.5.5.5").status_code == 429


def test_an_unknown_username_is_locked_out_of_the_api_the_same_way(world):
    api = APIClient()
    for _ in range(5):
        last = api.post(TOKEN_URL, {"username": "nobody", "password": "wrong"}, format="json")
    assert last.status_code == 429
    assert last.json() == {"detail": lockout_message(), "code": "locked_out"}
