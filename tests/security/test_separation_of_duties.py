"""Separation of duties: nobody decides their own case, nobody decides two review steps of one case, and whoever
drafted or last changed an agreement's terms does not approve them — in the inbox, the pages, the API, the
reminders and digest; a case left with no eligible decider is shown to the administrators."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from agreements import services as agreement_services
from applications.models import ApplicationStatus
from notifications.models import Notification, NotificationKind
from notifications.services import notification_preferences_set
from tests.support.agreements import iia_terms
from tests.support.api import session_client
from tests.support.drivers import make_submitted_application
from tests.support.factories import DepartmentFactory, UserFactory
from workflows.models import Decision
from workflows.permissions import OPEN_TASK_STATUSES, can_decide
from workflows.reminders import digests_send, task_overdue_remind
from workflows.selectors import inbox_tasks, open_task_for_agreement, open_task_for_application, task_deciders
from workflows.services import case_submit, task_decide

pytestmark = pytest.mark.django_db


def decide_via_api(user, task, decision="approve", comment="ok"):
    return session_client(user).post(
        f"/api/v1/tasks/{task.pk}/decision/", {"decision": decision, "comment": comment}, format="json"
    )


@pytest.fixture
def staff_coordinator(world):
    """A member of Computer Engineering who studies there and is also one of its IRO coordinators."""
    return UserFactory(
        username="staff_coordinator", roles=[Role.STUDENT, Role.COORDINATOR], departments=[world.departments["ce"]]
    )


@pytest.fixture
def coordinator_head(world):
    """A Computer Engineering coordinator who is also its department head (a small department's set-up)."""
    return UserFactory(
        username="coordinator_head", roles=[Role.COORDINATOR, Role.HEAD], departments=[world.departments["ce"]]
    )


def test_own_application_is_not_in_the_inbox_and_a_direct_decision_is_refused(world, staff_coordinator):
    # given an application by a user who is also a coordinator of its department
    application = make_submitted_application(world, staff_coordinator)
    task = open_task_for_application(application=application)

    # then it is not in their inbox (page, API) but it is in the other coordinator's
    assert task not in inbox_tasks(user=staff_coordinator)
    assert task in inbox_tasks(user=world.coordinator_ce)
    assert session_client(staff_coordinator).get("/api/v1/tasks/").json()["count"] == 0
    client = session_client(staff_coordinator)
    assert f"/tasks/{task.pk}/" not in client.get("/tasks/").content.decode()

    # when they decide it directly through the API: 403 with a clear message, and the case has not moved
    response = decide_via_api(staff_coordinator, task)
    assert response.status_code == 403
    assert response.json()["detail"] == "You cannot decide your own application."
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COORDINATOR_REVIEW

    # the task page says why instead of offering the form; posting the form is refused too
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "You cannot decide your own application." in page
    assert 'name="decision"' not in page
    posted = client.post(f"/tasks/{task.pk}/", {"task_id": task.pk, "decision": "approve", "comment": "mine"})
    assert posted.status_code == 403
    assert "You cannot decide your own application." in posted.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COORDINATOR_REVIEW

    # and the other coordinator decides it
    assert decide_via_api(world.coordinator_ce, task).status_code == 200


def test_the_coordinator_who_decided_cannot_decide_again_as_head(world, coordinator_head):
    application = make_submitted_application(world)
    task_decide(
        user=coordinator_head, task_id=open_task_for_application(application=application).pk, decision="approve"
    )
    head_task = open_task_for_application(application=application)
    assert head_task.flow_task.name == "head_review"

    assert head_task not in inbox_tasks(user=coordinator_head)
    assert not can_decide(coordinator_head, head_task)
    response = decide_via_api(coordinator_head, head_task)
    assert response.status_code == 403
    assert "already decided another step of this case" in response.json()["detail"]

    # the reminders go to the other head only
    assert [u.username for u in task_deciders(task=head_task)] == ["head_ce"]
    assert decide_via_api(world.head_ce, head_task).status_code == 200


def test_a_send_back_counts_as_deciding_the_step(world, coordinator_head):
    application = make_submitted_application(world)
    task_decide(
        user=coordinator_head,
        task_id=open_task_for_application(application=application).pk,
        decision="request_changes",
        comment="Add your transcript",
    )

    application.refresh_from_db()
    case_submit(case=application, actor=application.applicant)
    # the same coordinator may decide the same step again after the resubmission...
    task = open_task_for_application(application=application)
    assert task in inbox_tasks(user=coordinator_head)
    task_decide(user=coordinator_head, task_id=task.pk, decision="approve")
    # ...but not the next one
    head_task = open_task_for_application(application=application)
    assert decide_via_api(coordinator_head, head_task).status_code == 403


def test_agreement_terms_are_not_approved_by_who_drafted_or_last_changed_them(world, coordinator_head):
    ce = world.departments["ce"]
    # drafted by a coordinator who is also the head
    drafted = agreement_services.agreement_create_draft(
        actor=coordinator_head, department=ce, **iia_terms(world.partners[0])
    )
    case_submit(case=drafted, actor=coordinator_head)
    task = open_task_for_agreement(agreement=drafted)
    assert task.flow_task.name == "head_review"
    assert task not in inbox_tasks(user=coordinator_head)
    response = decide_via_api(coordinator_head, task)
    assert response.status_code == 403
    assert response.json()["detail"] == "You cannot approve terms that you drafted or last changed."
    assert decide_via_api(world.head_ce, task).status_code == 200

    # drafted by another coordinator, last changed by the coordinator-head: excluded too
    other = agreement_services.agreement_create_draft(
        actor=world.coordinator_ce, department=ce, **iia_terms(world.partners[1])
    )
    agreement_services.agreement_update(agreement=other, actor=coordinator_head, text="Changed by the head.")
    case_submit(case=other, actor=world.coordinator_ce)
    task = open_task_for_agreement(agreement=other)
    assert task not in inbox_tasks(user=coordinator_head)
    assert decide_via_api(coordinator_head, task).status_code == 403


def test_the_inbox_query_and_the_predicate_agree_for_every_user_and_task(world, staff_coordinator, coordinator_head):
    mine = make_submitted_application(world, staff_coordinator)
    other = make_submitted_application(world, world.student2)
    task_decide(user=coordinator_head, task_id=open_task_for_application(application=other).pk, decision="approve")
    make_submitted_application(world)
    from viewflow.workflow.models import Task

    open_reviews = [
        t
        for t in Task.objects.filter(status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN")
        if t.flow_task.name != "revise"
    ]
    assert len(open_reviews) == 3 and mine.pk
    users = [staff_coordinator, coordinator_head, world.coordinator_ce, world.head_ce, world.prorector, world.student1]
    for user in users:
        inbox = set(inbox_tasks(user=user))
        for task in open_reviews:
            assert (task in inbox) == can_decide(user, task), (user.username, task.flow_task.name)


def test_reminders_and_digest_leave_out_the_applicants_own_case(world, staff_coordinator):
    application = make_submitted_application(world, staff_coordinator)
    task = open_task_for_application(application=application)
    task.deadline.due_at = timezone.now() - timedelta(hours=1)
    task.deadline.save(update_fields=["due_at"])
    for user in (staff_coordinator, world.coordinator_ce):
        notification_preferences_set(user=user, kinds=[], enabled=[], digest=True)

    task_overdue_remind()
    digests_send()

    reminded = set(
        Notification.objects.filter(kind=NotificationKind.TASK_OVERDUE).values_list("recipient__username", flat=True)
    )
    assert reminded == {"coordinator_ce"}
    digests = set(
        Notification.objects.filter(kind=NotificationKind.DIGEST).values_list("recipient__username", flat=True)
    )
    assert "staff_coordinator" not in digests
    assert "coordinator_ce" in digests
    available = Notification.objects.filter(kind=NotificationKind.TASK_AVAILABLE, event=f"task:{task.pk}:available")
    assert "staff_coordinator" not in set(available.values_list("recipient__username", flat=True))


def test_a_case_with_no_eligible_decider_is_shown_to_the_administrators(world, client):
    # given a department whose only coordinator is also its only head
    physics = DepartmentFactory(code="phys", name="Physics")
    solo = UserFactory(username="solo", roles=[Role.COORDINATOR, Role.HEAD], departments=[physics])
    student = UserFactory(username="phys_student", roles=[Role.STUDENT], departments=[physics])
    application = make_submitted_application(world, student)
    assert application.department == physics

    # when the coordinator approves, the head step has nobody who may decide it
    task_decide(user=solo, task_id=open_task_for_application(application=application).pk, decision=Decision.APPROVE)
    head_task = open_task_for_application(application=application)
    assert task_deciders(task=head_task) == []

    # then the administrators are told, and see it on their list; nobody else may open the list
    told = Notification.objects.filter(
        kind=NotificationKind.TASK_WITHOUT_DECIDER, event=f"task:{head_task.pk}:without-decider"
    )
    assert set(told.values_list("recipient__username", flat=True)) == {"admin"}
    client.force_login(world.admin)
    page = client.get("/tasks/without-decider/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"Application #{application.pk}" in body and "no eligible decider" in body
    # a case that someone may decide is not listed
    decidable = make_submitted_application(world, world.student2)
    assert f"Application #{decidable.pk}<" not in client.get("/tasks/without-decider/").content.decode()
    client.force_login(world.coordinator_ce)
    assert client.get("/tasks/without-decider/").status_code == 403
    client.force_login(solo)
    assert client.get("/tasks/without-decider/").status_code == 403


def test_the_inbox_query_and_the_predicate_agree_with_deputies(world, staff_coordinator, coordinator_head):
    """The same equivalence while approvers are away: deputies act with the absent approver's role and departments,
    under both their own and the approver's separation of duties."""
    from accounts.models import User
    from accounts.services import deputyship_create

    today = timezone.localdate()
    week = {"starts_on": today - timedelta(days=1), "ends_on": today + timedelta(days=5)}
    both_math = UserFactory(
        username="both_math", roles=[Role.COORDINATOR, Role.HEAD], departments=[world.departments["math"]]
    )
    # head_ce away: head_math stands in; coordinator_ce away: the coordinator-head of CE and a party stand in
    deputyship_create(actor=world.head_ce, principal=world.head_ce, deputy=world.head_math, **week)
    deputyship_create(actor=world.admin, principal=world.coordinator_ce, deputy=both_math, **week)
    deputyship_create(actor=world.admin, principal=world.prorector, deputy=staff_coordinator, **week)
    # cases at every review step, one the deputy's own, one whose first step a deputy decided
    make_submitted_application(world, staff_coordinator)
    decided_by_deputy = make_submitted_application(world, world.student2)
    task_decide(
        user=User.objects.get(pk=both_math.pk),
        task_id=open_task_for_application(application=decided_by_deputy).pk,
        decision="approve",
    )
    at_prorector = make_submitted_application(world)
    for user in (world.coordinator_ce, world.head_ce):
        task_decide(user=user, task_id=open_task_for_application(application=at_prorector).pk, decision="approve")
    from viewflow.workflow.models import Task

    open_reviews = [
        t
        for t in Task.objects.filter(status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN")
        if t.flow_task.name != "revise"
    ]
    assert {t.flow_task.name for t in open_reviews} == {"coordinator_review", "head_review", "prorector_review"}
    people = [staff_coordinator, coordinator_head, both_math, world.coordinator_ce, world.coordinator_math]
    people += [world.head_ce, world.head_math, world.prorector, world.student1]
    seen_by_deputies = 0
    for person in people:
        user = User.objects.get(pk=person.pk)  # as a request loads them: no cached roles or deputies
        inbox = set(inbox_tasks(user=user))
        for task in open_reviews:
            assert (task in inbox) == can_decide(user, task), (user.username, task.flow_task.name)
        seen_by_deputies += len(inbox) if user.username in ("head_math", "both_math") else 0
    assert seen_by_deputies >= 2
