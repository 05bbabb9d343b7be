"""The in-app side: the unread badge on every page, the notification list (mark one or all read), the
preferences page, and the inbox's due dates."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import services
from notifications.models import Channel, Notification, NotificationPreference, TaskDeadline
from tests.support.drivers import make_submitted_application, open_task

pytestmark = pytest.mark.django_db


def notify(user, event, number=1):
    return services.notify(
        recipients=[user],
        kind="approved",
        event=event,
        link=f"/applications/{number}/",
        context={"number": number, "call": "Erasmus+", "partner": "TU Berlin", "comment": ""},
        channels=(Channel.IN_APP,),
    )


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_header_shows_the_unread_count_on_every_page_at_a_constant_cost(client, world):
    client.force_login(world.student1)
    assert "Notifications</a>" in page(client, "/applications/")

    notify(world.student1, "one")
    with CaptureQueriesContext(connection) as one:
        html = page(client, "/applications/")
    assert '<span class="count" aria-label="unread">1</span>' in html
    for n in range(2, 6):
        notify(world.student1, f"more-{n}")
    with CaptureQueriesContext(connection) as five:
        html = page(client, "/applications/")
    assert '<span class="count" aria-label="unread">5</span>' in html
    assert len(five) == len(one)


def test_the_list_shows_only_my_notifications_and_marks_them_read(client, world):
    [mine] = notify(world.student1, "mine", number=7)
    [theirs] = notify(world.student2, "theirs")
    client.force_login(world.student1)

    html = page(client, "/notifications/")
    assert "Your application #7 was approved" in html
    assert "TU Berlin" in html
    assert Notification.objects.filter(recipient=world.student2).count() == 1

    # another's notification: the same 404 as a missing one
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post("/notifications/999999/read/").status_code == 404

    # open: marks it read and goes to what it is about
    response = client.post(f"/notifications/{mine.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/applications/7/"
    mine.refresh_from_db()
    assert mine.is_read
    assert 'class="count"' not in page(client, "/notifications/")


def test_mark_all_as_read(client, world):
    for n in range(3):
        notify(world.student1, f"n{n}")
    notify(world.student2, "other")
    client.force_login(world.student1)

    response = client.post("/notifications/read-all/", follow=True)

    assert "All notifications are marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=world.student1, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=world.student2, read_at__isnull=True).count() == 1
    assert "No unread notifications." in page(client, "/notifications/?unread=1")


def test_the_pages_need_a_login_and_mark_read_needs_a_post(client, world):
    assert client.get("/notifications/").status_code == 302
    assert client.get("/notifications/preferences/").status_code == 302
    client.force_login(world.student1)
    [item] = notify(world.student1, "x")
    assert client.get(f"/notifications/{item.pk}/read/").status_code == 405


def test_each_role_sees_the_preferences_that_concern_it(client, world):
    client.force_login(world.student1)
    html = page(client, "/notifications/preferences/")
    assert "Your application was submitted" in html
    assert "Changes requested on your application" in html and "always on" in html
    assert "A task is waiting for you" not in html and "Daily digest" not in html

    client.force_login(world.coordinator_ce)
    html = page(client, "/notifications/preferences/")
    assert "A task is waiting for you" in html and "Daily digest" in html
    assert "Your application was submitted" not in html


def test_preferences_page_saves_choices(client, world):
    client.force_login(world.coordinator_ce)

    response = client.post(
        "/notifications/preferences/",
        {"task_available__in_app": "on", "task_overdue__email": "on", "digest": "on"},
        follow=True,
    )

    assert "Your notification preferences are saved." in response.content.decode()
    enabled = set(
        NotificationPreference.objects.filter(user=world.coordinator_ce, enabled=True).values_list("kind", "channel")
    )
    assert enabled == {("task_available", "in_app"), ("task_overdue", "email"), ("digest", "email")}
    assert not NotificationPreference.objects.filter(kind__in=["approved", "rejected", "changes_requested"]).exists()


def test_the_inbox_shows_due_dates_with_the_overdue_first(client, world):
    on_time = make_submitted_application(world)
    late = make_submitted_application(world, world.student2)
    late_task = open_task(late)
    TaskDeadline.objects.filter(task=late_task).update(due_at=timezone.now() - timedelta(days=1))
    client.force_login(world.coordinator_ce)

    html = page(client, "/tasks/")

    assert "Due" in html and "overdue" in html
    assert html.index(f"Application #{late.pk}") < html.index(f"Application #{on_time.pk}")
