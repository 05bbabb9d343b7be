"""Bad input through the API: 400 with the error under the field it concerns, and nothing changes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import Application, CaseEvent
from documents.models import Document
from tests.support.api import APPLICATIONS_URL, api_create_ready, api_submit, application_url, decision_url
from tests.support.drivers import open_task_id
from tests.support.factories import CallFactory
from tests.support.files import PDF_BYTES, PNG_BYTES, pdf_upload

pytestmark = pytest.mark.django_db


def fields_of(response):
    """The fields a 400 names; `codes` beside them gives each message's code."""
    return [key for key in response.json() if key != "codes"]


def create(client, world, **fields):
    body = {"call": world.call.pk, "choices": [world.partners[0].pk], **fields}
    return client.post(APPLICATIONS_URL, body, format="json")


def upload(client, app_id, kind, name, content):
    return client.post(
        application_url(app_id, "documents/"), {"kind": kind, "file": pdf_upload(name, content)}, format="multipart"
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"choices": []}, "choices"),
        ({"choices": [1, 2, 3, 4]}, "choices"),
        ({"choices": [999_999]}, "choices"),
        ({"call": 999_999}, "call"),
        ({"gpa": "abc"}, "gpa"),
        ({"gpa": "120"}, "gpa"),
        ({"year_of_study": 0}, "year_of_study"),
        ({"language_level": "Z9"}, "language_level"),
        ({"period_start": "not a date"}, "period_start"),
    ],
)
def test_create_with_bad_fields_is_400_under_the_field(world, clients, fields, field):
    response = create(clients.student1, world, **fields)
    assert response.status_code == 400
    assert field in response.json()
    assert not Application.objects.exists()


def test_create_with_a_partner_the_call_does_not_offer_is_400(world, clients):
    other_call_place_partner = CallFactory().pk  # an id that is not one of the call's partners
    response = create(clients.student1, world, choices=[world.partners[0].pk, other_call_place_partner + 10_000])
    assert response.status_code == 400
    assert "choices" in response.json()
    assert not Application.objects.exists()


def test_create_for_a_closed_call_is_400_under_call(world, clients):
    closed = CallFactory(opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=1))
    response = clients.student1.post(APPLICATIONS_URL, {"call": closed.pk, "choices": [1]}, format="json")
    assert response.status_code == 400
    assert "call" in response.json()


def test_period_ending_before_it_starts_is_400_about_the_period(world, clients):
    response = create(clients.student1, world, period_start="2027-06-01", period_end="2027-02-01")
    assert response.status_code == 400
    assert not Application.objects.exists()
    # (fails while application_create turns the period CHECK constraint's IntegrityError into
    # "You already have an application for this call")
    assert "already have an application" not in str(response.json())


def test_a_second_live_application_to_the_same_call_is_400_under_call(world, clients):
    api_create_ready(clients.student1, world)
    response = create(clients.student1, world)
    assert response.status_code == 400
    assert "already have an application" in response.json()["call"][0]
    assert Application.objects.count() == 1


def test_submit_checks_eligibility_under_each_field(world, clients):
    app_id = api_create_ready(clients.student1, world, gpa="60.00", year_of_study=1, language_level="A2")

    response = clients.student1.post(application_url(app_id, "submit/"))

    assert response.status_code == 400
    errors = response.json()
    assert set(fields_of(response)) == {"gpa", "year_of_study", "language_level"}
    assert "70" in errors["gpa"][0]
    assert errors["codes"] == {field: ["not_eligible"] for field in ("gpa", "year_of_study", "language_level")}
    assert clients.student1.get(application_url(app_id)).json()["status"] == "draft"
    assert not CaseEvent.objects.filter(application_id=app_id, action="submitted").exists()


def test_submit_after_the_deadline_is_400_under_call(world, clients):
    app_id = api_create_ready(clients.student1, world)
    # the deadline passes while the draft waits
    world.call.closes_at = timezone.now() - timedelta(minutes=1)
    world.call.save(update_fields=["closes_at"])

    response = clients.student1.post(application_url(app_id, "submit/"))

    assert response.status_code == 400
    assert fields_of(response) == ["call"]
    assert response.json()["codes"] == {"call": ["call_closed"]}
    assert clients.student1.get(application_url(app_id)).json()["status"] == "draft"


