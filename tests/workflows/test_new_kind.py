"""A third kind of case, defined only in the tests (tests/docrequest): its flow module, one registration and its
own domain code. The shared inbox, task page, decision service, task API, separation of duties and notifications
handle it without a line of them knowing it."""

from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.roles import Role
from notifications.models import Notification, NotificationKind
from tests.docrequest.models import DocumentRequest
from tests.docrequest.services import document_request_create
from tests.support.factories import UserFactory
from workflows.selectors import inbox_tasks, open_task_for_case
from workflows.services import case_submit, task_decide

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def request_case(world):
    return document_request_create(requester=world.student1, department=world.departments["ce"], title="Transcript")


def test_a_new_kind_goes_through_the_shared_inbox_pages_api_and_decisions(world, request_case, client):
    # submitted: the flow starts and the coordinators of its department are told
    case = case_submit(case=request_case, actor=world.student1)
    assert case.status == DocumentRequest.Status.COORDINATOR_REVIEW
    task = open_task_for_case(case=case)
    assert task in inbox_tasks(user=world.coordinator_ce)
    assert task not in inbox_tasks(user=world.coordinator_math)
    told = Notification.objects.filter(kind=NotificationKind.TASK_AVAILABLE, event=f"task:{task.pk}:available")
    assert set(told.values_list("recipient__username", flat=True)) == {"coordinator_ce"}

    # the task API lists it with its own case field; the inbox page shows it; its task page comes from its kind
    listed = api(world.coordinator_ce).get("/api/v1/tasks/").json()["results"]
    row = next(r for r in listed if r["id"] == task.pk)
    assert row["case_type"] == "document_request"
    assert row["document_request"] == {"id": case.pk, "title": "Transcript", "status": "coordinator_review"}
    assert row["application"] is None and row["agreement"] is None
    client.force_login(world.coordinator_ce)
    assert f"Document request #{case.pk}" in client.get("/tasks/").content.decode()
    assert client.get(f"/tasks/{task.pk}/").content.decode() == f"Document request task {task.pk}: coordinator_review"

    # decided through the shared decision API: the kind answers the body
    response = api(world.coordinator_ce).post(
        f"/api/v1/tasks/{task.pk}/decision/", {"decision": "approve", "comment": "ok"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "head_review"

    # sent back by the head, revised by the requester, approved again by both
    head_task = open_task_for_case(case=case)
    task_decide(user=world.head_ce, task_id=head_task.pk, decision="request_changes", comment="Which term?")
    case.refresh_from_db()
    assert case.status == DocumentRequest.Status.CHANGES_REQUESTED
    case = case_submit(case=case, actor=world.student1)
    assert case.status == DocumentRequest.Status.COORDINATOR_REVIEW
    task_decide(user=world.coordinator_ce, task_id=open_task_for_case(case=case).pk, decision="approve")
    task_decide(user=world.head_ce, task_id=open_task_for_case(case=case).pk, decision="approve")
    case.refresh_from_db()
    assert case.status == "approved"
    assert list(case.events.values_list("action", "step")) == [
        ("submitted", ""),
        ("approve", "coordinator_review"),
        ("request_changes", "head_review"),
        ("resubmitted", ""),
        ("approve", "coordinator_review"),
        ("approve", "head_review"),
    ]


def test_separation_of_duties_holds_for_the_new_kind(world):
    requester = UserFactory(
        username="asks_and_reviews", roles=[Role.STAFF, Role.COORDINATOR], departments=[world.departments["ce"]]
    )
    case = case_submit(
        case=document_request_create(requester=requester, department=world.departments["ce"], title="Letter"),
        actor=requester,
    )
    task = open_task_for_case(case=case)
    assert task not in inbox_tasks(user=requester)
    response = api(requester).post(
        f"/api/v1/tasks/{task.pk}/decision/", {"decision": "approve", "comment": ""}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "You cannot decide your own request."


def test_no_shared_module_knows_the_new_kind():
    root = Path(settings.BASE_DIR)
    shared = [*root.glob("workflows/**/*.py"), *root.glob("core/**/*.py"), *root.glob("notifications/**/*.py")]
    assert shared
    for path in shared:
        text = path.read_text(encoding="utf-8")
        assert "docrequest" not in text and "document_request" not in text, path


def test_every_decision_of_every_kind_leads_to_a_status_of_the_case(world):
    # The decision's line names where the case goes before the flow moves on (workflows.nodes.status_after_decision):
    # every review decision of every kind leads to a declared status of its case model.
    from types import SimpleNamespace

    from workflows.kinds import case_kinds
    from workflows.nodes import CaseStep, status_after_decision

    checked = 0
    for kind in case_kinds():
        case_model = kind.flow.process_class._meta.get_field(kind.case_attr).related_model
        statuses = {value for value, _label in case_model._meta.get_field("status").choices}
        for name in kind.review_steps:
            for decision in ("reject", "request_changes"):
                process = SimpleNamespace(last_decision=decision)
                after = status_after_decision(node=getattr(kind.flow.instance, name), process=process, steps=kind.steps)
                assert after in statuses, (kind.key, name, decision, after)
                checked += 1
        for name, step in kind.steps.items():
            assert step.status in statuses, (kind.key, name)
            assert isinstance(getattr(kind.flow.instance, name), CaseStep)
    assert checked >= 2 * (3 + 2 + 2)


def test_a_case_step_declares_its_status_in_the_kind_not_in_the_flow():
    from workflows.nodes import CaseStep

    with pytest.raises(TypeError):
        CaseStep().onCreate(lambda activation: None)


def test_a_new_kind_gets_documents_and_a_timeline_from_the_shared_service_and_selectors(world, request_case):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from core.errors import StaleState
    from tests.support.files import pdf_upload
    from workflows.kinds import kind_by_key
    from workflows.selectors import access_case_document, case_documents, case_events
    from workflows.services import case_document_attach

    kind = kind_by_key("document_request")
    first = case_document_attach(case=request_case, actor=world.student1, kind="other", file=pdf_upload())
    second = case_document_attach(case=request_case, actor=world.student1, kind="other", file=pdf_upload())
    assert [d.version for d in case_documents(case=request_case)] == [2, 1]
    assert [e.action for e in case_events(kind=kind, case=request_case)] == ["document_uploaded"] * 2
    assert case_events(kind=kind, case=request_case).last().data["document_id"] == second.pk
    # who may attach is the kind's rule; which kinds it takes too
    with pytest.raises(PermissionDenied):
        case_document_attach(case=request_case, actor=world.student2, kind="other", file=pdf_upload())
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        case_document_attach(case=request_case, actor=world.student1, kind="transcript", file=pdf_upload())
    # the case's permission guards its documents: the requester and coordinators see them, another student does not
    assert access_case_document(user=world.coordinator_ce, kind=kind, case_id=request_case.pk, document_id=first.pk)
    with pytest.raises(Http404):
        access_case_document(user=world.student2, kind=kind, case_id=request_case.pk, document_id=first.pk)
    # once submitted, the kind refuses more uploads
    case_submit(case=request_case, actor=world.student1)
    with pytest.raises(StaleState):
        case_document_attach(case=request_case, actor=world.student1, kind="other", file=pdf_upload())
    assert case_documents(case=request_case).count() == 2
