"""The office's pages in both languages: invitations (made from the form, with its timeline), the list, the task
page with the decision form, and the counts on the agreement's and the partner's pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incoming.models import IncomingStatus, PartnerInvitation
from tests.support.incoming import incoming_agreement, invite, nominate, open_task_id, submitted

pytestmark = pytest.mark.django_db


def test_the_office_invites_from_the_page(world, client, eager_tasks, django_capture_on_commit_callbacks):
    agreement = incoming_agreement(world)
    client.force_login(world.coordinator_ce)
    page = client.get(reverse("incoming:invitations"))
    assert page.status_code == 200 and "Invite a partner" in page.content.decode()
    today = timezone.localdate()
    form = {
        "agreement": agreement.pk,
        "academic_year": "2026/27",
        "coordinator_email": "erasmus@partner.example.edu",
        "expires_on": today + timedelta(days=30),
        "fall_deadline": today - timedelta(days=1),
    }
    refused = client.post(reverse("incoming:invitations"), form)
    assert refused.status_code == 400 and "cannot be in the past" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(reverse("incoming:invitations"), {**form, "fall_deadline": today + timedelta(days=9)})
    invitation = PartnerInvitation.objects.get()
    assert made.status_code == 302 and made["Location"] == invitation.get_absolute_url()
    detail = client.get(invitation.get_absolute_url()).content.decode()
    assert "Link emailed" in detail and "erasmus@partner.example.edu" in detail
    # and in Azerbaijani
    client.cookies["django_language"] = "az"
    assert client.get(invitation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="az").status_code == 200
    # a head reads invitations but may not make one; a nominee sees no invitation page
    client.force_login(world.head_ce)
    assert "Invite and email" not in client.get(reverse("incoming:invitations")).content.decode()
    client.force_login(world.student1)
    assert client.get(reverse("incoming:invitations")).status_code == 404


def test_the_task_page_and_the_counts(world, client, eager_tasks, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    agreement = incoming_agreement(world)
    invitation, _token = invite(world, capture, agreement)
    application = submitted(nominate(capture, invitation))
    client.force_login(world.coordinator_ce)
    task_url = reverse("workflows:task", args=[open_task_id(application)])
    page = client.get(task_url)
    assert page.status_code == 200 and "Record decision" in page.content.decode()
    with capture(execute=True):
        decided = client.post(task_url, {"task_id": open_task_id(application), "decision": "approve", "comment": "ok"})
    assert decided.status_code == 302
    application.refresh_from_db()
    assert application.status == IncomingStatus.HEAD_REVIEW
    assert client.get(reverse("incoming:list")).status_code == 200
    inbox = client.get(reverse("workflows:inbox"))
    assert inbox.status_code == 200
    agreement_page = client.get(agreement.get_absolute_url()).content.decode()
    assert 'id="incoming-counts"' in agreement_page and "Bachelor" in agreement_page
    partner_page = client.get(reverse("agreements:partner", args=[agreement.partner_id])).content.decode()
    assert 'id="incoming-counts"' in partner_page
    # the nominee sees their own application in their list, not the counts
    client.force_login(application.applicant)
    assert client.get(reverse("incoming:list"))["Location"] == application.get_absolute_url()


def test_the_inbox_filters_incoming_cases_by_partner_and_follows_its_rename(
    world, client, eager_tasks, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    agreement = incoming_agreement(world)
    invitation, _token = invite(world, capture, agreement)
    application = submitted(nominate(capture, invitation))
    partner = agreement.partner
    client.force_login(world.coordinator_ce)
    page = client.get(reverse("workflows:inbox"), {"partner": partner.pk})
    assert [line["case_id"] for line in page.context["rows"]] == [application.pk]
    assert dict(page.context["form"].fields["partner"].choices)[partner.pk] == str(partner)  # by name, not "#id"
    partner.name = "Universität Umbenannt"
    partner.save()
    [line] = client.get(reverse("workflows:inbox"), {"partner": partner.pk}).context["rows"]
    assert line["subject"] == str(partner) and "Umbenannt" in line["subject"]
