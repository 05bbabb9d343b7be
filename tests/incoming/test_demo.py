"""The demo: TU Berlin's agreement has an incoming quota and its coordinator's invitation exists, its link emailed;
the link opens the partner's page. Loading twice makes one invitation."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from incoming.models import PartnerInvitation

pytestmark = pytest.mark.django_db


def test_the_demo_invites_tu_berlin(settings, client):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    invitation = PartnerInvitation.objects.get()
    assert invitation.agreement.partner.erasmus_code == "D  BERLIN02"
    assert invitation.agreement.quotas.filter(direction="incoming", academic_year="2026/27", places__gt=0).exists()
    sent = [m for m in mail.outbox if invitation.coordinator_email in m.to]
    assert len(sent) == 1
    token = re.search(r"/incoming/partner/(\S+?)/", sent[0].body).group(1)
    assert client.get(reverse("incoming:partner", args=[token])).status_code == 200
