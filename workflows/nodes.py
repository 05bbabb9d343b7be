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

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.shortcuts import redirect
from django.utils.timezone import now
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.context import context
from viewflow.workflow.nodes.end import EndActivation
from viewflow.workflow.nodes.func import FunctionActivation
from viewflow.workflow.nodes.switch import SwitchActivation
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import flow_finished, task_finished, task_started
from viewflow.workflow.status import PROCESS


def task_page(request, *args, **kwargs):
    """The page where a human task is done: our own task page (it asks the kind how to show it)."""
    return redirect("workflows:task", task_id=kwargs["task_pk"])


def step_enter(activation) -> None:
    """A step begins: the case takes the step's status, everyone who may act is told (with a due date), and the
    task enters the inbox table (a step somebody acts on by role: an applicant's own revision is not listed)."""
    from workflows.inbox import inbox_entry_add
    from workflows.kinds import kind_of_task
    from workflows.reminders import enter_step

    kind = kind_of_task(activation.task)
    step = kind.steps[activation.flow_task.name]
    case = getattr(activation.process, kind.case_attr)
    if step.status:
        kind.enter_status(case=case, status=step.status)
    due_at = enter_step(task=activation.task, case=case)
    if step.role is not None:
        inbox_entry_add(task=activation.task, kind=kind, case=case, due_at=due_at)


def step_leave(task) -> None:
    """A human step's task ended (done or cancelled): it leaves the inbox table."""
    from workflows.inbox import inbox_entry_remove
    from workflows.kinds import step_of_task

    step = step_of_task(task)
    if step is None or step.role is not None:
        inbox_entry_remove(task=task)


class CaseStepActivation(ViewActivation):
    """A human step's activation: its task leaves the inbox table whichever way it ends, and the table follows
    who took it."""

    @Activation.status.super()
    def complete(self):
        super().complete.original()
        step_leave(self.task)

    @Activation.status.super()
    def cancel(self):
        super().cancel.original()
        step_leave(self.task)

    @Activation.status.super()
    def assign(self, user):
        super().assign.original(user)
        _owner_changed(self.task)

    @Activation.status.super()
    def unassign(self):
        super().unassign.original()
        _owner_changed(self.task)

    @Activation.status.super()
    def reassign(self, user=None):
        super().reassign.original(user)
        _owner_changed(self.task)


def _owner_changed(task) -> None:
    from workflows.inbox import inbox_entry_owner

    inbox_entry_owner(task=task)


class CaseStep(flow.View):
    activation_class = CaseStepActivation

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


class _WrittenOnce:
    """An automatic node's task (a gateway, a final function, the end) written once, done, as the node completes:
    viewflow inserts it new, wraps its work in a savepoint and then updates it (five statements where two do).
    The savepoint only matters when an error is kept on the task instead of raised (`propagate_exception` off,
    e.g. a timer's job); then, and for a task already written, viewflow's own way runs. Otherwise an error rolls
    back the whole transaction of the decision that moved the flow on, which bounds it."""

    _previous: Any = None

    def __hash__(self) -> int:
        # viewflow keeps the next activations in a set; a task not written yet has no id to hash by.
        return hash(self.task) if self.task.pk is not None else id(self)

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        if not context.propagate_exception:
            return super().create(flow_task, prev_activation, token, data=data, seed=seed)
        task = flow_task.flow_class.task_class(process=prev_activation.process, flow_task=flow_task, token=token)
        task.data = data if data is not None else {}
        task.seed = seed
        activation = cls(task)
        activation._previous = prev_activation.task
        return activation

    @property
    def _deferred(self) -> bool:
        return self.task.pk is None and context.propagate_exception

    def _write_done(self) -> None:
        self.task.finished = now()
        self.task.save()
        self.task.previous.add(self._previous)
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class CaseSwitchActivation(_WrittenOnce, SwitchActivation):
    @Activation.status.super()
    def activate(self):
        if not self._deferred:
            return super().activate.original()
        self.next_task = next(
            (node for node, condition in self.flow_task._branches if not condition or condition(self)), None
        )
        if self.next_task is None:
            return super().activate.original()  # raises viewflow's "no next task"

    @Activation.status.super()
    def complete(self):
        if not self._deferred:
            return super().complete.original()
        self._write_done()


class CaseSwitch(flow.Switch):
    """viewflow's Switch (the first branch whose condition holds, else the default), its task written once."""

    activation_class = CaseSwitchActivation


def decided(decision: str) -> Callable[[Any], bool]:
    """A `CaseSwitch` branch's condition: the human step before it decided `decision` (the process's
    `last_decision`). Reads only the process, as `status_after_decision` needs."""
    return lambda activation: activation.process.last_decision == decision


class CaseOutcomeActivation(_WrittenOnce, FunctionActivation):
    @Activation.status.super()
    def activate(self):
        if not self._deferred:
            return super().activate.original()
        self.task.started = now()
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        self.flow_task._func(self)

    @Activation.status.super()
    def complete(self):
        if not self._deferred:
            return super().complete.original()
        self._write_done()


class CaseEndActivation(_WrittenOnce, EndActivation):
    @Activation.status.super()
    def activate(self):
        if not self._deferred:
            return super().activate.original()
        self.task.started = now()
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        still_open = self.flow_class.task_class._default_manager.filter(
            process=self.process, finished__isnull=True
        ).exists()
        if not still_open:
            self.process.status = PROCESS.DONE
            self.process.finished = now()
            # The process's own row only: the kind's columns did not change at its end.
            self.process.save(update_fields=["status", "finished"])
        self._still_open = still_open

    @Activation.status.super()
    def complete(self):
        if not self._deferred:
            return super().complete.original()
        self._write_done()
        if not self._still_open:
            flow_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class CaseEnd(flow.End):
    """viewflow's End (the process is done once no other task is open), its task written once."""

    activation_class = CaseEndActivation


class CaseOutcome(flow.Function):
    """A final node: `func(activation)` closes the case (approve, reject, activate, withdraw) and leaves it in
    `status`."""

    activation_class = CaseOutcomeActivation

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
