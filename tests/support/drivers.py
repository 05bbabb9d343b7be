"""Drivers that move a case through its flow by the public services, as a page or API call would: a ready or
submitted application, the open task of a case, one decision, and the three approvals of a mobility case."""

from viewflow.workflow.models import Task

from agreements.models import Agreement
from applications import services as application_services
from tests.support.factories import CallFactory, CallPlaceFactory, valid_application_fields
from tests.support.files import pdf_upload
from workflows.permissions import OPEN_TASK_STATUSES
from workflows.selectors import open_task_for_agreement, open_task_for_application
from workflows.services import case_document_attach, case_submit, task_decide

# The demo users who approve a Computer Engineering mobility case, in the order of its steps.
APPROVERS = ("coordinator_ce", "head_ce", "prorector")


def make_ready_application(world, applicant=None, *, choices=None, call=None):
    """A draft with every field and required document in place, ready to submit."""
    applicant = applicant or world.student1
    call = call or world.call
    choices = choices or [world.partners[0].pk]
    application = application_services.application_create(
        applicant=applicant, call=call, choices=choices, **valid_application_fields()
    )
    for kind in call.required_documents:
        case_document_attach(case=application, actor=applicant, kind=kind, file=pdf_upload())
    return application


def make_submitted_application(world, applicant=None, **kwargs):
    application = make_ready_application(world, applicant, **kwargs)
    return case_submit(case=application, actor=application.applicant)


def another_call(world):
    """One live application per applicant and call: lists of several cases need several calls."""
    call = CallFactory()
    for place in world.places:
        CallPlaceFactory(call=call, partner=place.partner, places=place.places)
    return call


def open_task(case) -> Task | None:
    """The open human task of an application or agreement (what its inbox row links to), or None."""
    if isinstance(case, Agreement):
        return open_task_for_agreement(agreement=case)
    return open_task_for_application(application=case)


def open_task_id(application_id) -> int:
    """The id of the application's one open review or revise task, found by the application's id alone."""
    return (
        Task.objects.filter(process__mobilityprocess__application_id=application_id, status__in=OPEN_TASK_STATUSES)
        .values_list("pk", flat=True)
        .get()
    )


def decide(user, case, decision="approve", comment="ok"):
    """`user` decides the open task of an application or agreement; returns the case as the service left it."""
    return task_decide(user=user, task_id=open_task(case).pk, decision=decision, comment=comment)


def approve_all(world, application, *, comments=None):
    """Coordinator, department head and prorector approve in turn (with `comments[username]`, else "ok")."""
    comments = comments or {}
    for username in APPROVERS:
        application = decide(getattr(world, username), application, "approve", comments.get(username, "ok"))
    return application
