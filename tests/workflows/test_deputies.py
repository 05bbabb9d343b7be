"""Deputies: while an approver is away their deputy acts on the approver's tasks with the approver's rights (role
and departments), sees them in the inbox, decides them "on behalf of" the approver and is told of them; separation
of duties still holds for the deputy; no chains; the approver gets a summary when back. Pages, API and admin."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Deputyship, User
from accounts.roles import Role
from applications.models import ApplicationStatus
from notifications.models import Channel, Notification, NotificationKind
from tests.support.api import session_client
from tests.support.drivers import decide, make_submitted_application, open_task
from tests.support.factories import UserFactory
from workflows.permissions import can_decide
from workflows.reminders import deputy_summaries_send, task_escalate, task_overdue_remind
from workflows.selectors import inbox_tasks, task_deciders

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request would load them (the per-request caches of roles and deputies empty)."""
    return User.objects.get(pk=user.pk)


def this_week():
    today = timezone.localdate()
    return today - timedelta(days=1), today + timedelta(days=5)


def name_deputy(actor, principal, deputy, days=None):
    starts_on, ends_on = days or this_week()
    return account_services.deputyship_create(
        actor=actor, principal=principal, deputy=deputy, starts_on=starts_on, ends_on=ends_on
    )


def at_head_review(world, applicant=None):
    application = decide(world.coordinator_ce, make_submitted_application(world, applicant))
    assert application.status == ApplicationStatus.HEAD_REVIEW
    return application


