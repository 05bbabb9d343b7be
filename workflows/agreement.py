"""The agreement flow: coordinator drafts → department head → prorector → sent to the partner → signed copy
uploaded → active; its coordinator steps (mark sent, record the signed copy); and its registration as the kind of
case "agreement". Approvals are bound to the version of the terms they approved: after a send-back, the case
returns to the first step whose approval no longer matches the current version."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import this
from viewflow.workflow import flow

from accounts.roles import Role
from agreements import services as agreement_services
from agreements.models import Agreement, AgreementEvent, AgreementStatus
from agreements.permissions import can_view_agreement
from agreements.selectors import agreement_events
from core.errors import ErrorCode
from documents.services import atomic_storing, letter_schedule
from workflows import kinds, locks
from workflows.models import AgreementProcess, Decision
from workflows.nodes import CaseEnd, CaseOutcome, CaseStep, CaseSwitch, decided
from workflows.services import task_complete

# Actions of the coordinator steps besides sending back to the draft.
MARK_SENT = "mark_sent"
RECORD_SIGNED = "record_signed"


def approval_is_bound(process, step: str) -> bool:
    """Did `step` approve the current version of the terms (by hash)?"""
    return getattr(process, f"{step}_sha256") == process.agreement.current_version.sha256


def _needs(step):
    return lambda activation: not approval_is_bound(activation.process, step)


class AgreementFlow(flow.Flow):
    process_class = AgreementProcess
    lock_impl = locks.select_for_update_lock
    process_title = gettext_lazy("Agreement")
    process_description = gettext_lazy("An agreement with a partner institution through approval and signature.")

    start = flow.StartHandle(this.start_case).Next(this.route)

    # The first step whose approval does not cover the current version of the terms.
    route = (
        CaseSwitch()
        .Case(this.head_review, _needs("head_review"))
        .Case(this.prorector_review, _needs("prorector_review"))
        .Default(this.send_to_partner)
    )

    head_review = CaseStep().Next(this.after_head_review)
    after_head_review = (
        CaseSwitch()
        .Case(this.route, decided(Decision.APPROVE))
        .Case(this.revise, decided(Decision.REQUEST_CHANGES))
        .Default(this.withdraw)
    )

    prorector_review = CaseStep().Next(this.after_prorector_review)
    after_prorector_review = (
        CaseSwitch()
        .Case(this.route, decided(Decision.APPROVE))
        .Case(this.revise, decided(Decision.REQUEST_CHANGES))
        .Default(this.withdraw)
    )

    # Sent back: a coordinator of the department revises the draft and resubmits.
    revise = CaseStep().Next(this.route)

    # The coordinator records that the approved text went to the partner (or sends it back to the draft).
    send_to_partner = CaseStep().Next(this.after_send_to_partner)
    after_send_to_partner = (
        CaseSwitch().Case(this.revise, decided(Decision.REQUEST_CHANGES)).Default(this.upload_signed)
    )

    # The coordinator uploads the copy signed by both sides, with the signing dates.
    upload_signed = CaseStep().Next(this.after_upload_signed)
    after_upload_signed = CaseSwitch().Case(this.revise, decided(Decision.REQUEST_CHANGES)).Default(this.activate)

    activate = CaseOutcome(this.activate_agreement, status=AgreementStatus.ACTIVE).Next(this.end)
    withdraw = CaseOutcome(this.withdraw_agreement, status=AgreementStatus.WITHDRAWN).Next(this.end)
    end = CaseEnd()

    def start_case(self, activation, *, agreement):
        activation.process.agreement = agreement
        return activation.process

    def activate_agreement(self, activation):
        agreement_services.agreement_activate(agreement=activation.process.agreement)

    def withdraw_agreement(self, activation):
        agreement_services.agreement_withdraw(agreement=activation.process.agreement)


# --- the coordinator steps -----------------------------------------------------------------------


def agreement_mark_sent(*, user, task_id, comment: str = "") -> Agreement:
    """The coordinator records that the approved text was sent to the partner for signature."""

    def mark(process, agreement, step):
        process.last_decision = ""
        process.save(update_fields=["last_decision"])
        agreement.sent_to_partner_at = timezone.now()
        agreement.save(update_fields=["sent_to_partner_at", "updated_at"])
        agreement_services.agreement_event_record(
            agreement=agreement,
            action=AgreementEvent.Action.SENT_TO_PARTNER,
            actor=user,
            step=step,
            comment=(comment or "").strip(),
            status_before=agreement.status,
        )

    return task_complete(user=user, task_id=task_id, action=MARK_SENT, before_execute=mark).case


def agreement_record_signed(*, user, task_id, our_signed_on, partner_signed_on, file, comment: str = "") -> Agreement:
    """The coordinator uploads the copy signed by both sides; the agreement becomes active."""
    errors: dict[str, list[ValidationError]] = {}
    today = timezone.localdate()
    for field, value in (("our_signed_on", our_signed_on), ("partner_signed_on", partner_signed_on)):
        if value is None:
            errors[field] = [ValidationError(_("Give the signing date."), code=ErrorCode.REQUIRED)]
        elif value > today:
            errors[field] = [ValidationError(_("A signing date cannot be in the future."), code=ErrorCode.SIGNING_DATE)]
    if file is None:
        errors["file"] = [ValidationError(_("Upload the copy signed by both sides."), code=ErrorCode.FILE_MISSING)]
    if errors:
        raise ValidationError(errors)

    def record(process, agreement, step):
        # Checked on the locked agreement: no side signs a version before the prorector approved it.
        agreement_services.agreement_signing_dates_check(
            agreement=agreement, our_signed_on=our_signed_on, partner_signed_on=partner_signed_on
        )
        process.last_decision = ""
        process.save(update_fields=["last_decision"])
        agreement.our_signed_on = our_signed_on
        agreement.partner_signed_on = partner_signed_on
        agreement.save(update_fields=["our_signed_on", "partner_signed_on", "updated_at"])
        document = agreement_services.agreement_signed_copy_store(agreement=agreement, actor=user, file=file)
        # Recorded before the flow moves on, so "signed" precedes "activated" in the timeline.
        agreement_services.agreement_event_record(
            agreement=agreement,
            action=AgreementEvent.Action.SIGNED,
            actor=user,
            step=step,
            comment=(comment or "").strip(),
            status_before=agreement.status,
            data={
                "our_signed_on": our_signed_on.isoformat(),
                "partner_signed_on": partner_signed_on.isoformat(),
                "document_id": document.pk,
                "sha256": document.sha256,
            },
        )

    # atomic_storing: if the step fails after the file was stored, the stored object goes too.
    with atomic_storing():
        agreement = task_complete(user=user, task_id=task_id, action=RECORD_SIGNED, before_execute=record).case
    agreement.refresh_from_db()
    return agreement


# --- the kind ------------------------------------------------------------------------------------


def _bind_approval(*, process, case, step) -> list[str]:
    # Bind the approval to the version it approved; the flow routes on it (`route` above).
    setattr(process, f"{step}_sha256", case.current_version.sha256)
    return [f"{step}_sha256"]


def _after_decision(*, case, step, decision, event) -> None:
    if step == "prorector_review" and decision == Decision.APPROVE:
        letter_schedule(case=case, purpose=agreement_services.AGREEMENT_APPROVAL)


AGREEMENT = kinds.register(
    kinds.CaseKind(
        key="agreement",
        label=gettext_lazy("Agreement"),
        flow=AgreementFlow,
        process_attr="agreementprocess",
        case_attr="agreement",
        steps={
            "head_review": kinds.review(
                Role.HEAD, gettext_lazy("Department head review"), status=AgreementStatus.IN_APPROVAL
            ),
            "prorector_review": kinds.review(
                Role.PRORECTOR,
                gettext_lazy("Prorector review"),
                status=AgreementStatus.IN_APPROVAL,
                department_scoped=False,
            ),
            "revise": kinds.revision(
                gettext_lazy("Revise the draft"), status=AgreementStatus.DRAFT, role=Role.COORDINATOR
            ),
            "send_to_partner": kinds.Step(
                Role.COORDINATOR,
                True,
                frozenset({MARK_SENT, Decision.REQUEST_CHANGES}),
                gettext_lazy("Send to the partner"),
                status=AgreementStatus.AWAITING_SIGNATURE,
            ),
            "upload_signed": kinds.Step(
                Role.COORDINATOR,
                True,
                frozenset({RECORD_SIGNED, Decision.REQUEST_CHANGES}),
                gettext_lazy("Upload the signed copy"),
                status=AgreementStatus.AWAITING_SIGNATURE,
            ),
        },
        can_view=can_view_agreement,
        submit=lambda *, case, actor: agreement_services.agreement_submit(agreement=case, actor=actor),
        submitted=lambda *, case, **fields: agreement_services.agreement_submitted_record(agreement=case, **fields),
        record_event=lambda *, case, **fields: agreement_services.agreement_event_record(agreement=case, **fields),
        decision_events={
            Decision.APPROVE: AgreementEvent.Action.APPROVED,
            Decision.REQUEST_CHANGES: AgreementEvent.Action.CHANGES_REQUESTED,
            Decision.REJECT: AgreementEvent.Action.REJECTED,
        },
        inbox_columns=lambda case: (case.partner.name, case.title),
        related=("partner", "department", "current_version"),
        search_fields=("title", "number", "partner__name"),
        parties=("created_by", "current_version__created_by"),
        party_refusal=gettext_lazy("You cannot approve terms that you drafted or last changed."),
        on_approve=_bind_approval,
        after_decision=_after_decision,
        events=lambda case: agreement_events(agreement=case),
        documents=kinds.CaseDocuments(
            upload_kinds=agreement_services.AGREEMENT_UPLOAD_KINDS,
            attach_check=agreement_services.agreement_document_attach_check,
            uploaded_event=AgreementEvent.Action.DOCUMENT_UPLOADED,
        ),
    )
)
