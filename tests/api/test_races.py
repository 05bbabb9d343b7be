"""The two races of a decision, with two real concurrent PostgreSQL connections (one per thread):
the same task decided twice at once, and two final approvals fighting for a partner's last place.

Each race runs a few times: a lost race must always end the same way, not only usually."""

import pytest

from applications.models import Application, ApplicationStatus, CallPlace, CaseEvent
from core.errors import CaseBusy, NoPlaceLeft, TaskAlreadyDecided
from tests.support.concurrency import decide_as, run_together
from tests.support.drivers import decide, make_submitted_application
from tests.support.factories import CallFactory, CallPlaceFactory
from workflows.selectors import open_task_for_application

pytestmark = pytest.mark.django_db(transaction=True)

ITERATIONS = 3


def test_a_task_decided_twice_at_once_is_decided_once(world):
    for iteration in range(ITERATIONS):
        # given a case waiting for the coordinator
        call = CallFactory(title=f"Race call {iteration}")
        place = CallPlaceFactory(call=call, places=5)
        application = make_submitted_application(world, call=call, choices=[place.partner_id])
        task_id = open_task_for_application(application=application).pk

        # when the coordinator's approval arrives twice at the same moment
        outcomes = run_together(decide_as("coordinator_ce", task_id), decide_as("coordinator_ce", task_id))

        # then exactly one decision counts and the other is told the task is already decided (or busy)
        wins = [o for o in outcomes if isinstance(o, Application)]
        losses = [o for o in outcomes if not isinstance(o, Application)]
        assert len(wins) == 1, outcomes
        assert len(losses) == 1 and isinstance(losses[0], TaskAlreadyDecided | CaseBusy), outcomes
        application.refresh_from_db()
        assert application.status == ApplicationStatus.HEAD_REVIEW
        assert CaseEvent.objects.filter(application=application, action=CaseEvent.Action.APPROVED).count() == 1
        head_task = open_task_for_application(application=application)
        assert head_task.flow_task.name == "head_review"
        assert application.process.task_set.filter(flow_task=head_task.flow_task).count() == 1


def test_two_final_approvals_for_the_last_place_one_wins(world):
    for iteration in range(ITERATIONS):
        # given two cases at prorector review whose only choice is a partner with one place left
        call = CallFactory(title=f"Last place call {iteration}")
        last_place = CallPlaceFactory(call=call, places=2, places_taken=1)
        cases = [
            make_submitted_application(world, applicant, call=call, choices=[last_place.partner_id])
            for applicant in (world.student1, world.student2)
        ]
        for application in cases:
            decide(world.coordinator_ce, application)
            decide(world.head_ce, application)
            application.refresh_from_db()
            assert application.status == ApplicationStatus.PRORECTOR_REVIEW
        task_ids = [open_task_for_application(application=a).pk for a in cases]

        # when the prorector approves both at the same moment
        outcomes = run_together(*(decide_as("prorector", task_id) for task_id in task_ids))

        # then exactly one is approved; the other gets a clear error and stays with the prorector
        wins = [i for i, o in enumerate(outcomes) if isinstance(o, Application)]
        assert len(wins) == 1, outcomes
        (loser,) = {0, 1} - set(wins)
        assert isinstance(outcomes[loser], NoPlaceLeft | CaseBusy), outcomes
        winner_case, loser_case = cases[wins[0]], cases[loser]
        winner_case.refresh_from_db()
        loser_case.refresh_from_db()
        assert winner_case.status == ApplicationStatus.APPROVED
        assert winner_case.nominated_place_id == last_place.pk
        assert loser_case.status == ApplicationStatus.PRORECTOR_REVIEW
        assert loser_case.nominated_place_id is None
        loser_task = open_task_for_application(application=loser_case)
        assert loser_task is not None and loser_task.pk == task_ids[loser]
        assert not CaseEvent.objects.filter(application=loser_case, step="prorector_review").exists()
        last_place.refresh_from_db()
        assert last_place.places_taken == last_place.places == 2
        assert CallPlace.objects.get(pk=last_place.pk).places_left == 0