def test_head_ce_names_head_math_who_decides_a_ce_case_on_her_behalf(world):
    # given head_ce names head_math as deputy for this week, on her profile page
    starts_on, ends_on = this_week()
    page = Client()
    page.force_login(world.head_ce)
    response = page.post(
        "/accounts/profile/deputies/",
        {"deputy": world.head_math.pk, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
    )
    assert response.status_code == 302
    assert "head_math" in page.get("/accounts/profile/").content.decode()

    # when a Computer Engineering case reaches the head's step
    application = at_head_review(world)
    task = open_task(application)

    # then head_math sees it in his inbox (page and API) and is the one told of it
    head_math = fresh(world.head_math)
    assert task in inbox_tasks(user=head_math)
    client = session_client(world.head_math)
    assert f"/tasks/{task.pk}/" in client.get("/tasks/").content.decode()
    assert [u.username for u in task_deciders(task=task)] == ["head_math"]
    told = Notification.objects.filter(event=f"task:{task.pk}:available", channel=Channel.IN_APP)
    assert set(told.values_list("recipient__username", flat=True)) == {"head_math"}
    # a head of Mathematics who is nobody's deputy does not
    other_head = UserFactory(username="head_math2", roles=[Role.HEAD], departments=[world.departments["math"]])
    assert task not in inbox_tasks(user=other_head)

    # the task page offers him the decision form
    assert 'name="decision"' in client.get(f"/tasks/{task.pk}/").content.decode()

    # when he decides it through the API
    response = client.post(f"/api/v1/tasks/{task.pk}/decision/", {"decision": "approve", "comment": "ok"})
    assert response.status_code == 200, response.content

    # then the timeline says he decided on head_ce's behalf
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PRORECTOR_REVIEW
    event = application.events.filter(step="head_review").latest("pk")
    assert event.actor == world.head_math
    assert event.data["on_behalf_of"] == world.head_ce.pk
    student = Client()
    student.force_login(world.student1)
    timeline = student.get(f"/applications/{application.pk}/").content.decode()
    assert "on behalf of" in timeline
    # head_ce may still decide her own tasks: a deputy adds rights, takes none away
    assert task_deciders(task=open_task(at_head_review(world, world.student2))) == [fresh(world.head_math)]


def test_outside_the_dates_or_after_it_ends_the_deputy_has_no_rights(world):
    today = timezone.localdate()
    name_deputy(
        world.head_ce, world.head_ce, world.head_math, days=(today + timedelta(days=3), today + timedelta(days=9))
    )
    task = open_task(at_head_review(world))
    assert not can_decide(fresh(world.head_math), task)
    assert task not in inbox_tasks(user=fresh(world.head_math))

    running = name_deputy(world.admin, world.coordinator_ce, world.coordinator_math)
    coordinator_task = open_task(make_submitted_application(world, world.student2))
    assert can_decide(fresh(world.coordinator_math), coordinator_task)
    account_services.deputyship_cancel(actor=world.coordinator_ce, deputyship_id=running.pk)
    assert not can_decide(fresh(world.coordinator_math), coordinator_task)
    response = session_client(world.coordinator_math).post(
        f"/api/v1/tasks/{coordinator_task.pk}/decision/", {"decision": "approve", "comment": "ok"}
    )
    assert response.status_code in (403, 404)


def test_separation_of_duties_holds_for_the_deputy(world):
    ce, math = world.departments["ce"], world.departments["math"]
    # a deputy who is also a student of Computer Engineering (and one of its coordinators)
    student_coordinator = UserFactory(username="stu_coord", roles=[Role.STUDENT, Role.COORDINATOR], departments=[ce])
    name_deputy(world.head_ce, world.head_ce, student_coordinator)
    own = at_head_review(world, student_coordinator)
    own_task = open_task(own)
    assert not can_decide(fresh(student_coordinator), own_task)
    assert own_task not in inbox_tasks(user=fresh(student_coordinator))
    response = session_client(student_coordinator).post(
        f"/api/v1/tasks/{own_task.pk}/decision/", {"decision": "approve", "comment": "mine"}
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "You cannot decide your own application."

    # a deputy for both the coordinator and the head of CE decides the first step, never the second
    both = UserFactory(username="both_math", roles=[Role.COORDINATOR, Role.HEAD], departments=[math])
    other = make_submitted_application(world, world.student2)
    name_deputy(world.admin, world.coordinator_ce, both)
    with pytest.raises(ValidationError):
        # head_ce already has a deputy this week
        name_deputy(world.admin, world.head_ce, both)
    Deputyship.objects.filter(principal=world.head_ce).update(cancelled_at=timezone.now())
    name_deputy(world.admin, world.head_ce, both)
    decide(fresh(both), other)
    head_task = open_task(other)
    assert not can_decide(fresh(both), head_task)
    assert head_task not in inbox_tasks(user=fresh(both))
    response = session_client(both).post(
        f"/api/v1/tasks/{head_task.pk}/decision/", {"decision": "approve", "comment": "again"}
    )
    assert response.status_code == 403
    assert "already decided another step of this case" in response.json()["detail"]
    # and the head's reminders go to head_ce herself, since her deputy may not decide it
    assert [u.username for u in task_deciders(task=head_task)] == ["head_ce"]


def test_no_chains_and_only_approvers(world):
    name_deputy(world.head_ce, world.head_ce, world.head_math)
    # the deputy cannot name a deputy for the days they stand in
    with pytest.raises(ValidationError) as error:
        name_deputy(world.head_math, world.head_math, world.coordinator_math)
    assert error.value.error_dict["deputy"][0].code == "deputy_chain"
    # nobody is named deputy for days they are away themselves
    with pytest.raises(ValidationError) as error:
        name_deputy(world.coordinator_ce, world.coordinator_ce, world.head_ce)
    assert error.value.error_dict["deputy"][0].code == "deputy_chain"
    # students are no deputies; a student has none; another approver may not name one for you
    with pytest.raises(ValidationError) as error:
        name_deputy(world.prorector, world.prorector, world.student1)
    assert error.value.error_dict["deputy"][0].code == "deputy_not_approver"
    with pytest.raises(PermissionDenied):
        name_deputy(world.student1, world.student1, world.head_math)
    with pytest.raises(PermissionDenied):
        name_deputy(world.coordinator_math, world.prorector, world.head_math)
    with pytest.raises(ValidationError) as error:
        today = timezone.localdate()
        name_deputy(world.prorector, world.prorector, world.head_math, days=(today, today - timedelta(days=1)))
    assert error.value.error_dict["ends_on"][0].code == "deputy_dates"


def test_a_deputy_uses_only_the_absent_approvers_own_rights(world):
    # head_ce's deputy is head_math; coordinator_ce's deputy is head_ce, later, for other days
    name_deputy(world.head_ce, world.head_ce, world.head_math)
    today = timezone.localdate()
    name_deputy(
        world.coordinator_ce,
        world.coordinator_ce,
        world.head_ce,
        days=(today + timedelta(days=10), today + timedelta(days=12)),
    )
    coordinator_task = open_task(make_submitted_application(world))
    # head_math stands in for head_ce's head rights only, never for what head_ce might stand in for
    assert not can_decide(fresh(world.head_math), coordinator_task)
    assert coordinator_task not in inbox_tasks(user=fresh(world.head_math))


def test_reminders_and_escalations_go_to_the_deputy(world):
    name_deputy(world.head_ce, world.head_ce, world.head_math)
    head_task = open_task(at_head_review(world))
    head_task.deadline.due_at = timezone.now() - timedelta(hours=1)
    head_task.deadline.save(update_fields=["due_at"])
    task_overdue_remind()
    reminded = Notification.objects.filter(kind=NotificationKind.TASK_OVERDUE, event=f"task:{head_task.pk}:overdue")
    assert set(reminded.values_list("recipient__username", flat=True)) == {"head_math"}

    # a coordinator task long overdue escalates to the head: to her deputy while she is away
    coordinator_task = open_task(make_submitted_application(world, world.student2))
    coordinator_task.deadline.due_at = timezone.now() - timedelta(days=10)
    coordinator_task.deadline.save(update_fields=["due_at"])
    task_escalate()
    escalated = Notification.objects.filter(
        kind=NotificationKind.TASK_ESCALATED, event=f"task:{coordinator_task.pk}:escalated"
    )
    assert set(escalated.values_list("recipient__username", flat=True)) == {"head_math"}


def test_the_approver_gets_a_summary_when_back_once(world):
    deputyship = name_deputy(world.head_ce, world.head_ce, world.head_math)
    application = at_head_review(world)
    decide(fresh(world.head_math), application)
    at_head_review(world, world.student2)  # still waiting when she is back

    # nothing while the deputyship runs
    assert deputy_summaries_send() == 0
    back = deputyship.ends_on + timedelta(days=1)
    assert deputy_summaries_send(today=back) == 1
    assert deputy_summaries_send(today=back) == 0

    summary = Notification.objects.get(
        recipient=world.head_ce, kind=NotificationKind.DEPUTY_SUMMARY, channel=Channel.IN_APP
    )
    assert "took 1 decision on your behalf" in summary.subject
    assert f"Application #{application.pk}" in summary.body
    assert "1 task waits in your inbox." in summary.body


def test_deputies_in_the_api(world):
    starts_on, ends_on = this_week()
    head = session_client(world.head_ce)
    response = head.post(
        "/api/v1/deputies/",
        {"deputy": world.head_math.pk, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["principal"]["username"] == "head_ce" and body["deputy"]["username"] == "head_math"
    assert body["running"] is True
    # the deputy sees it too; a stranger does not
    assert [d["id"] for d in session_client(world.head_math).get("/api/v1/deputies/").json()["results"]] == [body["id"]]
    assert session_client(world.coordinator_math).get("/api/v1/deputies/").json()["results"] == []
    # a chain is refused with its code
    chained = session_client(world.head_math).post(
        "/api/v1/deputies/",
        {"deputy": world.coordinator_math.pk, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
        format="json",
    )
    assert chained.status_code == 400
    assert chained.json()["codes"]["deputy"] == ["deputy_chain"]
    # an administrator names one for someone else (the prorector, ill)
    by_admin = session_client(world.admin).post(
        "/api/v1/deputies/",
        {
            "principal": world.prorector.pk,
            "deputy": world.head_math.pk,
            "starts_on": (ends_on + timedelta(days=1)).isoformat(),
            "ends_on": (ends_on + timedelta(days=3)).isoformat(),
        },
        format="json",
    )
    assert by_admin.status_code == 201, by_admin.content
    # nobody else may
    refused = session_client(world.coordinator_ce).post(
        "/api/v1/deputies/",
        {
            "principal": world.prorector.pk,
            "deputy": world.coordinator_ce.pk,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
        format="json",
    )
    assert refused.status_code == 403
    # ending: another's is not found; one's own ends
    assert session_client(world.coordinator_ce).delete(f"/api/v1/deputies/{body['id']}/").status_code == 404
    assert head.delete(f"/api/v1/deputies/{body['id']}/").status_code == 204
    assert Deputyship.objects.get(pk=body["id"]).cancelled_at is not None


def test_an_administrator_names_a_deputy_in_the_admin(world):
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    admin = Client()
    admin.force_login(world.admin)
    starts_on, ends_on = this_week()
    response = admin.post(
        "/admin/accounts/deputyship/add/",
        {
            "principal": world.head_ce.pk,
            "deputy": world.head_math.pk,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    deputyship = Deputyship.objects.get()
    assert deputyship.created_by == world.admin
    # a chain is refused on the form, not with a server error
    response = admin.post(
        "/admin/accounts/deputyship/add/",
        {
            "principal": world.head_math.pk,
            "deputy": world.coordinator_math.pk,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "cannot name a deputy of their own" in response.content.decode()
    assert Deputyship.objects.count() == 1
