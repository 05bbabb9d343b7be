"""Reads of workflow tasks (the inbox, permission-checked task access) and of cases (a case, its documents and
its timeline, permission-checked), for every kind of case."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, FullResultSet
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from accounts.roles import has_role, prime_department_ids, user_department_ids
from accounts.selectors import absent_principals, deputies_by_principal, deputyships_running, users_with_roles
from core.compiled import compiled_rows
from documents.models import Document
from notifications.models import TaskDeadline
from notifications.selectors import with_notification_choices
from workflows.kinds import RESUBMIT, CaseKind, case_kinds, kind_of_case, kind_of_task, kinds_generation
from workflows.models import Decision, InboxEntry
from workflows.permissions import (
    OPEN_TASK_STATUSES,
    can_act,
    can_decide_step,
    can_view_task,
    review_deciders_by_step,
    separation_of_duties_conflicts,
)


def _entry_duties_q(*, user: User | AnonymousUser, kind: CaseKind, step: str) -> Q:
    """The entries of `step` of `kind` that separation of duties leaves this user (the inbox table's form of
    workflows.permissions.separation_of_duties_conflicts): not a party to the case, no other review step of it
    decided (the row's `parties` and `decided`)."""
    if step not in kind.review_steps:
        return Q()
    return ~Q(parties__contains=f",{user.pk},") & ~Q(decided__contains=f",{user.pk},")


def _rights_scopes(*, user: User, holder: User, owners: list[int]) -> dict[tuple[str, str], list[Q]]:
    """Per (kind, step): the inbox entries `user` may act on with `holder`'s rights (their own, or an absent
    approver's): the steps of the holder's roles in the holder's departments, less what separation of duties keeps
    from the holder and from the user, not taken by anyone but `owners`. A step's scope comes in branches, one per
    department for a step scoped by department, each read through one of the inbox table's indexes in order."""
    scopes = {}
    departments = sorted(user_department_ids(holder))
    owned = Q(owner_id__isnull=True) | Q(owner_id__in=owners)
    for kind in case_kinds():
        for name, step in kind.steps.items():
            if step.role is None or not has_role(holder, step.role):
                continue
            duties = _entry_duties_q(user=user, kind=kind, step=name)
            if holder.pk != user.pk:
                duties &= _entry_duties_q(user=holder, kind=kind, step=name)
            step_q = Q(kind=kind.key, step=name)
            if step.department_scoped:
                branches = [step_q & Q(department_id=department) & duties & owned for department in departments]
            else:
                branches = [step_q & duties & owned]
            if branches:
                scopes[(kind.key, name)] = branches
    return scopes


class InboxScopes(dict[tuple[str, str], list[Q]]):
    """Per (kind, step): what a user may act on there, in branches (`_rights_scopes`), with each branch's WHERE
    compiled once (`where`) for every question a page asks of the inbox — its page, its count, its facets, its
    call and partner choices: compiling a branch, with its separation-of-duties subquery, costs more than running
    it, and a page asked each branch four times."""

    @cached_property
    def where(self) -> dict[tuple[str, str], list[tuple[str, list[Any]]]]:
        """Per (kind, step): each branch as a condition on the inbox table, `"workflows_inboxentry"` (SQL, params)."""
        return {
            key: [_where_sql(InboxEntry.objects.filter(branch)) for branch in branches]
            for key, branches in self.items()
        }


def _where_sql(rows: QuerySet[InboxEntry]) -> tuple[str, list[Any]]:
    """The WHERE of a query of the inbox table (its own columns, subqueries: no joins) as SQL on the table's own
    name; "TRUE" for none."""
    query = rows.query
    try:
        sql, params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:
        return "FALSE", []
    except FullResultSet:
        return "TRUE", []
    return (sql or "TRUE"), list(params)


def _scopes(scopes: dict[tuple[str, str], list[Q]]) -> InboxScopes:
    return scopes if isinstance(scopes, InboxScopes) else InboxScopes(scopes)


def _inbox_table() -> str:
    return connection.ops.quote_name(InboxEntry._meta.db_table)


def inbox_scopes(*, user: User) -> InboxScopes:
    """Per (kind, step): what the user may act on there, in their own right or an absent approver's, in branches
    (`_rights_scopes`); a row may be in two branches of a deputy. A page that asks several questions of the inbox
    (its page, counts, filter choices) builds this once and passes it."""
    scopes = InboxScopes(_rights_scopes(user=user, holder=user, owners=[user.pk]))
    for principal in absent_principals(deputy=user):
        for key, branches in _rights_scopes(user=user, holder=principal, owners=[user.pk, principal.pk]).items():
            scopes[key] = scopes.get(key, []) + branches
    return scopes


def _branches(scopes: InboxScopes) -> list[Q]:
    """Every branch of every step of the scopes, as one list."""
    return [branch for step_branches in scopes.values() for branch in step_branches]


def _any_of(branches: list[Q]) -> Q:
    scope = Q(pk__in=[])
    for branch in branches:
        scope |= branch
    return scope


# The inbox's order: the earliest due first (so overdue ones lead; a step without a due date comes after those with
# one), then the longest-waiting. The inbox table's indexes end in these columns.
INBOX_ORDER = (F("due_at").asc(nulls_last=True), "created", "task_id")


def inbox_entries(*, user: User) -> QuerySet[InboxEntry]:
    """The inbox table's rows of the open tasks of every kind of case that this user may act on, in the inbox's
    order (INBOX_ORDER). Tasks that separation of duties keeps from this user (their own case, a second step of a
    case they decided) are not in it. A deputy also finds the tasks of the approvers they stand in for today (the
    query form of workflows.permissions.act_refusal, held equal to it by tests)."""
    return InboxEntry.objects.filter(_any_of(_branches(inbox_scopes(user=user)))).order_by(*INBOX_ORDER)


def tasks_of_entries(entries: QuerySet[InboxEntry]) -> QuerySet[Task]:
    """The tasks of these inbox rows, in the inbox's order, with what lists show of them."""
    tasks: QuerySet[Task] = (
        Task.objects.filter(pk__in=entries.order_by().values("task_id"))
        .select_related("process", "owner", "deadline")
        .order_by(F("inbox_entry__due_at").asc(nulls_last=True), "inbox_entry__created", "pk")
    )
    return tasks


def inbox_tasks(*, user: User) -> QuerySet[Task]:
    """Open tasks of every kind of case that this user may act on, in the inbox's order (`inbox_entries`)."""
    return tasks_of_entries(inbox_entries(user=user))


def with_cases(tasks: list[Task]) -> list[Task]:
    """Attach to each task its process and case with what lists show of it (the kind's `related`): one query per
    kind of case present, so that `kind.case_of(task)` reads nothing more. (One select_related across every
    kind's tables would join dozens of tables into one query, which PostgreSQL is slow even to plan.)"""
    by_kind: dict[str, tuple[CaseKind, list[Task]]] = {}
    # Every kind's link from the process, known empty until set below (as a select_related of each would leave
    # it), so that asking a task for another kind's case reads nothing.
    links = [Process._meta.get_field(kind.process_attr) for kind in case_kinds()]
    for task in tasks:
        for link in links:
            if not link.is_cached(task.process):
                link.set_cached_value(task.process, None)
        kind = kind_of_task(task)
        if kind is not None:
            by_kind.setdefault(kind.key, (kind, []))[1].append(task)
    for kind, group in by_kind.values():
        paths = [kind.case_attr] + [f"{kind.case_attr}__{path}" for path in kind.related]
        processes = kind.flow.process_class._default_manager.select_related(*paths).in_bulk(
            {task.process_id for task in group}
        )
        for task in group:
            process = processes.get(task.process_id)
            if process is not None:
                setattr(task.process, kind.process_attr, process)
    return tasks


def tasks_for_rows(*, task_ids: list[int]) -> list[Task]:
    """A page of tasks (chosen by their ids alone, e.g. from `inbox_filtered(...).values_list("pk")`) read with
    their cases and what lists show of them, in the page's order (`with_cases`)."""
    rows = Task.objects.filter(pk__in=task_ids).select_related("process", "owner", "deadline")
    by_id = {task.pk: task for task in rows}
    return with_cases([by_id[pk] for pk in task_ids if pk in by_id])


def inbox_entries_of(*, task_ids: list[int]) -> list[InboxEntry]:
    """The inbox rows of a page of tasks (chosen by `inbox_ids`), in the page's order: what an inbox line shows."""
    by_id = InboxEntry.objects.in_bulk(task_ids)
    return [by_id[pk] for pk in task_ids if pk in by_id]


def access_task(*, user: User | AnonymousUser, task_id: int | str) -> Task:
    """The task if the user may see its case; one 404 for missing and not-yours."""
    try:
        task = with_cases([Task.objects.select_related("process", "owner").get(pk=task_id)])[0]
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such task."))
    if kind_of_task(task) is None or not can_view_task(user, task):
        raise Http404(_("No such task."))
    return task


def open_task_for_process(process: Any) -> Task | None:
    """The open human task of a process (none once it ended)."""
    if process is None:
        return None
    return (
        Task.objects.filter(process=process, status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN")
        .order_by("-created")
        .first()
    )


def open_task_for_case(*, case: Any) -> Task | None:
    """The open human task of a case of any kind (none before it is submitted or after it is decided)."""
    kind = kind_of_case(case)
    if kind is None or case.pk is None:
        return None
    return open_task_for_process(kind.flow.process_class.objects.filter(**{kind.case_attr: case}).first())


def open_task_for_application(*, application: models.Model) -> Task | None:
    return open_task_for_case(case=application)


def open_task_for_agreement(*, agreement: models.Model) -> Task | None:
    return open_task_for_case(case=agreement)


def step_deciders(
    *, kind: CaseKind, step: str, department_id: int, exclude_ids: Collection[int] = frozenset()
) -> list[User]:
    """Active users who may act on this step of this kind of case in this department: can_decide_step over
    the users holding the step's role (and the department, when the step is scoped), less `exclude_ids`."""
    definition = kind.steps.get(step)
    if definition is None or definition.role is None:
        return []
    users = users_with_roles([definition.role])
    if definition.department_scoped:
        users = users.filter(departments=department_id)
    users = users.exclude(pk__in=exclude_ids).order_by("pk").prefetch_related("groups")
    return [user for user in users if can_decide_step(user, step=step, department_id=department_id, kind=kind)]


def with_deputies(users: list[User], *, may_act: Callable[[User], bool]) -> list[User]:
    """`users`, each one away today (a deputyship in force) replaced by their deputies who `may_act`; one whose
    deputies may not (separation of duties) stays. For whom a task's arrival, reminders and escalation go to."""
    deputies = deputies_by_principal(principal_ids=[user.pk for user in users])
    result: dict[int, User] = {}
    for user in users:
        standing = [deputy for deputy in deputies.get(user.pk, []) if may_act(deputy)]
        for person in standing or [user]:
            result.setdefault(person.pk, person)
    return list(result.values())


def task_deciders(*, task: Task) -> list[User]:
    """Who should act on this open task now: its owner once someone took it, otherwise everyone allowed (the step's
    role, in the case's department when the step is scoped), less those whom separation of duties excludes (the
    query form of workflows.permissions.conflicted_user_ids); an approver who is away gives way to their deputy
    (who may act on it: workflows.permissions.can_act). One query, whatever the number of users, cases or
    decisions, unless somebody is away today."""
    kind = kind_of_task(task)
    if kind is None:
        return []
    name = task.flow_task.name
    step = kind.steps.get(name)
    if step is None or step.role is None:
        return []
    case = kind.case_of(task)
    review = name in kind.review_steps
    others = [getattr(kind.flow, other) for other in kind.review_steps if other != name] if review else []

    role = step.role

    def build(department: int | None, parties: list[int], process: int | None, owner: int | None, day: date) -> Any:
        users = users_with_roles([role])
        if department is not None:
            users = users.filter(departments=department)
        if review:
            users = users.exclude(pk__in=parties)
        if process is not None:
            decided_another = Task.objects.filter(
                process_id=process, status=STATUS.DONE, flow_task__in=others, owner_id=OuterRef("pk")
            )
            users = users.exclude(Exists(decided_another))
        if owner is not None:
            users = users.filter(pk=owner)
        away = deputyships_running(on=day).filter(principal_id=OuterRef("pk"))
        # Their notification preferences come along: telling them costs no query more.
        return with_notification_choices(users.annotate(away=Exists(away)).order_by("pk"))

    # Compiled once per kind and step (core.compiled): a decision asks it for the step it leads to.
    rows = compiled_rows(
        ("task_deciders", kinds_generation(), kind.key, name),
        build,
        department=case.department_id if step.department_scoped else None,
        parties=sorted(kind.party_ids(case)) if review else [],
        process=task.process_id if others else None,
        owner=task.owner_id,
        day=timezone.localdate(),
    )
    deciders: list[User] = rows
    if not any(getattr(user, "away", False) for user in deciders):
        return deciders
    action = min(step.actions)  # any of the step's actions: the rights are the same
    return with_deputies(deciders, may_act=lambda deputy: can_act(deputy, task, action))


def tasks_without_decider() -> list[tuple[Task, object]]:
    """Open review tasks that nobody may decide: every holder of the step's role (in the case's department) is
    inactive, missing, or excluded by separation of duties. (task, case) pairs, oldest first, for the
    administrators' list; a constant number of queries whatever the number of tasks."""
    review_tasks = {getattr(kind.flow, name): (kind, name) for kind in case_kinds() for name in kind.review_steps}
    tasks = with_cases(
        list(
            Task.objects.filter(status__in=OPEN_TASK_STATUSES, flow_task__in=list(review_tasks))
            .select_related("process", "owner")
            .order_by("created", "pk")
        )
    )
    if not tasks:
        return []
    decided = review_deciders_by_step(process_ids={task.process_id for task in tasks})
    roles = {role for kind, name in review_tasks.values() if (role := kind.steps[name].role)}
    approvers = list(users_with_roles(roles).prefetch_related("groups", "departments"))
    for user in approvers:
        prime_department_ids(user, [department.pk for department in user.departments.all()])
    stuck = []
    for task in tasks:
        kind, name = review_tasks[task.flow_task]
        case = kind.case_of(task)
        excluded = separation_of_duties_conflicts(
            kind=kind, step=name, case=case, decided=decided.get(task.process_id, {})
        )
        if not any(
            user.pk not in excluded
            and (task.owner_id is None or task.owner_id == user.pk)
            and can_decide_step(user, step=name, department_id=case.department_id, kind=kind)
            for user in approvers
        ):
            stuck.append((task, case))
    return stuck


# --- a case, its documents and its timeline, for every kind --------------------------------------------------


def access_case(*, user: User | AnonymousUser, kind: CaseKind, case_id: int | str) -> Any:
    """The case of this kind if the user may see it; 404 for a missing case and a stranger's alike."""
    try:
        case = kind.case_model.objects.get(pk=case_id)
    except (kind.case_model.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such case."))
    if not kind.can_view(user, case):
        raise Http404(_("No such case."))
    return case


def case_documents(*, case: Any) -> QuerySet[Document]:
    """Every version of every document of a case, by kind, newest version first."""
    return (
        Document.objects.filter(case_type=ContentType.objects.get_for_model(type(case)), case_id=case.pk)
        .select_related("uploaded_by")
        .order_by("kind", "-version")
    )


def access_case_document(
    *, user: User | AnonymousUser, kind: CaseKind, case_id: int | str, document_id: int | str
) -> Document:
    """A document of a case the user may see (the case's permission first); 404 otherwise."""
    case = access_case(user=user, kind=kind, case_id=case_id)
    try:
        return case_documents(case=case).get(pk=document_id)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such document."))


def case_events(*, kind: CaseKind, case: Any) -> Any:
    """The case's timeline, oldest first (the kind's `events`)."""
    if kind.events is None:
        raise Http404(_("This kind of case keeps no timeline."))
    return kind.events(case)


@dataclass(frozen=True)
class CaseProgress:
    """Where a case of any kind stands: the step it waits at (its label and role), when that step is due, and the
    steps that follow it on the way to a decision (their labels, in order)."""

    step: str
    label: str
    role: str | None
    due_at: datetime | None
    next_labels: list[str]
    is_revision: bool


def case_progress(case: Any, *, open_task: Task | None = None) -> CaseProgress | None:
    """The progress of a case through its kind's steps; None when no step is open (a draft, a decided case).
    `open_task`: the case's open task when the caller has read it (a task page), so it is not read again.

    "Next" is the kind's steps after the open one, in the order the kind lists them, leaving out revision steps
    (they happen only on a send-back). After a revision the case goes back to the first review step; a kind
    whose flow skips steps it already approved (an agreement's) may then skip some of those named."""
    task = open_task if open_task is not None else open_task_for_case(case=case)
    kind = kind_of_case(case)
    if task is None or kind is None:
        return None
    names = list(kind.steps)
    current = task.flow_task.name
    step = kind.steps.get(current)
    if step is None:
        return None
    is_revision = not step.is_review and RESUBMIT in step.actions
    following = names if is_revision else names[names.index(current) + 1 :]
    in_use = set(kind.steps_in_use()) if kind.steps_in_use is not None else set(names)
    next_labels = [
        str(kind.steps[name].label)
        for name in following
        if name != current and name in in_use and RESUBMIT not in kind.steps[name].actions
    ]
    due_at = TaskDeadline.objects.filter(task=task).values_list("due_at", flat=True).first()
    return CaseProgress(
        step=current,
        label=str(step.label),
        role=step.role,
        due_at=due_at,
        next_labels=next_labels,
        is_revision=is_revision,
    )


# --- the inbox, filtered -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox shows of the tasks a user may act on: a kind of case, one of its steps ("kind:step"), a
    department, only overdue ones, due by a date, a search in the names and titles of the cases."""

    kind: str = ""
    step: str = ""
    department: int | None = None
    overdue: bool = False
    due_before: date | None = None
    q: str = ""
    call: int | None = None
    partner: int | None = None

    @property
    def is_empty(self) -> bool:
        return self == InboxFilter()


def _filters_q(filters: InboxFilter, now: datetime | None = None) -> Q | None:
    """`filters` as one condition on the inbox table; None when nothing can match (an unknown kind or step)."""
    kinds = {kind.key: kind for kind in case_kinds()}
    condition = Q()
    if filters.step:
        kind_key, _sep, step = filters.step.partition(":")
        kind = kinds.get(kind_key)
        if kind is None or step not in kind.steps:
            return None
        condition &= Q(kind=kind_key, step=step)
    elif filters.kind:
        if filters.kind not in kinds:
            return None
        condition &= Q(kind=filters.kind)
    if filters.department is not None:
        condition &= Q(department_id=filters.department)
    if filters.call is not None:
        condition &= Q(call_id=filters.call)
    if filters.partner is not None:
        condition &= Q(partner_id=filters.partner)
    now = now or timezone.now()
    if filters.overdue:
        condition &= Q(due_at__lt=now)
    if filters.due_before is not None:
        condition &= Q(due_at__date__lte=filters.due_before)
    term = filters.q.strip()
    if term:
        scope = Q(search__icontains=term)
        if term.isdigit():
            scope |= Q(case_id=int(term))
        condition &= scope
    return condition


def inbox_entries_filtered(*, user: User, filters: InboxFilter, now: datetime | None = None) -> QuerySet[InboxEntry]:
    """The user's inbox rows (`inbox_entries`: what they may act on, in its order) narrowed by `filters`."""
    entries = inbox_entries(user=user)
    condition = _filters_q(filters, now)
    return entries.none() if condition is None else entries.filter(condition)


def _order_sql(order: tuple[Any, ...]) -> str:
    """An inbox order (INBOX_ORDER, workflows.forms.SORTS: column names, "-name", F(name).asc(nulls_last=True)) as
    the ORDER BY of the merged branches' columns."""
    terms = []
    for item in order:
        if isinstance(item, str):
            name, direction = (item[1:], "DESC") if item.startswith("-") else (item, "ASC")
            terms.append(f"{connection.ops.quote_name(name)} {direction}")
        else:
            nulls = " NULLS LAST" if item.nulls_last else " NULLS FIRST" if item.nulls_first else ""
            direction = "DESC" if item.descending else "ASC"
            terms.append(f"{connection.ops.quote_name(item.expression.name)} {direction}{nulls}")
    return ", ".join(terms)


def _order_columns(order: tuple[Any, ...]) -> list[str]:
    """The columns an order reads besides task_id (which every branch selects first)."""
    names = [item.lstrip("-") if isinstance(item, str) else item.expression.name for item in order]
    return [name for name in names if name != "task_id"]


class InboxIds:
    """A user's inbox as filtered, as the sequence of its task ids in `order`, for a (capped) paginator. A slice
    reads each branch of the user's scope (a step, or a step in one department: `_rights_scopes`) through its own
    index in order, only as far as the slice's end, and merges them (UNION: a row two branches share counts once);
    so a page costs what its position costs, not what the number of rows behind it does (a prorector's steps hold
    tens of thousands). Its count is capped and reads no order (`capped_count`)."""

    ordered = True  # for Django's Paginator

    def __init__(self, *, branches: list[tuple[str, list[Any]]], order: tuple[Any, ...]):
        """`branches`: each branch's condition on the inbox table (SQL, params: `InboxScopes.where`, filtered)."""
        self.branches = branches
        self.order = order

    @cached_property
    def _branch_sql(self) -> list[tuple[str, list[Any]]]:
        """Each branch as `SELECT task_id, <the order's columns> FROM <inbox table> WHERE ...`."""
        columns = ", ".join(connection.ops.quote_name(name) for name in ["task_id", *_order_columns(self.order)])
        return [(f"SELECT {columns} FROM {_inbox_table()} WHERE {where}", params) for where, params in self.branches]

    def _merged(self, parts: list[str], params: list[Any], outer: str, outer_params: list[Any]) -> list[Any]:
        # Each branch is a subquery of its own (SQLite takes no parenthesised SELECT as a member of a UNION).
        with connection.cursor() as cursor:
            cursor.execute(outer.format(merged=" UNION ".join(parts)), [*params, *outer_params])
            rows: list[Any] = cursor.fetchall()
            return rows

    def capped_count(self, cap: int | None) -> int:
        """How many rows, counting at most `cap` (None: all): each branch's first `cap` rows in no order, merged."""
        if not self.branches:
            return 0
        limit = "" if cap is None else f" LIMIT {int(cap)}"
        parts = [f"SELECT * FROM ({sql}{limit}) AS branch_{n}" for n, (sql, _params) in enumerate(self._branch_sql)]
        params = [param for _sql, branch_params in self._branch_sql for param in branch_params]
        [(count,)] = self._merged(parts, params, "SELECT COUNT(*) FROM ({merged}) AS merged", [])
        return int(count) if cap is None else min(int(count), cap)

    def count(self) -> int:
        return self.capped_count(None)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[int]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("InboxIds reads slices only")
        start, stop = index.start or 0, index.stop
        if stop is None or stop <= start or not self.branches:
            return []
        order = _order_sql(self.order)
        parts = [
            f"SELECT * FROM ({sql} ORDER BY {order} LIMIT {int(stop)}) AS branch_{n}"
            for n, (sql, _params) in enumerate(self._branch_sql)
        ]
        params = [param for _sql, branch_params in self._branch_sql for param in branch_params]
        outer = "SELECT merged.task_id FROM ({merged}) AS merged ORDER BY " + order + " LIMIT %s OFFSET %s"
        return [row[0] for row in self._merged(parts, params, outer, [stop - start, start])]


def inbox_ids(
    *,
    user: User,
    filters: InboxFilter,
    order: tuple[Any, ...] = INBOX_ORDER,
    now: datetime | None = None,
    scopes: InboxScopes | None = None,
) -> InboxIds:
    """The task ids of the user's inbox narrowed by `filters`, in `order` (INBOX_ORDER or one of
    workflows.forms.SORTS), to be read a page at a time (`InboxIds`)."""
    condition = _filters_q(filters, now)
    if condition is None:  # nothing can match
        return InboxIds(branches=[], order=order)
    scopes = inbox_scopes(user=user) if scopes is None else _scopes(scopes)
    where, params = _where_sql(InboxEntry.objects.filter(condition))
    return InboxIds(
        branches=[
            (f"({branch}) AND ({where})", [*branch_params, *params])
            for step_branches in scopes.where.values()
            for branch, branch_params in step_branches
        ],
        order=order,
    )


def inbox_filtered(*, user: User, filters: InboxFilter, now: datetime | None = None) -> QuerySet[Task]:
    """The user's inbox (`inbox_tasks`: what they may act on, in its order) narrowed by `filters`."""
    return tasks_of_entries(inbox_entries_filtered(user=user, filters=filters, now=now))


def inbox_filter_choices(*, user: User, field: str, scopes: InboxScopes | None = None) -> list[tuple[int, str]]:
    """What the inbox may be filtered by in `field` ("call" or "partner", as InboxEntry copies them): the rows the
    user's open inbox entries point to, by name. The model is the one the kinds' cases link to by that field (so
    the kernel names no domain app); one query per such model — one in practice — whatever the inbox holds."""
    kinds_by_model: dict[type[models.Model], list[str]] = {}
    for kind in case_kinds():
        try:
            link = kind.case_model._meta.get_field(field)
        except FieldDoesNotExist:
            continue
        if link.many_to_one and link.related_model is not None:
            kinds_by_model.setdefault(link.related_model, []).append(kind.key)
    if not kinds_by_model:
        return []
    if len(kinds_by_model) == 1:
        # With one such model, a kind may also copy the field from further away (an incoming case's partner is
        # its agreement's, through its `inbox_entry`): its rows count too. Kinds that copy nothing are not probed
        # (a probe of a prorector's application rows per partner cost 40 ms at 1.3 million cases).
        [kind_keys] = kinds_by_model.values()
        kind_keys.extend(
            kind.key for kind in case_kinds() if kind.inbox_entry is not None and kind.key not in kind_keys
        )
    scopes = inbox_scopes(user=user) if scopes is None else _scopes(scopes)
    choices: dict[int, str] = {}
    for model, kind_keys in kinds_by_model.items():
        # Each call (partner) asks, branch by branch of the user's scope, whether one row names it, through the
        # (call, kind, step) index: a probe or two each, where reading the user's rows would read tens of thousands
        # (a prorector's).
        quote = connection.ops.quote_name
        named = f"{quote(model._meta.db_table)}.{quote(str(model._meta.pk.column))}"
        probes, params = [], []
        for (kind_key, _step), branches in scopes.where.items():
            if kind_key in kind_keys:
                for where, branch_params in branches:
                    probes.append(
                        f"EXISTS(SELECT 1 FROM {_inbox_table()} WHERE {connection.ops.quote_name(field + '_id')} = "
                        f"{named} AND ({where}))"
                    )
                    params.extend(branch_params)
        if probes:
            held = RawSQL(" OR ".join(probes), params, output_field=models.BooleanField())
            choices.update((row.pk, str(row)) for row in model._default_manager.filter(held))
    return sorted(choices.items(), key=lambda item: (item[1].casefold(), item[0]))


@dataclass(frozen=True)
class InboxFacet:
    value: str  # an InboxFilter.step value, "kind:step"
    kind_label: Any
    step_label: Any
    count: int
    # More than INBOX_FACET_CAP wait there (`count` is the cap).
    capped: bool = False


# Facet counts stop here ("1000+"): counting every row of a busy step would read them all.
INBOX_FACET_CAP = 1000


def inbox_facets(*, user: User, scopes: InboxScopes | None = None) -> list[InboxFacet]:
    """How many of the user's tasks wait at each step of each kind, in the kinds' step order, each count capped at
    INBOX_FACET_CAP: one statement, each step's count reading at most the cap's rows of that step's scope."""
    scopes = inbox_scopes(user=user) if scopes is None else _scopes(scopes)
    steps = [
        (kind, name, step) for kind in case_kinds() for name, step in kind.steps.items() if (kind.key, name) in scopes
    ]
    if not steps:
        return []
    parts = []
    params: list[Any] = []
    for kind, name, _step in steps:
        branches = scopes.where[(kind.key, name)]
        parts.append(
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {_inbox_table()} WHERE "
            + " OR ".join(f"({where})" for where, _params in branches)
            + f" LIMIT {INBOX_FACET_CAP + 1}) AS step_rows)"
        )
        params.extend(param for _where, branch_params in branches for param in branch_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        row = cursor.fetchone()
    facets = []
    for index, (kind, name, step) in enumerate(steps):
        count = row[index]
        if count:
            facets.append(
                InboxFacet(
                    f"{kind.key}:{name}",
                    kind.label,
                    step.label,
                    min(count, INBOX_FACET_CAP),
                    capped=count > INBOX_FACET_CAP,
                )
            )
    return facets


# --- what changed on a case since an approver last decided it ----------------------------------------------------


@dataclass(frozen=True)
class CaseChanges:
    """What changed on a case since `since` (the user's last decision on it, or the last send-back): each field's
    first old and last new value ({field: {"old", "new"}}) and the documents uploaded since (their timeline data:
    kind, version, ...)."""

    since: datetime
    fields: dict[str, dict[str, str]]
    documents: list[dict[str, Any]]

    @property
    def any(self) -> bool:
        return bool(self.fields or self.documents)


def case_changes_since_last_seen(
    *, kind: CaseKind, case: Any, user: User, events: Sequence[Any] | None = None
) -> CaseChanges | None:
    """For a resubmitted case: what changed since this user last decided it — or, if they never did, since it was
    last sent back. None when there is no such moment (a case seen for the first time). `events`: the case's
    timeline as `kind.events` gives it, when the caller has read it (a task page), so it is not read again."""
    if kind.events is None:
        return None
    events = list(events) if events is not None else list(kind.events(case))
    decisions = set(kind.decision_events.values())
    sent_back = kind.decision_events.get(Decision.REQUEST_CHANGES)
    anchor = next(
        (i for i in range(len(events) - 1, -1, -1) if events[i].actor_id == user.pk and events[i].action in decisions),
        None,
    )
    if anchor is None:
        anchor = next((i for i in range(len(events) - 1, -1, -1) if events[i].action == sent_back), None)
    if anchor is None:
        return None
    fields: dict[str, dict[str, str]] = {}
    documents = []
    uploaded = kind.documents.uploaded_event if kind.documents is not None else None
    for event in events[anchor + 1 :]:
        for name, change in (event.data.get("changes") or {}).items():
            fields.setdefault(name, {"old": change.get("old", "")})["new"] = change.get("new", "")
        if uploaded is not None and event.action == uploaded:
            documents.append(event.data)
    fields = {name: change for name, change in fields.items() if change["old"] != change["new"]}
    return CaseChanges(since=events[anchor].created_at, fields=fields, documents=documents)
