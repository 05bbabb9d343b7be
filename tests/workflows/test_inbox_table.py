"""The inbox table (workflows.models.InboxEntry): a row appears when a step begins and goes when its task ends;
it carries what the inbox filters on; it can be rebuilt from the open tasks; and the inbox page, its counts and
the task API read it in a number of queries that does not grow with the number of tasks."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from notifications.models import TaskDeadline
from tests.support.agreements import draft_agreement
from tests.support.drivers import another_call, decide, make_submitted_application, open_task
from tests.support.factories import UserFactory
from workflows.inbox import inbox_entries_rebuild
from workflows.models import InboxEntry
from workflows.selectors import INBOX_FACET_CAP, InboxFilter, inbox_entries_filtered, inbox_facets
from workflows.services import case_submit

pytestmark = pytest.mark.django_db


def test_a_step_enters_the_inbox_table_when_it_begins_and_leaves_it_when_decided(world):
    application = make_submitted_application(world)
    task = open_task(application)
    entry = InboxEntry.objects.get(task=task)
    assert (entry.kind, entry.step, entry.case_id) == ("application", "coordinator_review", application.pk)
    assert entry.department_id == application.department_id and entry.call_id == application.call_id
    assert entry.parties == f",{application.applicant_id}," and application.applicant.last_name in entry.search
    assert entry.due_at == TaskDeadline.objects.get(task=task).due_at and entry.created == task.created

    decide(world.coordinator_ce, application)
    assert not InboxEntry.objects.filter(task=task).exists()
    at_head = open_task(application)
    assert InboxEntry.objects.filter(task=at_head, step="head_review").exists()

    # sent back: the applicant's own revision is nobody's inbox row; resubmitted, it is back with the coordinator
    decide(world.head_ce, application, "request_changes", "Add the transcript.")
    assert not InboxEntry.objects.filter(task=at_head).exists()
    assert not InboxEntry.objects.filter(case_id=application.pk, kind="application").exists()
    case_submit(case=application, actor=application.applicant)
    assert InboxEntry.objects.get(case_id=application.pk, kind="application").step == "coordinator_review"


def test_an_agreement_row_names_its_partner(world):
    agreement = case_submit(case=draft_agreement(world), actor=world.coordinator_ce)
    entry = InboxEntry.objects.get(task=open_task(agreement))
    assert (entry.kind, entry.partner_id, entry.call_id) == ("agreement", agreement.partner_id, None)
    assert entry.who == agreement.partner.name and entry.subject == agreement.title
    assert inbox_entries_filtered(user=world.head_ce, filters=InboxFilter(partner=agreement.partner_id)).exists()
    assert not inbox_entries_filtered(
        user=world.head_ce, filters=InboxFilter(partner=agreement.partner_id + 99)
    ).exists()


def test_the_row_follows_the_due_date_and_is_rebuilt_from_open_tasks(world):
    application = make_submitted_application(world)
    task = open_task(application)
    past = timezone.now() - timedelta(days=3)
    TaskDeadline.objects.filter(task=task).update(due_at=past)
    assert InboxEntry.objects.get(task=task).due_at == past
    assert inbox_entries_filtered(user=world.coordinator_ce, filters=InboxFilter(overdue=True)).exists()

    InboxEntry.objects.all().delete()
    assert inbox_entries_rebuild() == 1
    rebuilt = InboxEntry.objects.get(task=task)
    assert (rebuilt.step, rebuilt.due_at, rebuilt.case_id) == ("coordinator_review", past, application.pk)
    assert inbox_entries_rebuild() == 0  # nothing left to write


def _inbox_queries(client):
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("workflows:inbox"), {"sort": "due"})
    assert page.status_code == 200
    return len(captured), len(page.context["rows"])


def _api_queries(api):
    with CaptureQueriesContext(connection) as captured:
        answer = api.get("/api/v1/tasks/")
    assert answer.status_code == 200
    return len(captured), len(answer.json()["results"])


def test_the_inbox_reads_a_constant_number_of_queries(world, client):
    client.force_login(world.coordinator_ce)
    api = APIClient()
    api.force_authenticate(world.coordinator_ce)
    make_submitted_application(world)
    client.get(reverse("workflows:inbox"), {"sort": "due"})  # the first visit also remembers the filter (a row)
    page_one = _inbox_queries(client)
    api.get("/api/v1/tasks/")  # warm, as the page is
    api_one = _api_queries(api)
    for _index in range(4):
        student = UserFactory(roles=[Role.STUDENT], departments=[world.departments["ce"]])
        make_submitted_application(world, student, call=another_call(world))
    agreement = case_submit(case=draft_agreement(world), actor=world.coordinator_ce)
    decide(world.head_ce, agreement)  # an agreement waits too (the prorector's), not in this inbox
    page_five = _inbox_queries(client)
    api_five = _api_queries(api)
    assert page_one[1] == 1 and page_five[1] == 5
    assert page_five[0] == page_one[0]
    assert api_one[1] == 1 and api_five[1] == 5
    assert api_five[0] == api_one[0]


def test_facet_counts_stop_at_the_cap(world, settings, monkeypatch):
    from workflows import selectors

    for _index in range(3):
        student = UserFactory(roles=[Role.STUDENT], departments=[world.departments["ce"]])
        make_submitted_application(world, student, call=another_call(world))
    [facet] = inbox_facets(user=world.coordinator_ce)
    assert (facet.value, facet.count, facet.capped) == ("application:coordinator_review", 3, False)
    monkeypatch.setattr(selectors, "INBOX_FACET_CAP", 2)
    [facet] = inbox_facets(user=world.coordinator_ce)
    assert (facet.count, facet.capped) == (2, True)
    assert INBOX_FACET_CAP == 1000


def test_what_a_row_copies_follows_its_case_while_the_step_is_open(world):
    """Renamed people, calls and partners, and a case moved to another department, are searched and scoped by what
    they are now (workflows.inbox.refresh_after_save)."""
    application = make_submitted_application(world)
    agreement = case_submit(case=draft_agreement(world), actor=world.coordinator_ce)

    def found(user, **filters):
        return set(inbox_entries_filtered(user=user, filters=InboxFilter(**filters)).values_list("case_id", flat=True))

    applicant = application.applicant
    applicant.last_name = "Quixotewell"
    applicant.save()
    assert application.pk in found(world.coordinator_ce, q="Quixotewell")

    call = application.call
    call.title = "Zanzibar exchange 2027"
    call.save()
    assert application.pk in found(world.coordinator_ce, q="Zanzibar")

    partner = agreement.partner
    partner.name = "Universidad Imaginaria"
    partner.save()
    assert agreement.pk in found(world.head_ce, q="Imaginaria")

    application.department = world.departments["math"]
    application.save(update_fields=["department"])
    assert application.pk not in found(world.coordinator_ce)
    assert application.pk in found(world.coordinator_math)
