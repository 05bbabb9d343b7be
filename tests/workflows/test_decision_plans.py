"""A decision's reads keep their plan whatever the data and PostgreSQL's statistics say (issue 15: a decision's cost
must not grow with the number of users, cases or decisions).

Measured at 1.3 million cases: who decides the next step was found by a scan of every user (students are almost
all of them; PostgreSQL cannot know a role's size before reading it), and who decided the case's other review steps
was read through the task owner index when the table's statistics said few done tasks had an owner — every decided
task of every case, more with each decision. Each test builds the data that misled the planner, runs the
decisions, and asks PostgreSQL how it runs every read the decisions made."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Task

from accounts.models import User
from accounts.roles import Role
from tests.support.drivers import another_call, make_submitted_application, open_task
from workflows.mobility import MobilityFlow
from workflows.services import task_decide

pytestmark = pytest.mark.django_db


def _analyze(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def _plans_of_reads(queries: list[dict]) -> list[tuple[str, str]]:
    """(statement, plan) of every SELECT a decision ran (the writes' plans are a key's)."""
    plans = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN " + sql)
                plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    assert plans
    return plans


def _decide_and_plan(user, application) -> list[tuple[str, str]]:
    task = open_task(application)
    with CaptureQueriesContext(connection) as captured:
        task_decide(user=user, task_id=task.pk, decision="approve", comment="ok")
    return _plans_of_reads(captured.captured_queries)


def test_the_next_steps_deciders_are_looked_up_by_key_among_many_students(world):
    students = Group.objects.get(name=Role.STUDENT)
    password = world.prorector.password
    made = User.objects.bulk_create(
        User(username=f"many{n:05}", password=password, email=f"many{n}@example.org") for n in range(6000)
    )
    User.groups.through.objects.bulk_create(User.groups.through(user_id=u.pk, group_id=students.pk) for u in made)
    User.departments.through.objects.bulk_create(
        User.departments.through(user_id=u.pk, department_id=world.departments["ce"].pk) for u in made
    )
    _analyze("accounts_user", "accounts_user_groups", "accounts_user_departments", "auth_group")
    application = make_submitted_application(world)

    # The coordinator's decision finds the head (one department), the head's the prorector (every department).
    for decider in (world.coordinator_ce, world.head_ce):
        for sql, plan in _decide_and_plan(decider, application):
            assert "Seq Scan on accounts_user " not in plan + " ", f"every user read for:\n{sql[:400]}\n{plan}"
    assert open_task(application).flow_task == MobilityFlow.prorector_review


def test_who_decided_the_other_steps_is_read_by_the_case_even_when_statistics_say_no_task_has_an_owner(world):
    # Many done review tasks of other cases, without an owner when the statistics are taken, then given one (a year
    # loaded at once, or a big table between two ANALYZEs): the statistics say no done task has an owner.
    other = make_submitted_application(world, call=another_call(world))
    process_id = open_task(other).process_id
    Task.objects.bulk_create(
        Task(process_id=process_id, flow_task=MobilityFlow.head_review, flow_task_type="HUMAN", status="DONE")
        for _ in range(6000)
    )
    _analyze("viewflow_task")
    Task.objects.filter(process_id=process_id, status="DONE").update(owner=world.head_ce)

    application = make_submitted_application(world)
    for decider in (world.coordinator_ce, world.head_ce, world.prorector):
        for sql, plan in _decide_and_plan(decider, application):
            assert "viewflow_task_owner_id" not in plan, f"the owner index read for:\n{sql[:400]}\n{plan}"
    assert open_task(application) is None
