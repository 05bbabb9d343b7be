"""Every request answered 403, page or API, leaves a row an admin can read: who, from where, what, when, why.
Writing it never fails the request."""

import pytest
from django.db import DatabaseError
from django.urls import reverse

from accounts.models import AccessRefusal
from tests.support.api import token_client

pytestmark = pytest.mark.django_db


def test_a_refused_page_is_logged(client, world):
    client.force_login(world.head_ce)
    response = client.get(reverse("agreements:create"), REMOTE_ADDR="10.2.3.4")
    assert response.status_code == 403

    refusal = AccessRefusal.objects.get()
    assert (refusal.user, refusal.username, refusal.ip_address, refusal.method, refusal.path) == (
        world.head_ce,
        "head_ce",
        "10.2.3.4",
        "GET",
        reverse("agreements:create"),
    )
    assert refusal.at is not None and refusal.reason


def test_a_refused_api_call_is_logged_once_with_its_reason(world):
    head = token_client("head_ce")
    response = head.post("/api/v1/partners/", {"name": "X", "country": "DE", "city": "B"}, format="json")
    assert response.status_code == 403

    refusal = AccessRefusal.objects.get()
    assert (refusal.user, refusal.method, refusal.path) == (world.head_ce, "POST", "/api/v1/partners/")
    assert refusal.reason == response.json()["detail"]


def test_allowed_requests_are_not_logged(client, world):
    client.force_login(world.coordinator_ce)
    assert client.get(reverse("agreements:create")).status_code == 200
    assert not AccessRefusal.objects.exists()


def test_a_log_that_cannot_be_written_does_not_fail_the_request(client, world, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("the log table is gone")

    monkeypatch.setattr(AccessRefusal.objects, "create", broken)
    client.force_login(world.head_ce)
    assert client.get(reverse("agreements:create")).status_code == 403


def test_the_admin_reads_the_log_but_cannot_change_it(client, world):
    client.force_login(world.head_ce)
    client.get(reverse("agreements:create"))
    refusal = AccessRefusal.objects.get()

    admin = world.admin
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    client.force_login(admin)
    listing = client.get(reverse("admin:accounts_accessrefusal_changelist"))
    assert listing.status_code == 200 and "head_ce" in listing.content.decode()
    assert client.get(reverse("admin:accounts_accessrefusal_add")).status_code == 403
    assert (
        client.post(reverse("admin:accounts_accessrefusal_delete", args=[refusal.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AccessRefusal.objects.filter(pk=refusal.pk).exists()
