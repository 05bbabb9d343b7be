"""Reads of workflow tasks: the inbox and permission-checked task access."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from accounts.roles import has_role, user_department_ids
from workflows.mobility import MobilityFlow
from workflows.permissions import OPEN_TASK_STATUSES, REVIEW_STEPS, can_view_task

_TASK_RELATED = (
    "process__mobilityprocess__application__applicant",
    "process__mobilityprocess__application__department",
    "process__mobilityprocess__application__call",
    "owner",
)


def inbox_tasks(*, user) -> QuerySet[Task]:
    """Open review tasks this user may decide, the longest-waiting first."""
    scope = Q(pk__in=[])
    departments = user_department_ids(user)
    for step, (role, scoped) in REVIEW_STEPS.items():
        if not has_role(user, role):
            continue
        step_q = Q(flow_task=getattr(MobilityFlow, step))
        if scoped:
            step_q &= Q(process__mobilityprocess__application__department_id__in=departments)
        scope |= step_q
    return (
        Task.objects.filter(scope, status__in=OPEN_TASK_STATUSES)
        .filter(Q(owner__isnull=True) | Q(owner=user))
        .select_related(*_TASK_RELATED)
        .order_by("created", "pk")
    )


def access_task(*, user, task_id) -> Task:
    """The task if the user may see its case; one 404 for missing and not-yours."""
    try:
        task = Task.objects.select_related(*_TASK_RELATED).get(pk=task_id)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such task."))
    if not hasattr(task.process, "mobilityprocess") or not can_view_task(user, task):
        raise Http404(_("No such task."))
    return task


def open_task_for_application(*, application) -> Task | None:
    process = getattr(application, "process", None) if application.pk else None
    if process is None:
        return None
    return (
        Task.objects.filter(process=process, status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN")
        .order_by("-created")
        .first()
    )
