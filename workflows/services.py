"""Drives the flows of every kind of case from code: submit a case (start its flow, or complete its revision step
after a send-back), decide a review task, and complete any human step (`task_complete`, which a kind's own step
services use). Every path takes the flow's row lock and checks workflows.permissions.act_refusal itself, since
viewflow does not enforce node permissions when an activation is driven from code. Nothing here knows a kind of
case: it asks the kind (workflows/kinds.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from accounts.roles import prime_user_rights, prime_user_rights_from, user_rights_columns, user_rights_wanted
from core.compiled import compiled_rows
from core.db import Statement, update_statement, write_together
from core.errors import CaseBusy, Conflict, ErrorCode, NotWaitingForRevision, TaskAlreadyDecided, field_error
from documents.models import Document
from documents.services import atomic_storing, document_store
from workflows import locks
from workflows.kinds import RESUBMIT, CaseKind, kind_by_flow, kind_of_case, kind_of_task, kinds_generation
from workflows.models import Decision
from workflows.nodes import (
    DECIDED_ON_PROCESS,
    CaseStep,
    CaseStepActivation,
    node_after_decision,
    status_after_decision,
)
from workflows.permissions import (
    OPEN_TASK_STATUSES,
    REVIEW_DECIDED,
    act_refusal,
    can_view_task,
    on_behalf_data,
    review_decided_column,
    review_decided_of,
)
from workflows.selectors import open_task_for_process

if TYPE_CHECKING:
    from django.core.files.base import File


@dataclass(frozen=True)
class StepOutcome:
    kind: CaseKind
    case: Any
    step: str
    status_before: str


@contextmanager
def _flow_lock(flow: Any, process_id: int) -> Iterator[None]:
    """The flow's row lock on a case's process; a lock held by another decision is CaseBusy (409)."""
    try:
        with flow.lock(process_id):
            yield
    except FlowLockFailed:
        raise CaseBusy()


def _task_kind(flow_task: Any) -> CaseKind:
    kind = kind_by_flow(flow_task.flow_class) if flow_task is not None else None
    if kind is None:
        raise Http404(_("No such task."))
    return kind


def _task_locked_read(*, kind: CaseKind, task_id: int | str) -> Task:
    """The task with its process, case and what the kind's lists show of it, in one query: read under the flow's
    lock, so it is what the decision changes (nobody moves the flow on meanwhile)."""
    paths = [kind.case_path(path) for path in kind.related]

    def build(task: int) -> QuerySet[Task]:
        tasks: QuerySet[Task] = Task.objects.select_related("owner", kind.case_path(), *paths).filter(pk=task)
        # ... with who decided the case's review steps (separation of duties: conflicted_user_ids reads it).
        decided = review_decided_column()
        return tasks.annotate(**{REVIEW_DECIDED: decided}) if decided is not None else tasks

    # Compiled once per kind (core.compiled): this query joins the case and what its lists show.
    found = compiled_rows(("task_locked_read", kinds_generation(), kind.key), build, task=int(task_id))
    if not found:
        raise Task.DoesNotExist()
    return found[0]


def _complete_locked(*, user: User, task: Task, action: str, before_execute: Callable[..., Any]) -> StepOutcome:
    """Inside the flow's lock, with the task as read under it: check `act_refusal`, run `before_execute(process,
    case, step)` (it may return statements, core.db's, to be written with the task's completion), complete the
    task and let the flow move on."""
    kind = kind_of_task(task)
    assert kind is not None  # _task_kind answered 404 for tasks of no known kind of case
    if task.status not in OPEN_TASK_STATUSES:
        raise TaskAlreadyDecided()
    refusal = act_refusal(user, task, action)
    if refusal is not None:
        # Also separation of duties: "You cannot decide your own application", and the like.
        raise PermissionDenied(refusal)
    activation = task.flow_task.activation_class(task)
    if task.status == STATUS.NEW:
        # viewflow's assign() would write the task now and again when it is done: the one write at its end
        # records the same owner.
        task.owner = user
        task.status = STATUS.ASSIGNED
    activation.start(None)
    process = activation.process
    # Who decided the case's review steps, this decision included: the step it leads to lists them in its inbox
    # row (workflows.nodes.review_decided_before).
    decided = {step: set(ids) for step, ids in review_decided_of(task=task).items()}
    if task.flow_task.name in kind.review_steps:
        decided.setdefault(task.flow_task.name, set()).add(user.pk)
    setattr(process, DECIDED_ON_PROCESS, decided)
    case = getattr(process, kind.case_attr)
    status_before = case.status
    writes = before_execute(process, case, task.flow_task.name) or []
    if isinstance(activation, CaseStepActivation):
        activation.writes_on_complete = writes  # written with the task's completion
    else:
        write_together(*writes)
    activation.execute()
    return StepOutcome(kind=kind, case=case, step=task.flow_task.name, status_before=status_before)


def _task_complete(*, user: User, task_id: int | str, action: str, before_execute: Callable[..., Any]) -> StepOutcome:
    """`task_complete` inside the caller's transaction (no savepoint of its own: the caller's bounds it)."""
    try:
        # The task's node and process, read as its process's flow lock is taken (our flows' lock: one statement).
        # Someone who may not see the case holds the lock only until the 404 below ends their transaction.
        # The user's roles and departments come along (the permission checks below need them).
        found = locks.select_for_update_lock.task_locked(
            task_id, also=user_rights_columns if user_rights_wanted(user) else None, also_of=user.pk
        )
    except (ValueError, TypeError):
        raise Http404(_("No such task."))
    except FlowLockFailed:
        # Busy is only for those who may see the case: to anyone else the task does not exist.
        flow_task = Task.objects.filter(pk=task_id).values_list("flow_task", flat=True).first()
        prime_user_rights(user)
        if not can_view_task(user, _task_locked_read(kind=_task_kind(flow_task), task_id=task_id)):
            raise Http404(_("No such task."))
        raise CaseBusy()
    if found is None:
        raise Http404(_("No such task."))
    kind = _task_kind(found[0])
    prime_user_rights_from(user, found[2])
    prime_user_rights(user)  # elsewhere than on PostgreSQL
    # A kind whose flow locks otherwise takes its own lock too.
    own_lock = kind.flow.lock_impl is not locks.select_for_update_lock
    with _flow_lock(kind.flow, found[1]) if own_lock else nullcontext():
        task = _task_locked_read(kind=kind, task_id=task_id)
        if not can_view_task(user, task):
            raise Http404(_("No such task."))
        return _complete_locked(user=user, task=task, action=action, before_execute=before_execute)


def task_complete(*, user: User, task_id: int | str, action: str, before_execute: Callable[..., Any]) -> StepOutcome:
    """Take the case's flow lock and complete a human task with `action` (one of its step's actions).

    Errors: Http404 if the user may not see the case; PermissionDenied (with the reason) if they see it but may
    not act; TaskAlreadyDecided if it was done first (a double click, someone else); CaseBusy if another
    decision holds the case's lock."""
    with transaction.atomic():
        return _task_complete(user=user, task_id=task_id, action=action, before_execute=before_execute)


def case_submit(*, case: Any, actor: User) -> Any:
    """Submit a case of any kind: its kind checks it and marks it submitted; then its flow starts, or, for a case
    that was sent back, its revision step completes and the flow takes it on. The submission's timeline line is
    written once the flow has taken the case. Returns the case."""
    kind = kind_of_case(case)
    if kind is None:
        raise ValueError(f"{case!r} is no kind of case")
    with transaction.atomic():
        status_before = case.status
        case = kind.submit(case=case, actor=actor)
        process = kind.flow.process_class.objects.filter(**{kind.case_attr: case}).first()
        if process is None:
            kind.flow.start.run(**{kind.case_attr: case})
        else:
            task = open_task_for_process(process)
            step = kind.steps.get(task.flow_task.name) if task is not None else None
            if task is None or step is None or RESUBMIT not in step.actions:
                raise NotWaitingForRevision()
            with _flow_lock(kind.flow, process.pk):
                task = _task_locked_read(kind=kind, task_id=task.pk)
                _complete_locked(user=actor, task=task, action=RESUBMIT, before_execute=lambda *args: None)
        case.refresh_from_db()
        kind.submitted(case=case, actor=actor, status_before=status_before, resubmitted=process is not None)
    return case


def _decision_checked(decision: str, comment: str) -> str:
    """The decision is one of the three and carries a reason where one is needed; returns the comment, trimmed."""
    comment = (comment or "").strip()
    if decision not in Decision.values:
        raise field_error("decision", _("Choose approve, request_changes or reject."), ErrorCode.INVALID_CHOICE)
    if decision == Decision.REJECT and not comment:
        raise field_error("comment", _("Give the reason for the rejection."), ErrorCode.COMMENT_REQUIRED)
    if decision == Decision.REQUEST_CHANGES and not comment:
        raise field_error(
            "comment", _("Say what should change before the case comes back."), ErrorCode.COMMENT_REQUIRED
        )
    return comment


def _reread(case: Any) -> None:
    """The case's columns as they are now (one query), keeping the related objects already read of those links
    that did not change (refresh_from_db forgets them all, and the messages after a decision read them again)."""
    fields = [field for field in case._meta.concrete_fields if not field.primary_key]
    fresh = type(case)._default_manager.filter(pk=case.pk).values(*(field.attname for field in fields)).get()
    for field in fields:
        value = fresh[field.attname]
        if getattr(case, field.attname) != value:
            setattr(case, field.attname, value)
            if field.is_relation and field.is_cached(case):
                field.delete_cached_value(case)


def task_decide(*, user: User, task_id: int | str, decision: str, comment: str = "") -> Any:
    """Approve, send back or reject a review task of any kind of case; returns the case.

    Errors: Http404 if the user may not see the case; PermissionDenied if they see it but may not decide this
    step (with the reason, e.g. separation of duties); ValidationError for a bad decision or a missing reason;
    TaskAlreadyDecided if someone (or a double click) decided it first; CaseBusy if another decision holds the
    case's lock; whatever the kind's final step raises (NoPlaceLeft), with the whole decision rolled back."""
    comment = _decision_checked(decision, comment)

    recorded: dict[str, Any] = {}

    def decide(process: Any, case: Any, step: str) -> list[Statement]:
        # Inside the flow's lock, before the flow moves on: bind the decision (and what an approval binds), then
        # write its timeline line, naming the status the flow is about to put the case in.
        kind = kind_of_case(case)
        assert kind is not None
        process.last_decision = decision
        fields = ["last_decision"]
        if decision == Decision.APPROVE:
            fields += kind.on_approve(process=process, case=case, step=step)
        node = getattr(kind.flow.instance, step)
        status_after = status_after_decision(node=node, process=process, steps=kind.steps)
        # Another review step puts the case in its status through this same object; a final function may change
        # the case through another object or a queryset (a selection's publication), unless it says it does not.
        target = node_after_decision(node=node, process=process)
        recorded["reread"] = not isinstance(target, CaseStep) and getattr(target, "changes_case_elsewhere", True)
        recorded["event"] = kind.record_event(
            case=case,
            action=kind.decision_events[decision],
            actor=user,
            step=step,
            comment=comment,
            status_before=case.status,
            status_after=status_after,
            data={
                **kind.decision_data(case=case, step=step, decision=decision),
                **on_behalf_data(user, kind=kind, step=step, case=case, process_id=process.pk),
            },
        )
        recorded["status_after"] = status_after
        # The process's row is written with the task's own (the flow reads the decision from this object).
        return [update_statement(process, fields=fields)]

    with transaction.atomic():
        outcome = _task_complete(user=user, task_id=task_id, action=decision, before_execute=decide)
        kind, case, step = outcome.kind, outcome.case, outcome.step
        if recorded["reread"]:
            _reread(case)  # as it now is
        if recorded["status_after"] is not None and case.status != recorded["status_after"]:
            # The kind's step statuses and its flow disagree: the timeline would lie, so the decision does not
            # happen (a programming error in the kind, caught by its tests).
            raise RuntimeError(
                f"{kind.key}: deciding {step} led to status {case.status!r}, the kind declares "
                f"{recorded['status_after']!r}"
            )
        kind.after_decision(case=case, step=step, decision=decision, event=recorded["event"])
    return case


def case_document_attach(*, case: Any, actor: User, kind: str, file: File[bytes]) -> Document:
    """Store an uploaded document as the next version of its kind on a case of any kind (documents.services
    .document_store checks the file; it stays pending until checked after commit) and write the upload's timeline
    line. The case's row is locked and its kind says who may add which documents when (`CaseKind.documents`).

    Errors: PermissionDenied or a Conflict from the kind's `attach_check`; ValidationError for the file or a
    document kind this case does not take."""
    case_kind = kind_of_case(case)
    if case_kind is None or case_kind.documents is None:
        raise ValueError(f"{case!r} takes no documents")
    rules = case_kind.documents
    with atomic_storing():
        case = type(case).objects.select_for_update(of=("self",)).get(pk=case.pk)
        rules.attach_check(actor, case)
        document = document_store(case=case, kind=kind, file=file, actor=actor, allowed_kinds=rules.upload_kinds)
        case_kind.record_event(
            case=case,
            action=rules.uploaded_event,
            actor=actor,
            step=case.status,
            comment="",
            status_before=case.status,
            status_after=None,
            data={"kind": kind, "version": document.version, "document_id": document.pk, "sha256": document.sha256},
        )
    return document


# At most this many tasks in one bulk decision (a page of the inbox).
BULK_DECISION_LIMIT = 100


@dataclass(frozen=True)
class BulkOutcome:
    """What became of one task of a bulk decision: `result` is "done" or the code of why not (`not_found`,
    `permission_denied`, `already_decided`, `case_busy`, `no_place_left`, ... or `invalid`), with its message."""

    task_id: int
    result: str
    message: str
    case: Any = None


def tasks_decide_bulk(*, user: User, task_ids: list[int], decision: str, comment: str = "") -> list[BulkOutcome]:
    """The same decision (and comment) on many tasks, each decided on its own by `task_decide`: its own
    transaction, permission check, timeline line and notifications — one case failing leaves the others decided.
    Returns one outcome per task, in the order given (a task named twice is decided once).

    Errors (before any task is touched): ValidationError for a bad decision, a missing reason, no tasks or too
    many."""
    comment = _decision_checked(decision, comment)
    ids = list(dict.fromkeys(task_ids))
    if not ids:
        raise field_error("tasks", _("Choose at least one task."), ErrorCode.REQUIRED)
    if len(ids) > BULK_DECISION_LIMIT:
        raise field_error(
            "tasks",
            _("Decide at most %(limit)s tasks at once.") % {"limit": BULK_DECISION_LIMIT},
            ErrorCode.TOO_MANY,
        )
    outcomes = []
    for task_id in ids:
        try:
            case = task_decide(user=user, task_id=task_id, decision=decision, comment=comment)
        except Http404:
            outcomes.append(BulkOutcome(task_id, ErrorCode.NOT_FOUND, str(_("No such task, or not yours to see."))))
        except PermissionDenied as refusal:
            outcomes.append(BulkOutcome(task_id, ErrorCode.PERMISSION_DENIED, str(refusal)))
        except Conflict as conflict:
            outcomes.append(BulkOutcome(task_id, str(conflict.code), str(conflict.message)))
        except ValidationError as error:
            outcomes.append(BulkOutcome(task_id, ErrorCode.INVALID, " ".join(str(m) for m in error.messages)))
        else:
            outcomes.append(BulkOutcome(task_id, "done", str(_("Decided.")), case))
    return outcomes
