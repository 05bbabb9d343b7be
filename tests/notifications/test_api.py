"""The notifications API: the caller's list, mark one read, mark all read; and due dates in the task API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Channel, Notification, TaskDeadline
from tests.support.api import TASKS_URL
from tests.support.drivers import make_submitted_application, open_task_id

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def notify(user, event):
    return services.notify(
        recipients=[user],
        kind="rejected",
        event=event,
        link="/applications/3/",
        context={"number": 3, "call": "Erasmus+", "step": "Coordinator review", "comment": "Too late."},
        channels=(Channel.IN_APP,),
    )[0]


def test_the_list_has_only_the_callers_in_app_notifications(clients, world):
    first, second = notify(world.student1, "a"), notify(world.student1, "b")
    notify(world.student2, "c")

    response = clients.student1.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [n["id"] for n in body["results"]] == [second.pk, first.pk]
    item = body["results"][0]
    assert item["kind"] == "rejected" and item["kind_label"] == "Your application was rejected"
    assert item["subject"] == "Your application #3 was rejected"
    assert "Too late." in item["body"]
    assert item["link"] == "http://127.0.0.1:8000/applications/3/"
    assert item["is_read"] is False and item["read_at"] is None


def test_mark_one_read_then_all(clients, world):
    first, second, third = (notify(world.student1, e) for e in "abc")
    others = notify(world.student2, "d")

    response = clients.student1.post(f"{URL}{first.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert clients.student1.post(f"{URL}{first.pk}/read/").status_code == 200  # again: no change, no error
    assert clients.student1.post(f"{URL}{others.pk}/read/").status_code == 404
    assert clients.student1.get(f"{URL}?unread=1").json()["count"] == 2

    response = clients.student1.post(f"{URL}read-all/")

    assert response.json() == {"marked": 2}
    assert clients.student1.get(f"{URL}?unread=1").json()["count"] == 0
    assert Notification.objects.get(pk=others.pk).read_at is None


def test_anonymous_callers_get_nothing(client):
    assert client.get(URL).status_code in (401, 403)


def test_the_task_api_gives_due_dates_with_the_overdue_first(clients, world):
    on_time = make_submitted_application(world)
    late = make_submitted_application(world, world.student2)
    TaskDeadline.objects.filter(task_id=open_task_id(late.pk)).update(due_at=timezone.now() - timedelta(hours=1))

    results = clients.coordinator_ce.get(TASKS_URL).json()["results"]

    assert [t["application"]["id"] for t in results] == [late.pk, on_time.pk]
    assert [t["overdue"] for t in results] == [True, False]
    assert all(t["due_at"] for t in results)
