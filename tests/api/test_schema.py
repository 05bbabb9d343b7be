"""The OpenAPI schema describes every endpoint without warnings, and the Swagger UI works offline."""

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient

EXPECTED_OPERATIONS = {
    ("/api/v1/auth/token/", "post"),
    ("/api/v1/auth/token/refresh/", "post"),
    ("/api/v1/auth/tokens/", "get"),
    ("/api/v1/auth/tokens/{token_id}/", "delete"),
    ("/api/v1/auth/logout/", "post"),
    ("/api/v1/auth/logout-all/", "post"),
    ("/api/v1/calls/", "get"),
    ("/api/v1/applications/", "get"),
    ("/api/v1/applications/", "post"),
    ("/api/v1/applications/{application_id}/", "get"),
    ("/api/v1/applications/{application_id}/", "patch"),
    ("/api/v1/applications/{application_id}/documents/", "get"),
    ("/api/v1/applications/{application_id}/documents/", "post"),
    ("/api/v1/applications/{application_id}/documents/{document_id}/file/", "get"),
    ("/api/v1/applications/{application_id}/submit/", "post"),
    ("/api/v1/applications/{application_id}/history/", "get"),
    ("/api/v1/tasks/", "get"),
    ("/api/v1/tasks/{task_id}/decision/", "post"),
    ("/api/v1/tasks/{task_id}/mark-sent/", "post"),
    ("/api/v1/tasks/{task_id}/signed/", "post"),
    ("/api/v1/partners/", "get"),
    ("/api/v1/partners/", "post"),
    ("/api/v1/partners/{partner_id}/", "get"),
    ("/api/v1/partners/{partner_id}/", "patch"),
    ("/api/v1/agreements/", "get"),
    ("/api/v1/agreements/", "post"),
    ("/api/v1/agreements/{agreement_id}/", "get"),
    ("/api/v1/agreements/{agreement_id}/", "patch"),
    ("/api/v1/agreements/{agreement_id}/submit/", "post"),
    ("/api/v1/agreements/{agreement_id}/terminate/", "post"),
    ("/api/v1/agreements/{agreement_id}/versions/", "get"),
    ("/api/v1/agreements/{agreement_id}/history/", "get"),
    ("/api/v1/agreements/{agreement_id}/quotas/", "get"),
    ("/api/v1/agreements/{agreement_id}/documents/", "get"),
    ("/api/v1/agreements/{agreement_id}/documents/", "post"),
    ("/api/v1/agreements/{agreement_id}/documents/{document_id}/file/", "get"),
    ("/api/v1/notifications/", "get"),
    ("/api/v1/notifications/{notification_id}/read/", "post"),
    ("/api/v1/notifications/read-all/", "post"),
}


def test_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    operations = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert operations == EXPECTED_OPERATIONS
    components = schema["components"]["schemas"]
    assert components["ApplicationStatus"]["enum"] == [
        "draft",
        "coordinator_review",
        "head_review",
        "prorector_review",
        "changes_requested",
        "approved",
        "rejected",
    ]
    assert components["DecisionEnum"]["enum"] == ["approve", "request_changes", "reject"]
    decide = schema["paths"]["/api/v1/tasks/{task_id}/decision/"]["post"]
    assert decide["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/Decision")
    # core.schema adds what every operation can answer: 401 (no valid token), 429 (rate limits), 422 (an
    # Idempotency-Key reused for another request) and 503 (an outage)
    assert set(decide["responses"]) == {"200", "400", "401", "403", "404", "409", "422", "429", "503"}
    upload = schema["paths"]["/api/v1/applications/{application_id}/documents/"]["post"]
    assert set(upload["requestBody"]["content"]) == {"multipart/form-data"}


@pytest.mark.django_db
def test_schema_endpoint_answers_200():
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/tasks/{task_id}/decision/" in response.content


@pytest.mark.django_db
def test_docs_page_answers_200_and_needs_no_cdn():
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr.net" not in html
    assert "drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
