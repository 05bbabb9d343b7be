"""Who may act on a workflow task: the one predicate used by the inbox, the task pages, the API, the
notifications (who is told, reminded, sent the digest) and the services that drive the flows (viewflow
does not enforce node permissions from code).

Separation of duties lives here too: nobody acts on a review step of a case they are a party to (their own
application; agreement terms they drafted or last changed), and nobody decides two different review steps of
the same case. `separation_of_duties_conflicts` is that rule; `act_refusal` applies it (with role and
department) to one user and one task, `conflicted_user_ids` to one task's deciders, and
the inbox applies it as a filter on its rows' `parties` and `decided` columns (`workflows.selectors`; tests hold
the two forms equal).

Deputies: while an approver is away (accounts.Deputyship, in force today) their deputy acts on the approver's
tasks with the approver's rights — the approver's role and departments, and the approver's separation of duties —
and the deputy's own separation of duties on top (never their own case, never a second step of one case). A
deputy uses only the absent approver's own rights, never those the approver holds as someone's deputy: no chains."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import CharField, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from accounts.roles import Role, has_role, user_department_ids
from accounts.selectors import absent_principals
from core.compiled import compiled_rows
from workflows.kinds import CaseKind, case_kinds, kind_of_task, kinds_generation, step_of_task

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED)


def can_decide_step(
    user: User | AnonymousUser, *, step: str, department_id: int, kind: CaseKind, action: str | None = None
) -> bool:
    """Role and department check for a step of a kind of case, without the task's state. A step without a role
    (an applicant's own revision) is nobody's by role: only its owner acts on it (act_refusal)."""
    definition = kind.steps.get(step)
    if not user.is_authenticated or definition is None or definition.role is None:
        return False
    if action is not None and action not in definition.actions:
        return False
    if not has_role(user, definition.role):
        return False
    return not definition.department_scoped or department_id in user_department_ids(user)


def _other_review_steps(kind: CaseKind, step: str) -> list[Any]:
    return [getattr(kind.flow, name) for name in kind.review_steps if name != step]


def review_deciders_by_step(*, process_ids: Iterable[int]) -> dict[int, dict[str, set[int]]]:
    """process id -> review step name -> who decided it (the owners of its done tasks), for these processes."""
    review_tasks = _review_tasks()
    decided: dict[int, dict[str, set[int]]] = {}
    ids = sorted(set(process_ids))

    # The tasks are found by their process alone (REVIEW_BY_PROCESS); a done task without an owner is skipped here.
    def build(processes: list[int]) -> Any:
        return Task.objects.filter(
            process_id__in=processes, status=STATUS.DONE, flow_task__in=list(review_tasks)
        ).values_list("process_id", "flow_task", "owner_id")

    # One process (a decision's own case) is compiled once (core.compiled); a page's many are built each time.
    rows = (
        compiled_rows(("review_deciders_by_step", kinds_generation()), build, processes=ids)
        if len(ids) == 1
        else build(ids)
    )
    for process_id, flow_task, owner_id in rows:
        if owner_id is None:
            continue
        decided.setdefault(process_id, {}).setdefault(review_tasks[flow_task], set()).add(owner_id)
    return decided


# The annotation a task read may carry with who decided its case's review steps (`review_decided_column`).
REVIEW_DECIDED = "review_decided"

# REVIEW_BY_PROCESS: who decided a case's review steps is asked with no condition on the owner but the process, so
# the only index the query can use is the process's (a handful of rows). With `owner_id IS NOT NULL` in it, a table
# whose statistics were taken while few done tasks had an owner (a year loaded at once; a big table between two
# ANALYZEs) made PostgreSQL read the owner index instead — every decided task of every case, growing with each
# decision (measured at 1.3 million cases: 4.3 ms and 3,130 pages for a row it found by process in 0.05 ms).


def _review_tasks() -> dict[Any, str]:
    return {getattr(kind.flow, name): name for kind in case_kinds() for name in kind.review_steps}


def review_decided_column() -> Any:
    """An annotation for a query of tasks: who decided the review steps of each task's process so far, as
    "<node>|<user id>" texts (PostgreSQL; None elsewhere). A task read with it under the flow's lock
    (workflows.services) answers `conflicted_user_ids` without a query of its own."""
    if connection.vendor != "postgresql":
        return None
    decided = Task.objects.filter(  # no owner condition: REVIEW_BY_PROCESS (an ownerless task's text ends in "|")
        process_id=OuterRef("process_id"), status=STATUS.DONE, flow_task__in=list(_review_tasks())
    ).values_list(Concat("flow_task", Value("|"), Cast("owner_id", CharField()), output_field=CharField()))
    return ArraySubquery(decided)


def _decided_from_column(texts: list[str]) -> dict[str, set[int]]:
    """review_decided_column's texts as review step name -> who decided it."""
    prep = Task._meta.get_field("flow_task").get_prep_value
    names = {prep(node): name for node, name in _review_tasks().items()}
    decided: dict[str, set[int]] = {}
    for text in texts:
        node, _sep, owner = text.rpartition("|")
        if node in names and owner:
            decided.setdefault(names[node], set()).add(int(owner))
    return decided


def separation_of_duties_conflicts(
    *, kind: CaseKind, step: str, case: Any, decided: dict[str, set[int]]
) -> dict[int, str]:
    """The rule itself: users who may not act on review step `step` of `case` whatever their role, each with
    the reason they are told — the case's parties, and whoever decided another review step of it (`decided`:
    review step name -> who decided it). Nothing for a step that is not a review."""
    if step not in kind.review_steps:
        return {}
    reason = _("You already decided another step of this case; someone else must decide this one.")
    conflicted = dict.fromkeys(decided_elsewhere_ids(kind=kind, step=step, decided=decided), reason)
    # A party's own reason wins: it is the more specific one.
    conflicted.update(dict.fromkeys(kind.party_ids(case), str(kind.party_refusal)))
    return conflicted


def review_decided_of(*, task: Task) -> dict[str, set[int]]:
    """Who decided each review step of this task's case so far: review step name -> their ids (read along with
    the task under the flow's lock, `review_decided_column`, or asked). Kept on the task object."""
    cached: dict[str, set[int]] | None = getattr(task, "_korpu_decided", None)
    if cached is None:
        read_along = getattr(task, REVIEW_DECIDED, None)
        if read_along is not None:
            cached = _decided_from_column(read_along)
        else:
            cached = review_deciders_by_step(process_ids=[task.process_id]).get(task.process_id, {})
        task._korpu_decided = cached  # our own cache on the task object
    return cached


def decided_elsewhere_ids(*, kind: CaseKind, step: str, decided: Mapping[str, set[int]]) -> set[int]:
    """Those whom separation of duties keeps off review step `step` for having decided another review step of the
    case (`decided`: review step name -> who decided it); nobody for a step that is not a review."""
    if step not in kind.review_steps:
        return set()
    return {owner for other, owners in decided.items() if other != step for owner in owners}


def conflicted_user_ids(*, task: Task) -> dict[int, str]:
    """`separation_of_duties_conflicts` for one task: who may not act on it, and why. Kept on the task object
    (a page asks it once per action it offers; while the task is open, the case's other review steps are done
    and do not change)."""
    kind = kind_of_task(task)
    if kind is None or task.flow_task.name not in kind.review_steps:
        return {}
    cached: dict[int, str] | None = getattr(task, "_korpu_conflicts", None)
    if cached is not None:
        return cached
    conflicts = separation_of_duties_conflicts(
        kind=kind, step=task.flow_task.name, case=kind.case_of(task), decided=review_decided_of(task=task)
    )
    task._korpu_conflicts = conflicts
    return conflicts


def act_refusal(user: User | AnonymousUser, task: Task, action: str) -> str | None:
    """None when this user may take `action` (a Decision value or a coordinator action) on this task right
    now; otherwise why not, in words for the user."""
    default = _("You may not act on this task.")
    if not user.is_authenticated or task.status not in OPEN_TASK_STATUSES:
        return default
    if task.owner_id is not None and task.owner_id != user.pk:
        return default
    kind = kind_of_task(task)
    step = kind.steps.get(task.flow_task.name) if kind else None
    if kind is None or step is None or action not in step.actions:
        return default
    if step.role is None:
        # Assigned by the flow to one person (the applicant's revision): theirs alone.
        return None if task.owner_id == user.pk else default
    case = kind.case_of(task)
    name = task.flow_task.name
    if task.owner_id in (None, user.pk) and can_decide_step(
        user, step=name, department_id=case.department_id, kind=kind, action=action
    ):
        return conflicted_user_ids(task=task).get(user.pk)
    conflicts: dict[int, str] | None = None
    for principal in absent_principals(deputy=user):
        if task.owner_id not in (None, user.pk, principal.pk) or not can_decide_step(
            principal, step=name, department_id=case.department_id, kind=kind, action=action
        ):
            continue
        if conflicts is None:
            conflicts = conflicted_user_ids(task=task)
        if principal.pk not in conflicts:
            return conflicts.get(user.pk)
    return default


def acting_for(user: User, *, kind: CaseKind, step: str, case: Any, process_id: int) -> User | None:
    """Whose rights `user` decides this step of this case with: None for their own, otherwise the absent
    approver they stand in for (the decision's timeline line names them: "on behalf of")."""
    if can_decide_step(user, step=step, department_id=case.department_id, kind=kind):
        return None
    decided = review_deciders_by_step(process_ids=[process_id]).get(process_id, {})
    conflicts = separation_of_duties_conflicts(kind=kind, step=step, case=case, decided=decided)
    for principal in absent_principals(deputy=user):
        if principal.pk not in conflicts and can_decide_step(
            principal, step=step, department_id=case.department_id, kind=kind
        ):
            return principal
    return None


def on_behalf_data(user: User, *, kind: CaseKind, step: str, case: Any, process_id: int) -> dict[str, Any]:
    """What a decision's timeline line records of a deputy's decision: whom it was taken for (id and name, the
    name kept as it was then); nothing for a decision in one's own right."""
    principal = acting_for(user, kind=kind, step=step, case=case, process_id=process_id)
    if principal is None:
        return {}
    return {"on_behalf_of": principal.pk, "on_behalf_of_name": principal.get_full_name() or principal.username}


def can_act(user: User | AnonymousUser, task: Task, action: str) -> bool:
    """May this user take `action` (a Decision value or a coordinator action) on this task right now?"""
    return act_refusal(user, task, action) is None


def can_decide(user: User | AnonymousUser, task: Task) -> bool:
    """May this user approve, send back or reject this review task right now?"""
    step = step_of_task(task)
    return step is not None and step.is_review and can_act(user, task, "approve")


def decide_refusal(user: User | AnonymousUser, task: Task) -> str | None:
    """Why this user, who holds the step's role, may not decide this open review task (None if they may, or
    if the step is not theirs at all): shown on the task page instead of the decision form."""
    step = step_of_task(task)
    kind = kind_of_task(task)
    if step is None or kind is None or not step.is_review or task.status not in OPEN_TASK_STATUSES:
        return None
    case = kind.case_of(task)
    if not user.is_authenticated:
        return None
    rights = [user, *absent_principals(deputy=user)]
    if not any(
        can_decide_step(holder, step=task.flow_task.name, department_id=case.department_id, kind=kind)
        for holder in rights
    ):
        return None
    return conflicted_user_ids(task=task).get(user.pk)


def can_see_tasks_without_decider(user: User | AnonymousUser) -> bool:
    """The list of open tasks nobody may decide is for administrators."""
    return user.is_authenticated and has_role(user, Role.ADMIN)


def can_view_task(user: User | AnonymousUser, task: Task) -> bool:
    """May this user see the task's case (its kind says who sees its cases)? A deputy sees what the approver they
    stand in for sees."""
    kind = kind_of_task(task)
    if kind is None:
        return False
    case = kind.case_of(task)
    return kind.can_view(user, case) or any(kind.can_view(p, case) for p in absent_principals(deputy=user))
