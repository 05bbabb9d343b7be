"""The agreement flow: coordinator drafts → department head → prorector → sent to the partner →
signed copy uploaded → active. Approvals are bound to the version of the terms they approved: after a
send-back, the case returns to the first step whose approval no longer matches the current version."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from agreements import services as agreement_services
from agreements.models import AgreementStatus
from workflows import locks
from workflows.mobility import task_page
from workflows.models import AgreementProcess, Decision


def _department(process):
    return process.agreement.department


def _decided(decision):
    return lambda activation: activation.process.last_decision == decision


def approval_is_bound(process, step: str) -> bool:
    """Did `step` approve the current version of the terms (by hash)?"""
    return getattr(process, f"{step}_sha256") == process.agreement.current_version.sha256


def _needs(step):
    return lambda activation: not approval_is_bound(activation.process, step)


STEP_STATUS = {
    "head_review": AgreementStatus.IN_APPROVAL,
    "prorector_review": AgreementStatus.IN_APPROVAL,
    "revise": AgreementStatus.DRAFT,
    "send_to_partner": AgreementStatus.AWAITING_SIGNATURE,
    "upload_signed": AgreementStatus.AWAITING_SIGNATURE,
}


class AgreementFlow(flow.Flow):
    process_class = AgreementProcess
    lock_impl = locks.select_for_update_lock
    process_title = _("Agreement")
    process_description = _("An agreement with a partner institution through approval and signature.")

    start = flow.StartHandle(this.start_case).Next(this.route)

    # The first step whose approval does not cover the current version of the terms.
    route = (
        flow.Switch()
        .Case(this.head_review, _needs("head_review"))
        .Case(this.prorector_review, _needs("prorector_review"))
        .Default(this.send_to_partner)
    )

    head_review = (
        flow.View(task_page)
        .Permission("agreements.decide_agreement_head_review", obj=_department)
        .onCreate(this.enter_step)
        .Next(this.after_head_review)
    )
    after_head_review = (
        flow.Switch()
        .Case(this.route, _decided(Decision.APPROVE))
        .Case(this.revise, _decided(Decision.REQUEST_CHANGES))
        .Default(this.withdraw)
    )

    prorector_review = (
        flow.View(task_page)
        .Permission("agreements.decide_agreement_prorector_review", obj=_department)
        .onCreate(this.enter_step)
        .Next(this.after_prorector_review)
    )
    after_prorector_review = (
        flow.Switch()
        .Case(this.route, _decided(Decision.APPROVE))
        .Case(this.revise, _decided(Decision.REQUEST_CHANGES))
        .Default(this.withdraw)
    )

    # Sent back: a coordinator of the department revises the draft and resubmits.
    revise = (
        flow.View(task_page)
        .Permission("agreements.change_agreement", obj=_department)
        .onCreate(this.enter_step)
        .Next(this.route)
    )

    # The coordinator records that the approved text went to the partner (or sends it back to the draft).
    send_to_partner = (
        flow.View(task_page)
        .Permission("agreements.change_agreement", obj=_department)
        .onCreate(this.enter_step)
        .Next(this.after_send_to_partner)
    )
    after_send_to_partner = (
        flow.Switch().Case(this.revise, _decided(Decision.REQUEST_CHANGES)).Default(this.upload_signed)
    )

    # The coordinator uploads the copy signed by both sides, with the signing dates.
    upload_signed = (
        flow.View(task_page)
        .Permission("agreements.change_agreement", obj=_department)
        .onCreate(this.enter_step)
        .Next(this.after_upload_signed)
    )
    after_upload_signed = flow.Switch().Case(this.revise, _decided(Decision.REQUEST_CHANGES)).Default(this.activate)

    activate = flow.Function(this.activate_agreement).Next(this.end)
    withdraw = flow.Function(this.withdraw_agreement).Next(this.end)
    end = flow.End()

    def start_case(self, activation, *, agreement):
        activation.process.agreement = agreement
        return activation.process

    def enter_step(self, activation):
        agreement_services.agreement_enter_status(
            agreement=activation.process.agreement, status=STEP_STATUS[activation.flow_task.name]
        )
        # Late import: notifications reads workflows.selectors, which imports this module.
        from notifications import services as notification_services

        notification_services.task_deadline_start(task=activation.task)
        notification_services.task_available_notify(task=activation.task)

    def activate_agreement(self, activation):
        agreement_services.agreement_activate(agreement=activation.process.agreement)

    def withdraw_agreement(self, activation):
        agreement_services.agreement_withdraw(agreement=activation.process.agreement)
