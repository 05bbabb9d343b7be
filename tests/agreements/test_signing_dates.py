"""The signed copy of an agreement cannot carry a signing date earlier than the prorector's approval of the version
being signed: refused per field, with a code, in the service, the page and the API."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from agreements.models import AgreementEvent, AgreementStatus
from core.errors import ErrorCode
from tests.support.api import task_url, token_client
from tests.support.drivers import decide, open_task
from tests.support.files import pdf_upload
from tests.support.pages import text
from workflows import agreement as flow_steps
from workflows.services import case_submit

pytestmark = pytest.mark.django_db


def awaiting_signature(world, draft):
    agreement = case_submit(case=draft, actor=world.coordinator_ce)
    for user in (world.head_ce, world.prorector):
        agreement = decide(user, agreement)
    flow_steps.agreement_mark_sent(user=world.coordinator_ce, task_id=open_task(agreement).pk)
    return agreement


def test_a_signing_date_before_the_prorectors_approval_is_refused(world, draft):
    agreement = awaiting_signature(world, draft)
    approval = agreement.events.get(action=AgreementEvent.Action.APPROVED, step="prorector_review")
    approved_on = timezone.localdate(approval.created_at)
    day_before = approved_on - timedelta(days=1)

    with pytest.raises(ValidationError) as exc:
        flow_steps.agreement_record_signed(
            user=world.coordinator_ce,
            task_id=open_task(agreement).pk,
            our_signed_on=day_before,
            partner_signed_on=approved_on,
            file=pdf_upload("signed.pdf"),
        )

    errors = exc.value.error_dict
    assert set(errors) == {"our_signed_on"}
    [error] = errors["our_signed_on"]
    assert error.code == ErrorCode.SIGNED_BEFORE_APPROVAL
    assert list(error) == [
        "The signing date cannot be earlier than the prorector's approval of version 1 on "
        f"{date_format(approved_on, 'j F Y')}."
    ]
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.AWAITING_SIGNATURE and agreement.our_signed_on is None
    assert not agreement.events.filter(action=AgreementEvent.Action.SIGNED).exists()

    # the day of the approval itself is accepted
    agreement = flow_steps.agreement_record_signed(
        user=world.coordinator_ce,
        task_id=open_task(agreement).pk,
        our_signed_on=approved_on,
        partner_signed_on=approved_on,
        file=pdf_upload("signed.pdf"),
    )
    assert agreement.status == AgreementStatus.ACTIVE


def test_the_api_answers_the_field_and_its_code(world, draft):
    agreement = awaiting_signature(world, draft)
    client = token_client(world.coordinator_ce.username)
    earlier = (timezone.localdate() - timedelta(days=30)).isoformat()
    response = client.post(
        task_url(open_task(agreement).pk, "signed/"),
        {"our_signed_on": timezone.localdate().isoformat(), "partner_signed_on": earlier, "file": pdf_upload()},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert "partner_signed_on" in str(body) and "signed_before_approval" in str(body)


def test_the_task_page_shows_the_error_at_the_field(world, draft, client):
    agreement = awaiting_signature(world, draft)
    client.force_login(world.coordinator_ce)
    approved_on = timezone.localdate()
    earlier = approved_on - timedelta(days=3)
    task = open_task(agreement)
    response = client.post(
        reverse("workflows:task", args=[task.pk]),
        {
            "action": "record_signed",
            "task_id": task.pk,
            "our_signed_on": earlier.isoformat(),
            "partner_signed_on": approved_on.isoformat(),
            "file": pdf_upload("signed.pdf"),
        },
    )
    body = text(response)
    assert response.status_code == 400
    assert "cannot be earlier than the prorector&#x27;s approval of version 1" in body
    assert date_format(approved_on, "j F Y") in body
