"""The start page (`/`) of people with no role at the university: a nominee lands on their incoming application, a
foreigner with only a migration-advice case on their checklist; everyone else as before."""

import pytest
from django.urls import reverse
from django.utils import timezone

from migration.services import advice_case_open, step_templates_seed_defaults
from tests.support.factories import UserFactory
from tests.support.incoming import incoming_agreement, invite, nominate

pytestmark = pytest.mark.django_db


def test_a_nominee_lands_on_their_incoming_application(client, world, eager_tasks, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    invitation, _token = invite(world, capture, incoming_agreement(world))
    nomination = nominate(capture, invitation)
    client.force_login(nomination.nominee)
    response = client.get(reverse("applications:home"))
    assert response.status_code == 302
    assert response.url == reverse("incoming:detail", args=[nomination.application.pk])
    assert client.get(response.url).status_code == 200


def test_a_foreigner_with_only_a_migration_case_lands_on_their_checklist(client, world):
    step_templates_seed_defaults()
    foreigner = UserFactory(username="karl")
    advice_case_open(person=foreigner, actor=world.coordinator_ce, arrival_date=timezone.localdate(), source="manual")
    client.force_login(foreigner)
    response = client.get(reverse("applications:home"))
    assert response.status_code == 302 and response.url == reverse("migration:mine")
    # a student with a migration case still lands on their own applications
    advice_case_open(
        person=world.student1, actor=world.coordinator_ce, arrival_date=timezone.localdate(), source="manual"
    )
    client.force_login(world.student1)
    assert client.get(reverse("applications:home")).url == reverse("applications:mine")
