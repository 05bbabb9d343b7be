"""Who may reach what through the API: 401 without credentials, 404 for a case the caller may not
see (no existence leak), 403 for a visible task or case the caller may not act on, 409 for a
decided task or a case that moved on."""

import pytest
from rest_framework.test import APIClient

from applications.models import Application, CaseEvent
from documents.models import Document
from tests.support.api import (
    APPLICATIONS_URL,
    CALLS_URL,
    TASKS_URL,
    TOKEN_URL,
    api_create_ready,
    api_decide,
    api_submit,
    application_url,
    decision_url,
)
from tests.support.drivers import open_task_id
from tests.support.files import pdf_upload

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("get", CALLS_URL),
    ("get", APPLICATIONS_URL),
    ("post", APPLICATIONS_URL),
    ("get", application_url(1)),
    ("patch", application_url(1)),
    ("get", application_url(1, "documents/")),
    ("post", application_url(1, "documents/")),
    ("get", application_url(1, "documents/1/file/")),
    ("post", application_url(1, "submit/")),
    ("get", application_url(1, "history/")),
    ("get", TASKS_URL),
    ("post", decision_url(1)),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_every_endpoint_answers_401_without_credentials(db, method, url):
    response = getattr(APIClient(), method)(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(APPLICATIONS_URL).status_code == 401


@pytest.mark.parametrize(
    ("username", "password"), [("student1", "wrong"), ("nobody", "demo"), ("student1", "")], ids=str
)
def test_wrong_credentials_get_a_clear_400(world, username, password):
    response = APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "token" not in body
    if password:
        assert body == {
            "non_field_errors": ["Unable to log in with this username and password."],
            "codes": {"non_field_errors": ["authorization"]},
        }
    else:
        assert "password" in body


def test_inactive_users_get_no_token(world):
    world.student1.is_active = False
    world.student1.save(update_fields=["is_active"])
    response = APIClient().post(TOKEN_URL, {"username": "student1", "password": "demo"}, format="json")
    assert response.status_code == 400


def test_every_login_gets_a_token_of_its_own(world):
    first = APIClient().post(TOKEN_URL, {"username": "student1", "password": "demo"}, format="json").json()
    second = APIClient().post(TOKEN_URL, {"username": "student1", "password": "demo"}, format="json").json()
    assert first["token"] != second["token"]
    for body in (first, second):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
        assert client.get(APPLICATIONS_URL).status_code == 200


def test_session_authentication_works_too(world):
    client = APIClient()
    client.force_login(world.student1)
    assert client.get(APPLICATIONS_URL).status_code == 200


def test_another_student_gets_404_for_everything_about_my_application(world, clients):
    # given student1's submitted application with documents
    app_id = api_create_ready(clients.student1, world)
    api_submit(clients.student1, app_id)
    document_id = Document.objects.filter(application__pk=app_id).values_list("pk", flat=True).first()
    other = clients.student2
    events_before = CaseEvent.objects.filter(application_id=app_id).count()

    # then student2 sees nothing of it, exactly as for an application that does not exist
    missing = Application.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    for target in (app_id, missing):
        assert other.get(application_url(target)).status_code == 404
        assert other.get(application_url(target, "history/")).status_code == 404
        assert other.get(application_url(target, "documents/")).status_code == 404
        assert other.get(application_url(target, f"documents/{document_id}/file/")).status_code == 404
        assert other.patch(application_url(target), {"motivation": "mine now"}, format="json").status_code == 404
        upload = other.post(
            application_url(target, "documents/"), {"kind": "transcript", "file": pdf_upload()}, format="multipart"
        )
        assert upload.status_code == 404
        assert other.post(application_url(target, "submit/")).status_code == 404
    assert other.get(application_url(app_id)).json() == other.get(application_url(missing)).json()
    assert other.get(APPLICATIONS_URL).json()["count"] == 0
    # and nothing changed
    assert CaseEvent.objects.filter(application_id=app_id).count() == events_before
    assert Document.objects.filter(application__pk=app_id).count() == 2


def test_a_document_of_another_application_is_404(world, clients):
    mine = api_create_ready(clients.student1, world)
    theirs = api_create_ready(clients.student2, world)
    their_document = Document.objects.filter(application__pk=theirs).values_list("pk", flat=True).first()
    assert clients.student1.get(application_url(mine, f"documents/{their_document}/file/")).status_code == 404


def test_approvers_do_not_see_drafts_and_see_only_their_departments_cases(world, clients):
    draft_id = api_create_ready(clients.student1, world)
    assert clients.coordinator_ce.get(application_url(draft_id)).status_code == 404
    api_submit(clients.student1, draft_id)
    assert clients.coordinator_ce.get(application_url(draft_id)).status_code == 200
    assert clients.coordinator_math.get(application_url(draft_id)).status_code == 404
    assert clients.coordinator_math.get(APPLICATIONS_URL).json()["count"] == 0
    assert clients.coordinator_ce.get(APPLICATIONS_URL).json()["count"] == 1
    for username in ("prorector", "auditor", "admin"):
        assert getattr(clients, username).get(APPLICATIONS_URL).json()["count"] == 1


def test_coordinator_of_another_department_gets_404_deciding_the_task(world, clients):
    app_id = api_create_ready(clients.student1, world)
    api_submit(clients.student1, app_id)
    task_id = open_task_id(app_id)

    assert clients.coordinator_math.get(TASKS_URL).json()["count"] == 0
    response = clients.coordinator_math.post(decision_url(task_id), {"decision": "approve", "comment": "x"})

    assert response.status_code == 404
    assert clients.student1.get(application_url(app_id)).json()["status"] == "coordinator_review"
    # a task id that does not exist answers the same
    missing = clients.coordinator_math.post(decision_url(task_id + 1000), {"decision": "approve", "comment": "x"})
    assert missing.status_code == 404
    assert missing.json() == response.json()


def test_head_gets_403_on_the_coordinator_step_of_his_department(world, clients):
    app_id = api_create_ready(clients.student1, world)
    api_submit(clients.student1, app_id)

    response = clients.head_ce.post(decision_url(open_task_id(app_id)), {"decision": "approve", "comment": "x"})

    assert response.status_code == 403
    assert clients.head_ce.get(TASKS_URL).json()["count"] == 0
    assert clients.student1.get(application_url(app_id)).json()["status"] == "coordinator_review"
    assert not CaseEvent.objects.filter(application_id=app_id, action="approved").exists()


@pytest.mark.parametrize("username", ["student1", "auditor"])
def test_applicant_and_auditor_cannot_decide(world, clients, username):
    app_id = api_create_ready(clients.student1, world)
    api_submit(clients.student1, app_id)
    response = getattr(clients, username).post(decision_url(open_task_id(app_id)), {"decision": "approve"})
    assert response.status_code == 403
    assert clients.student1.get(application_url(app_id)).json()["status"] == "coordinator_review"


def test_deciding_a_decided_task_is_409_and_changes_nothing(world, clients):
    app_id = api_create_ready(clients.student1, world)
    api_submit(clients.student1, app_id)
    task_id = open_task_id(app_id)
    first = clients.coordinator_ce.post(decision_url(task_id), {"decision": "approve", "comment": "fine"})
    assert first.status_code == 200

    again = clients.coordinator_ce.post(decision_url(task_id), {"decision": "reject", "comment": "changed my mind"})

    assert again.status_code == 409
    assert again.json()["code"] == "already_decided"
    assert clients.student1.get(application_url(app_id)).json()["status"] == "head_review"
    assert CaseEvent.objects.filter(application_id=app_id, action__in=["approved", "rejected"]).count() == 1


def test_patch_after_submission_is_409(world, clients):
    app_id = api_create_ready(clients.student1, world)
    api_submit(clients.student1, app_id)

    response = clients.student1.patch(application_url(app_id), {"motivation": "late edit"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "application_not_editable"
    assert clients.student1.get(application_url(app_id)).json()["motivation"] != "late edit"
    upload = clients.student1.post(
        application_url(app_id, "documents/"), {"kind": "transcript", "file": pdf_upload()}, format="multipart"
    )
    assert upload.status_code == 409
    assert clients.student1.post(application_url(app_id, "submit/")).status_code == 409


def test_an_approver_who_sees_the_case_cannot_edit_it(world, clients):
    app_id = api_create_ready(clients.student1, world)
    api_submit(clients.student1, app_id)
    api_decide(clients.coordinator_ce, app_id, "request_changes", "Fix the dates")

    response = clients.coordinator_ce.patch(application_url(app_id), {"motivation": "edited"}, format="json")

    assert response.status_code == 403
    assert clients.student1.get(application_url(app_id)).json()["motivation"] != "edited"


def test_approvers_cannot_create_applications(world, clients):
    response = clients.coordinator_ce.post(
        APPLICATIONS_URL, {"call": world.call.pk, "choices": [world.partners[0].pk]}, format="json"
    )
    assert response.status_code == 403
    assert not Application.objects.exists()
