"""The mobility application flow: coordinator → department head → prorector, each of whom may
approve, send back to the applicant, or reject. Node handlers call applications.services."""

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from applications import services as application_services
from applications.models import ApplicationStatus
from workflows import locks
from workflows.models import Decision, MobilityProcess


def task_page(request, *args, **kwargs):
    """The page where a human task of this flow is done: our own decision page."""
    return redirect("workflows:task", task_id=kwargs["task_pk"])


def _department(process):
    return process.application.department


def _decided(decision):
    return lambda activation: activation.process.last_decision == decision


# The application status each human step puts the case in while it waits there.
STEP_STATUS = {
    "coordinator_review": ApplicationStatus.COORDINATOR_REVIEW,
    "head_review": ApplicationStatus.HEAD_REVIEW,
    "prorector_review": ApplicationStatus.PRORECTOR_REVIEW,
    "revise": ApplicationStatus.CHANGES_REQUESTED,
}

# The permission each review step requires (granted to a role by accounts' setup_roles);
# the department scope is checked by workflows.permissions.can_decide.
STEP_PERMISSION = {
    "coordinator_review": "applications.decide_coordinator_review",
    "head_review": "applications.decide_head_review",
    "prorector_review": "applications.decide_prorector_review",
}


class MobilityFlow(flow.Flow):
    process_class = MobilityProcess
    # Our savepoint-safe variant of viewflow's select_for_update_lock (see workflows/locks.py).
    lock_impl = locks.select_for_update_lock
    process_title = _("Mobility application")
    process_description = _("A student's or staff member's mobility application through its approval chain.")

    start = flow.StartHandle(this.start_case).Next(this.coordinator_review)

    coordinator_review = (
        flow.View(task_page)
        .Permission(STEP_PERMISSION["coordinator_review"], obj=_department)
        .onCreate(this.enter_step)
        .Next(this.after_coordinator_review)
    )
    after_coordinator_review = (
        flow.Switch()
        .Case(this.head_review, _decided(Decision.APPROVE))
        .Case(this.revise, _decided(Decision.REQUEST_CHANGES))
        .Default(this.reject)
    )

    head_review = (
        flow.View(task_page)
        .Permission(STEP_PERMISSION["head_review"], obj=_department)
        .onCreate(this.enter_step)
        .Next(this.after_head_review)
    )
    after_head_review = (
        flow.Switch()
        .Case(this.prorector_review, _decided(Decision.APPROVE))
        .Case(this.revise, _decided(Decision.REQUEST_CHANGES))
        .Default(this.reject)
    )

    prorector_review = (
        flow.View(task_page)
        .Permission(STEP_PERMISSION["prorector_review"], obj=_department)
        .onCreate(this.enter_step)
        .Next(this.after_prorector_review)
    )
    after_prorector_review = (
        flow.Switch()
        .Case(this.approve, _decided(Decision.APPROVE))
        .Case(this.revise, _decided(Decision.REQUEST_CHANGES))
        .Default(this.reject)
    )

    # Sent back: the applicant revises and resubmits; the case returns to coordinator review.
    revise = (
        flow.View(task_page)
        .Assign(lambda activation: activation.process.application.applicant)
        .onCreate(this.enter_step)
        .Next(this.coordinator_review)
    )

    approve = flow.Function(this.approve_case).Next(this.end)
    reject = flow.Function(this.reject_case).Next(this.end)
    end = flow.End()

    def start_case(self, activation, *, application):
        activation.process.application = application
        return activation.process

    def enter_step(self, activation):
        application_services.application_enter_status(
            application=activation.process.application, status=STEP_STATUS[activation.flow_task.name]
        )
        if activation.flow_task.name in STEP_PERMISSION:
            # Late import: notifications reads workflows.selectors, which imports this module.
            from notifications import services as notification_services

            notification_services.task_deadline_start(task=activation.task)
            notification_services.task_available_notify(task=activation.task)

    def approve_case(self, activation):
        # Runs inside the prorector's decision transaction: if no place is left the
        # exception rolls the whole decision back and the case stays with the prorector.
        application_services.application_approve(application=activation.process.application)
        application_services.decision_letter_schedule(application=activation.process.application)

    def reject_case(self, activation):
        application_services.application_enter_status(
            application=activation.process.application, status=ApplicationStatus.REJECTED, final=True
        )
        application_services.decision_letter_schedule(application=activation.process.application)
