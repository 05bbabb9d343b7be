"""Who may act on a workflow task: the one predicate used by the inbox, the task pages, the API
and the services that drive the flows (viewflow does not enforce node permissions from code)."""

from viewflow.workflow.status import STATUS

from accounts.roles import has_role, user_department_ids
from agreements.permissions import can_view_agreement
from applications.permissions import can_view_application
from workflows.cases import AGREEMENT, APPLICATION, case_of_task, kind_of_task, step_of_task

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED)

# The mobility flow's review steps -> (role, department-scoped); kept for callers that only know mobility.
REVIEW_STEPS = {name: (step.role, step.department_scoped) for name, step in APPLICATION.steps.items()}


def can_decide_step(user, *, step: str, department_id: int, kind=APPLICATION, action: str | None = None) -> bool:
    """Role and department check for a step of a kind of case, without the task's state."""
    definition = kind.steps.get(step)
    if not user.is_authenticated or definition is None:
        return False
    if action is not None and action not in definition.actions:
        return False
    if not has_role(user, definition.role):
        return False
    return not definition.department_scoped or department_id in user_department_ids(user)


def can_act(user, task, action: str) -> bool:
    """May this user take `action` (a Decision value or a coordinator action) on this task right now?"""
    if task.status not in OPEN_TASK_STATUSES:
        return False
    if task.owner_id is not None and task.owner_id != user.pk:
        return False
    kind = kind_of_task(task)
    if kind is None:
        return False
    case = kind.case_of(task)
    return can_decide_step(user, step=task.flow_task.name, department_id=case.department_id, kind=kind, action=action)


def can_decide(user, task) -> bool:
    """May this user approve, send back or reject this review task right now?"""
    step = step_of_task(task)
    return step is not None and step.is_review and can_act(user, task, "approve")


def can_view_task(user, task) -> bool:
    kind = kind_of_task(task)
    if kind is APPLICATION:
        return can_view_application(user, case_of_task(task))
    if kind is AGREEMENT:
        return can_view_agreement(user, case_of_task(task))
    return False
