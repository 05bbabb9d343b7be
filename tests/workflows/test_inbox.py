"""The inbox of a busy office: filters (kind, step, department, overdue, due date, search), counts per step, the
filter remembered per user, and bulk decisions — each case decided on its own and reported one by one, in pages and
in the API."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from applications.models import ApplicationStatus, CaseEvent
from notifications.models import Notification, TaskDeadline
from tests.support.agreements import draft_agreement
from tests.support.drivers import another_call, decide, make_ready_application, make_submitted_application, open_task
from tests.support.factories import UserFactory
from tests.support.pages import count_queries
from workflows.models import InboxView
from workflows.selectors import InboxFilter, inbox_facets, inbox_filtered
from workflows.services import case_submit, tasks_decide_bulk

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world):
    """Three Computer Engineering applications at the coordinator's step, one of them overdue, and one already
    with the department head."""
    anna = UserFactory(
        username="anna",
        first_name="Anna",
        last_name="Quasar",
        roles=[Role.STUDENT],
        departments=[world.departments["ce"]],
    )
    first = make_submitted_application(world, world.student1)
    second = make_submitted_application(world, world.student2)
    third = make_submitted_application(world, anna, call=another_call(world))
    at_head = make_submitted_application(world, world.student1, call=another_call(world))
    at_head = decide(world.coordinator_ce, at_head)
    overdue = open_task(second)
    TaskDeadline.objects.filter(task=overdue).update(due_at=timezone.now() - timedelta(days=2))
    return {"first": first, "second": second, "third": third, "at_head": at_head}


def ids(tasks):
    return {task.process.mobilityprocess.application_id for task in tasks}


def test_filters_narrow_the_inbox_to_what_the_user_may_act_on(world, cases):
    coordinator = world.coordinator_ce
    everything = inbox_filtered(user=coordinator, filters=InboxFilter())
    assert ids(everything) == {cases["first"].pk, cases["second"].pk, cases["third"].pk}
    # by step: the head's step is nobody's business of the coordinator, even when asked for
    assert not inbox_filtered(user=coordinator, filters=InboxFilter(step="application:head_review")).exists()
    assert ids(inbox_filtered(user=world.head_ce, filters=InboxFilter(step="application:head_review"))) == {
        cases["at_head"].pk
    }
    # overdue, and due by a date
    assert ids(inbox_filtered(user=coordinator, filters=InboxFilter(overdue=True))) == {cases["second"].pk}
    yesterday = timezone.localdate() - timedelta(days=1)
    assert ids(inbox_filtered(user=coordinator, filters=InboxFilter(due_before=yesterday))) == {cases["second"].pk}
    # search by the applicant's name, and by the case number
    assert ids(inbox_filtered(user=coordinator, filters=InboxFilter(q="quasar"))) == {cases["third"].pk}
    assert ids(inbox_filtered(user=coordinator, filters=InboxFilter(q=str(cases["first"].pk)))) >= {cases["first"].pk}
    # by kind and department
    assert not inbox_filtered(user=coordinator, filters=InboxFilter(kind="agreement")).exists()
    math = world.departments["math"].pk
    assert not inbox_filtered(user=coordinator, filters=InboxFilter(department=math)).exists()
    # an unknown kind or step shows nothing rather than everything
    assert not inbox_filtered(user=coordinator, filters=InboxFilter(step="application:nothing")).exists()
    # counts per step, one entry per step that has tasks
    facets = {facet.value: facet.count for facet in inbox_facets(user=coordinator)}
    assert facets == {"application:coordinator_review": 3}


def test_the_inbox_page_filters_counts_and_remembers_the_filter(world, cases, client):
    client.force_login(world.coordinator_ce)
    page = client.get(reverse("workflows:inbox"), {"q": "Quasar"})
    assert page.status_code == 200
    assert [row["case_id"] for row in page.context["rows"]] == [cases["third"].pk]
    assert page.context["page"].paginator.count == 1
    assert 'Coordinator review <span class="count">3</span>' in page.content.decode()
    # the next visit without a filter opens with the last one
    again = client.get(reverse("workflows:inbox"))
    assert again.status_code == 302 and "q=Quasar" in again["Location"]
    assert InboxView.objects.get(user=world.coordinator_ce).query == "q=Quasar"
    # the remembered filter asked for again is not written again
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("workflows:inbox"), {"q": "Quasar"}).status_code == 200
    assert not [query for query in queries if "workflows_inboxview" in query["sql"] and "SELECT" not in query["sql"]]
    # clearing forgets it
    assert client.get(reverse("workflows:inbox"), {"clear": "1"}).status_code == 302
    assert client.get(reverse("workflows:inbox")).context["page"].paginator.count == 3
    # a bad date is a form error, not a crash
    bad = client.get(reverse("workflows:inbox"), {"due_before": "someday"})
    assert bad.status_code == 400 and bad.context["form"].errors["due_before"]
    # sorted by waiting time
    oldest = client.get(reverse("workflows:inbox"), {"sort": "oldest"}).context["rows"]
    assert [row["case_id"] for row in oldest] == [cases["first"].pk, cases["second"].pk, cases["third"].pk]


def test_the_inbox_page_filters_by_call_and_by_partner_in_constant_queries(world, cases, client):
    # by call: the choices are the calls of the coordinator's own inbox, and the filter is remembered
    client.force_login(world.coordinator_ce)
    inbox = reverse("workflows:inbox")
    page = client.get(inbox, {"call": cases["third"].call_id})
    assert page.status_code == 200
    assert [row["case_id"] for row in page.context["rows"]] == [cases["third"].pk]
    calls = dict(page.context["form"].fields["call"].choices)
    assert set(calls) == {"", cases["first"].call_id, cases["third"].call_id}
    html = page.content.decode()
    assert '<label for="id_call">Call:</label>' in html and '<label for="id_partner">Partner:</label>' in html
    assert client.get(inbox)["Location"].endswith(f"?call={cases['third'].call_id}")
    # a call no longer in the inbox (a remembered filter) matches nothing rather than failing
    gone = client.get(inbox, {"call": 999999})
    assert gone.status_code == 200 and not gone.context["rows"]

    # by partner: the head's agreements at two partners (and an application, which names none)
    head = world.head_ce
    for partner in world.partners[:2]:
        case_submit(case=draft_agreement(world, partner), actor=world.coordinator_ce)
    client.force_login(head)
    page = client.get(inbox, {"partner": world.partners[1].pk})
    assert [row["entry"].partner_id for row in page.context["rows"]] == [world.partners[1].pk]
    partners = dict(page.context["form"].fields["partner"].choices)
    assert set(partners) == {"", world.partners[0].pk, world.partners[1].pk}
    assert partners[world.partners[1].pk] == str(world.partners[1])

    # the same queries however many calls and partners the inbox holds (the filter is remembered before counting:
    # asking for the remembered filter again writes nothing)
    client.get(inbox, {"sort": "due"})
    before = count_queries(client, f"{inbox}?sort=due")
    case_submit(case=draft_agreement(world, world.partners[2]), actor=world.coordinator_ce)
    decide(world.coordinator_ce, make_submitted_application(world, world.student2, call=another_call(world)))
    after = count_queries(client, f"{inbox}?sort=due")
    assert len(dict(client.get(inbox, {"sort": "due"}).context["form"].fields["partner"].choices)) == 4
    assert after == before


def test_a_bulk_decision_decides_each_case_on_its_own_and_reports_each(world, cases):
    first, second, third, at_head = cases["first"], cases["second"], cases["third"], cases["at_head"]
    decided_meanwhile = open_task(second)
    decide(world.coordinator_ce, second)  # someone was quicker
    head_task = open_task(at_head)
    tasks = [open_task(first).pk, decided_meanwhile.pk, open_task(third).pk, head_task.pk, 999999, open_task(first).pk]
    before = Notification.objects.count()
    outcomes = tasks_decide_bulk(user=world.coordinator_ce, task_ids=tasks, decision="approve", comment="Eligible.")
    assert [(o.task_id, o.result) for o in outcomes] == [
        (tasks[0], "done"),
        (decided_meanwhile.pk, "already_decided"),
        (tasks[2], "done"),
        (head_task.pk, "permission_denied"),
        (999999, "not_found"),
    ]
    for application in (first, third):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.HEAD_REVIEW
        event = application.events.get(action=CaseEvent.Action.APPROVED, step="coordinator_review")
        assert event.comment == "Eligible." and event.actor == world.coordinator_ce
    at_head.refresh_from_db()
    assert at_head.status == ApplicationStatus.HEAD_REVIEW  # untouched
    assert Notification.objects.count() > before  # each decided case told its next approvers


def test_a_bulk_send_back_needs_its_reason_before_any_case_is_touched(world, cases):
    from django.core.exceptions import ValidationError

    task = open_task(cases["first"])
    with pytest.raises(ValidationError) as error:
        tasks_decide_bulk(user=world.coordinator_ce, task_ids=[task.pk], decision="request_changes", comment=" ")
    assert "comment" in error.value.message_dict
    with pytest.raises(ValidationError):
        tasks_decide_bulk(user=world.coordinator_ce, task_ids=[], decision="approve")
    with pytest.raises(ValidationError):
        tasks_decide_bulk(user=world.coordinator_ce, task_ids=list(range(1, 102)), decision="approve")
    cases["first"].refresh_from_db()
    assert cases["first"].status == ApplicationStatus.COORDINATOR_REVIEW


def test_bulk_decisions_from_the_page(world, cases, client):
    client.force_login(world.coordinator_ce)
    tasks = [open_task(cases["first"]).pk, open_task(cases["third"]).pk]
    answer = client.post(
        reverse("workflows:bulk"),
        {"tasks": tasks, "decision": "approve", "comment": "", "next": "/tasks/?q=x"},
    )
    assert answer.status_code == 200
    assert [o.result for o in answer.context["outcomes"]] == ["done", "done"]
    assert answer.context["back"] == "/tasks/?q=x"
    # a foreign return address is not followed
    missing_reason = client.post(
        reverse("workflows:bulk"),
        {"tasks": [open_task(cases["second"]).pk], "decision": "reject", "next": "https://evil.example/"},
    )
    assert missing_reason.status_code == 302 and missing_reason["Location"] == reverse("workflows:inbox")
    cases["second"].refresh_from_db()
    assert cases["second"].status == ApplicationStatus.COORDINATOR_REVIEW


def test_the_api_filters_the_inbox_and_decides_in_bulk(world, cases):
    api = APIClient()
    api.force_authenticate(world.coordinator_ce)
    listed = api.get("/api/v1/tasks/", {"q": "quasar"})
    assert listed.status_code == 200
    assert [t["application"]["id"] for t in listed.json()["results"]] == [cases["third"].pk]
    assert api.get("/api/v1/tasks/", {"due_before": "not a date"}).status_code == 400
    tasks = [open_task(cases["first"]).pk, open_task(cases["at_head"]).pk]
    answer = api.post("/api/v1/tasks/decisions/", {"tasks": tasks, "decision": "approve"}, format="json")
    assert answer.status_code == 200, answer.content
    assert [(r["task"], r["result"]) for r in answer.json()["results"]] == [
        (tasks[0], "done"),
        (tasks[1], "permission_denied"),
    ]
    assert answer.json()["results"][0]["case_id"] == cases["first"].pk
    refused = api.post("/api/v1/tasks/decisions/", {"tasks": tasks, "decision": "reject"}, format="json")
    assert refused.status_code == 400 and "comment" in refused.json()


def test_after_a_decision_the_next_case_of_the_inbox_opens(world, cases, client):
    client.force_login(world.coordinator_ce)
    # the coordinator looks at the overdue ones only: the next case is the next overdue one, else the inbox
    client.get(reverse("workflows:inbox"), {"sort": "oldest"})
    first, second, third = (open_task(cases[name]) for name in ("first", "second", "third"))
    answer = client.post(
        reverse("workflows:task", args=[first.pk]), {"task_id": first.pk, "decision": "approve", "comment": ""}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("workflows:task", args=[second.pk])
    client.get(reverse("workflows:inbox"), {"overdue": "on"})
    answer = client.post(
        reverse("workflows:task", args=[third.pk]), {"task_id": third.pk, "decision": "approve", "comment": ""}
    )
    assert answer["Location"] == reverse("workflows:task", args=[second.pk])
    answer = client.post(
        reverse("workflows:task", args=[second.pk]), {"task_id": second.pk, "decision": "approve", "comment": ""}
    )
    assert answer["Location"] == reverse("workflows:inbox")


def test_a_resubmitted_case_shows_the_approver_what_changed_since_they_decided(world, client):
    from applications import services as application_services
    from tests.support.files import pdf_upload
    from workflows.services import case_document_attach, case_submit

    application = make_submitted_application(world, world.student1)
    task = open_task(application)
    client.force_login(world.coordinator_ce)
    first_look = client.get(reverse("workflows:task", args=[task.pk]))
    assert first_look.context["changes"] is None  # seen for the first time: nothing to compare
    decide(world.coordinator_ce, application, "request_changes", "Say more about your courses.")
    application_services.application_update(
        application=application, actor=world.student1, motivation="Distributed systems, and the courses I chose."
    )
    case_document_attach(case=application, actor=world.student1, kind="transcript", file=pdf_upload())
    case_submit(case=application, actor=world.student1)
    page = client.get(reverse("workflows:task", args=[open_task(application).pk]))
    changes = page.context["changes"]
    assert [(row["field"], row["new"]) for row in changes["rows"]] == [
        ("motivation", "Distributed systems, and the courses I chose.")
    ]
    assert changes["documents"] == [{"label": "Transcript of records", "version": 2}]
    html = page.content.decode()
    assert 'id="what-changed"' in html and "new version 2" in html


def test_a_document_previews_as_an_image_after_the_case_permission(world, client):
    from io import BytesIO

    from PIL import Image

    from tests.support.files import pdf_upload, printed_pdf
    from workflows.services import case_document_attach, case_submit

    draft = make_ready_application(world, world.student1)
    document = case_document_attach(
        case=draft, actor=world.student1, kind="transcript", file=pdf_upload("t.pdf", printed_pdf(pages=2))
    )
    application = case_submit(case=draft, actor=world.student1)
    url = document.get_preview_url()
    assert url and url.endswith("/preview/1.png")
    client.force_login(world.coordinator_ce)
    task_page = client.get(reverse("workflows:task", args=[open_task(application).pk]))
    assert url in task_page.content.decode()
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
    assert answer["Content-Security-Policy"] == "default-src 'none'; sandbox"
    image = Image.open(BytesIO(answer.content))
    assert image.format == "PNG" and 0 < image.width <= 900
    assert client.get(url.replace("/1.png", "/2.png")).status_code == 200
    # a page the file does not have, a damaged PDF, and a stranger
    assert client.get(url.replace("/1.png", "/3.png")).status_code == 404
    damaged = application.documents.exclude(pk=document.pk).first()
    assert client.get(damaged.get_preview_url()).status_code == 404
    client.force_login(world.student2)
    assert client.get(url).status_code == 404
