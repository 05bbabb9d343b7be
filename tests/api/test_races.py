"""The two races of a decision, with two real concurrent PostgreSQL connections (one per thread):
the same task decided twice at once, and two final approvals fighting for a partner's last place.

Each race runs a few times: a lost race must always end the same way, not only usually."""

import threading

import pytest
from django.db import connection

from accounts.models import User
from applications.models import Application, ApplicationStatus, CallPlace, CaseEvent
from core.errors import CaseBusy, NoPlaceLeft, TaskAlreadyDecided
from tests.conftest import make_submitted_application
from tests.factories import CallFactory, CallPlaceFactory
from workflows.selectors import open_task_for_application
from workflows.services import task_decide

pytestmark = pytest.mark.django_db(transaction=True)

ITERATIONS = 3


def run_together(*jobs, timeout=30):
    """Run each job in its own thread (so on its own database connection), all released at once by a
    barrier; return each job's result or the exception it raised, in order."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=timeout)
            outcomes[index] = job()
        except Exception as exc:  # the outcome under test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a decision hung"
    return outcomes


def decide_as(username, task_id, decision="approve", comment="ok"):
    def job():
        # Each thread loads its own user: nothing is shared between the two connections.
        user = User.objects.get(username=username)
        return task_decide(user=user, task_id=task_id, decision=decision, comment=comment)

    return job


def decide_now(world, username, application):
    task = open_task_for_application(application=application)
    return task_decide(user=getattr(world, username), task_id=task.pk, decision="approve", comment="ok")


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
            decide_now(world, "coordinator_ce", application)
            decide_now(world, "head_ce", application)
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
