"""The REST API of incoming mobility: the office invites (once per Idempotency-Key), the nominee completes and
submits, errors come by field with their codes, and the counts group by partner, country, department, level and
term."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incoming.models import IncomingStatus, PartnerInvitation
from incoming.selectors import incoming_counts
from tests.support.api import session_client
from tests.support.incoming import COMPLETE, complete_application, incoming_agreement, invite, nominate

pytestmark = pytest.mark.django_db


def test_the_office_invites_through_the_api_once_per_key(world, eager_tasks, django_capture_on_commit_callbacks):
    agreement = incoming_agreement(world)
    api = session_client(world.coordinator_ce)
    today = timezone.localdate()
    body = {
        "agreement": agreement.pk,
        "academic_year": "2026/27",
        "coordinator_email": "erasmus@partner.example.edu",
        "expires_on": str(today + timedelta(days=30)),
        "fall_deadline": str(today + timedelta(days=20)),
    }
    url = reverse("api-incoming-invitations")
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="invite-1")
        again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="invite-1")
    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert PartnerInvitation.objects.count() == 1
    assert first.json()["quota"][0]["places"] >= 1
    bad = api.post(url, {**body, "academic_year": "2030/31"}, format="json")
    assert bad.status_code == 400 and "academic_year" in bad.json()["codes"]
    # someone else's department: not theirs to invite for
    other = session_client(world.coordinator_math).post(url, body, format="json")
    assert other.status_code == 403


def test_the_nominee_completes_and_submits_through_the_api(world, eager_tasks, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    invitation, _token = invite(world, capture, incoming_agreement(world))
    nomination = nominate(capture, invitation)
    application = nomination.application
    api = session_client(nomination.nominee)
    submit = reverse("api-incoming-submit", args=[application.pk])
    refused = api.post(submit)
    assert refused.status_code == 400 and refused.json()["codes"]["documents"][0] == "document_missing"
    patch = api.patch(
        reverse("api-incoming-detail", args=[application.pk]),
        {"nationality": "de", "period_end": "2026-01-01", "period_start": "2026-09-01"},
        format="json",
    )
    assert patch.status_code == 400 and "period_end" in patch.json()
    complete_application(nomination)
    with capture(execute=True):
        done = api.post(submit, HTTP_IDEMPOTENCY_KEY="submit-1")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == IncomingStatus.COORDINATOR_REVIEW
    assert done.json()["passport_number"] == COMPLETE["passport_number"]
    # the office's list shows it to the coordinator; the counts count it
    rows = session_client(world.coordinator_ce).get(reverse("api-incoming-list")).json()["results"]
    assert [row["id"] for row in rows] == [application.pk]
    counts = session_client(world.prorector).get(reverse("api-incoming-counts"), {"academic_year": "2026/27"}).json()
    assert counts["country"] == [{"value": world.partners[0].country, "nominated": 1, "accepted": 0}]
    assert counts["level"][0]["value"] == "bachelor" and counts["term"][0]["value"] == "fall"
    assert session_client(nomination.nominee).get(reverse("api-incoming-counts")).status_code == 404


def test_counts_by_period(world, eager_tasks, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    invitation, _token = invite(world, capture, incoming_agreement(world))
    complete_application(nominate(capture, invitation))
    inside = incoming_counts(period_start=COMPLETE["period_start"], period_end=COMPLETE["period_end"])
    assert inside["department"] == [{"value": "Computer Engineering", "nominated": 1, "accepted": 0}]
    before = incoming_counts(
        period_start=COMPLETE["period_start"] - timedelta(days=400),
        period_end=COMPLETE["period_start"] - timedelta(days=300),
    )
    assert before["department"] == []
