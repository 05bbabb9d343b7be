"""Staff mobility has its own form and rules: teaching or training, the mobility agreement (programme) document,
teaching hours per week (at least STAFF_TEACHING_MIN_HOURS_PER_WEEK for teaching), dates and the host contact; no
GPA or year of study. Pages, service and API alike; a staff call is rolling and takes a place at final approval."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services as application_services
from applications.models import Application, ApplicationStatus
from core.errors import ErrorCode
from tests.support.calls import make_staff_application, staff_call, valid_staff_fields
from tests.support.drivers import approve_all
from tests.support.files import pdf_upload
from tests.support.pages import text
from workflows.services import case_submit

pytestmark = pytest.mark.django_db


def problem_codes(application) -> dict[str, list[str]]:
    problems = application_services.application_submission_problems(application=application)
    return {name: [e.code for e in errors] for name, errors in problems.items()}


def staff_form_data(world, **overrides) -> dict:
    data = {k: str(v) for k, v in valid_staff_fields().items()}
    data.update({"choice_1": str(world.partners[0].pk), "choice_2": "", "choice_3": ""})
    data.update(overrides)
    return data


def test_the_staff_form_asks_for_teaching_and_the_host_contact_not_gpa(world, client):
    call = staff_call(world)
    client.force_login(world.staff1)
    page = text(client.get(reverse("applications:create", args=[call.pk])))
    assert 'name="teaching_hours"' in page and 'name="host_contact_email"' in page
    assert 'name="gpa"' not in page and 'name="year_of_study"' not in page
    assert "at least 8 teaching hours per week" in page
    # a students' call: the academic record, no teaching
    client.force_login(world.student1)
    page = text(client.get(reverse("applications:create", args=[world.call.pk])))
    assert 'name="gpa"' in page and 'name="teaching_hours"' not in page and 'name="host_contact_name"' not in page
    # a training call asks for no teaching hours
    training = staff_call(world, mobility_type="training")
    client.force_login(world.staff1)
    page = text(client.get(reverse("applications:create", args=[training.pk])))
    assert 'name="teaching_hours"' not in page and 'name="host_contact_name"' in page


def test_a_staff_member_applies_in_pages_and_the_rules_answer_by_field(world, client, settings):
    call = staff_call(world)
    client.force_login(world.staff1)
    # an email that is not one answers on the form
    response = client.post(
        reverse("applications:create", args=[call.pk]), staff_form_data(world, host_contact_email="weber")
    )
    assert response.status_code == 400 and "Enter a valid email address." in text(response)
    response = client.post(reverse("applications:create", args=[call.pk]), staff_form_data(world, teaching_hours="6"))
    assert response.status_code == 302, text(response)[:2000]
    application = Application.objects.get(applicant=world.staff1, call=call)
    assert application.gpa is None and application.teaching_hours == 6
    # submitting: too few hours and the mobility agreement missing, each under its field
    response = client.post(reverse("applications:submit", args=[application.pk]))
    page = text(response)
    assert response.status_code == 400
    assert "Teaching mobility needs at least 8 teaching hours per week." in page
    assert "Teaching / training programme" in page
    assert problem_codes(application) == {
        "teaching_hours": [ErrorCode.TEACHING_HOURS],
        "documents": [ErrorCode.DOCUMENT_MISSING],
    }
    # the minimum is a setting
    settings.STAFF_TEACHING_MIN_HOURS_PER_WEEK = 4
    assert "teaching_hours" not in problem_codes(application)
    settings.STAFF_TEACHING_MIN_HOURS_PER_WEEK = 8
    response = client.post(
        reverse("applications:edit", args=[application.pk]), staff_form_data(world, teaching_hours="10")
    )
    assert response.status_code == 302
    response = client.post(
        reverse("applications:upload", args=[application.pk]),
        {"kind": "programme", "file": pdf_upload("programme.pdf")},
    )
    assert response.status_code == 302
    response = client.post(reverse("applications:submit", args=[application.pk]), follow=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COORDINATOR_REVIEW
    page = text(client.get(application.get_absolute_url()))
    assert "Teaching hours per week" in page and "weber@partner.example.edu" in page and "GPA" not in page


def test_staff_rules_in_the_service(world):
    call = staff_call(world)
    # no GPA or year of study on a staff application
    with pytest.raises(ValidationError) as error:
        application_services.application_create(
            applicant=world.staff1, call=call, choices=[world.partners[0].pk], **valid_staff_fields(gpa="90")
        )
    assert [e.code for e in error.value.error_dict["gpa"]] == [ErrorCode.FIELD_NOT_SETTABLE]
    application = make_staff_application(world, call, host_contact_name="", host_contact_email="", teaching_hours=None)
    assert problem_codes(application) == {
        "host_contact_name": [ErrorCode.REQUIRED],
        "host_contact_email": [ErrorCode.REQUIRED],
        "teaching_hours": [ErrorCode.REQUIRED],
    }
    # and students do not give teaching hours
    with pytest.raises(ValidationError) as error:
        application_services.application_update(application=application, actor=world.staff1, language_level="B2")
    assert [e.code for e in error.value.error_dict["language_level"]] == [ErrorCode.FIELD_NOT_SETTABLE]


def test_a_staff_application_is_rolling_and_takes_a_place_at_final_approval(world):
    call = staff_call(world)
    application = make_staff_application(world, call, submit=True)
    assert application.status == ApplicationStatus.COORDINATOR_REVIEW
    application = approve_all(world, application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.nominated_place.partner == world.partners[0]


def test_the_api_takes_a_staff_application(world, clients):
    call = staff_call(world)
    body = {
        "call": call.pk,
        "choices": [world.partners[0].pk],
        **{k: str(v) for k, v in valid_staff_fields(teaching_hours=12).items()},
    }
    response = clients.staff1.post("/api/v1/applications/", {**body, "year_of_study": 2}, format="json")
    assert response.status_code == 400 and response.json()["codes"] == {"year_of_study": ["field_not_settable"]}
    response = clients.staff1.post("/api/v1/applications/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["teaching_hours"] == 12 and response.json()["gpa"] is None
    application = Application.objects.get(pk=response.json()["id"])
    response = clients.staff1.post(f"/api/v1/applications/{application.pk}/submit/")
    assert response.status_code == 400 and response.json()["codes"] == {"documents": ["document_missing"]}
    application.refresh_from_db()
    with pytest.raises(ValidationError):
        case_submit(case=application, actor=world.staff1)
