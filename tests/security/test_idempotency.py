"""Idempotency-Key: a client that lost the answer to a change retries with the same key and gets the first
answer again (same status, same body) instead of a 409, and the change happens once — also when both tries
arrive at the same moment, on real PostgreSQL. The stored answer commits with the change or not at all."""

import functools
from datetime import timedelta

import pytest
import yaml
from django.core.management import call_command
from django.test import RequestFactory
from django.test.client import encode_multipart
from django.utils import timezone
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request

from agreements.models import Agreement
from applications.models import Application, ApplicationStatus, CaseEvent
from core.idempotency import REPLAYED_HEADER, request_fingerprint
from core.models import IdempotencyRecord
from core.tasks import idempotency_records_purge_task
from tests.support.agreements import agreement_body
from tests.support.api import (
    AGREEMENTS_URL,
    APPLICATIONS_URL,
    agreement_task,
    agreement_url,
    application_url,
    decision_url,
    session_client,
    task_url,
)
from tests.support.concurrency import run_together
from tests.support.drivers import make_ready_application, make_submitted_application
from tests.support.factories import CallFactory, CallPlaceFactory, valid_application_fields
from tests.support.files import pdf_upload
from workflows.selectors import open_task_for_application

pytestmark = pytest.mark.django_db

APPROVE = {"decision": "approve", "comment": "ok"}


def post(client, url, data=None, *, key=None, format="json"):
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post(url, data, format=format, headers=headers)


def approvals(application):
    return CaseEvent.objects.filter(application=application, action=CaseEvent.Action.APPROVED).count()


def test_a_retried_decision_gets_the_first_answer_not_409(world, submitted_application):
    # given the coordinator's approval went through with a key, but its answer got lost
    client = session_client(world.coordinator_ce)
    task_id = open_task_for_application(application=submitted_application).pk
    first = post(client, decision_url(task_id), APPROVE, key="decide-1")
    assert first.status_code == 200, first.content
    assert REPLAYED_HEADER not in first.headers
    events = CaseEvent.objects.count()

    # when the client retries the same request with the same key
    retry = post(client, decision_url(task_id), APPROVE, key="decide-1")

    # then it is told the same outcome, and nothing was decided twice
    assert retry.status_code == 200
    assert retry.content == first.content
    assert retry.headers["Content-Type"] == "application/json"
    assert retry.headers[REPLAYED_HEADER] == "true"
    assert CaseEvent.objects.count() == events
    assert approvals(submitted_application) == 1
    submitted_application.refresh_from_db()
    assert submitted_application.status == ApplicationStatus.HEAD_REVIEW

    # while a retry without the key is still the 409 of a task decided already
    again = post(client, decision_url(task_id), APPROVE)
    assert again.status_code == 409
    assert again.json()["code"] == "already_decided"


def test_the_same_key_for_another_request_is_refused(world, submitted_application):
    client = session_client(world.coordinator_ce)
    task_id = open_task_for_application(application=submitted_application).pk
    assert post(client, decision_url(task_id), APPROVE, key="k-1").status_code == 200

    other_body = post(client, decision_url(task_id), {"decision": "reject", "comment": "no"}, key="k-1")
    other_path = post(client, application_url(submitted_application.pk, "submit/"), key="k-1")

    for response in (other_body, other_path):
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"
    assert approvals(submitted_application) == 1
    assert not CaseEvent.objects.filter(application=submitted_application, action=CaseEvent.Action.REJECTED).exists()


def test_a_failed_request_is_not_remembered_so_the_fixed_one_can_use_the_key(world, submitted_application):
    client = session_client(world.coordinator_ce)
    task_id = open_task_for_application(application=submitted_application).pk

    # a rejection needs a comment: 400, and nothing is stored under the key
    refused = post(client, decision_url(task_id), {"decision": "reject", "comment": ""}, key="k-2")
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.exists()

    fixed = post(client, decision_url(task_id), {"decision": "reject", "comment": "Not eligible."}, key="k-2")
    assert fixed.status_code == 200, fixed.content
    assert fixed.json()["status"] == ApplicationStatus.REJECTED


def test_keys_belong_to_their_user(world):
    # two applicants happen to pick the same key: each gets their own draft
    body = {"call": world.call.pk, "choices": [world.partners[0].pk], **valid_application_fields()}
    first = post(session_client(world.student1), APPLICATIONS_URL, body, key="same-key")
    second = post(session_client(world.student2), APPLICATIONS_URL, body, key="same-key")

    assert first.status_code == second.status_code == 201, (first.content, second.content)
    assert first.json()["id"] != second.json()["id"]
    assert Application.objects.count() == 2


