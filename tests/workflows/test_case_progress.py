"""workflows.selectors.case_progress: where a case of any kind stands (its step, due date) and what follows."""

import pytest
from django.utils import timezone

from notifications.models import TaskDeadline
from tests.support.agreements import draft_agreement
from tests.support.drivers import decide, make_ready_application, make_submitted_application, open_task
from workflows.selectors import case_progress
from workflows.services import case_submit

pytestmark = pytest.mark.django_db


def test_an_application_under_review(world):
    application = make_ready_application(world)
    assert case_progress(application) is None  # a draft waits at no step
    application = case_submit(case=application, actor=world.student1)
    progress = case_progress(application)
    deadline = TaskDeadline.objects.get(task=open_task(application))
    assert (progress.step, progress.label, progress.role) == ("coordinator_review", "Coordinator review", "coordinator")
    assert progress.due_at == deadline.due_at and progress.due_at > timezone.now()
    assert progress.next_labels == ["Department head review", "Prorector review"]
    application = decide(world.coordinator_ce, application)
    assert case_progress(application).next_labels == ["Prorector review"]


def test_a_sent_back_application_and_a_decided_one(world):
    application = make_submitted_application(world)
    application = decide(world.coordinator_ce, application, "request_changes", "Fix it.")
    progress = case_progress(application)
    assert progress.is_revision and progress.next_labels == [
        "Coordinator review",
        "Department head review",
        "Prorector review",
    ]
    case_submit(case=application, actor=world.student1)
    application = decide(world.coordinator_ce, application, "reject", "No.")
    assert case_progress(application) is None


def test_an_agreement_any_kind_uses_the_same_selector(world):
    agreement = case_submit(case=draft_agreement(world), actor=world.coordinator_ce)
    progress = case_progress(agreement)
    assert progress.label == "Department head review"
    assert progress.next_labels == ["Prorector review", "Send to the partner", "Upload the signed copy"]
