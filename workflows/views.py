"""The approvers' pages: the task inbox and the task page with the case and the decision form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from agreements.views import agreement_task
from applications.selectors import access_application
from applications.views import case_context, step_label
from core.errors import Conflict
from workflows.cases import AGREEMENT, kind_of_task, step_of_task
from workflows.forms import DecisionForm
from workflows.models import Decision
from workflows.permissions import (
    OPEN_TASK_STATUSES,
    REVIEW_STEPS,
    can_decide,
    can_see_tasks_without_decider,
    decide_refusal,
)
from workflows.selectors import access_task, inbox_tasks, tasks_without_decider
from workflows.services import task_decide


def inbox_row(task) -> dict:
    """One inbox line for a task of either kind of case: the case, its step, who or which partner it
    concerns, its department and what it is about (the call, or the agreement's title)."""
    kind = kind_of_task(task)
    case = kind.case_of(task)
    step = step_of_task(task)
    row = {"task": task, "kind": kind.key, "case": case, "step": step.label if step else task.flow_task.name}
    if kind is AGREEMENT:
        row.update(kind_label=_("Agreement"), who=case.partner.name, subject=case.title)
    else:
        row.update(kind_label=_("Application"), who=case.applicant, subject=case.call.title, application=case)
    return row


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = [inbox_row(task) for task in inbox_tasks(user=request.user)]
    return render(request, "workflows/inbox.html", {"rows": rows})


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = access_task(user=request.user, task_id=task_id)
    if kind_of_task(task) is AGREEMENT:
        return agreement_task(request, task)
    application = access_application(user=request.user, application_id=task.process.mobilityprocess.application_id)
    if task.flow_task.name not in REVIEW_STEPS:
        # The applicant's own "revise" step is done from the application page.
        return redirect(application)
    form = DecisionForm(request.POST or None, initial={"task_id": task.pk})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["task_id"] != task.pk:
            form.add_error(None, _("This form belongs to another task. Reload the page."))
        else:
            decision = form.cleaned_data["decision"]
            try:
                task_decide(user=request.user, task_id=task.pk, decision=decision, comment=form.cleaned_data["comment"])
            except ValidationError as error:
                form.add_service_errors(error)
            except Conflict as conflict:
                messages.error(request, conflict.message)
                return redirect("workflows:task", task_id=task.pk)
            else:
                messages.success(
                    request,
                    _("Decision recorded: %(decision)s — application #%(pk)s of %(applicant)s.")
                    % {"decision": Decision(decision).label, "pk": application.pk, "applicant": application.applicant},
                )
                return redirect("workflows:inbox")
    context = case_context(user=request.user, application=application)
    context.update(
        task=task,
        step=step_label(task.flow_task.name),
        task_open=task.status in OPEN_TASK_STATUSES,
        can_decide=can_decide(request.user, task),
        refusal=decide_refusal(request.user, task),
        form=form,
    )
    return render(request, "workflows/task.html", context, status=400 if form.is_bound else 200)


@login_required
def without_decider(request: HttpRequest) -> HttpResponse:
    """For administrators: open review tasks that nobody may decide (no holder of the role, or separation of
    duties excludes every one), so that no case waits unseen."""
    if not can_see_tasks_without_decider(request.user):
        raise PermissionDenied
    rows = []
    for task, case in tasks_without_decider():
        row = inbox_row(task)
        row["case"] = case
        rows.append(row)
    return render(request, "workflows/without_decider.html", {"rows": rows})
