"""Drivers for the REST API: its URLs, clients that authenticate as a real client does (a token from
/api/v1/auth/token/) or by session, the query count of a list, and a case created, submitted and decided
through the API alone."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.support.files import pdf_upload

TOKEN_URL = "/api/v1/auth/token/"
CALLS_URL = "/api/v1/calls/"
APPLICATIONS_URL = "/api/v1/applications/"
TASKS_URL = "/api/v1/tasks/"
PARTNERS_URL = "/api/v1/partners/"
AGREEMENTS_URL = "/api/v1/agreements/"


def application_url(application_id, suffix=""):
    return f"{APPLICATIONS_URL}{application_id}/{suffix}"


def agreement_url(agreement_id, suffix=""):
    return f"{AGREEMENTS_URL}{agreement_id}/{suffix}"


def task_url(task_id, suffix):
    return f"{TASKS_URL}{task_id}/{suffix}"


def decision_url(task_id):
    return task_url(task_id, "decision/")


def token_client(username, password="demo"):
    """An APIClient carrying the token the API handed out for these credentials."""
    client = APIClient()
    response = client.post(TOKEN_URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def session_client(user):
    """An APIClient logged in with a session, as the pages' own scripts would be."""
    client = APIClient()
    client.force_login(user)
    return client


class Clients:
    """clients.<username>: a token-authenticated client per demo user, created on first use."""

    def __getattr__(self, username):
        client = token_client(username)
        setattr(self, username, client)
        return client


def count_queries(client, url, expected_count):
    """The queries one GET of a list costs, checking that it lists `expected_count` items."""
    # A token notes when it was last used at most once a minute: make that write now, outside the count.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] == expected_count
    return len(queries)


def api_create_ready(client, world, *, choices=None, **overrides):
    """Create a draft through the API with every field and required document; returns its id."""
    body = {
        "call": world.call.pk,
        "choices": choices or [world.partners[0].pk],
        "motivation": "I want to study distributed systems.",
        "gpa": "85.00",
        "year_of_study": 3,
        "language": "English",
        "language_level": "B2",
        "period_start": "2027-02-01",
        "period_end": "2027-06-30",
        **overrides,
    }
    response = client.post(APPLICATIONS_URL, body, format="json")
    assert response.status_code == 201, response.content
    application_id = response.json()["id"]
    for kind in world.call.required_documents:
        upload = client.post(
            application_url(application_id, "documents/"), {"kind": kind, "file": pdf_upload()}, format="multipart"
        )
        assert upload.status_code == 201, upload.content
    return application_id


def api_submit(client, application_id):
    response = client.post(application_url(application_id, "submit/"))
    assert response.status_code == 200, response.content
    return response.json()


def inbox_task_id(client, application_id):
    """The task for this case in the caller's inbox, found through GET /api/v1/tasks/."""
    response = client.get(TASKS_URL)
    assert response.status_code == 200, response.content
    ids = [t["id"] for t in response.json()["results"] if t["application"]["id"] == application_id]
    assert len(ids) == 1, response.json()
    return ids[0]


def api_decide(client, application_id, decision, comment="ok"):
    task_id = inbox_task_id(client, application_id)
    response = client.post(decision_url(task_id), {"decision": decision, "comment": comment}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def agreement_task(client, agreement_id):
    """The caller's inbox task for this agreement, through GET /api/v1/tasks/."""
    response = client.get(TASKS_URL)
    assert response.status_code == 200, response.content
    tasks = [t for t in response.json()["results"] if t["case_type"] == "agreement" and t["case_id"] == agreement_id]
    assert len(tasks) == 1, response.json()
    return tasks[0]


def api_decide_agreement(client, agreement_id, decision="approve", comment="ok"):
    task = agreement_task(client, agreement_id)
    response = client.post(task_url(task["id"], "decision/"), {"decision": decision, "comment": comment})
    assert response.status_code == 200, response.content
    return response.json()
