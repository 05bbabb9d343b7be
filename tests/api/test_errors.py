"""Every error the API answers carries a code a program can rely on (core.errors.ErrorCode, documented as one
enum in the schema): a conflict names its situation, bad input keeps its messages by field and gains `codes`,
nested fields are flattened to paths, and a URL under /api/ that matches nothing answers JSON."""

import pytest
import yaml
from django.core.management import call_command
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.test import APIClient

from core.errors import ErrorCode
from tests.support.agreements import agreement_body
from tests.support.api import (
    AGREEMENTS_URL,
    APPLICATIONS_URL,
    agreement_url,
    api_create_ready,
    api_submit,
    application_url,
)

pytestmark = pytest.mark.django_db


def test_a_submitted_application_answers_why_it_cannot_change(world, clients):
    # given a submitted application
    app_id = api_create_ready(clients.student1, world)
    api_submit(clients.student1, app_id)

    # when the applicant edits it, submits it again, or adds a document
    edited = clients.student1.patch(application_url(app_id), {"motivation": "late"}, format="json")
    again = clients.student1.post(application_url(app_id, "submit/"))

    # then each 409 names its own situation
    assert edited.status_code == 409
    assert edited.json()["code"] == "application_not_editable"
    assert edited.json()["detail"] == "This application is under review and cannot be changed."
    assert again.status_code == 409
    assert again.json() == {
        "detail": "This application has already been submitted.",
        "code": "application_already_submitted",
    }


def test_an_agreement_answers_agreement_codes_not_application_words(world, clients):
    agreement = clients.coordinator_ce.post(AGREEMENTS_URL, agreement_body(world.partners[0].pk), format="json").json()
    clients.coordinator_ce.post(agreement_url(agreement["id"], "submit/"))

    again = clients.coordinator_ce.post(agreement_url(agreement["id"], "submit/"))
    terms = clients.coordinator_ce.patch(agreement_url(agreement["id"]), {"text": "New"}, format="json")
    ended = clients.prorector.post(agreement_url(agreement["id"], "terminate/"), {"reason": "x"}, format="json")

    assert (again.status_code, again.json()["code"]) == (409, "agreement_already_submitted")
    assert (terms.status_code, terms.json()["code"]) == (409, "agreement_not_draft")
    assert (ended.status_code, ended.json()["code"]) == (409, "agreement_not_in_force")
    assert "application" not in " ".join(r.json()["detail"] for r in (again, terms, ended))


def test_field_errors_keep_their_messages_and_gain_their_codes(world, clients):
    # a service's rule (the same partner twice) and a serializer's (a missing field)
    body = {"call": world.call.pk, "choices": [world.partners[0].pk, world.partners[0].pk]}
    repeated = clients.student1.post(APPLICATIONS_URL, body, format="json")
    missing = clients.student1.post(APPLICATIONS_URL, {"call": world.call.pk}, format="json")

    assert repeated.status_code == 400
    assert repeated.json() == {
        "choices": ["Each host institution can be chosen only once."],
        "codes": {"choices": ["choice_repeated"]},
    }
    assert missing.status_code == 400
    assert missing.json()["choices"] == ["This field is required."]
    assert missing.json()["codes"] == {"choices": ["required"]}


def test_nested_field_errors_are_flattened_to_paths(world, clients):
    # a choice that is not a number: DRF reports it under the list's index
    bad_choice = clients.student1.post(APPLICATIONS_URL, {"call": world.call.pk, "choices": ["x"]}, format="json")
    # a condition of the terms with a bad direction: under the list's index and the field
    body = agreement_body(world.partners[0].pk)
    body["conditions"][1]["direction"] = "sideways"
    bad_condition = clients.coordinator_ce.post(AGREEMENTS_URL, body, format="json")
    # conditions that are not a list at all: the list serializer's own error stays on the field
    body["conditions"] = "none"
    not_a_list = clients.coordinator_ce.post(AGREEMENTS_URL, body, format="json")

    assert bad_choice.status_code == 400
    assert bad_choice.json() == {"choices.0": ["A valid integer is required."], "codes": {"choices.0": ["invalid"]}}
    assert bad_condition.status_code == 400
    assert list(bad_condition.json()) == ["conditions.1.direction", "codes"]
    assert bad_condition.json()["codes"] == {"conditions.1.direction": ["invalid_choice"]}
    assert not_a_list.status_code == 400
    assert not_a_list.json()["codes"] == {"conditions": ["not_a_list"]}


def test_non_field_errors_stay_under_non_field_errors_with_a_code(world):
    response = APIClient().post("/api/v1/auth/token/", {"username": "student1", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert response.json()["codes"] == {"non_field_errors": ["authorization"]}
    assert len(response.json()["non_field_errors"]) == 1


def test_drf_errors_gain_a_code(world, clients):
    anonymous = APIClient().get(APPLICATIONS_URL)
    wrong_token = APIClient(HTTP_AUTHORIZATION="Token nonsense").get(APPLICATIONS_URL)
    missing = clients.student1.get(application_url(999_999))
    unparsable = clients.student1.generic("POST", APPLICATIONS_URL, "{not json", content_type="application/json")

    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    assert (wrong_token.status_code, wrong_token.json()["code"]) == (401, "authentication_failed")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert (unparsable.status_code, unparsable.json()["code"]) == (400, "parse_error")


def test_an_unknown_api_url_answers_json_and_a_page_stays_a_page(world, clients):
    unknown = clients.coordinator_ce.get("/api/v1/nothing-here/")
    bad_id = clients.coordinator_ce.get("/api/v1/agreements/null,null/")
    page = clients.coordinator_ce.get("/nothing-here/")

    for response in (unknown, bad_id):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_options_answers_on_every_endpoint_even_those_that_take_no_input(world, clients):
    app_id = api_create_ready(clients.student1, world)
    agreement = clients.coordinator_ce.post(AGREEMENTS_URL, agreement_body(world.partners[0].pk), format="json").json()

    submit_application = clients.student1.options(application_url(app_id, "submit/"))
    submit_agreement = clients.coordinator_ce.options(agreement_url(agreement["id"], "submit/"))
    terminate = clients.coordinator_ce.options(agreement_url(agreement["id"], "terminate/"))

    assert submit_application.status_code == 200, submit_application.content
    assert submit_agreement.status_code == 200, submit_agreement.content
    assert terminate.status_code == 200 and "reason" in terminate.json()["actions"]["POST"]


@pytest.mark.parametrize("query", [{"unread": "yes"}, {"unread": "2"}])
def test_a_bad_filter_value_is_400_not_ignored(world, clients, query):
    response = clients.student1.get("/api/v1/notifications/", query)

    assert response.status_code == 400
    assert "unread" in response.json() and response.json()["codes"]["unread"]


def test_the_schema_documents_every_code_and_every_field_code_is_one(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(out))
    schema = yaml.safe_load(out.read_text())

    assert schema["components"]["schemas"]["ErrorCode"]["enum"] == [code.value for code in ErrorCode]
    # any code DRF's fields can report is one the schema promises (anything else would be answered `invalid`)
    field_codes = set()
    for module in (drf_fields, serializers, relations):
        for value in vars(module).values():
            if isinstance(value, type) and hasattr(value, "default_error_messages"):
                field_codes |= set(value.default_error_messages)
    assert field_codes <= {code.value for code in ErrorCode}
