"""The approvers' shared pages: the task inbox, a task's page (its kind of case shows it) and the list of tasks
nobody may decide."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workflows.kinds import kind_of_task, step_of_task
from workflows.permissions import can_see_tasks_without_decider
from workflows.selectors import access_task, inbox_tasks, tasks_without_decider
from workflows.web import web_of


def inbox_row(task) -> dict:
    """One inbox line for a task of any kind of case: the case, its step, whom it concerns, its department and
    what it is about (the kind's inbox columns)."""
    kind = kind_of_task(task)
    case = kind.case_of(task)
    step = step_of_task(task)
    who, subject = kind.inbox_columns(case)
    return {
        "task": task,
        "kind": kind.key,
        "kind_label": kind.label,
        "case": case,
        "step": step.label if step else task.flow_task.name,
        "who": who,
        "subject": subject,
    }


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = [inbox_row(task) for task in inbox_tasks(user=request.user)]
    return render(request, "workflows/inbox.html", {"rows": rows})


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    """A task's page: its kind of case shows it (workflows.web)."""
    task = access_task(user=request.user, task_id=task_id)
    return web_of(kind_of_task(task).key).task_page(request, task)


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