def test_a_retried_create_submit_and_upload_happen_once(world):
    client = session_client(world.student1)
    body = {"call": world.call.pk, "choices": [world.partners[0].pk], **valid_application_fields()}

    created = [post(client, APPLICATIONS_URL, body, key="create-1") for _ in range(2)]
    assert [r.status_code for r in created] == [201, 201]
    assert created[0].content == created[1].content
    assert Application.objects.count() == 1
    application_id = created[0].json()["id"]

    kinds = list(world.call.required_documents)
    for kind in kinds:
        uploads = [
            post(
                client,
                application_url(application_id, "documents/"),
                {"kind": kind, "file": pdf_upload()},
                key=f"upload-{kind}",
                format="multipart",
            )
            for _ in range(2)
        ]
        assert [r.status_code for r in uploads] == [201, 201], uploads[0].content
        assert uploads[0].content == uploads[1].content
    application = Application.objects.get()
    assert application.documents.count() == len(kinds)

    submits = [post(client, application_url(application_id, "submit/"), key="submit-1") for _ in range(2)]
    assert [r.status_code for r in submits] == [200, 200], submits[0].content
    assert submits[0].content == submits[1].content
    assert CaseEvent.objects.filter(application=application, action=CaseEvent.Action.SUBMITTED).count() == 1


def test_an_upload_of_another_file_under_the_same_key_is_refused(world):
    application = make_ready_application(world)
    client = session_client(world.student1)
    url = application_url(application.pk, "documents/")
    kind = next(iter(world.call.required_documents))
    first = post(client, url, {"kind": kind, "file": pdf_upload()}, key="up", format="multipart")
    assert first.status_code == 201, first.content

    other = pdf_upload(content=pdf_upload().read() + b"\n% another file\n")
    second = post(client, url, {"kind": kind, "file": other}, key="up", format="multipart")
    assert second.status_code == 422
    assert second.json()["code"] == "idempotency_key_reused"


def test_an_agreement_taken_through_its_lifecycle_with_every_step_retried_happens_once(world):
    coordinator, head, prorector = (
        session_client(user) for user in (world.coordinator_ce, world.head_ce, world.prorector)
    )

    def twice(client, url, data=None, *, key, format="json", expected=200):
        # a callable gives each try a fresh body (an upload's file object is read to its end by the first)
        first, retry = (post(client, url, data() if callable(data) else data, key=key, format=format) for _ in range(2))
        assert (first.status_code, retry.status_code) == (expected, expected), first.content
        assert retry.content == first.content and retry.headers[REPLAYED_HEADER] == "true"
        return first.json()

    agreement = twice(coordinator, AGREEMENTS_URL, agreement_body(world.partners[0].pk), key="a-create", expected=201)
    url = agreement_url(agreement["id"])
    twice(
        coordinator,
        url + "documents/",
        lambda: {"kind": "agreement_draft", "file": pdf_upload("draft.pdf")},
        key="a-doc",
        format="multipart",
        expected=201,
    )
    twice(coordinator, url + "submit/", key="a-submit")
    for who, client in (("head", head), ("prorector", prorector)):
        twice(client, task_url(agreement_task(client, agreement["id"])["id"], "decision/"), APPROVE, key=f"a-{who}")
    twice(
        coordinator,
        task_url(agreement_task(coordinator, agreement["id"])["id"], "mark-sent/"),
        {"comment": "Sent"},
        key="a-sent",
    )

    def signed_copy():
        return {
            "our_signed_on": timezone.localdate().isoformat(),
            "partner_signed_on": timezone.localdate().isoformat(),
            "file": pdf_upload("signed.pdf"),
        }

    active = twice(
        coordinator,
        task_url(agreement_task(coordinator, agreement["id"])["id"], "signed/"),
        signed_copy,
        key="a-signed",
        format="multipart",
    )

    assert active["status"] == "active"
    history = coordinator.get(url + "history/").json()["results"]
    assert [e["action"] for e in history] == [
        "created",
        "document_uploaded",
        "submitted",
        "approved",
        "approved",
        "sent_to_partner",
        "signed",
        "activated",
    ]
    assert Agreement.objects.count() == 1


def test_an_upload_is_the_same_request_whatever_multipart_boundary_the_client_picked():
    def fingerprint(boundary, content=b"%PDF-1.4 the same file"):
        body = encode_multipart(boundary, {"kind": "cv", "file": pdf_upload(content=content)})
        django_request = RequestFactory().generic(
            "POST", "/api/v1/x/", body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        return request_fingerprint(Request(django_request, parsers=[MultiPartParser(), FormParser()]))

    assert fingerprint("boundary-one") == fingerprint("another-boundary")
    assert fingerprint("boundary-one") != fingerprint("boundary-one", content=b"%PDF-1.4 another file")


@pytest.mark.parametrize("key", ["", "x" * 256, "ключ", "tab\there"])
def test_a_malformed_key_is_400_with_a_code(world, submitted_application, key):
    client = session_client(world.coordinator_ce)
    task_id = open_task_for_application(application=submitted_application).pk
    response = client.post(decision_url(task_id), APPROVE, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert approvals(submitted_application) == 0


def test_a_key_of_255_printable_characters_is_accepted(world):
    client = session_client(world.student1)
    key = "A key, with spaces & {punctuation}: " + "x" * 219
    assert len(key) == 255
    first = post(client, "/api/v1/notifications/read-all/", key=key)
    second = post(client, "/api/v1/notifications/read-all/", key=key)
    assert first.status_code == second.status_code == 200
    assert second.headers[REPLAYED_HEADER] == "true"


def test_expired_answers_are_purged_and_the_key_starts_afresh(world, submitted_application, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    client = session_client(world.coordinator_ce)
    task_id = open_task_for_application(application=submitted_application).pk
    assert post(client, decision_url(task_id), APPROVE, key="old").status_code == 200
    assert post(client, "/api/v1/notifications/read-all/", key="recent").status_code == 200
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))

    # an expired key is a new key even before the purge: here, a task decided already
    assert post(client, decision_url(task_id), APPROVE, key="old").status_code == 409

    assert idempotency_records_purge_task.apply().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


def test_the_beat_schedule_runs_the_purge():
    from django.conf import settings

    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == idempotency_records_purge_task.name]
    assert len(entries) == 1


