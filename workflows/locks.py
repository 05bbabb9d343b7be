"""The flow lock our flows use instead of viewflow's `select_for_update_lock`: a PostgreSQL advisory lock on the
case's process, held until the transaction ends.

viewflow's SelectForUpdateLock takes `SELECT ... FOR UPDATE NOWAIT` on the process row and retries after the
error; after an error PostgreSQL refuses every statement until a rollback, so each attempt needs a savepoint of
its own (three statements a decision, plus the lock's own savepoint). `pg_try_advisory_xact_lock` answers true or
false instead of failing: one statement an attempt, no savepoint, and a retry goes on in the same transaction, at
any nesting depth. Every path that drives our flows takes this lock (the services through `flow.lock`, viewflow's
own nodes through `lock_impl`), so they exclude each other exactly as the row lock did. Inside a transaction it
opens none (the caller's bounds it); alone, it opens one. On SQLite (no concurrent writers) it is a no-op, as
viewflow's lock is."""

import functools
import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, F, Func
from viewflow.workflow.exceptions import FlowLockFailed

from core.compiled import compiled_rows

# The advisory-lock keys of flow locks: this namespace in the high bits, the process id below, apart from any other
# use of advisory locks.
FLOW_LOCK_NAMESPACE = 0x4B6F


@functools.cache
def _also_names(also: Callable[[int], dict[str, Any]]) -> list[str]:
    """The names of the columns `also` adds (the same for every user)."""
    return list(also(0))


class AdvisoryFlowLock:
    def __init__(self, attempts: int = 5):
        self.attempts = attempts

    def _acquire(self, process_pk) -> None:
        if connection.vendor != "postgresql":
            return

        def attempt() -> bool:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [(FLOW_LOCK_NAMESPACE << 40) | int(process_pk)])
                return bool(cursor.fetchone()[0])

        self._retrying(attempt, process_pk)

    def _retrying(self, attempt: Callable[[], bool], what: Any) -> None:
        for number in range(self.attempts):
            # A lost connection raises (no retry): it is no lock held by someone else, and "busy" (409) would hide
            # the outage that the API and pages answer with a 503.
            if attempt():
                return
            if number == self.attempts - 1:
                raise FlowLockFailed(f"Lock failed for {what}")
            # Same back-off as viewflow's lock: about 0.4 s, 0.8 s, 1.6 s, 3.2 s plus jitter.
            time.sleep(((number + 1) * random.random() + 2**number) / 2.5)

    def task_locked(
        self, task_id: int | str, *, also: Callable[[int], dict[str, Any]] | None = None, also_of: int | None = None
    ) -> tuple[Any, int, dict] | None:
        """Read a task's node and process and take that process's flow lock, in one statement (the caller is in
        a transaction, which holds the lock): (flow_task, process id, the values of the columns `also(also_of)`
        adds, e.g. accounts.roles.user_rights_columns of a user), or None for no such task. FlowLockFailed when
        another transaction holds the lock through every attempt. The statement is compiled once
        (core.compiled): a decision's first read."""
        from viewflow.workflow.models import Task

        try:
            task_pk = int(task_id)
        except (TypeError, ValueError):
            raise ValueError(f"not a task id: {task_id!r}")
        if not 0 < task_pk < 2**63:
            return None  # no task has it (and PostgreSQL would refuse the number)
        names = _also_names(also) if also is not None else []
        postgresql = connection.vendor == "postgresql"

        def build(task: int, of: int | None) -> Any:
            tasks = Task.objects.filter(pk=task).annotate(**(also(of) if also is not None and of is not None else {}))
            if postgresql:
                tasks = tasks.annotate(
                    locked=Func(
                        F("process_id").bitor(FLOW_LOCK_NAMESPACE << 40),
                        function="pg_try_advisory_xact_lock",
                        output_field=BooleanField(),
                    )
                )
            return tasks.values_list("flow_task", "process_id", *names, *(["locked"] if postgresql else []))[:1]

        key = ("task_locked", also.__module__ + "." + also.__qualname__ if also is not None else None)
        found: list[tuple[Any, int, dict]] = []

        def attempt() -> bool:
            rows = compiled_rows(key, build, task=task_pk, of=also_of if also is not None else None)
            if not rows:
                return True
            row = rows[0]
            found.append((row[0], row[1], dict(zip(names, row[2 : 2 + len(names)], strict=True))))
            return bool(row[-1]) if postgresql else True

        self._retrying(attempt, f"task {task_id}")
        return found[-1] if found else None

    @contextmanager
    def __call__(self, flow_class, process_pk):
        if connection.in_atomic_block:
            self._acquire(process_pk)
            yield
        else:
            with transaction.atomic():
                self._acquire(process_pk)
                yield


select_for_update_lock = AdvisoryFlowLock()
