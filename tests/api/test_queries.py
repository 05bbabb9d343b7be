"""The API's lists cost the same number of queries whatever their length."""

import pytest

from accounts.roles import Role
from tests.support.api import APPLICATIONS_URL, CALLS_URL, TASKS_URL, api_decide, count_queries
from tests.support.drivers import make_submitted_application
from tests.support.factories import CallFactory, CallPlaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def new_student(world, n):
    return UserFactory(username=f"extra_student{n}", roles=[Role.STUDENT], departments=[world.departments["ce"]])


@pytest.mark.parametrize("username", ["prorector", "coordinator_ce", "student1"])
def test_application_list_queries_do_not_grow_with_its_length(world, clients, username):
    client = getattr(clients, username)
    # one application (with two host choices), then five, from different applicants and calls
    make_submitted_application(world, choices=[world.partners[0].pk, world.partners[1].pk])
    one = count_queries(client, APPLICATIONS_URL, 1)
    for n in range(4):
        call = CallFactory()
        places = [CallPlaceFactory(call=call) for _ in range(3)]
        applicant = world.student1 if username == "student1" else new_student(world, n)
        make_submitted_application(world, applicant, call=call, choices=[p.partner_id for p in places])
    five = count_queries(client, APPLICATIONS_URL, 5)
    assert five == one


def test_task_list_queries_do_not_grow_with_its_length(world, clients):
    coordinator, head = clients.coordinator_ce, clients.head_ce
    first = make_submitted_application(world)
    api_decide(coordinator, first.pk, "approve")
    one_coordinator_task = count_queries(coordinator, TASKS_URL, 0)
    one = count_queries(head, TASKS_URL, 1)
    for n in range(4):
        application = make_submitted_application(world, new_student(world, n))
        api_decide(coordinator, application.pk, "approve")
    five = count_queries(head, TASKS_URL, 5)
    assert five == one
    # and an empty inbox costs no more than a full one
    assert one_coordinator_task <= one


def test_call_list_queries_do_not_grow_with_its_length(world, clients):
    one = count_queries(clients.student1, CALLS_URL, 1)
    for _ in range(4):
        call = CallFactory()
        for _ in range(3):
            CallPlaceFactory(call=call)
    five = count_queries(clients.student1, CALLS_URL, 5)
    assert five == one
