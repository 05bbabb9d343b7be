"""The incoming chain end to end: the office invites the partner's coordinator, who nominates through the emailed
link; the nominee sets a password through theirs, completes the application and submits it; the receiving
department's coordinator, its head and the IRO accept it: a place of the incoming quota is taken, and the acceptance
and visa letters are issued and emailed to the nominee and the partner's coordinator. Send back and reject work as
everywhere, and the chain is configurable."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.errors import ApplicationNotEditable
from documents.models import DocumentKind, Letter
from incoming.models import IncomingEvent, IncomingStatus
from incoming.services import incoming_update
from tests.support.incoming import (
    at_office_review,
    complete_application,
    decide,
    incoming_agreement,
    incoming_quota,
    invite,
    last_link,
    nominate,
    submitted,
)
from tests.support.letters import pdf_text
from workflows.selectors import case_progress
from workflows.services import case_submit

pytestmark = pytest.mark.django_db


def test_the_whole_chain_from_invitation_to_letters(world, client, eager_tasks, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    agreement = incoming_agreement(world)
    # given the office's invitation, emailed with a link
    invitation, token = invite(world, capture, agreement)

    # when the partner's coordinator nominates through the page behind the link
    page = client.get(reverse("incoming:partner", args=[token]))
    assert page.status_code == 200 and "Student mobility for studies" in page.content.decode()
    with capture(execute=True):
        response = client.post(
            reverse("incoming:partner", args=[token]),
            {
                "first_name": "Anna",
                "last_name": "Schmidt",
                "email": "Anna@Student.example.edu",
                "level": "bachelor",
                "category": "student_studies",
                "term": "fall",
            },
        )
    assert response.status_code == 302
    nomination = invitation.nominations.get()
    assert nomination.email == "anna@student.example.edu"

    # then the nominee gets a bilingual email with their own link, and sets a password through it
    welcome = mail.outbox[-1]
    assert welcome.to == ["anna@student.example.edu"]
    assert "Complete your application" in welcome.subject and "Müraciətinizi tamamlayın" in welcome.subject
    nominee_token = last_link("welcome", "anna@student.example.edu")
    client.logout()
    response = client.post(
        reverse("incoming:welcome", args=[nominee_token]),
        {"new_password1": "Nominee-pass-2026", "new_password2": "Nominee-pass-2026"},
    )
    application = nomination.application
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    # the link worked once
    assert client.get(reverse("incoming:welcome", args=[nominee_token])).status_code == 404
    # (the welcome page signed them in; their password works from now on)
    nomination.nominee.refresh_from_db()
    assert nomination.nominee.check_password("Nominee-pass-2026")

    # when they complete and submit it
    application = complete_application(nomination)
    with capture(execute=True):
        response = client.post(reverse("incoming:submit", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == IncomingStatus.COORDINATOR_REVIEW

    # and coordinator_ce, head_ce and the prorector (the IRO's decision) approve
    application = at_office_review(world, application)
    assert application.status == IncomingStatus.OFFICE_REVIEW
    mail.outbox.clear()
    with capture(execute=True):
        application = decide(world.prorector, application, comment="Welcome.")

    # then it is accepted and a place of the incoming quota is used
    assert application.status == IncomingStatus.ACCEPTED
    quota = incoming_quota(agreement)
    assert quota.used == 1 and application.quota_id == quota.pk
    actions = list(application.events.values_list("action", flat=True))
    assert actions.index(IncomingEvent.Action.APPROVED) < actions.index(IncomingEvent.Action.PLACE_TAKEN)
    # and the foreigner's migration-advice case is opened (migration/), named on the timeline
    opened = application.events.get(action=IncomingEvent.Action.MIGRATION_OPENED)
    assert opened.data["advice_case"]

    # and both letters are issued, bilingual, the visa one with the passport
    letters = {letter.purpose: letter for letter in Letter.objects.filter(case_id=application.pk)}
    acceptance = pdf_text(letters["incoming_acceptance"].document)
    assert "Qəbul məktubu" in acceptance and "Acceptance letter" in acceptance and "Anna Schmidt" in acceptance
    visa = pdf_text(letters["incoming_visa_invitation"].document)
    assert "Invitation letter for the visa" in visa and "C01X00T47" in visa
    assert letters["incoming_visa_invitation"].document.kind == DocumentKind.VISA_INVITATION_LETTER

    # and emailed once to the nominee and the partner's coordinator with both PDFs
    letter_mails = [m for m in mail.outbox if "Acceptance letter" in m.subject]
    assert sorted(m.to[0] for m in letter_mails) == ["anna@student.example.edu", "erasmus@partner.example.edu"]
    for message in letter_mails:
        assert [a[2] for a in message.attachments] == ["application/pdf", "application/pdf"]
    assert application.events.filter(action=IncomingEvent.Action.LETTERS_EMAILED).count() == 2

    # and the partner's page shows the place used
    page = client.get(reverse("incoming:partner", args=[token])).content.decode()
    assert "Accepted" in page


def test_send_back_and_reject_with_a_reason(world, eager_tasks, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    agreement = incoming_agreement(world)
    invitation, _token = invite(world, capture, agreement)
    nomination = nominate(capture, invitation)
    application = submitted(nomination)

    # a send-back needs a reason and returns the case to the nominee, who may change it again
    with pytest.raises(ValidationError):
        decide(world.coordinator_ce, application, "request_changes", comment="")
    with capture(execute=True):
        application = decide(world.coordinator_ce, application, "request_changes", comment="Add your courses.")
    assert application.status == IncomingStatus.CHANGES_REQUESTED
    incoming_update(application=application, actor=nomination.nominee, intended_courses="Algorithms; Networks")
    application = case_submit(case=application, actor=nomination.nominee)
    assert application.status == IncomingStatus.COORDINATOR_REVIEW
    assert application.events.filter(action=IncomingEvent.Action.RESUBMITTED).exists()
    with pytest.raises(ApplicationNotEditable):
        incoming_update(application=application, actor=nomination.nominee, home_programme="Other")

    # the head rejects with a reason: no place is used
    application = decide(world.coordinator_ce, application)
    with capture(execute=True):
        application = decide(world.head_ce, application, "reject", comment="Courses not offered.")
    assert application.status == IncomingStatus.REJECTED
    assert incoming_quota(agreement).used == 0
    assert not Letter.objects.filter(case_id=application.pk, purpose__startswith="incoming").exists()


def test_the_chain_is_configurable(world, settings, eager_tasks, django_capture_on_commit_callbacks):
    # given a chain without the department head
    settings.INCOMING_REVIEW_STEPS = ["coordinator_review", "office_review"]
    capture = django_capture_on_commit_callbacks
    invitation, _token = invite(world, capture, incoming_agreement(world))
    application = submitted(nominate(capture, invitation))
    # the case's progress names only the configured steps
    assert case_progress(application).next_labels == ["IRO decision"]
    settings.INCOMING_REVIEW_STEPS = ["coordinator_review", "head_review", "office_review"]
    assert case_progress(application).next_labels == ["Department head review", "IRO decision"]
    settings.INCOMING_REVIEW_STEPS = ["coordinator_review", "office_review"]

    # when the coordinator approves, the IRO decides next
    application = decide(world.coordinator_ce, application)
    assert application.status == IncomingStatus.OFFICE_REVIEW
    with capture(execute=True):
        application = decide(world.prorector, application)
    assert application.status == IncomingStatus.ACCEPTED


def test_submission_checks_each_field_and_the_deadline(world, eager_tasks, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    invitation, _token = invite(world, capture, incoming_agreement(world))
    nomination = nominate(capture, invitation)
    with pytest.raises(ValidationError) as missing:
        case_submit(case=nomination.application, actor=nomination.nominee)
    assert {"passport_number", "arrival_date", "documents"} <= set(missing.value.message_dict)

    application = complete_application(nomination)
    invitation.fall_deadline = invitation.created_at.date().replace(year=2020)
    invitation.save(update_fields=["fall_deadline"])
    with pytest.raises(ValidationError) as late:
        case_submit(case=application, actor=nomination.nominee)
    assert late.value.error_dict["deadline"][0].code == "call_closed"