def test_the_schema_documents_the_key_and_its_answers(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--file", str(out))
    paths = yaml.safe_load(out.read_text())["paths"]
    changes = [
        ("/api/v1/tasks/{task_id}/decision/", "post"),
        ("/api/v1/tasks/{task_id}/mark-sent/", "post"),
        ("/api/v1/tasks/{task_id}/signed/", "post"),
        ("/api/v1/applications/", "post"),
        ("/api/v1/applications/{application_id}/", "patch"),
        ("/api/v1/applications/{application_id}/documents/", "post"),
        ("/api/v1/applications/{application_id}/submit/", "post"),
        ("/api/v1/partners/", "post"),
        ("/api/v1/partners/{partner_id}/", "patch"),
        ("/api/v1/agreements/", "post"),
        ("/api/v1/agreements/{agreement_id}/", "patch"),
        ("/api/v1/agreements/{agreement_id}/submit/", "post"),
        ("/api/v1/agreements/{agreement_id}/terminate/", "post"),
        ("/api/v1/agreements/{agreement_id}/documents/", "post"),
        ("/api/v1/notifications/{notification_id}/read/", "post"),
        ("/api/v1/notifications/read-all/", "post"),
    ]
    # every state-changing operation carries it, except logging in and out (no case changes, no user yet)
    state_changing = {
        (path, method)
        for path, item in paths.items()
        for method in item
        if method in {"post", "put", "patch", "delete"} and not path.startswith("/api/v1/auth/")
    }
    assert set(changes) <= state_changing
    for path, method in sorted(state_changing):
        operation = paths[path][method]
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert "Idempotency-Key" in headers, (path, method)
        assert {"400", "422", "503"} <= set(operation["responses"]), (path, method)
        assert "Retry-After" in operation["responses"]["503"]["headers"]
        assert operation["responses"]["503"]["content"]["application/json"]["schema"]["properties"]["code"]["enum"] == [
            "service_unavailable"
        ]
    listing = paths["/api/v1/tasks/"]["get"]
    assert "Idempotency-Key" not in {p["name"] for p in listing.get("parameters", [])}
    assert "503" in listing["responses"]


# --- on real concurrent connections -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_tries_at_once_with_one_key_decide_once_and_both_get_the_answer(world):
    for iteration in range(3):
        place = CallPlaceFactory(call=CallFactory(title=f"Idempotency race {iteration}"), places=5)
        application = make_submitted_application(world, call=place.call, choices=[place.partner_id])
        task_id = open_task_for_application(application=application).pk
        clients = [session_client(world.coordinator_ce), session_client(world.coordinator_ce)]
        key = f"race-{iteration}"

        url = decision_url(task_id)
        outcomes = run_together(*(functools.partial(post, c, url, APPROVE, key=key) for c in clients), timeout=60)

        assert [o.status_code for o in outcomes] == [200, 200], [getattr(o, "content", o) for o in outcomes]
        assert outcomes[0].content == outcomes[1].content
        assert sorted(REPLAYED_HEADER in o.headers for o in outcomes) == [False, True]
        assert approvals(application) == 1
        assert IdempotencyRecord.objects.filter(key=key).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_answer_commits_with_the_decision_or_neither_does(world, monkeypatch):
    application = make_submitted_application(world)
    task_id = open_task_for_application(application=application).pk
    client = session_client(world.coordinator_ce)
    client.raise_request_exception = False

    # when storing the answer fails after the decision was made, the decision is rolled back with it
    original_save = IdempotencyRecord.save

    def failing_save(self, *args, **kwargs):
        if kwargs.get("update_fields") and "response_body" in kwargs["update_fields"]:
            raise RuntimeError("the answer could not be stored")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(IdempotencyRecord, "save", failing_save)
    failed = post(client, decision_url(task_id), APPROVE, key="atomic")
    assert failed.status_code == 500
    assert approvals(application) == 0
    assert not IdempotencyRecord.objects.exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COORDINATOR_REVIEW

    # and when it succeeds, the decision and its answer are both there
    monkeypatch.setattr(IdempotencyRecord, "save", original_save)
    done = post(client, decision_url(task_id), APPROVE, key="atomic")
    assert done.status_code == 200
    assert approvals(application) == 1
    record = IdempotencyRecord.objects.get(key="atomic")
    assert (record.status_code, record.response_body.encode()) == (200, done.content)
