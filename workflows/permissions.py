"""Who may act on a workflow task: the one predicate used by the inbox, the decision page,
the API and the services that drive the flow."""

from viewflow.workflow.status import STATUS

from accounts.roles import Role, has_role, user_department_ids
from applications.permissions import can_view_application

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED)

# Review step -> (role that decides it, whether the case's department must be one of the user's)
REVIEW_STEPS = {
    "coordinator_review": (Role.COORDINATOR, True),
    "head_review": (Role.HEAD, True),
    "prorector_review": (Role.PRORECTOR, False),
}


def can_decide_step(user, *, step: str, department_id: int) -> bool:
    """Role and department check, without the task's state."""
    if not user.is_authenticated or step not in REVIEW_STEPS:
        return False
    role, scoped = REVIEW_STEPS[step]
    if not has_role(user, role):
        return False
    return not scoped or department_id in user_department_ids(user)


def can_decide(user, task) -> bool:
    """May this user approve, send back or reject this task right now?"""
    if task.status not in OPEN_TASK_STATUSES:
        return False
    if task.owner_id is not None and task.owner_id != user.pk:
        return False
    application = task.process.coerced.application
    return can_decide_step(user, step=task.flow_task.name, department_id=application.department_id)


def can_view_task(user, task) -> bool:
    return can_view_application(user, task.process.coerced.application)
