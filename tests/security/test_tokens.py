"""API tokens are django-rest-knox's: hashed at rest, shown once, expiring, one per client, revocable by their owner
(page and API), by logging out, and all at once by a new password or a deactivated account."""

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.support.api import APPLICATIONS_URL, TOKEN_URL

pytestmark = pytest.mark.django_db

TOKENS_URL = "/api/v1/auth/tokens/"
REFRESH_URL = "/api/v1/auth/token/refresh/"
LOGOUT_URL = "/api/v1/auth/logout/"
LOGOUT_ALL_URL = "/api/v1/auth/logout-all/"


def new_token(username="student1", password="demo", **body):
    response = APIClient().post(TOKEN_URL, {"username": username, "password": password, **body}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def client_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def works(key) -> bool:
    status = client_with(key).get(APPLICATIONS_URL).status_code
    assert status in (200, 401)
    return status == 200


def test_a_token_is_stored_as_a_hash_only(world):
    body = new_token(client="sync script")
    key = body["token"]
    assert len(key) == 64

    row = ApiToken.objects.get(pk=body["id"])
    assert row.digest == hashlib.sha512(key.encode()).hexdigest()
    assert row.client == "sync script" and row.user == world.student1
    # no column of the table holds the key (knox keeps its first 15 characters to find the row by)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        assert not any(key in str(value) for record in cursor.fetchall() for value in record)
    # and DRF's clear-text token table is gone
    assert "authtoken_token" not in connection.introspection.table_names()


def test_the_answer_shows_the_key_once_with_its_expiry(world, settings):
    before = timezone.now()
    body = new_token()
    assert set(body) == {"id", "token", "client", "created", "expiry"}
    expiry = ApiToken.objects.get(pk=body["id"]).expiry
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    assert before + ttl <= expiry <= timezone.now() + ttl
    assert ttl == timedelta(days=30)
    # nothing answers the key again
    listing = client_with(body["token"]).get(TOKENS_URL)
    assert body["token"] not in listing.content.decode()


def test_each_login_gets_its_own_token_named_after_its_client(world):
    first = new_token(client="laptop")
    second = (
        APIClient()
        .post(TOKEN_URL, {"username": "student1", "password": "demo"}, format="json", HTTP_USER_AGENT="korpu-sync/1.0")
        .json()
    )
    assert first["token"] != second["token"]
    assert (first["client"], second["client"]) == ("laptop", "korpu-sync/1.0")
    assert works(first["token"]) and works(second["token"])


def test_an_expired_token_is_refused_and_removed(world):
    body = new_token()
    ApiToken.objects.filter(pk=body["id"]).update(expiry=timezone.now() - timedelta(seconds=1))
    response = client_with(body["token"]).get(APPLICATIONS_URL)
    assert response.status_code == 401
    assert not ApiToken.objects.filter(pk=body["id"]).exists()


def test_the_ttl_comes_from_the_settings(world, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(minutes=5)}
    body = new_token()
    expiry = ApiToken.objects.get(pk=body["id"]).expiry
    assert timedelta(minutes=4) < expiry - timezone.now() <= timedelta(minutes=5)


def test_refresh_swaps_the_token_for_a_new_one(world):
    old = new_token(client="phone")
    ApiToken.objects.filter(pk=old["id"]).update(expiry=timezone.now() + timedelta(hours=1))

    response = client_with(old["token"]).post(REFRESH_URL)

    assert response.status_code == 200
    new = response.json()
    assert new["token"] != old["token"] and new["client"] == "phone"
    assert ApiToken.objects.get(pk=new["id"]).expiry > timezone.now() + timedelta(days=29)
    assert works(new["token"]) and not works(old["token"])


def test_refresh_needs_a_token_not_a_session(world):
    client = APIClient()
    client.force_login(world.student1)
    assert client.post(REFRESH_URL).status_code == 401


def test_logout_revokes_the_token_used_only(world):
    used, other = new_token(), new_token()
    assert client_with(used["token"]).post(LOGOUT_URL).status_code == 204
    assert not works(used["token"])
    assert works(other["token"])


def test_logout_all_revokes_every_token_of_the_user(world):
    mine = [new_token(), new_token()]
    theirs = new_token("student2")
    assert client_with(mine[0]["token"]).post(LOGOUT_ALL_URL).status_code == 204
    assert not any(works(t["token"]) for t in mine)
    assert works(theirs["token"])


def test_a_new_password_revokes_all_tokens(world):
    mine, theirs = [new_token(), new_token()], new_token("student2")
    world.student1.set_password("a-new-password-1")
    world.student1.save()
    assert not any(works(t["token"]) for t in mine)
    assert works(theirs["token"])


def test_the_password_change_page_revokes_all_tokens(client, world):
    body = new_token()
    client.force_login(world.student1)
    response = client.post(
        reverse("password_change"),
        {"old_password": "demo", "new_password1": "Kx7-long-new-pass", "new_password2": "Kx7-long-new-pass"},
    )
    assert response.status_code == 302
    assert not works(body["token"])


def test_the_admin_setting_a_password_revokes_all_tokens(client, world):
    body = new_token()
    superuser = world.admin
    superuser.is_staff = superuser.is_superuser = True
    superuser.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[world.student1.pk]),
        {"password1": "Kx7-long-new-pass", "password2": "Kx7-long-new-pass", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not works(body["token"])


def test_deactivation_revokes_all_tokens(world):
    body = new_token()
    world.student1.is_active = False
    world.student1.save(update_fields=["is_active"])
    assert not ApiToken.objects.filter(user=world.student1).exists()
    world.student1.is_active = True
    world.student1.save(update_fields=["is_active"])
    assert not works(body["token"])


def test_other_saves_of_the_user_keep_the_tokens(world):
    body = new_token()
    world.student1.preferred_language = "az"
    world.student1.save()
    world.student1.last_login = timezone.now()
    world.student1.save(update_fields=["last_login"])
    assert works(body["token"])


def test_a_user_lists_their_own_tokens_without_keys(world):
    first, second = new_token(client="laptop"), new_token(client="phone")
    new_token("student2", client="not mine")

    response = client_with(second["token"]).get(TOKENS_URL)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(t["id"], t["client"], t["current"]) for t in results] == [
        (second["id"], "phone", True),
        (first["id"], "laptop", False),
    ]
    assert set(results[0]) == {"id", "client", "created", "expiry", "last_used", "current"}
    assert results[0]["last_used"] is not None  # this request used it
    assert first["token"] not in response.content.decode() and second["token"] not in response.content.decode()


