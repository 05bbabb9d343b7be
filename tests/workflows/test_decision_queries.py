"""What a decision costs in SQL: a mid-chain approve and a final approve, of an application and of an agreement,
run a fixed number of queries whatever the number of users, cases and notifications (issue 15: the inbox at
scale). The numbers are pinned: a change that adds a query to every decision has to say so here.

Counted as production runs them: the test's own transaction makes the decision's transaction a savepoint, so its
SAVEPOINT and RELEASE (BEGIN and COMMIT in production, which Django does not log) are left out. What is left, for
a mid-chain approve (10): the task read with its flow lock and the user's roles and departments (one statement),
the task with its process and case under the lock and who decided the case's other steps (separation of duties;
one statement), for an application the document versions the decision is taken on, the decision's timeline line,
the task done with the process's decision and the task's inbox row gone (one statement), the gateway's task and
the next step's task (each one statement with its link to the one before), who decides the next step (with their
notification preferences), their notifications (one INSERT ... RETURNING), and the case's status with the next
step's due date and its inbox row (one statement). A final application approve (13) adds the places chosen
(locked, with their rank and partner), the place taken with the application's new state and the "place assigned"
line (one statement), the final function's and the end's tasks, the process's end (one conditional UPDATE) and the
applicant's message, where it needs no next step's rows. Several writes in one statement are
core.db.write_together's (PostgreSQL)."""

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from notifications.models import Notification
from tests.support.agreements import draft_agreement
from tests.support.drivers import another_call, make_submitted_application, open_task
from tests.support.factories import UserFactory
from workflows.services import case_submit, task_decide

pytestmark = pytest.mark.django_db

APPLICATION_MID_CHAIN = 10
APPLICATION_FINAL = 13
AGREEMENT_MID_CHAIN = 10
AGREEMENT_FINAL = 10


def _decide_counted(user, case, decision="approve"):
    """The queries of one decision by `user` on the case's open task, as production counts them."""
    task_id = open_task(case).pk
    with CaptureQueriesContext(connection) as captured:
        task_decide(user=user, task_id=task_id, decision=decision, comment="ok")
    queries = [query["sql"] for query in captured.captured_queries]
    if os.environ.get("KORPU_PRINT_QUERIES"):
        print(f"\n--- {len(queries)} queries")
        for number, sql in enumerate(queries, 1):
            print(number, sql[:300])
    # The decision's own transaction, a savepoint inside the test's.
    assert queries[0].startswith("SAVEPOINT") and queries[-1].startswith("RELEASE SAVEPOINT")
    return len(queries) - 2


def _a_busier_office(world, n=4):
    """More approvers of every step in the case's department, more cases waiting, more notifications."""
    for _index in range(n):
        for role in (Role.COORDINATOR, Role.HEAD, Role.PRORECTOR):
            UserFactory(roles=[role], departments=[world.departments["ce"]])
        student = UserFactory(roles=[Role.STUDENT], departments=[world.departments["ce"]])
        make_submitted_application(world, student, call=another_call(world))
    assert Notification.objects.count() > 2 * n


def test_an_application_decision_costs_a_fixed_number_of_queries(world):
    application = make_submitted_application(world)
    assert _decide_counted(world.coordinator_ce, application) == APPLICATION_MID_CHAIN
    assert _decide_counted(world.head_ce, application) == APPLICATION_MID_CHAIN
    # The prorector's approval also takes a place, writes "place assigned", ends the flow and tells the applicant.
    assert _decide_counted(world.prorector, application) == APPLICATION_FINAL


def test_the_cost_does_not_grow_with_users_cases_or_notifications(world):
    _a_busier_office(world)
    application = make_submitted_application(world, call=another_call(world))
    assert _decide_counted(world.coordinator_ce, application) == APPLICATION_MID_CHAIN
    assert _decide_counted(world.head_ce, application) == APPLICATION_MID_CHAIN
    assert _decide_counted(world.prorector, application) == APPLICATION_FINAL


def test_an_agreement_decision_costs_a_fixed_number_of_queries(world):
    agreement = case_submit(case=draft_agreement(world), actor=world.coordinator_ce)
    assert _decide_counted(world.head_ce, agreement) == AGREEMENT_MID_CHAIN
    # The prorector's approval leads to "send to the partner" (no due date, no second gateway).
    assert _decide_counted(world.prorector, agreement) == AGREEMENT_FINAL
