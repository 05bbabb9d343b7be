"""The inbox table (workflows.models.InboxEntry): one row per open human step that someone acts on by role,
written when the step begins and deleted when its task ends, so that the inbox reads one indexed table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from viewflow.workflow.models import Task

from core.db import Statement, delete_statement, insert_statement
from workflows.kinds import CaseKind
from workflows.models import InboxEntry


def _parties(kind: CaseKind, case: Any) -> str:
    ids = sorted(kind.party_ids(case))
    return f",{','.join(str(pk) for pk in ids)}," if ids else ""


def inbox_entry_build(*, task: Task, kind: CaseKind, case: Any, due_at: datetime | None) -> InboxEntry:
    """The inbox row of an open task of `kind` whose case is `case`."""
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
        **kind.inbox_fields(case),
    )


def inbox_entry_insert_sql(*, task: Task, kind: CaseKind, case: Any, due_at: datetime | None) -> Statement:
    """A step began: its task enters the inbox (once: a second start of the same task changes nothing). The
    statement, for the caller to write with the step's other rows (core.db.write_together)."""
    return insert_statement([inbox_entry_build(task=task, kind=kind, case=case, due_at=due_at)], ignore_conflicts=True)


def inbox_entry_delete_sql(*, task: Task) -> Statement:
    """A step's task ended (done or cancelled): it leaves the inbox. The statement, for the caller to write with
    the task's own row."""
    return delete_statement(InboxEntry.objects.filter(task_id=task.pk))


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
    from workflows.permissions import OPEN_TASK_STATUSES
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
        rows = []
        for task in tasks:
            kind, _name = listed[task.flow_task]
            case = kind.case_of(task)
            if case is not None:
                rows.append(inbox_entry_build(task=task, kind=kind, case=case, due_at=due.get(task.pk)))
        InboxEntry.objects.bulk_create(rows, ignore_conflicts=True)
        written += len(rows)
    return written
