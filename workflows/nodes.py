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

from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

from django.db import connection, connections, router
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
from viewflow.workflow.status import PROCESS, STATUS

from core.db import Statement, insert_statement, update_statement, write_together


def task_page(request, *args, **kwargs):
    """The page where a human task is done: our own task page (it asks the kind how to show it)."""
    return redirect("workflows:task", task_id=kwargs["task_pk"])


def task_insert(task: Any, previous: Any) -> None:
    """Write a new task and its link to the task before it (viewflow's `task.save()` and `previous.add()`): on
    PostgreSQL one statement, the link's INSERT fed by the task's through a data-modifying WITH; elsewhere the
    ORM's two. Nothing listens to either write's signals."""
    if connection.vendor != "postgresql":
        task.save()
        task.previous.add(previous)
        return
    model = type(task)
    if task.flow_task and not task.flow_task_type:
        task.flow_task_type = task.flow_task.task_type  # what viewflow's Task.save() adds
    using = router.db_for_write(model, instance=task)
    insert_sql, params = insert_statement([task], returning_pk=True)
    link = model.previous.through._meta
    quote = connection.ops.quote_name
    new_column, old_column = (link.get_field(name).column for name in ("from_task", "to_task"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH new_task AS ({insert_sql}) "
            f"INSERT INTO {quote(link.db_table)} ({quote(new_column)}, {quote(old_column)}) "
            f"SELECT new_task.{quote(model._meta.pk.column)}, %s FROM new_task RETURNING {quote(new_column)}",
            [*params, previous.pk],
        )
        task.pk = cursor.fetchone()[0]
    task._state.adding = False
    task._state.db = using


def step_enter(activation) -> None:
    """A step begins: the case takes the step's status, everyone who may act is told (with a due date), and the
    task enters the inbox table (a step somebody acts on by role: an applicant's own revision is not listed); the
    case's status, the due date's row and the inbox row are written together."""
    from workflows.inbox import inbox_entry_insert_sql
    from workflows.kinds import case_enter_status, case_status_statement, kind_of_task
    from workflows.reminders import enter_step

    kind = kind_of_task(activation.task)
    step = kind.steps[activation.flow_task.name]
    case = getattr(activation.process, kind.case_attr)
    writes = []
    if step.status:
        if kind.enter_status is case_enter_status:  # the default: its UPDATE goes with the step's other rows
            writes.append(case_status_statement(case=case, status=step.status))
        else:
            kind.enter_status(case=case, status=step.status)
    deadline = enter_step(task=activation.task, case=case)
    if deadline is not None:
        writes.append(insert_statement([deadline], ignore_conflicts=True))
    if step.role is not None:
        due_at = deadline.due_at if deadline is not None else None
        review = activation.flow_task.name in kind.review_steps
        decided = review_decided_before(process=activation.process) if review else {}
        writes.append(
            inbox_entry_insert_sql(task=activation.task, kind=kind, case=case, due_at=due_at, decided=decided)
        )
    write_together(*writes)


# Where a decision leaves who decided its case's review steps, itself included, on the process object it moves on
# (workflows.services): the step it leads to writes them in its inbox row without asking again.
DECIDED_ON_PROCESS = "_korpu_review_decided"


def review_decided_before(*, process: Any) -> dict[str, set[int]]:
    """Who decided the review steps of the process's case before the step that begins now (review step name -> ids):
    what the decision that led here left on the process, or else asked (a case's submission, a flow started)."""
    from workflows.permissions import review_deciders_by_step

    decided: dict[str, set[int]] | None = getattr(process, DECIDED_ON_PROCESS, None)
    if decided is None:
        decided = review_deciders_by_step(process_ids=[process.pk]).get(process.pk, {})
    return decided


def step_leave(task, also: Sequence[Statement] = ()) -> None:
    """A human step's task ended (done or cancelled): written, and out of the inbox table, in one go with `also`
    (what the decision writes of the process)."""
    from workflows.inbox import inbox_entry_delete_sql

    write_together(*also, inbox_entry_delete_sql(task=task), update_statement(task))


class CaseStepActivation(ViewActivation):
    """A human step's activation: its task is written with its link in one statement (`task_insert`), leaves the
    inbox table whichever way it ends, and the table follows who took it. `writes_on_complete`: statements the
    decision leaves to be written with the task's completion (workflows.services)."""

    writes_on_complete: Sequence[Statement] = ()

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        # viewflow's ViewActivation.create, with the task and its link written together.
        task = flow_task.flow_class.task_class(process=prev_activation.process, flow_task=flow_task, token=token)
        task.data = data if data is not None else {}
        task.seed = seed
        activation = cls(task)
        owner_permission = flow_task.calc_owner_permission(activation)
        if owner_permission:
            task.owner_permission = owner_permission
            task.owner_permission_obj = flow_task.calc_owner_permission_obj(activation)
        owner = flow_task.calc_owner(activation)
        if owner:
            task.owner = owner
            task.status = STATUS.ASSIGNED
        task_insert(task, prev_activation.task)
        if flow_task._on_create is not None:
            flow_task._on_create(activation)
        return activation

    @Activation.status.super()
    def complete(self):
        # viewflow's Activation.complete, the task's write joined by its inbox row's removal.
        self.task.finished = now()
        step_leave(self.task, also=self.writes_on_complete)
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)

    @Activation.status.super()
    def cancel(self):
        # viewflow's ViewActivation.cancel, likewise.
        self.task.finished = now()
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
        task_insert(self.task, self._previous)
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


