"""The inbox table (workflows.models.InboxEntry): one row per open human step that someone acts on by role,
written when the step begins and deleted when its task ends, so that the inbox reads one indexed table."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from viewflow.workflow.models import Task

from core.db import Statement, delete_where_statement, insert_statement
from workflows.kinds import CaseKind
from workflows.models import InboxEntry
from workflows.permissions import decided_elsewhere_ids


def _ids_text(ids: Collection[int]) -> str:
    """Ids as the inbox row keeps them, ",12,34," (a LIKE '%,12,%' finds one), or "" for none."""
    return f",{','.join(str(pk) for pk in sorted(ids))}," if ids else ""


def _parties(kind: CaseKind, case: Any) -> str:
    return _ids_text(kind.party_ids(case))


def inbox_decided_text(*, kind: CaseKind, step: str, decided: Mapping[str, set[int]]) -> str:
    """The `decided` column of a row of `step`: who decided another review step of the case (`decided`: review
    step name -> who decided it so far; workflows.permissions.review_decided_of)."""
    return _ids_text(decided_elsewhere_ids(kind=kind, step=step, decided=decided))


def inbox_entry_build(
    *, task: Task, kind: CaseKind, case: Any, due_at: datetime | None, decided: Mapping[str, set[int]] | None = None
) -> InboxEntry:
    """The inbox row of an open task of `kind` whose case is `case`; `decided` gives its `decided` column
    (`inbox_decided_text`)."""
    return InboxEntry(
        task_id=task.pk,
        kind=kind.key,
        step=task.flow_task.name,
        process_id=task.process_id,
        case_id=case.pk,
        owner_id=task.owner_id,
        due_at=due_at,
        created=task.created,
        parties=_parties(kind, case),
        decided=inbox_decided_text(kind=kind, step=task.flow_task.name, decided=decided or {}),
        **kind.inbox_fields(case),
    )


def inbox_entry_insert_sql(
    *, task: Task, kind: CaseKind, case: Any, due_at: datetime | None, decided: Mapping[str, set[int]]
) -> Statement:
    """A step began: its task enters the inbox (once: a second start of the same task changes nothing). The
    statement, for the caller to write with the step's other rows (core.db.write_together)."""
    row = inbox_entry_build(task=task, kind=kind, case=case, due_at=due_at, decided=decided)
    return insert_statement([row], ignore_conflicts=True)


def inbox_entry_delete_sql(*, task: Task) -> Statement:
    """A step's task ended (done or cancelled): it leaves the inbox. The statement, for the caller to write with
    the task's own row."""
    return delete_where_statement(InboxEntry, task_id=task.pk)


def inbox_entry_owner(*, task: Task) -> None:
    """Someone took (or gave back) the task."""
    InboxEntry.objects.filter(task_id=task.pk).update(owner_id=task.owner_id)


# How many open tasks `inbox_entries_rebuild` reads with their cases at once.
REBUILD_BATCH = 500


