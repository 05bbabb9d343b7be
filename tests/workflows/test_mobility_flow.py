"""The mobility flow driven through its services: every path from submission to a final decision."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from applications import services as application_services
from applications.models import ApplicationStatus, CallPlace, CaseEvent
from core.errors import NoPlaceLeft, TaskAlreadyDecided
from tests.support.drivers import approve_all, decide, make_submitted_application
from workflows.selectors import inbox_tasks, open_task_for_application
from workflows.services import case_submit, task_decide

pytestmark = pytest.mark.django_db


def test_full_approval_consumes_one_place_and_records_every_step(world, submitted_application):
    # given a submitted application
    app = submitted_application
    assert app.status == ApplicationStatus.COORDINATOR_REVIEW
    # when the three approvers approve in turn
    app = decide(world.coordinator_ce, app, "approve")
    assert app.status == ApplicationStatus.HEAD_REVIEW
    app = decide(world.head_ce, app, "approve")
    assert app.status == ApplicationStatus.PRORECTOR_REVIEW
    app = decide(world.prorector, app, "approve", "Welcome aboard")
    # then
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED
    assert app.decided_at is not None
    assert app.nominated_place == world.places[0]
    assert CallPlace.objects.get(pk=world.places[0].pk).places_taken == 1
    assert app.process.status == "DONE"
    actions = list(app.events.values_list("action", "step", "actor__username"))
    # each decision's line is written before the flow moves on: the prorector's approval, then the place it took
    assert actions[-5:] == [
        ("submitted", "applicant", "student1"),
        ("approved", "coordinator_review", "coordinator_ce"),
        ("approved", "head_review", "head_ce"),
        ("approved", "prorector_review", "prorector"),
        ("place_assigned", "approve", None),
    ]
    statuses = list(app.events.values_list("status_before", "status_after"))[-4:]
    assert statuses == [
        ("coordinator_review", "head_review"),
        ("head_review", "prorector_review"),
        ("prorector_review", "approved"),
        ("prorector_review", "approved"),
    ]
    decision, place = list(app.events.order_by("created_at", "pk"))[-2:]
    assert decision.comment == "Welcome aboard"
    assert place.data["partner"] == world.places[0].partner.name and place.data["choice_rank"] == 1
    # the next step's task was created after the decision that led to it had its line
    head_task = app.process.task_set.get(flow_task_type="HUMAN", status="DONE", owner=world.head_ce)
    coordinator_decision = app.events.get(action="approved", step="coordinator_review")
    assert coordinator_decision.created_at <= head_task.created


@pytest.mark.parametrize(
    "step_users", [["coordinator_ce"], ["coordinator_ce", "head_ce"], ["coordinator_ce", "head_ce", "prorector"]]
)
def test_send_back_at_any_step_returns_to_applicant_then_to_coordinator(world, submitted_application, step_users):
    app = submitted_application
    *approvers, sender = step_users
    for name in approvers:
        app = decide(getattr(world, name), app, "approve")
    app = decide(getattr(world, sender), app, "request_changes", "Add your transcript in English")
    assert app.status == ApplicationStatus.CHANGES_REQUESTED
    assert not inbox_tasks(user=getattr(world, sender)).exists()
    # the applicant revises and resubmits
    application_services.application_update(application=app, actor=world.student1, motivation="Revised motivation")
    app = case_submit(case=app, actor=world.student1)
    assert app.status == ApplicationStatus.COORDINATOR_REVIEW
    assert inbox_tasks(user=world.coordinator_ce).filter(process__mobilityprocess__application=app).exists()
    event = app.events.get(action=CaseEvent.Action.CHANGES_REQUESTED)
    assert event.comment == "Add your transcript in English"
    assert app.events.filter(action=CaseEvent.Action.RESUBMITTED).count() == 1


@pytest.mark.parametrize(
    "step_users", [["coordinator_ce"], ["coordinator_ce", "head_ce"], ["coordinator_ce", "head_ce", "prorector"]]
)
def test_reject_at_any_step_ends_the_case_with_its_reason(world, submitted_application, step_users):
    app = submitted_application
    *approvers, rejecter = step_users
    for name in approvers:
        app = decide(getattr(world, name), app, "approve")
    app = decide(getattr(world, rejecter), app, "reject", "GPA transcript is forged")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REJECTED
    assert app.decided_at is not None
    assert app.process.status == "DONE"
    assert open_task_for_application(application=app) is None
    assert app.events.last().comment == "GPA transcript is forged"
    assert CallPlace.objects.get(pk=world.places[0].pk).places_taken == 0


def test_reject_and_send_back_need_a_comment(world, submitted_application):
    task = open_task_for_application(application=submitted_application)
    for decision in ("reject", "request_changes"):
        with pytest.raises(ValidationError) as exc:
            task_decide(user=world.coordinator_ce, task_id=task.pk, decision=decision, comment="   ")
        assert "comment" in exc.value.message_dict
    with pytest.raises(ValidationError):
        task_decide(user=world.coordinator_ce, task_id=task.pk, decision="maybe", comment="x")
    submitted_application.refresh_from_db()
    assert submitted_application.status == ApplicationStatus.COORDINATOR_REVIEW


def test_only_the_right_role_and_department_can_decide(world, submitted_application):
    task = open_task_for_application(application=submitted_application)
    # another department's coordinator cannot even see the case
    with pytest.raises(Http404):
        task_decide(user=world.coordinator_math, task_id=task.pk, decision="approve")
    with pytest.raises(Http404):
        task_decide(user=world.student2, task_id=task.pk, decision="approve")
    # the head and prorector see the case but this is not their step
    for user in (world.head_ce, world.prorector, world.auditor, world.student1):
        with pytest.raises(PermissionDenied):
            task_decide(user=user, task_id=task.pk, decision="approve")
    assert not inbox_tasks(user=world.coordinator_math).exists()
    assert not inbox_tasks(user=world.head_ce).exists()
    submitted_application.refresh_from_db()
    assert submitted_application.status == ApplicationStatus.COORDINATOR_REVIEW


def test_a_decided_task_cannot_be_decided_again(world, submitted_application):
    task = open_task_for_application(application=submitted_application)
    task_decide(user=world.coordinator_ce, task_id=task.pk, decision="approve")
    with pytest.raises(TaskAlreadyDecided):
        task_decide(user=world.coordinator_ce, task_id=task.pk, decision="reject", comment="changed my mind")
    submitted_application.refresh_from_db()
    assert submitted_application.status == ApplicationStatus.HEAD_REVIEW
    assert submitted_application.events.filter(action="approved").count() == 1


def test_final_approval_falls_back_to_next_ranked_choice_and_fails_when_none_left(world):
    full, spare = world.places[1], world.places[2]
    CallPlace.objects.filter(pk=full.pk).update(places_taken=full.places)
    app = make_submitted_application(world, choices=[full.partner_id, spare.partner_id])
    app = approve_all(world, app)
    app.refresh_from_db()
    assert app.nominated_place_id == spare.pk

    CallPlace.objects.filter(pk=spare.pk).update(places_taken=spare.places)
    other = make_submitted_application(world, world.student2, choices=[full.partner_id, spare.partner_id])
    for user in (world.coordinator_ce, world.head_ce):
        other = decide(user, other, "approve")
    with pytest.raises(NoPlaceLeft):
        decide(world.prorector, other, "approve")
    other.refresh_from_db()
    assert other.status == ApplicationStatus.PRORECTOR_REVIEW
    assert open_task_for_application(application=other).flow_task.name == "prorector_review"
    assert CallPlace.objects.get(pk=spare.pk).places_taken == spare.places
