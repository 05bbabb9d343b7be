"""The nodes every kind of case builds its flow from.

`CaseStep` is every human step. viewflow asks a node who may take and do its task (`can_assign`, `can_execute`):
this one answers with workflows.permissions.can_act, the predicate the inbox, pages, API and services use, so
viewflow's own views and ours never disagree (as viewflow's cookbook does for separation of duties). When the step
begins it puts the case in the step's status (the kind's table) and tells whoever may act (`step_enter`); flows
declare nodes only.

`CaseOutcome` is a final node: the kind's domain function that closes the case, and the status it leaves the case
in. With both, the kernel can tell where a decision leads before the flow moves on (`status_after_decision`), so the
decision's timeline line is written first and names the status the case goes to."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.shortcuts import redirect
from viewflow.workflow import flow


def task_page(request, *args, **kwargs):
    """The page where a human task is done: our own task page (it asks the kind how to show it)."""
    return redirect("workflows:task", task_id=kwargs["task_pk"])


def step_enter(activation) -> None:
    """A step begins: the case takes the step's status, and everyone who may act is told (with a due date)."""
    from workflows.kinds import kind_of_task
    from workflows.reminders import enter_step

    kind = kind_of_task(activation.task)
    step = kind.steps[activation.flow_task.name]
    case = getattr(activation.process, kind.case_attr)
    if step.status:
        kind.enter_status(case=case, status=step.status)
    enter_step(task=activation.task, case=case)


class CaseStep(flow.View):
    def __init__(self, view=task_page, **kwargs):
        super().__init__(view, **kwargs)
        self._on_create = step_enter

    def onCreate(self, ref):  # noqa: N802 (viewflow's name)
        raise TypeError("A CaseStep enters its step itself: declare the step's status in the kind's steps.")

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


class CaseOutcome(flow.Function):
    """A final node: `func(activation)` closes the case (approve, reject, activate, withdraw) and leaves it in
    `status`."""

    def __init__(self, func, *, status: str, **kwargs):
        super().__init__(func, **kwargs)
        self.case_status = status


def status_after_decision(*, node: Any, process: Any, steps: dict[str, Any]) -> str | None:
    """The status the case will be in once the flow moves on from the human step `node` with `process` as it is
    now (its decision and approvals set): the gateways are followed as viewflow follows them, up to the next
    `CaseStep` (its status from `steps`) or `CaseOutcome`. None where the flow leads elsewhere."""
    activation = SimpleNamespace(process=process)
    target = node._next
    for _ in range(50):  # a gateway chain is short; a cycle of gateways is a broken flow
        if not isinstance(target, flow.Switch):
            break
        chosen = None
        for candidate, condition in target._branches:
            if condition:
                if condition(activation):
                    chosen = candidate
                    break
            else:
                chosen = candidate
        target = chosen
    if isinstance(target, CaseStep):
        step = steps.get(target.name)
        return step.status if step is not None and step.status else None
    if isinstance(target, CaseOutcome):
        return target.case_status
    return None