def inbox_entries_rebuild() -> int:
    """Write the inbox row of every open human task that has none (the table's first fill, and a repair after
    rows were written around the flows, e.g. bulk-loaded data). Returns how many rows it wrote."""
    from notifications.models import TaskDeadline
    from workflows.kinds import case_kinds
    from workflows.permissions import OPEN_TASK_STATUSES, review_deciders_by_step
    from workflows.selectors import with_cases

    listed = {
        getattr(kind.flow, name): (kind, name)
        for kind in case_kinds()
        for name, step in kind.steps.items()
        if step.role is not None
    }
    ids = list(
        Task.objects.filter(status__in=OPEN_TASK_STATUSES, flow_task__in=list(listed), inbox_entry__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    written = 0
    for start in range(0, len(ids), REBUILD_BATCH):
        batch = ids[start : start + REBUILD_BATCH]
        tasks = with_cases(list(Task.objects.filter(pk__in=batch).select_related("process").order_by("pk")))
        due = dict(TaskDeadline.objects.filter(task_id__in=batch).values_list("task_id", "due_at"))
        decided = review_deciders_by_step(process_ids={task.process_id for task in tasks})
        rows = []
        for task in tasks:
            kind, _name = listed[task.flow_task]
            case = kind.case_of(task)
            if case is not None:
                rows.append(
                    inbox_entry_build(
                        task=task, kind=kind, case=case, due_at=due.get(task.pk), decided=decided.get(task.process_id)
                    )
                )
        InboxEntry.objects.bulk_create(rows, ignore_conflicts=True)
        written += len(rows)
    return written


# --- keeping the copied columns true while a step is open ------------------------------------------------------

# What an inbox row copies of its case and of what the case links to (names, titles, the department, call and
# partner, the parties): `inbox_entries_refresh` writes them again from the rows' cases. (Who decided the case's
# other review steps, `decided`, is not the case's: it holds while the step is open.)
COPIED_FIELDS = ("who", "subject", "search", "parties", "department_id", "call_id", "partner_id")
# A case's columns that no inbox row copies: a save of these alone (a step's status, a decision's dates) leaves
# the rows as they are.
_BOOKKEEPING = frozenset({"status", "updated_at", "decided_at", "submitted_at", "last_decision", "nominated_place"})
# A person's columns the rows copy (names, for "who" and the search).
_PERSON_FIELDS = frozenset({"first_name", "last_name", "username", "email"})


def inbox_entries_refresh(entries: Any) -> int:
    """Write again what these inbox rows copy of their cases (COPIED_FIELDS), from the cases as they are now, a
    batch of REBUILD_BATCH at a time; their due dates and owners stay. Returns how many rows it read."""
    from workflows.kinds import kind_of_task
    from workflows.selectors import with_cases

    rows_read = list(entries.order_by("task_id"))
    for start in range(0, len(rows_read), REBUILD_BATCH):
        stored = {entry.task_id: entry for entry in rows_read[start : start + REBUILD_BATCH]}
        tasks = with_cases(list(Task.objects.filter(pk__in=list(stored)).select_related("process").order_by("pk")))
        rows = []
        for task in tasks:
            kind = kind_of_task(task)
            case = kind.case_of(task) if kind is not None else None
            entry = stored.get(task.pk)
            if case is None or entry is None:
                continue
            fresh = inbox_entry_build(task=task, kind=kind, case=case, due_at=entry.due_at)
            if any(getattr(fresh, name) != getattr(entry, name) for name in COPIED_FIELDS):
                rows.append(fresh)
        InboxEntry.objects.bulk_update(rows, COPIED_FIELDS)
    return len(rows_read)


def _touches(
    update_fields: Any, fields: frozenset[str] | None = None, *, ignored: frozenset[str] = frozenset()
) -> bool:
    if update_fields is None:
        return True
    named = set(update_fields)
    return bool(named & fields) if fields is not None else bool(named - ignored)


_LINKED: dict[tuple[str, ...], dict[Any, str]] = {}


def _linked_models() -> dict[Any, str]:
    """The models the kinds' cases link to by a field the rows copy ("call", "partner"), by model: found from the
    kinds (the kernel names no domain app); worked out once per set of registered kinds."""
    from workflows.kinds import case_kinds

    kinds = list(case_kinds())
    key = tuple(kind.key for kind in kinds)
    if key in _LINKED:
        return _LINKED[key]
    linked = {}
    for kind in kinds:
        for field in ("call", "partner"):
            try:
                link = kind.case_model._meta.get_field(field)
            except FieldDoesNotExist:
                continue
            if link.many_to_one and link.related_model is not None:
                linked[link.related_model] = field
    _LINKED[key] = linked
    return linked


def refresh_after_save(
    sender: Any, instance: Any, created: bool = False, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """post_save of any model: what inbox rows copy may have changed while their steps are open, so they are
    written again — a case's own columns (its department, call, partner, names, title: any save but of its
    bookkeeping columns), a person's names (the rows of the cases they are a party to), a call's or a partner's
    name (the rows that name it, through the (field, kind, step) index). A new row has no inbox rows yet."""
    if raw or created or instance.pk is None:
        return
    from django.contrib.auth import get_user_model

    from workflows.kinds import kind_of_case

    if sender is get_user_model():
        if _touches(update_fields, _PERSON_FIELDS):
            inbox_entries_refresh(InboxEntry.objects.filter(parties__contains=f",{instance.pk},"))
        return
    kind = kind_of_case(instance)
    if kind is not None:
        if _touches(update_fields, ignored=_BOOKKEEPING):
            inbox_entries_refresh(InboxEntry.objects.filter(kind=kind.key, case_id=instance.pk))
        return
    field = _linked_models().get(sender)
    if field is not None:
        inbox_entries_refresh(InboxEntry.objects.filter(**{f"{field}_id": instance.pk}))
