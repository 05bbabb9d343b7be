"""The OpenAPI schema describes every endpoint without warnings, and the Swagger UI works offline."""

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient

# Every operation of the API, so that none appears or disappears unnoticed (sorted by path).
EXPECTED_OPERATIONS = {
    ("/api/v1/agreements/", "get"),
    ("/api/v1/agreements/", "post"),
    ("/api/v1/agreements/{agreement_id}/", "get"),
    ("/api/v1/agreements/{agreement_id}/", "patch"),
    ("/api/v1/agreements/{agreement_id}/documents/", "get"),
    ("/api/v1/agreements/{agreement_id}/documents/", "post"),
    ("/api/v1/agreements/{agreement_id}/documents/{document_id}/file/", "get"),
    ("/api/v1/agreements/{agreement_id}/ewp/", "get"),
    ("/api/v1/agreements/{agreement_id}/ewp/approve/", "post"),
    ("/api/v1/agreements/{agreement_id}/ewp/fetch/", "post"),
    ("/api/v1/agreements/{agreement_id}/ewp/partner-approval/", "post"),
    ("/api/v1/agreements/{agreement_id}/ewp/partner-copy/", "post"),
    ("/api/v1/agreements/{agreement_id}/ewp/xml/", "get"),
    ("/api/v1/agreements/{agreement_id}/history/", "get"),
    ("/api/v1/agreements/{agreement_id}/quotas/", "get"),
    ("/api/v1/agreements/{agreement_id}/submit/", "post"),
    ("/api/v1/agreements/{agreement_id}/terminate/", "post"),
    ("/api/v1/agreements/{agreement_id}/versions/", "get"),
    ("/api/v1/applications/", "get"),
    ("/api/v1/applications/", "post"),
    ("/api/v1/applications/{application_id}/", "get"),
    ("/api/v1/applications/{application_id}/", "patch"),
    ("/api/v1/applications/{application_id}/documents/", "get"),
    ("/api/v1/applications/{application_id}/documents/", "post"),
    ("/api/v1/applications/{application_id}/documents/{document_id}/file/", "get"),
    ("/api/v1/applications/{application_id}/history/", "get"),
    ("/api/v1/applications/{application_id}/submit/", "post"),
    ("/api/v1/audit/cases/{kind}/{case_id}/history.csv", "get"),
    ("/api/v1/audit/cases/{kind}/{case_id}/history.pdf", "get"),
    ("/api/v1/audit/events/", "get"),
    ("/api/v1/auth/logout-all/", "post"),
    ("/api/v1/auth/logout/", "post"),
    ("/api/v1/auth/token/", "post"),
    ("/api/v1/auth/token/refresh/", "post"),
    ("/api/v1/auth/tokens/", "get"),
    ("/api/v1/auth/tokens/{token_id}/", "delete"),
    ("/api/v1/calls/", "get"),
    ("/api/v1/calls/", "post"),
    ("/api/v1/calls/{call_id}/", "get"),
    ("/api/v1/calls/{call_id}/", "patch"),
    ("/api/v1/calls/{call_id}/history/", "get"),
    ("/api/v1/calls/{call_id}/places/by-hand/", "post"),
    ("/api/v1/calls/{call_id}/places/from-agreements/", "post"),
    ("/api/v1/deputies/", "get"),
    ("/api/v1/deputies/", "post"),
    ("/api/v1/deputies/{deputyship_id}/", "delete"),
    ("/api/v1/incoming/applications/", "get"),
    ("/api/v1/incoming/applications/{application_id}/", "get"),
    ("/api/v1/incoming/applications/{application_id}/", "patch"),
    ("/api/v1/incoming/applications/{application_id}/documents/", "get"),
    ("/api/v1/incoming/applications/{application_id}/documents/", "post"),
    ("/api/v1/incoming/applications/{application_id}/documents/{document_id}/file/", "get"),
    ("/api/v1/incoming/applications/{application_id}/history/", "get"),
    ("/api/v1/incoming/applications/{application_id}/submit/", "post"),
    ("/api/v1/incoming/counts/", "get"),
    ("/api/v1/incoming/invitations/", "get"),
    ("/api/v1/incoming/invitations/", "post"),
    ("/api/v1/incoming/invitations/{invitation_id}/", "get"),
    ("/api/v1/incoming/invitations/{invitation_id}/resend/", "post"),
    ("/api/v1/incoming/invitations/{invitation_id}/revoke/", "post"),
    ("/api/v1/grants/applications/{application_id}/", "get"),
    ("/api/v1/grants/calls/{call_id}/nominations/", "get"),
    ("/api/v1/grants/calls/{call_id}/nominations/", "post"),
    ("/api/v1/grants/nominations/{nomination_id}/", "get"),
    ("/api/v1/grants/rate-tables/", "get"),
    ("/api/v1/grants/rate-tables/", "post"),
    ("/api/v1/grants/rate-tables/{table_id}/", "get"),
    ("/api/v1/grants/rate-tables/{table_id}/", "put"),
    ("/api/v1/indicators/", "get"),
    ("/api/v1/learning-agreements/", "get"),
    ("/api/v1/learning-agreements/", "post"),
    ("/api/v1/learning-agreements/{agreement_id}/", "get"),
    ("/api/v1/learning-agreements/{agreement_id}/", "patch"),
    ("/api/v1/learning-agreements/{agreement_id}/changes/", "post"),
    ("/api/v1/learning-agreements/{agreement_id}/documents/", "get"),
    ("/api/v1/learning-agreements/{agreement_id}/documents/", "post"),
    ("/api/v1/learning-agreements/{agreement_id}/documents/{document_id}/file/", "get"),
    ("/api/v1/learning-agreements/{agreement_id}/ewp.json", "get"),
    ("/api/v1/learning-agreements/{agreement_id}/ewp.xml", "get"),
    ("/api/v1/learning-agreements/{agreement_id}/history/", "get"),
    ("/api/v1/learning-agreements/{agreement_id}/results/", "post"),
    ("/api/v1/learning-agreements/{agreement_id}/sign/", "post"),
    ("/api/v1/learning-agreements/{agreement_id}/signing-links/", "post"),
    ("/api/v1/learning-agreements/{agreement_id}/signing-links/{link_id}/revoke/", "post"),
    ("/api/v1/learning-agreements/{agreement_id}/versions/", "get"),
    ("/api/v1/learning-agreements/{agreement_id}/versions/", "post"),
    ("/api/v1/learning-agreements/{agreement_id}/versions/{number}/pdf/", "get"),
    ("/api/v1/indicators/{measure}/records/", "get"),
    ("/api/v1/notifications/", "get"),
    ("/api/v1/notifications/read-all/", "post"),
    ("/api/v1/notifications/{notification_id}/read/", "post"),
    ("/api/v1/partners/", "get"),
    ("/api/v1/partners/", "post"),
    ("/api/v1/partners/{partner_id}/", "get"),
    ("/api/v1/partners/{partner_id}/", "patch"),
    ("/api/v1/period-reports/", "get"),
    ("/api/v1/period-reports/", "post"),
    ("/api/v1/period-reports/{report_id}/", "get"),
    ("/api/v1/period-reports/{report_id}/", "patch"),
    ("/api/v1/period-reports/{report_id}/history/", "get"),
    ("/api/v1/period-reports/{report_id}/submit/", "post"),
    ("/api/v1/plans/", "get"),
    ("/api/v1/plans/", "post"),
    ("/api/v1/plans/{year}/", "get"),
    ("/api/v1/plans/{year}/", "patch"),
    ("/api/v1/plans/{year}/activities/", "post"),
    ("/api/v1/plans/{year}/activities/{activity_id}/", "patch"),
    ("/api/v1/plans/{year}/history/", "get"),
    ("/api/v1/plans/{year}/indicators/", "post"),
    ("/api/v1/plans/{year}/indicators/{indicator_id}/", "patch"),
    ("/api/v1/register/", "get"),
    ("/api/v1/register/", "post"),
    ("/api/v1/register/{activity_id}/", "get"),
    ("/api/v1/register/{activity_id}/", "patch"),
    ("/api/v1/register/{activity_id}/documents/", "get"),
    ("/api/v1/register/{activity_id}/documents/", "post"),
    ("/api/v1/register/{activity_id}/documents/{document_id}/file/", "get"),
    ("/api/v1/register/{activity_id}/history/", "get"),
    ("/api/v1/selection/appeals/", "post"),
    ("/api/v1/selection/appeals/{appeal_id}/", "get"),
    ("/api/v1/selection/calls/{call_id}/", "get"),
    ("/api/v1/selection/calls/{call_id}/", "put"),
    ("/api/v1/selection/calls/{call_id}/bonuses/", "post"),
    ("/api/v1/selection/calls/{call_id}/criteria/", "post"),
    ("/api/v1/selection/calls/{call_id}/criteria/{criterion_id}/", "delete"),
    ("/api/v1/selection/calls/{call_id}/criteria/{criterion_id}/", "patch"),
    ("/api/v1/selection/calls/{call_id}/run/", "post"),
    ("/api/v1/selection/calls/{call_id}/scores/", "get"),
    ("/api/v1/selection/calls/{call_id}/scores/", "post"),
    ("/api/v1/selection/offers/", "get"),
    ("/api/v1/selection/offers/{offer_id}/accept/", "post"),
    ("/api/v1/selection/offers/{offer_id}/decline/", "post"),
    ("/api/v1/selection/results/{selection_id}/", "get"),
    ("/api/v1/selection/results/{selection_id}/history/", "get"),
    ("/api/v1/selection/results/{selection_id}/submit/", "post"),
    ("/api/v1/migration/cases/", "get"),
    ("/api/v1/migration/cases/", "post"),
    ("/api/v1/migration/cases/{case_id}/", "get"),
    ("/api/v1/migration/cases/{case_id}/", "patch"),
    ("/api/v1/migration/cases/{case_id}/close/", "post"),
    ("/api/v1/migration/cases/{case_id}/documents/", "get"),
    ("/api/v1/migration/cases/{case_id}/documents/", "post"),
    ("/api/v1/migration/cases/{case_id}/documents/{document_id}/file/", "get"),
    ("/api/v1/migration/cases/{case_id}/history/", "get"),
    ("/api/v1/migration/cases/{case_id}/steps/{step_id}/done/", "post"),
    ("/api/v1/migration/cases/{case_id}/steps/{step_id}/reopen/", "post"),
    ("/api/v1/migration/checklist/", "get"),
    ("/api/v1/migration/checklist/", "post"),
    ("/api/v1/migration/checklist/{template_id}/", "patch"),
    ("/api/v1/migration/overdue/", "get"),
    ("/api/v1/tasks/", "get"),
    ("/api/v1/tasks/decisions/", "post"),
    ("/api/v1/tasks/{task_id}/decision/", "post"),
    ("/api/v1/tasks/{task_id}/mark-sent/", "post"),
    ("/api/v1/tasks/{task_id}/signed/", "post"),
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
        "eligible",
        "selected",
        "reserve",
        "not_selected",
        "accepted",
        "declined",
        "nominated",
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