def test_a_user_revokes_one_of_their_tokens_by_id(world):
    keep, revoke = new_token(), new_token()
    response = client_with(keep["token"]).delete(f"{TOKENS_URL}{revoke['id']}/")
    assert response.status_code == 204
    assert not works(revoke["token"]) and works(keep["token"])


def test_another_users_token_is_404_and_stays(world):
    mine, theirs = new_token(), new_token("student2")
    client = client_with(mine["token"])
    assert client.delete(f"{TOKENS_URL}{theirs['id']}/").status_code == 404
    assert client.delete(f"{TOKENS_URL}999999/").json() == client.delete(f"{TOKENS_URL}{theirs['id']}/").json()
    assert works(theirs["token"])


def test_the_tokens_page_lists_creates_once_and_revokes(client, world):
    client.force_login(world.student1)
    other = new_token("student2", client="theirs")

    # when student1 creates a token on the page
    created = client.post(reverse("accounts:tokens"), {"client": "Reporting script"})

    # then the answer shows the key, once, with the warning
    assert created.status_code == 200
    html = created.content.decode()
    token = ApiToken.objects.get(user=world.student1)
    key = html.split('id="token-key" class="token-key" type="text" value="', 1)[1].split('"', 1)[0]
    assert token.digest == hashlib.sha512(key.encode()).hexdigest()
    assert "Copy it now: it will not be shown again." in html
    assert "no-store" in created["Cache-Control"] or "no-cache" in created["Cache-Control"]
    assert works(key)

    # and the list shows the token, never its key, nor other people's tokens
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert "Reporting script" in listing and key not in listing and "theirs" not in listing

    # when they revoke it
    revoked = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert "The token is revoked" in revoked.content.decode()
    assert not works(key)
    # another's token cannot be revoked from the page
    assert client.post(reverse("accounts:token_revoke", args=[other["id"]])).status_code == 404
    assert works(other["token"])


def test_the_tokens_page_needs_a_client_name_and_a_login(client, world):
    assert client.get(reverse("accounts:tokens")).status_code == 302
    client.force_login(world.student1)
    response = client.post(reverse("accounts:tokens"), {"client": ""})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert 'id="token-key"' not in response.content.decode()


def test_the_users_name_in_the_header_and_the_preferences_link_to_the_tokens_page(client, world):
    client.force_login(world.student1)
    link = f'href="{reverse("accounts:tokens")}"'
    # the name leads to the profile page, which links the tokens page
    assert f'href="{reverse("accounts:profile")}"' in client.get("/applications/").content.decode()
    assert link in client.get(reverse("accounts:profile")).content.decode()
    assert link in client.get(reverse("notifications:preferences")).content.decode()


def test_the_admin_shows_only_the_start_of_a_digest_and_cannot_make_tokens(client, world):
    body = new_token()
    digest = ApiToken.objects.get(pk=body["id"]).digest
    admin = world.admin
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    client.force_login(admin)

    listing = client.get(reverse("admin:accounts_apitoken_changelist"))
    assert listing.status_code == 200
    assert digest[:8] in listing.content.decode() and digest[:12] not in listing.content.decode()
    detail = client.get(reverse("admin:accounts_apitoken_change", args=[body["id"]]))
    assert detail.status_code == 200 and digest[:12] not in detail.content.decode()
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403

    # an admin may revoke it
    client.post(reverse("admin:accounts_apitoken_delete", args=[body["id"]]), {"post": "yes"})
    assert not works(body["token"])
