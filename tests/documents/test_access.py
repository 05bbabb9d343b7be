"""No document of a case reaches anyone who may not see the case: another student, another department's
coordinator, an approver looking at a draft, anonymous — by id or by URL, on pages and in the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from applications.letters import MOBILITY_DECISION
from documents.services import letter_generate
from tests.support.api import application_url, token_client
from tests.support.drivers import approve_all, make_ready_application, make_submitted_application

pytestmark = pytest.mark.django_db


def finally_approved(world):
    application = approve_all(world, make_submitted_application(world))
    letter_generate(purpose=MOBILITY_DECISION, case_id=application.pk)
    return application


def page_url(application_id, document_id):
    return reverse("applications:document", args=[application_id, document_id])


def api_url(application_id, document_id):
    return application_url(application_id, f"documents/{document_id}/file/")


@pytest.fixture
def case(world):
    """student1's finally approved case with its uploads and decision letter, and student2's own draft."""
    application = finally_approved(world)
    documents = list(application.documents.order_by("pk"))
    assert {d.kind for d in documents} == {"transcript", "passport_copy", "decision_letter"}
    own = make_ready_application(world, world.student2)
    return application, documents, own


@pytest.mark.parametrize("username", ["student1", "coordinator_ce", "head_ce", "prorector", "auditor"])
def test_people_who_may_see_the_case_get_every_document(world, client, case, username):
    application, documents, _ = case
    client.force_login(getattr(world, username))
    api = token_client(username)
    for document in documents:
        assert client.get(page_url(application.pk, document.pk)).status_code == 200
        assert api.get(api_url(application.pk, document.pk)).status_code == 200


@pytest.mark.parametrize("username", ["student2", "student3", "coordinator_math", "head_math", "staff1"])
def test_strangers_get_404_by_url_and_by_id(world, client, case, username):
    application, documents, own = case
    client.force_login(getattr(world, username))
    api = token_client(username)
    for document in documents:
        # the case's own URL
        assert client.get(page_url(application.pk, document.pk)).status_code == 404
        assert api.get(api_url(application.pk, document.pk)).status_code == 404
        # the document id under a case they may see (student2's own draft)
        assert client.get(page_url(own.pk, document.pk)).status_code in (404,)
        assert api.get(api_url(own.pk, document.pk)).status_code == 404
    # nor is the list of documents visible
    assert api.get(application_url(application.pk, "documents/")).status_code == 404


def test_anonymous_gets_nothing(world, client, case):
    application, documents, _ = case
    for document in documents:
        page = client.get(page_url(application.pk, document.pk))
        assert page.status_code == 302
        assert page.url.startswith(reverse("login"))
        assert APIClient().get(api_url(application.pk, document.pk)).status_code == 401


def test_approvers_cannot_open_documents_of_a_draft(world, client):
    draft = make_ready_application(world)
    document = draft.documents.first()
    for username in ("coordinator_ce", "head_ce"):
        client.force_login(getattr(world, username))
        assert client.get(page_url(draft.pk, document.pk)).status_code == 404


def test_no_endpoint_overwrites_or_deletes_a_version(world, case):
    application, documents, _ = case
    api = token_client("student1")
    for method in ("put", "patch", "delete"):
        response = getattr(api, method)(api_url(application.pk, documents[0].pk))
        assert response.status_code == 405
    assert application.documents.count() == 3
