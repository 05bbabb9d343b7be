"""The profile page: each person's language (pages after login, every email), their signed-in sessions (listed,
ended), links to notification preferences and API tokens; dates in emails written the way each language writes
them."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import UserSession
from notifications.models import Channel, Notification, NotificationKind
from notifications.services import notification_send
from tests.support.drivers import make_submitted_application, open_task

pytestmark = pytest.mark.django_db


def test_the_profile_links_preferences_and_tokens_and_saves_the_language(client, world):
    client.force_login(world.student1)
    page = client.get("/accounts/profile/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'href="/notifications/preferences/"' in body and 'href="/accounts/tokens/"' in body
    # the header's name leads here
    assert 'href="/accounts/profile/"' in client.get("/applications/").content.decode()

    response = client.post("/accounts/profile/", {"preferred_language": "az"})
    assert response.status_code == 302
    world.student1.refresh_from_db()
    assert world.student1.preferred_language == "az"
    assert "Müraciətlərim" in client.get("/applications/").content.decode()

    assert client.post("/accounts/profile/", {"preferred_language": "fr"}).status_code == 400
    world.student1.refresh_from_db()
    assert world.student1.preferred_language == "az"


def test_the_language_after_login_is_the_users_whatever_cookie_the_browser_had(world):
    # given a browser that chose English before signing in, and a user who prefers Azerbaijani
    world.coordinator_ce.preferred_language = "az"
    world.coordinator_ce.save(update_fields=["preferred_language"])
    browser = Client()
    browser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    # when they sign in, the pages are in Azerbaijani
    browser.force_login(world.coordinator_ce)
    assert "Gələn tapşırıqlar" in browser.get("/tasks/").content.decode()
    # and the header's switch changes their preference, which the next login follows
    browser.post("/i18n/setlang/", {"language": "en", "next": "/tasks/"})
    world.coordinator_ce.refresh_from_db()
    assert world.coordinator_ce.preferred_language == "en"
    other = Client()
    other.force_login(world.coordinator_ce)
    assert "Inbox" in other.get("/tasks/").content.decode()


def test_a_student_who_picks_azerbaijani_gets_the_next_email_in_azerbaijani(client, world):
    client.force_login(world.student1)
    client.post("/accounts/profile/", {"preferred_language": "az"})

    application = make_submitted_application(world)
    for pending in Notification.objects.filter(channel=Channel.EMAIL):
        notification_send(notification_id=pending.pk)

    [email] = [m for m in mail.outbox if m.to == [world.student1.email]]
    assert email.subject == f"#{application.pk} nömrəli müraciətiniz təqdim edildi"
    item = Notification.objects.get(recipient=world.student1, channel=Channel.EMAIL)
    assert item.language == "az"


def test_dates_in_emails_are_written_per_language_without_the_pm_glitch(world):
    world.coordinator_ce.preferred_language = "az"
    world.coordinator_ce.save(update_fields=["preferred_language"])
    application = make_submitted_application(world)
    due = timezone.localtime(open_task(application).deadline.due_at)

    az = Notification.objects.get(
        recipient=world.coordinator_ce, kind=NotificationKind.TASK_AVAILABLE, channel=Channel.IN_APP
    )
    assert f"Lütfən, {due:%d.%m.%Y, %H:%M} tarixinədək" in az.body

    world.coordinator_ce.preferred_language = "en"
    world.coordinator_ce.save(update_fields=["preferred_language"])
    other = make_submitted_application(world, world.student2)
    due = timezone.localtime(open_task(other).deadline.due_at)
    en = Notification.objects.filter(
        recipient=world.coordinator_ce, kind=NotificationKind.TASK_AVAILABLE, channel=Channel.IN_APP
    ).latest("pk")
    assert f"Please decide by {due.day} {due:%B %Y, %H:%M}." in en.body
    assert not re.search(r"[ap]\.m\.", en.body)


def test_sessions_are_listed_and_one_can_be_ended(world):
    laptop, phone = Client(HTTP_USER_AGENT="Laptop browser"), Client(HTTP_USER_AGENT="Phone browser")
    laptop.force_login(world.head_ce)
    phone.force_login(world.head_ce)
    rows = list(UserSession.objects.filter(user=world.head_ce))
    assert len(rows) == 2

    page = laptop.get("/accounts/profile/").content.decode()
    assert page.count("/accounts/profile/sessions/") == 2
    assert "this browser" in page

    phone_row = UserSession.objects.get(session_key=phone.session.session_key)
    assert laptop.post(f"/accounts/profile/sessions/{phone_row.pk}/end/").status_code == 302
    assert not Session.objects.filter(session_key=phone_row.session_key).exists()
    # the phone is signed out at its next request; the laptop is not
    assert phone.get("/accounts/profile/").status_code == 302
    assert laptop.get("/accounts/profile/").status_code == 200
    # another's session: the same 404 as a missing one
    other = Client()
    other.force_login(world.head_math)
    mine = UserSession.objects.get(session_key=laptop.session.session_key)
    assert other.post(f"/accounts/profile/sessions/{mine.pk}/end/").status_code == 404


def test_logging_out_removes_the_session_from_the_list(client, world):
    client.force_login(world.student1)
    assert UserSession.objects.filter(user=world.student1).count() == 1
    client.post("/accounts/logout/")
    assert UserSession.objects.filter(user=world.student1).count() == 0
