"""The partner's link: it opens only its own agreement's quota and nominations, every use is on its timeline, and an
expired, revoked, replaced or made-up link answers 404. Only the token's hash is stored. Nominations stay within
the incoming quota's places."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from incoming.models import IncomingStatus, PartnerInvitation, PartnerInvitationEvent
from incoming.services import invitation_resend, invitation_revoke, token_digest
from tests.support.incoming import incoming_agreement, invite, last_link, nominate, run_after_commit

pytestmark = pytest.mark.django_db


def _page(client, token):
    return client.get(reverse("incoming:partner", args=[token]))


def test_the_link_shows_only_its_agreement_and_its_nominations(
    world, client, eager_tasks, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    # given two partners' invitations, each with a nominee
    mine, token = invite(world, capture, incoming_agreement(world, world.partners[0]))
    other, other_token = invite(
        world, capture, incoming_agreement(world, world.partners[1]), coordinator_email="io@other.example.edu"
    )
    nominate(capture, mine, email="anna@student.example.edu", first_name="Anna")
    nominate(capture, other, email="boris@other.example.edu", first_name="Boris", last_name="Other")

    # when the first partner opens its link
    page = _page(client, token)

    # then it sees its own nominee and agreement, never the other's
    body = page.content.decode()
    assert page.status_code == 200
    assert "Anna" in body and world.partners[0].name in body
    assert "Boris" not in body and world.partners[1].name not in body
    # the token in the address is never sent on to another site
    assert page["Referrer-Policy"] == "same-origin"
    # and the token is stored only as its hash; the opening is on the timeline
    mine.refresh_from_db()
    assert mine.token_hash == token_digest(token) and token not in mine.token_hash
    assert mine.events.filter(action=PartnerInvitationEvent.Action.OPENED).count() == 1
    assert _page(client, other_token).status_code == 200


def test_expired_revoked_replaced_and_made_up_links_answer_404(
    world, client, eager_tasks, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    invitation, token = invite(world, capture, incoming_agreement(world))
    assert _page(client, token).status_code == 200
    assert _page(client, "made-up-token").status_code == 404

    # a new email makes a new link: the old one stops working
    run_after_commit(capture, invitation_resend, actor=world.coordinator_ce, invitation=invitation)
    new_token = last_link("partner")
    assert new_token != token
    assert _page(client, token).status_code == 404
    assert _page(client, new_token).status_code == 200

    # expired
    PartnerInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _page(client, new_token).status_code == 404
    response = client.post(
        reverse("incoming:partner", args=[new_token]),
        {
            "first_name": "A",
            "last_name": "B",
            "email": "a@b.example",
            "level": "bachelor",
            "category": "student_studies",
            "term": "fall",
        },
    )
    assert response.status_code == 404 and not invitation.nominations.exists()

    # revoked (even before it would expire)
    PartnerInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + timedelta(days=5))
    assert _page(client, new_token).status_code == 200
    invitation_revoke(actor=world.coordinator_ce, invitation=invitation, reason="Wrong person")
    assert _page(client, new_token).status_code == 404
    assert invitation.events.filter(action=PartnerInvitationEvent.Action.REVOKED).exists()


def test_nominations_stay_within_the_places_and_once_per_person(world, eager_tasks, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    invitation, _token = invite(world, capture, incoming_agreement(world, places=2))
    nominate(capture, invitation, email="one@example.edu")
    with pytest.raises(ValidationError) as twice:
        nominate(capture, invitation, email="ONE@example.edu")
    assert "email" in twice.value.message_dict
    nominate(capture, invitation, email="two@example.edu")
    with pytest.raises(ValidationError) as full:
        nominate(capture, invitation, email="three@example.edu")
    assert full.value.error_dict["category"][0].code == "too_many"
    with pytest.raises(ValidationError) as no_quota:
        nominate(capture, invitation, email="four@example.edu", category="student_traineeship")
    assert "category" in no_quota.value.message_dict
    # each nominee got their own invitation email
    assert {m.to[0] for m in mail.outbox} >= {"one@example.edu", "two@example.edu"}
    assert all(n.application.status == IncomingStatus.DRAFT for n in invitation.nominations.all())


def test_only_the_agreements_office_invites(world, eager_tasks, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    agreement = incoming_agreement(world)
    with pytest.raises(Exception) as refused:
        invite(world, capture, agreement, actor=world.coordinator_math)
    assert refused.type.__name__ == "PermissionDenied"
    with pytest.raises(ValidationError) as no_places:
        invite(world, capture, agreement, academic_year="2030/31")
    assert "academic_year" in no_places.value.message_dict


def test_the_office_withdraws_an_unsubmitted_nomination_and_frees_its_slot(
    world, client, eager_tasks, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    invitation, _token = invite(world, capture, incoming_agreement(world, places=2))
    first = nominate(capture, invitation, email="one@example.edu")
    nominate(capture, invitation, email="two@example.edu")
    client.force_login(world.coordinator_ce)
    url = reverse("incoming:withdraw", args=[first.application.pk])
    client.post(url, {"reason": ""})
    first.application.refresh_from_db()
    assert first.application.status == IncomingStatus.DRAFT  # a reason is needed
    client.post(url, {"reason": "The student does not come."})
    first.application.refresh_from_db()
    assert first.application.status == IncomingStatus.WITHDRAWN
    assert first.application.events.filter(action="withdrawn", comment="The student does not come.").exists()
    # the slot is free again
    nominate(capture, invitation, email="three@example.edu")
