"""The approvers' pages — inbox and task page with the decision form — and the whole case lifecycle
through the web pages, driven through the Django test client."""

import pytest
from django.urls import reverse

from applications.models import ApplicationStatus, CallPlace, CaseEvent
from tests.support.drivers import another_call, make_submitted_application
from tests.support.pages import (
    count_queries,
    create_through_pages,
    submit_through_pages,
    task_url,
    text,
    upload_through_pages,
)
from workflows.selectors import open_task_for_application

pytestmark = pytest.mark.django_db


def decide_through_pages(client, user, application, decision, comment="", follow=True):
    """Open the inbox, follow the case's link to its task page and post the decision form."""
    client.force_login(user)
    url = task_url(application)
    inbox = client.get(reverse("workflows:inbox"))
    assert f'href="{url}"' in text(inbox)
    page = client.get(url)
    assert page.status_code == 200
    task_id = open_task_for_application(application=application).pk
    return client.post(url, {"task_id": task_id, "decision": decision, "comment": comment}, follow=follow)


def test_full_lifecycle_through_the_pages(client, world):
    # the student applies, uploads the call's documents and submits
    client.force_login(world.student1)
    application = create_through_pages(client, world)
    for kind in world.call.required_documents:
        upload_through_pages(client, application, kind)
    submit_through_pages(client, application)

    # coordinator, department head and prorector approve in turn on the task page
    for user, next_status in (
        (world.coordinator_ce, ApplicationStatus.HEAD_REVIEW),
        (world.head_ce, ApplicationStatus.PRORECTOR_REVIEW),
        (world.prorector, ApplicationStatus.APPROVED),
    ):
        response = decide_through_pages(client, user, application, "approve", f"Fine by {user.username}")
        assert response.redirect_chain[-1][0] == reverse("workflows:inbox")
        assert "Decision recorded: Approve" in text(response)
        assert f"Application #{application.pk}<" not in text(response)  # gone from this approver's inbox
        application.refresh_from_db()
        assert application.status == next_status

    assert CallPlace.objects.get(pk=world.places[0].pk).places_taken == 1

    # the student sees the outcome and every step in the timeline
    client.force_login(world.student1)
    page = text(client.get(application.get_absolute_url()))
    assert "Approved" in page
    assert f"Nominated to {world.partners[0].name}." in page
    timeline = page[page.index('id="timeline"') :]
    for expected in (
        "Created",
        "Document uploaded",
        "Submitted",
        "Coordinator review",
        "Department head review",
        "Prorector review",
        "Fine by coordinator_ce",
        "Fine by head_ce",
        "Fine by prorector",
    ):
        assert expected in timeline, expected
    assert timeline.count('class="ev-approved"') == 3
    mine = text(client.get(reverse("applications:mine")))
    assert "badge-approved" in mine


def test_send_back_shows_the_comment_and_the_student_revises_and_resubmits(client, world):
    application = make_submitted_application(world)
    response = decide_through_pages(
        client, world.coordinator_ce, application, "request_changes", "Please add your language certificate."
    )
    assert "Decision recorded: Send back for changes" in text(response)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CHANGES_REQUESTED

    client.force_login(world.student1)
    page = text(client.get(application.get_absolute_url()))
    assert "Changes requested" in page
    assert "Please add your language certificate." in page
    assert "Revise and resubmit" in page

    upload_through_pages(client, application, "language_certificate")
    response = submit_through_pages(client, application)
    assert "Your revised application is resubmitted for review." in text(response)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COORDINATOR_REVIEW
    assert application.events.filter(action=CaseEvent.Action.RESUBMITTED).count() == 1

    # back in the coordinator's inbox
    client.force_login(world.coordinator_ce)
    assert task_url(application) in text(client.get(reverse("workflows:inbox")))


@pytest.mark.parametrize(
    "decision, error", [("reject", "Give the reason"), ("request_changes", "Say what should change")]
)
def test_reject_and_send_back_require_a_comment(client, world, decision, error):
    application = make_submitted_application(world)
    response = decide_through_pages(client, world.coordinator_ce, application, decision, "  ", follow=False)
    assert response.status_code == 400
    assert error in text(response)
    assert 'class="field has-error"' in text(response)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COORDINATOR_REVIEW
    assert not application.events.filter(action__in=["rejected", "changes_requested"]).exists()


