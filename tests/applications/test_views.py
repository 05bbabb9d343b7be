"""The applicant's pages and the case page, driven through the Django test client."""

import pytest
from django.urls import reverse

from applications.models import Application, ApplicationStatus, DocumentKind
from tests.support.drivers import another_call, make_ready_application, make_submitted_application
from tests.support.pages import (
    application_form_data,
    count_queries,
    create_through_pages,
    submit_through_pages,
    text,
    upload_through_pages,
)

pytestmark = pytest.mark.django_db


# --- anonymous users and the start page ---------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("applications:home", []),
        ("applications:mine", []),
        ("applications:new", []),
        ("applications:cases", []),
        ("applications:detail", [1]),
        ("applications:edit", [1]),
        ("applications:document", [1, 1]),
        ("workflows:inbox", []),
        ("workflows:task", [1]),
    ],
)
def test_anonymous_user_is_sent_to_the_login_page(client, world, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_login_page_logs_in_and_lands_on_the_start_page(client, world):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "Log in" in text(page)
    response = client.post(reverse("login"), {"username": "student1", "password": "demo", "next": "/"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("applications:mine")
    assert "My applications" in text(response)


@pytest.mark.parametrize(
    "username, landing",
    [
        ("student1", "applications:mine"),
        ("staff1", "applications:mine"),
        ("coordinator_ce", "workflows:inbox"),
        ("head_ce", "workflows:inbox"),
        ("prorector", "workflows:inbox"),
        ("auditor", "applications:cases"),
        ("admin", "applications:cases"),
    ],
)
def test_home_sends_each_role_to_its_start_page(client, world, username, landing):
    client.force_login(getattr(world, username))
    response = client.get(reverse("applications:home"))
    assert response.status_code == 302
    assert response.url == reverse(landing)


def test_language_switcher_changes_the_page_language(client, world):
    client.force_login(world.student1)
    response = client.post(reverse("set_language"), {"language": "az", "next": reverse("applications:mine")})
    assert response.status_code == 302
    page = client.get(reverse("applications:mine"))
    assert '<html lang="az">' in text(page)


# --- the applicant's pages ----------------------------------------------------------------------


def test_student_applies_uploads_and_submits_through_the_pages(client, world):
    client.force_login(world.student1)
    # the open call is offered with its partners and places
    calls = client.get(reverse("applications:new"))
    assert world.call.title in text(calls)
    for partner in world.partners:
        assert partner.name in text(calls)
    assert "2 places left" in text(calls)

    form = client.get(reverse("applications:create", args=[world.call.pk]))
    assert form.status_code == 200
    application = create_through_pages(client, world)
    assert application.status == ApplicationStatus.DRAFT
    assert [c.place.partner for c in application.choices.order_by("rank")] == [world.partners[0], world.partners[2]]

    # the draft page flags the call's missing documents
    page = client.get(application.get_absolute_url())
    assert page.status_code == 200
    assert text(page).count("Missing") == 2
    assert "Before you can submit" in text(page)

    for kind in world.call.required_documents:
        response = upload_through_pages(client, application, kind, name=f"{kind}.pdf")
        assert response.status_code == 200
        assert "uploaded (version 1)" in text(response)
    page = client.get(application.get_absolute_url())
    assert "Missing" not in text(page)
    assert "transcript.pdf" in text(page)

    response = submit_through_pages(client, application)
    assert response.status_code == 200
    assert "Your application is submitted" in text(response)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COORDINATOR_REVIEW
    assert "Coordinator review" in text(response)
    # under review: no edit, upload or submit forms any more
    assert f'action="{reverse("applications:submit", args=[application.pk])}"' not in text(response)
    assert f'action="{reverse("applications:upload", args=[application.pk])}"' not in text(response)

    mine = client.get(reverse("applications:mine"))
    assert f"#{application.pk}" in text(mine)
    assert world.partners[2].name in text(mine)
    assert "Coordinator review" in text(mine)


def test_new_application_form_shows_field_errors_and_creates_nothing(client, world):
    client.force_login(world.student1)
    same_twice = [world.partners[0].pk, world.partners[0].pk]
    response = client.post(
        reverse("applications:create", args=[world.call.pk]), application_form_data(world, choices=same_twice)
    )
    assert response.status_code == 400
    assert "Each host institution can be chosen only once." in text(response)

    response = client.post(
        reverse("applications:create", args=[world.call.pk]),
        application_form_data(world, choices=[], period_end="not a date"),
    )
    assert response.status_code == 400
    assert "This field is required." in text(response)
    assert "Enter a valid date." in text(response)

    response = client.post(
        reverse("applications:create", args=[world.call.pk]),
        application_form_data(world, period_start="2027-06-30", period_end="2027-02-01"),
    )
    assert response.status_code == 400
    assert "The mobility cannot end before it starts." in text(response)
    assert not Application.objects.exists()


def test_submit_shows_every_missing_item_per_field_and_changes_nothing(client, world):
    client.force_login(world.student1)
    application = create_through_pages(client, world, motivation="", gpa="60")
    response = submit_through_pages(client, application, follow=False)
    assert response.status_code == 400
    body = text(response)
    assert "Your application cannot be submitted yet" in body
    assert "Explain your motivation." in body
    assert "This call requires a GPA of at least 70.00." in body
    assert "Upload the required documents: Transcript of records, Passport copy." in body
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_upload_rejects_a_file_that_is_not_a_document(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.student1)
    application = make_ready_application(world)
    response = client.post(
        reverse("applications:upload", args=[application.pk]),
        {"kind": DocumentKind.OTHER, "file": SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")},
    )
    assert response.status_code == 400
    assert "Upload a PDF, JPEG or PNG file." in text(response)
    assert not application.documents.filter(kind=DocumentKind.OTHER).exists()


def test_edit_page_saves_changes_while_editable_and_refuses_under_review(client, world):
    client.force_login(world.student1)
    application = make_ready_application(world)
    edit_url = reverse("applications:edit", args=[application.pk])
    page = client.get(edit_url)
    assert page.status_code == 200
    assert "I want to study distributed systems." in text(page)

    response = client.post(
        edit_url, application_form_data(world, choices=[world.partners[1].pk], motivation="Revised"), follow=True
    )
    assert "Your changes are saved." in text(response)
    application.refresh_from_db()
    assert application.motivation == "Revised"
    assert [c.place.partner for c in application.choices.all()] == [world.partners[1]]

    submit_through_pages(client, application)
    response = client.get(edit_url, follow=True)
    assert "under review and cannot be changed" in text(response)
    response = client.post(edit_url, application_form_data(world, motivation="Sneaky"), follow=True)
    application.refresh_from_db()
    assert application.motivation == "Revised"


def test_document_download_is_an_attachment_for_people_who_may_see_the_case(client, world):
    application = make_submitted_application(world)
    document = application.documents.get(kind=DocumentKind.TRANSCRIPT)
    url = document.get_absolute_url()
    for user in (world.student1, world.coordinator_ce, world.auditor):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("username", ["student2", "student3", "coordinator_math", "head_math"])
def test_people_outside_the_case_get_404_on_its_pages_and_documents(client, world, username):
    application = make_submitted_application(world)
    document = application.documents.first()
    client.force_login(getattr(world, username))
    for url in (
        application.get_absolute_url(),
        reverse("applications:edit", args=[application.pk]),
        document.get_absolute_url(),
        reverse("applications:document", args=[application.pk + 1000, document.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("applications:submit", args=[application.pk])).status_code == 404
    assert client.post(reverse("applications:upload", args=[application.pk])).status_code == 404


def test_another_students_draft_is_404_even_for_its_department_coordinator(client, world):
    draft = make_ready_application(world)
    client.force_login(world.coordinator_ce)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_auditor_reads_any_case_with_its_timeline_and_no_forms(client, world):
    application = make_submitted_application(world)
    client.force_login(world.auditor)
    response = client.get(application.get_absolute_url())
    assert response.status_code == 200
    body = text(response)
    assert "Timeline" in body and "Submitted" in body
    assert "<form" in body  # only the language switcher and the logout button
    assert body.count("<form") == 2
    assert "Open the decision form" not in body
    listing = client.get(reverse("applications:cases"))
    assert f"#{application.pk}" in text(listing)


def test_case_list_filters_by_status(client, world):
    submitted = make_submitted_application(world)
    draft = make_ready_application(world, world.student2)
    client.force_login(world.auditor)
    everything = text(client.get(reverse("applications:cases")))
    assert f"#{submitted.pk}<" in everything and f"#{draft.pk}<" in everything
    in_review = text(client.get(reverse("applications:cases"), {"status": "coordinator_review"}))
    assert f"#{submitted.pk}<" in in_review and f"#{draft.pk}<" not in in_review


def test_non_applicants_cannot_open_the_new_application_pages(client, world):
    client.force_login(world.coordinator_ce)
    assert client.get(reverse("applications:new")).status_code == 403
    assert client.get(reverse("applications:create", args=[world.call.pk])).status_code == 403


def test_my_applications_runs_a_constant_number_of_queries(client, world):
    client.force_login(world.student1)
    url = reverse("applications:mine")
    make_submitted_application(world, choices=[world.partners[0].pk, world.partners[1].pk])
    one = count_queries(client, url)
    for _ in range(2):
        make_submitted_application(
            world, call=another_call(world), choices=[world.partners[2].pk, world.partners[0].pk]
        )
        make_ready_application(world, call=another_call(world), choices=[world.partners[1].pk])
    assert Application.objects.filter(applicant=world.student1).count() == 5
    five = count_queries(client, url)
    assert one == five
