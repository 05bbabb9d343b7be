"""incoming/migrations/0002: an incoming case's open inbox row written without its partner (before the kind named
it) gets it, and the inbox's partner filter then finds the case."""

from importlib import import_module

import pytest
from django.apps import apps as live_apps
from django.db import connection
from django.urls import reverse

from tests.support.incoming import incoming_agreement, invite, nominate, submitted
from workflows.models import InboxEntry

pytestmark = pytest.mark.django_db


def test_an_open_row_without_its_partner_gets_it(world, client, eager_tasks, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    agreement = incoming_agreement(world)
    invitation, _token = invite(world, capture, agreement)
    application = submitted(nominate(capture, invitation))
    InboxEntry.objects.filter(kind="incoming", case_id=application.pk).update(partner_id=None)  # as written before
    client.force_login(world.coordinator_ce)
    assert not client.get(reverse("workflows:inbox"), {"partner": agreement.partner_id}).context["rows"]

    with connection.schema_editor() as editor:
        import_module("incoming.migrations.0002_inbox_rows_partner").partner_of_open_rows(live_apps, editor)

    assert InboxEntry.objects.get(kind="incoming", case_id=application.pk).partner_id == agreement.partner_id
    page = client.get(reverse("workflows:inbox"), {"partner": agreement.partner_id})
    assert [line["case_id"] for line in page.context["rows"]] == [application.pk]
