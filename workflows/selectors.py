"""Reads of workflow tasks: the inbox and permission-checked task access, for every kind of case."""

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from accounts.roles import has_role, user_department_ids
from workflows.cases import CASE_KINDS, kind_of_task
from workflows.permissions import OPEN_TASK_STATUSES, can_decide_step, can_view_task

_TASK_RELATED = (
    "process__mobilityprocess__application__applicant",
    "process__mobilityprocess__application__department",
    "process__mobilityprocess__application__call",
    "process__agreementprocess__agreement__partner",
    "process__agreementprocess__agreement__department",
    "owner",
)


def inbox_tasks(*, user) -> QuerySet[Task]:
    """Open tasks of every kind of case that this user may act on: the earliest due first (so overdue ones
    lead; a step without a due date comes after those with one), then the longest-waiting."""
    scope = Q(pk__in=[])
    departments = user_department_ids(user)
    for kind in CASE_KINDS:
        for name, step in kind.steps.items():
            if not has_role(user, step.role):
                continue
            step_q = Q(flow_task=getattr(kind.flow, name))
            if step.department_scoped:
                step_q &= Q(**{f"process__{kind.process_attr}__{kind.case_attr}__department_id__in": departments})
            scope |= step_q
    return (
        Task.objects.filter(scope, status__in=OPEN_TASK_STATUSES)
        .filter(Q(owner__isnull=True) | Q(owner=user))
        .select_related(*_TASK_RELATED, "deadline")
        .order_by(F("deadline__due_at").asc(nulls_last=True), "created", "pk")
    )


def access_task(*, user, task_id) -> Task:
    """The task if the user may see its case; one 404 for missing and not-yours."""
    try:
        task = Task.objects.select_related(*_TASK_RELATED).get(pk=task_id)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such task."))
    if kind_of_task(task) is None or not can_view_task(user, task):
        raise Http404(_("No such task."))
    return task


def _open_human_task(process) -> Task | None:
    if process is None:
        return None
    return (
        Task.objects.filter(process=process, status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN")
        .order_by("-created")
        .first()
    )


def open_task_for_application(*, application) -> Task | None:
    return _open_human_task(getattr(application, "process", None) if application.pk else None)


def open_task_for_agreement(*, agreement) -> Task | None:
    return _open_human_task(getattr(agreement, "process", None) if agreement.pk else None)


def step_deciders(*, kind, step: str, department_id: int) -> list:
    """Active users who may act on this step of this kind of case in this department: can_decide_step over
    the users holding the step's role (and the department, when the step is scoped)."""
    definition = kind.steps.get(step)
    if definition is None:
        return []
    users = get_user_model().objects.filter(is_active=True, groups__name=definition.role)
    if definition.department_scoped:
        users = users.filter(departments=department_id)
    users = users.distinct().order_by("pk").prefetch_related("groups")
    return [user for user in users if can_decide_step(user, step=step, department_id=department_id, kind=kind)]


def task_deciders(*, task: Task) -> list:
    """Who may act on this open task now: its owner once someone took it, otherwise everyone allowed."""
    kind = kind_of_task(task)
    if kind is None:
        return []
    department_id = kind.case_of(task).department_id
    deciders = step_deciders(kind=kind, step=task.flow_task.name, department_id=department_id)
    if task.owner_id is not None:
        return [user for user in deciders if user.pk == task.owner_id]
    return deciders
