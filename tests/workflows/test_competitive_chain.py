"""The mobility chain of a competitive call: the coordinator only checks eligibility and completeness, and an
approval ends the flow with the application eligible (awaiting the selection), taking no place. Send back and
reject work as for a rolling call; a rolling call still goes coordinator → head → prorector."""

import pytest
from django.urls import reverse

from applications.models import ApplicationStatus, CallPlace
from tests.support.calls import competitive_call
from tests.support.drivers import decide, make_submitted_application
from tests.support.pages import text
from workflows.selectors import inbox_tasks, open_task_for_application
from workflows.services import case_submit

pytestmark = pytest.mark.django_db


def test_a_competitive_call_ends_at_eligible_after_the_coordinator_and_takes_no_place(world, client):
    call = competitive_call(world)
    application = make_submitted_application(world, call=call)
    assert application.status == ApplicationStatus.COORDINATOR_REVIEW
    # when the coordinator approves
    application = decide(world.coordinator_ce, application, "approve", "Eligible and complete.")
    # then the chain ends: eligible, no place taken, no task left, nothing in the head's inbox
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBLE
    assert application.nominated_place is None and application.decided_at is None
    assert not CallPlace.objects.filter(call=call, places_taken__gt=0).exists()
    assert application.process.status == "DONE"
    assert open_task_for_application(application=application) is None
    assert not [t for t in inbox_tasks(user=world.head_ce) if t.process.pk == application.process.pk]
    # the decision's line names where it led, and no "place assigned" line follows
    last = application.events.order_by("created_at", "pk").last()
    assert (last.action, last.step, last.status_before, last.status_after) == (
        "approved",
        "coordinator_review",
        "coordinator_review",
        "eligible",
    )
    assert not application.events.filter(action="place_assigned").exists()
    # and the applicant reads it on the application's page
    client.force_login(world.student1)
    page = text(client.get(reverse("applications:detail", args=[application.pk])))
    assert "Eligible, awaiting selection" in page and 'id="eligible"' in page


def test_a_competitive_call_sends_back_and_rejects_as_before(world):
    call = competitive_call(world)
    sent_back = make_submitted_application(world, call=call)
    sent_back = decide(world.coordinator_ce, sent_back, "request_changes", "Upload a clearer transcript.")
    sent_back.refresh_from_db()
    assert sent_back.status == ApplicationStatus.CHANGES_REQUESTED
    # resubmitted, it comes back to the coordinator, whose approval now makes it eligible
    sent_back = case_submit(case=sent_back, actor=world.student1)
    assert sent_back.status == ApplicationStatus.COORDINATOR_REVIEW
    sent_back = decide(world.coordinator_ce, sent_back, "approve")
    sent_back.refresh_from_db()
    assert sent_back.status == ApplicationStatus.ELIGIBLE

    rejected = make_submitted_application(world, world.student2, call=call)
    rejected = decide(world.coordinator_ce, rejected, "reject", "Not enrolled in the programme.")
    rejected.refresh_from_db()
    assert rejected.status == ApplicationStatus.REJECTED and rejected.decided_at is not None


def test_a_rolling_call_still_goes_to_the_head_after_the_coordinator(world, submitted_application):
    assert world.call.selection_mode == "rolling"
    application = decide(world.coordinator_ce, submitted_application, "approve")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.HEAD_REVIEW
    assert open_task_for_application(application=application).flow_task.name == "head_review"