def test_reject_with_a_reason_ends_the_case_and_the_student_sees_it(client, world):
    application = make_submitted_application(world)
    decide_through_pages(client, world.coordinator_ce, application, "reject", "GPA below the threshold.")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    client.force_login(world.student1)
    page = text(client.get(application.get_absolute_url()))
    assert "Rejected" in page and "GPA below the threshold." in page


def test_double_post_of_a_decision_says_already_decided(client, world):
    application = make_submitted_application(world)
    client.force_login(world.coordinator_ce)
    url = task_url(application)
    task_id = open_task_for_application(application=application).pk
    data = {"task_id": task_id, "decision": "approve", "comment": "ok"}
    first = client.post(url, data)
    assert first.status_code == 302
    second = client.post(url, data, follow=True)
    assert second.status_code == 200
    assert "This task has already been decided." in text(second)
    assert "This task was decided on" in text(second)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.HEAD_REVIEW
    assert application.events.filter(action=CaseEvent.Action.APPROVED).count() == 1


def test_no_place_left_is_a_flash_error_and_the_case_stays_with_the_prorector(client, world):
    # the second partner has a single place; two cases want only it
    only_place = [world.partners[1].pk]
    first = make_submitted_application(world, choices=only_place)
    second = make_submitted_application(world, world.student2, choices=only_place)
    for application in (first, second):
        decide_through_pages(client, world.coordinator_ce, application, "approve", "ok")
        decide_through_pages(client, world.head_ce, application, "approve", "ok")
    decide_through_pages(client, world.prorector, first, "approve", "ok")
    response = decide_through_pages(client, world.prorector, second, "approve", "ok")
    assert "No place is left" in text(response)
    second.refresh_from_db()
    assert second.status == ApplicationStatus.PRORECTOR_REVIEW
    assert CallPlace.objects.get(pk=world.places[1].pk).places_taken == 1


def test_coordinator_of_another_department_gets_404_on_the_case_and_its_task(client, world):
    application = make_submitted_application(world)
    url = task_url(application)
    client.force_login(world.coordinator_math)
    assert url not in text(client.get(reverse("workflows:inbox")))
    assert client.get(url).status_code == 404
    task_id = open_task_for_application(application=application).pk
    assert client.post(url, {"task_id": task_id, "decision": "approve", "comment": "x"}).status_code == 404
    assert client.get(application.get_absolute_url()).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COORDINATOR_REVIEW


def test_an_approver_of_another_step_sees_the_case_but_gets_403_on_deciding(client, world):
    application = make_submitted_application(world)
    url = task_url(application)
    client.force_login(world.head_ce)
    page = client.get(url)
    assert page.status_code == 200
    assert "which you may not decide" in text(page)
    task_id = open_task_for_application(application=application).pk
    assert client.post(url, {"task_id": task_id, "decision": "approve", "comment": "x"}).status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COORDINATOR_REVIEW


def test_students_get_404_on_tasks(client, world):
    application = make_submitted_application(world)
    client.force_login(world.student2)
    assert client.get(task_url(application)).status_code == 404


def test_the_applicant_opening_their_revise_task_lands_on_the_application(client, world):
    application = make_submitted_application(world)
    decide_through_pages(client, world.coordinator_ce, application, "request_changes", "Fix it")
    client.force_login(world.student1)
    response = client.get(task_url(application))
    assert response.status_code == 302
    assert response.url == application.get_absolute_url()


def test_inbox_lists_case_step_applicant_department_call_and_waiting_time(client, world):
    application = make_submitted_application(world)
    client.force_login(world.coordinator_ce)
    page = text(client.get(reverse("workflows:inbox")))
    for expected in (f"Application #{application.pk}", "Coordinator review", "student1", "Computer Engineering"):
        assert expected in page
    assert world.call.title in page
    assert "minute" in page  # timesince of the task's creation
    client.force_login(world.coordinator_math)
    assert "Nothing is waiting for you" in text(client.get(reverse("workflows:inbox")))


def test_approvers_case_page_links_to_the_decision_form(client, world):
    application = make_submitted_application(world)
    client.force_login(world.coordinator_ce)
    page = text(client.get(application.get_absolute_url()))
    assert "Open the decision form" in page
    assert task_url(application) in page


def test_inbox_runs_a_constant_number_of_queries(client, world):
    client.force_login(world.coordinator_ce)
    url = reverse("workflows:inbox")
    make_submitted_application(world)
    one = count_queries(client, url)
    make_submitted_application(world, world.student2)
    for _ in range(3):
        make_submitted_application(world, call=another_call(world))
    assert text(client.get(url)).count('class="btn btn-small"') == 5
    five = count_queries(client, url)
    assert one == five