def test_submit_without_the_required_documents_is_400_under_documents(world, clients):
    response = create(
        clients.student1,
        world,
        motivation="Distributed systems",
        gpa="85",
        year_of_study=3,
        language_level="B2",
        period_start="2027-02-01",
        period_end="2027-06-30",
    )
    app_id = response.json()["id"]
    assert upload(clients.student1, app_id, "transcript", "t.pdf", PDF_BYTES).status_code == 201

    response = clients.student1.post(application_url(app_id, "submit/"))

    assert response.status_code == 400
    errors = response.json()
    assert fields_of(response) == ["documents"]
    assert errors["codes"] == {"documents": ["document_missing"]}
    assert "Passport copy" in errors["documents"][0]
    assert "Transcript" not in errors["documents"][0]


def test_submit_an_empty_draft_lists_every_missing_field(world, clients):
    app_id = create(clients.student1, world).json()["id"]
    errors = clients.student1.post(application_url(app_id, "submit/")).json()
    assert {"motivation", "period_start", "period_end", "gpa", "year_of_study", "language_level", "documents"} <= set(
        errors
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [("scan.pdf", PNG_BYTES), ("empty.pdf", b""), ("notes.pdf", b"just some text"), ("script.exe", PDF_BYTES)],
    ids=["png-named-pdf", "empty", "text", "pdf-named-exe"],
)
def test_an_invalid_upload_is_400_and_stores_nothing(world, clients, name, content):
    app_id = create(clients.student1, world).json()["id"]
    events = CaseEvent.objects.filter(application_id=app_id).count()

    response = upload(clients.student1, app_id, "transcript", name, content)

    assert response.status_code == 400
    assert fields_of(response) == ["file"]
    assert response.json()["codes"]["file"][0] in {"file_type", "empty"}
    assert not Document.objects.filter(application__pk=app_id).exists()
    assert CaseEvent.objects.filter(application_id=app_id).count() == events


def test_an_upload_of_an_unknown_kind_or_without_a_file_is_400(world, clients):
    app_id = create(clients.student1, world).json()["id"]
    assert fields_of(upload(clients.student1, app_id, "diploma", "d.pdf", PDF_BYTES)) == ["kind"]
    missing_file = clients.student1.post(
        application_url(app_id, "documents/"), {"kind": "transcript"}, format="multipart"
    )
    assert missing_file.status_code == 400
    assert fields_of(missing_file) == ["file"]
    assert not Document.objects.filter(application__pk=app_id).exists()


def test_patch_with_bad_values_is_400_and_changes_nothing(world, clients):
    app_id = api_create_ready(clients.student1, world)
    before = clients.student1.get(application_url(app_id)).json()

    for body, field in [({"gpa": "-1"}, "gpa"), ({"choices": [999_999]}, "choices"), ({"language_level": "X"}, None)]:
        response = clients.student1.patch(application_url(app_id), body, format="json")
        assert response.status_code == 400
        assert field is None or field in response.json()

    after = clients.student1.get(application_url(app_id)).json()
    assert (after["gpa"], after["choices"], after["language_level"]) == (
        before["gpa"],
        before["choices"],
        before["language_level"],
    )


def test_patch_changes_only_what_it_names_and_reranks_choices(world, clients):
    app_id = api_create_ready(clients.student1, world)
    new_choices = [world.partners[2].pk, world.partners[0].pk]

    response = clients.student1.patch(application_url(app_id), {"choices": new_choices, "gpa": "90"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert [(c["rank"], c["partner_id"]) for c in body["choices"]] == [(1, new_choices[0]), (2, new_choices[1])]
    assert body["gpa"] == "90.00"
    assert body["motivation"] == "I want to study distributed systems."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "reject", "comment": ""}, "comment"),
        ({"decision": "reject"}, "comment"),
        ({"decision": "request_changes", "comment": "   "}, "comment"),
        ({"decision": "maybe", "comment": "x"}, "decision"),
        ({"comment": "x"}, "decision"),
    ],
)
def test_a_decision_without_its_reason_or_with_a_bad_value_is_400(world, clients, body, field):
    app_id = api_create_ready(clients.student1, world)
    api_submit(clients.student1, app_id)

    response = clients.coordinator_ce.post(decision_url(open_task_id(app_id)), body, format="json")

    assert response.status_code == 400
    assert fields_of(response) == [field]
    assert clients.student1.get(application_url(app_id)).json()["status"] == "coordinator_review"
    assert clients.coordinator_ce.get("/api/v1/tasks/").json()["count"] == 1
