"""Helpers for the API tests: clients that authenticate the way a real client does, with a token
obtained from /api/v1/auth/token/."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from viewflow.workflow.models import Task

from tests.factories import PDF_BYTES
from workflows.permissions import OPEN_TASK_STATUSES

TOKEN_URL = "/api/v1/auth/token/"
CALLS_URL = "/api/v1/calls/"
APPLICATIONS_URL = "/api/v1/applications/"
TASKS_URL = "/api/v1/tasks/"


def application_url(application_id, suffix=""):
    return f"{APPLICATIONS_URL}{application_id}/{suffix}"


def decision_url(task_id):
    return f"{TASKS_URL}{task_id}/decision/"


def token_client(username, password="demo"):
    """An APIClient carrying the token the API handed out for these credentials."""
    client = APIClient()
    response = client.post(TOKEN_URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


@pytest.fixture
def clients(world):
    """clients.<username>: a token-authenticated client per demo user, created on first use."""

    class Clients:
        def __getattr__(self, username):
            client = token_client(username)
            setattr(self, username, client)
            return client

    return Clients()


def count_queries(client, url, expected_count):
    """The queries one GET of a list costs, checking that it lists `expected_count` items."""
    # A token notes when it was last used at most once a minute: make that write now, outside the count.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] == expected_count
    return len(queries)


def pdf_file(name="document.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def open_task_id(application_id):
    """The id of the case's open review or revise task (what an approver's inbox links to)."""
    return (
        Task.objects.filter(process__mobilityprocess__application_id=application_id, status__in=OPEN_TASK_STATUSES)
        .values_list("pk", flat=True)
        .get()
    )


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
            application_url(application_id, "documents/"), {"kind": kind, "file": pdf_file()}, format="multipart"
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
