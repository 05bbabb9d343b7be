"""Downloads from local disk: permission first, then an attachment with an RFC 6266 name and nosniff."""

import pytest
from django.urls import reverse

from tests.support.api import application_url, token_client
from tests.support.drivers import make_ready_application, make_submitted_application
from tests.support.files import PDF_BYTES, upload
from workflows.services import case_document_attach

pytestmark = pytest.mark.django_db


def test_the_page_download_is_an_attachment_with_an_rfc6266_name(world, client):
    application = make_ready_application(world)
    document = case_document_attach(
        case=application, actor=world.student1, kind="other", file=upload("Şəhadətnamə 2026.pdf", PDF_BYTES)
    )
    client.force_login(world.student1)

    response = client.get(document.get_absolute_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"__had_tnam_ 2026.pdf\"; filename*=UTF-8''%C5%9E%C9%99had%C9%99tnam%C9%99%202026.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_api_download_behaves_the_same(world):
    application = make_submitted_application(world)
    document = application.documents.get(kind="transcript")
    client = token_client("coordinator_ce")

    response = client.get(application_url(application.pk, f"documents/{document.pk}/file/"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == "attachment; filename=\"document.pdf\"; filename*=UTF-8''document.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_quote_in_the_name_cannot_break_the_header(world, client):
    application = make_ready_application(world)
    document = case_document_attach(
        case=application, actor=world.student1, kind="other", file=upload('a";b=c%.pdf', PDF_BYTES)
    )
    client.force_login(world.student1)
    disposition = client.get(document.get_absolute_url())["Content-Disposition"]
    assert disposition == "attachment; filename=\"a_b=c_.pdf\"; filename*=UTF-8''a%3Bb%3Dc%25.pdf"


def test_the_case_page_links_to_every_version(world, client):
    application = make_ready_application(world)
    newer = case_document_attach(
        case=application, actor=world.student1, kind="transcript", file=upload("t2.pdf", PDF_BYTES)
    )
    older = application.documents.get(kind="transcript", version=1)
    client.force_login(world.student1)
    body = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert newer.get_absolute_url() in body
    assert f'<a href="{older.get_absolute_url()}">v1</a>' in body
