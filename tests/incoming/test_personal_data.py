"""Who sees passports: the nominee, the receiving department's coordinator and the prorector's office do; the
department head, the auditor and another department's coordinator do not — on the page, in the API, in the
documents list and at the download. The timeline never holds the passport number."""

import pytest
from django.urls import reverse

from documents.models import DocumentKind
from incoming.models import IncomingEvent
from incoming.permissions import can_see_personal_data
from tests.support.api import session_client
from tests.support.incoming import COMPLETE, incoming_agreement, invite, nominate, submitted

pytestmark = pytest.mark.django_db

PASSPORT = COMPLETE["passport_number"]


@pytest.fixture
def application(world, eager_tasks, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    invitation, _token = invite(world, capture, incoming_agreement(world))
    return submitted(nominate(capture, invitation))


def _passport_document(application):
    return application.documents.get(kind=DocumentKind.PASSPORT_COPY)


@pytest.mark.parametrize("username", ["coordinator_ce", "prorector", "admin", "nominee"])
def test_the_office_roles_that_need_it_and_the_nominee_see_the_passport(world, client, application, username):
    user = application.applicant if username == "nominee" else getattr(world, username)
    assert can_see_personal_data(user, application)
    client.force_login(user)
    page = client.get(reverse("incoming:detail", args=[application.pk])).content.decode()
    assert PASSPORT in page
    passport = _passport_document(application)
    assert client.get(reverse("incoming:document", args=[application.pk, passport.pk])).status_code == 200
    api = session_client(user)
    body = api.get(reverse("api-incoming-detail", args=[application.pk])).json()
    assert body["passport_number"] == PASSPORT and body["personal_data_visible"] is True
    kinds = [d["kind"] for d in api.get(reverse("api-incoming-documents", args=[application.pk])).json()["results"]]
    assert DocumentKind.PASSPORT_COPY in kinds and DocumentKind.PHOTO in kinds


@pytest.mark.parametrize("username", ["head_ce", "auditor"])
def test_heads_and_auditors_see_the_case_but_not_the_passport(world, client, application, username):
    user = getattr(world, username)
    assert not can_see_personal_data(user, application)
    client.force_login(user)
    response = client.get(reverse("incoming:detail", args=[application.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and application.full_name in page
    assert PASSPORT not in page
    passport = _passport_document(application)
    assert client.get(reverse("incoming:document", args=[application.pk, passport.pk])).status_code == 404
    preview = reverse("incoming:document_preview", args=[application.pk, passport.pk, 1])
    assert client.get(preview).status_code == 404
    # the transcript, which the head needs to decide, is there
    transcript = application.documents.get(kind=DocumentKind.TRANSCRIPT)
    assert client.get(reverse("incoming:document", args=[application.pk, transcript.pk])).status_code == 200
    api = session_client(user)
    body = api.get(reverse("api-incoming-detail", args=[application.pk])).json()
    assert body["passport_number"] is None and body["date_of_birth"] is None
    kinds = [d["kind"] for d in api.get(reverse("api-incoming-documents", args=[application.pk])).json()["results"]]
    assert DocumentKind.PASSPORT_COPY not in kinds and DocumentKind.PHOTO not in kinds
    assert DocumentKind.TRANSCRIPT in kinds
    file_url = reverse("api-incoming-document-file", args=[application.pk, passport.pk])
    assert api.get(file_url).status_code == 404


def test_another_departments_coordinator_sees_nothing(world, client, application):
    client.force_login(world.coordinator_math)
    assert client.get(reverse("incoming:detail", args=[application.pk])).status_code == 404
    passport = _passport_document(application)
    assert client.get(reverse("incoming:document", args=[application.pk, passport.pk])).status_code == 404


def test_the_timeline_never_holds_the_passport_number(world, application):
    api = session_client(world.prorector)
    history = api.get(reverse("api-incoming-history", args=[application.pk])).content.decode()
    assert PASSPORT not in history
    update = application.events.get(action=IncomingEvent.Action.UPDATED)
    assert "passport_number" in update.data["fields"]
