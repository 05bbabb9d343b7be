"""The agreement flow through its services: approval chain, version binding, signature, withdrawal."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from agreements import services
from agreements.models import AgreementStatus
from core.errors import AgreementAlreadySubmitted, TaskAlreadyDecided
from notifications.models import Notification
from tests.support.drivers import decide
from tests.support.files import pdf_upload
from workflows import agreement as flow_steps
from workflows import services as flow_services
from workflows.selectors import inbox_tasks, open_task_for_agreement
from workflows.services import case_submit

pytestmark = pytest.mark.django_db


def step_of(agreement):
    task = open_task_for_agreement(agreement=agreement)
    return task.flow_task.name if task else None


def test_draft_to_active_through_head_prorector_and_signature(world, draft):
    agreement = case_submit(case=draft, actor=world.coordinator_ce)
    assert agreement.status == AgreementStatus.IN_APPROVAL and step_of(agreement) == "head_review"
    assert inbox_tasks(user=world.head_ce).count() == 1
    assert not inbox_tasks(user=world.head_math).exists()
    told = Notification.objects.filter(kind="task_available", channel="in_app")
    assert list(told.values_list("recipient__username", flat=True)) == ["head_ce"]
    agreement = decide(world.head_ce, agreement, "approve")
    assert step_of(agreement) == "prorector_review"
    agreement = decide(world.prorector, agreement, "approve")
    assert agreement.status == AgreementStatus.AWAITING_SIGNATURE and step_of(agreement) == "send_to_partner"
    task = open_task_for_agreement(agreement=agreement)
    assert task in inbox_tasks(user=world.coordinator_ce)
    assert task not in inbox_tasks(user=world.coordinator_math)
    agreement = flow_steps.agreement_mark_sent(user=world.coordinator_ce, task_id=task.pk)
    assert agreement.sent_to_partner_at is not None and step_of(agreement) == "upload_signed"
    task = open_task_for_agreement(agreement=agreement)
    agreement = flow_steps.agreement_record_signed(
        user=world.coordinator_ce,
        task_id=task.pk,
        our_signed_on=timezone.localdate(),
        partner_signed_on=timezone.localdate(),
        file=pdf_upload("signed.pdf"),
    )
    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.quotas.count() == 4
    assert agreement.process.status == "DONE"
    events = list(agreement.events.values_list("action", "step", "version__number"))
    assert [e[0] for e in events] == [
        "created",
        "submitted",
        "approved",
        "approved",
        "sent_to_partner",
        "signed",
        "activated",
    ]
    approvals = agreement.events.filter(action="approved")
    assert {e.version_sha256 for e in approvals} == {agreement.current_version.sha256}


def test_an_edit_of_the_terms_after_the_heads_approval_needs_the_head_again(world, draft):
    agreement = case_submit(case=draft, actor=world.coordinator_ce)
    agreement = decide(world.head_ce, agreement, "approve")
    agreement = decide(world.prorector, agreement, "request_changes", "Limit to 1 mobility per year")
    assert agreement.status == AgreementStatus.DRAFT and step_of(agreement) == "revise"
    conditions = agreement.current_version.terms["conditions"]
    conditions[1]["mobilities_per_year"] = 1
    conditions[0]["mobilities_per_year"] = 1
    services.agreement_update(agreement=agreement, actor=world.coordinator_ce, conditions=conditions)
    agreement = case_submit(case=agreement, actor=world.coordinator_ce)
    assert agreement.current_version.number == 2
    assert step_of(agreement) == "head_review"


def test_a_send_back_without_term_changes_returns_to_the_step_that_sent_it(world, draft):
    agreement = case_submit(case=draft, actor=world.coordinator_ce)
    agreement = decide(world.head_ce, agreement, "approve")
    agreement = decide(world.prorector, agreement, "request_changes", "Name the partner's signatory")
    services.agreement_update(agreement=agreement, actor=world.coordinator_ce, partner_signatory_name="Prof. Weber")
    agreement = case_submit(case=agreement, actor=world.coordinator_ce)
    assert agreement.current_version.number == 1
    assert step_of(agreement) == "prorector_review"
    assert list(agreement.events.values_list("action", flat=True))[-2:] == ["info_changed", "resubmitted"]


def test_rejection_withdraws_the_draft(world, draft):
    agreement = case_submit(case=draft, actor=world.coordinator_ce)
    with pytest.raises(ValidationError):
        decide(world.head_ce, agreement, "reject", "")
    agreement = decide(world.head_ce, agreement, "reject", "We already have an agreement with them")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.WITHDRAWN
    assert step_of(agreement) is None
    with pytest.raises(AgreementAlreadySubmitted):
        case_submit(case=agreement, actor=world.coordinator_ce)


def test_only_the_right_people_act_and_nothing_twice(world, draft):
    agreement = case_submit(case=draft, actor=world.coordinator_ce)
    task = open_task_for_agreement(agreement=agreement)
    for user in (world.coordinator_math, world.head_math, world.student1):
        with pytest.raises(Http404):
            flow_services.task_decide(user=user, task_id=task.pk, decision="approve")
    for user in (world.coordinator_ce, world.prorector, world.auditor):
        with pytest.raises(PermissionDenied):
            flow_services.task_decide(user=user, task_id=task.pk, decision="approve")
    with pytest.raises(PermissionDenied):
        flow_steps.agreement_mark_sent(user=world.coordinator_ce, task_id=task.pk)
    flow_services.task_decide(user=world.head_ce, task_id=task.pk, decision="approve")
    with pytest.raises(TaskAlreadyDecided):
        flow_services.task_decide(user=world.head_ce, task_id=task.pk, decision="approve")
    with pytest.raises(AgreementAlreadySubmitted):
        case_submit(case=agreement, actor=world.coordinator_ce)


def test_signature_needs_dates_and_a_sound_file(world, draft):
    agreement = case_submit(case=draft, actor=world.coordinator_ce)
    agreement = decide(world.head_ce, agreement, "approve")
    agreement = decide(world.prorector, agreement, "approve")
    task = open_task_for_agreement(agreement=agreement)
    flow_steps.agreement_mark_sent(user=world.coordinator_ce, task_id=task.pk)
    task = open_task_for_agreement(agreement=agreement)
    with pytest.raises(ValidationError) as exc:
        flow_steps.agreement_record_signed(
            user=world.coordinator_ce,
            task_id=task.pk,
            our_signed_on=None,
            partner_signed_on=date(2999, 1, 1),
            file=None,
        )
    assert {"our_signed_on", "partner_signed_on", "file"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        flow_steps.agreement_record_signed(
            user=world.coordinator_ce,
            task_id=task.pk,
            our_signed_on=timezone.localdate(),
            partner_signed_on=timezone.localdate(),
            file=SimpleUploadedFile("signed.pdf", b"<html>not a pdf</html>"),
        )
    assert "file" in exc.value.message_dict
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.AWAITING_SIGNATURE and step_of(agreement) == "upload_signed"
