"""The node every human step of a kind of case uses. viewflow asks a node who may take and do its task
(`can_assign`, `can_execute`): this one answers with workflows.permissions.can_act, the predicate the inbox, pages,
API and services use, so viewflow's own views and ours never disagree (as viewflow's cookbook does for separation
of duties). Flows declare nodes only; who acts on each step is the kind's table (workflows/kinds.py)."""

from django.shortcuts import redirect
from viewflow.workflow import flow


def task_page(request, *args, **kwargs):
    """The page where a human task is done: our own task page (it asks the kind how to show it)."""
    return redirect("workflows:task", task_id=kwargs["task_pk"])


class CaseStep(flow.View):
    def __init__(self, view=task_page, **kwargs):
        super().__init__(view, **kwargs)

    @staticmethod
    def _may_act(user, task) -> bool:
        from workflows.kinds import step_of_task
        from workflows.permissions import can_act

        step = step_of_task(task)
        return step is not None and any(can_act(user, task, action) for action in step.actions)

    def can_assign(self, user, task):
        return task.owner_id is None and self._may_act(user, task)

    def can_execute(self, user, task):
        return task.owner_id == getattr(user, "pk", None) and self._may_act(user, task)