def process_end_if_done(process_model: Any, task_model: Any, process_id: int, finished: Any) -> bool:
    """The process DONE (at `finished`) unless one of its tasks is still open, asked and written in one UPDATE
    (the ORM's `filter(~Exists(open tasks)).update(...)`, written out: this runs at every case's end)."""
    using = router.db_for_write(process_model)
    connection = connections[using]
    quote = connection.ops.quote_name
    process, task = process_model._meta, task_model._meta
    status, ended_at = process.get_field("status"), process.get_field("finished")
    task_process, task_finished = task.get_field("process"), task.get_field("finished")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(process.db_table)} SET {quote(status.column)} = %s, {quote(ended_at.column)} = %s "
            f"WHERE {quote(process.pk.column)} = %s AND NOT EXISTS (SELECT 1 FROM {quote(task.db_table)} "
            f"WHERE {quote(task_process.column)} = %s AND {quote(task_finished.column)} IS NULL)",
            [
                status.get_db_prep_save(PROCESS.DONE, connection),
                ended_at.get_db_prep_save(finished, connection),
                process_id,
                process_id,
            ],
        )
        return cursor.rowcount > 0


class CaseEndActivation(_WrittenOnce, EndActivation):
    @Activation.status.super()
    def activate(self):
        if not self._deferred:
            return super().activate.original()
        self.task.started = now()
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        # The process is done once no other task is open: asked and written in one statement (the process's own
        # row only: the kind's columns did not change at its end).
        finished = now()
        process_model = self.process._meta.get_field("status").model  # viewflow's Process (a kind's extends it)
        ended = process_end_if_done(process_model, self.flow_class.task_class, self.process.pk, finished)
        if ended:
            self.process.status = PROCESS.DONE
            self.process.finished = finished
        self._still_open = not ended

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

    def __init__(self, func, *, status: str, changes_case_elsewhere: bool = True, **kwargs):
        super().__init__(func, **kwargs)
        self.case_status = status
        # False when `func` changes the case only through the object it is given (the process's): the decision
        # then need not read the case again after it.
        self.changes_case_elsewhere = changes_case_elsewhere


def node_after_decision(*, node: Any, process: Any) -> Any:
    """The node the flow reaches from the human step `node` with `process` as it is now (its decision and
    approvals set), following the gateways as viewflow follows them: a `CaseStep`, a `CaseOutcome` or another
    node."""
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
    return target


def status_after_decision(*, node: Any, process: Any, steps: dict[str, Any]) -> str | None:
    """The status the case will be in once the flow moves on from the human step `node` with `process` as it is
    now: the next `CaseStep`'s status (from `steps`) or the `CaseOutcome`'s. None where the flow leads elsewhere."""
    target = node_after_decision(node=node, process=process)
    if isinstance(target, CaseStep):
        step = steps.get(target.name)
        return step.status if step is not None and step.status else None
    if isinstance(target, CaseOutcome):
        return target.case_status
    return None
