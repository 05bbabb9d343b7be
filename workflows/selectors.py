"""Reads of workflow tasks: the inbox and permission-checked task access, for every kind of case."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from accounts.models import User
from accounts.roles import has_role, prime_department_ids, user_department_ids
from workflows.kinds import CaseKind, case_kinds, kind_of_case, kind_of_task
from workflows.permissions import (
    OPEN_TASK_STATUSES,
    can_decide_step,
    can_view_task,
    conflicted_user_ids,
    review_deciders_by_step,
    separation_of_duties_conflicts,
    separation_of_duties_q,
)


def _task_related() -> list[str]:
    """select_related paths from a task to its case and what lists show of it, for every kind of case."""
    return [path for kind in case_kinds() for path in kind.task_related()] + ["owner"]


def inbox_tasks(*, user: User) -> QuerySet[Task]:
    """Open tasks of every kind of case that this user may act on: the earliest due first (so overdue ones
    lead; a step without a due date comes after those with one), then the longest-waiting. Tasks that
    separation of duties keeps from this user (their own case, a second step of a case they decided) are
    not in it."""
    scope = Q(pk__in=[])
    departments = user_department_ids(user)
    for kind in case_kinds():
        for name, step in kind.steps.items():
            if step.role is None or not has_role(user, step.role):
                continue
            step_q = Q(flow_task=getattr(kind.flow, name))
            if step.department_scoped:
                step_q &= Q(**{f"process__{kind.process_attr}__{kind.case_attr}__department_id__in": departments})
            scope |= step_q & separation_of_duties_q(user=user, kind=kind, step=name)
    tasks: QuerySet[Task] = (
        Task.objects.filter(scope, status__in=OPEN_TASK_STATUSES)
        .filter(Q(owner__isnull=True) | Q(owner=user))
        .select_related(*_task_related(), "deadline")
        .order_by(F("deadline__due_at").asc(nulls_last=True), "created", "pk")
    )
    return tasks


def access_task(*, user: User | AnonymousUser, task_id: int | str) -> Task:
    """The task if the user may see its case; one 404 for missing and not-yours."""
    try:
        task = Task.objects.select_related(*_task_related()).get(pk=task_id)
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
    users = get_user_model().objects.filter(is_active=True, groups__name=definition.role)
    if definition.department_scoped:
        users = users.filter(departments=department_id)
    users = users.exclude(pk__in=exclude_ids).distinct().order_by("pk").prefetch_related("groups")
    return [user for user in users if can_decide_step(user, step=step, department_id=department_id, kind=kind)]


def task_deciders(*, task: Task) -> list[User]:
    """Who may act on this open task now: its owner once someone took it, otherwise everyone allowed, less
    those whom separation of duties excludes (workflows.permissions.conflicted_user_ids)."""
    kind = kind_of_task(task)
    if kind is None:
        return []
    department_id = kind.case_of(task).department_id
    deciders = step_deciders(
        kind=kind,
        step=task.flow_task.name,
        department_id=department_id,
        exclude_ids=set(conflicted_user_ids(task=task)),
    )
    if task.owner_id is not None:
        return [user for user in deciders if user.pk == task.owner_id]
    return deciders


def tasks_without_decider() -> list[tuple[Task, object]]:
    """Open review tasks that nobody may decide: every holder of the step's role (in the case's department) is
    inactive, missing, or excluded by separation of duties. (task, case) pairs, oldest first, for the
    administrators' list; a constant number of queries whatever the number of tasks."""
    review_tasks = {getattr(kind.flow, name): (kind, name) for kind in case_kinds() for name in kind.review_steps}
    tasks = list(
        Task.objects.filter(status__in=OPEN_TASK_STATUSES, flow_task__in=list(review_tasks))
        .select_related(*_task_related())
        .order_by("created", "pk")
    )
    if not tasks:
        return []
    decided = review_deciders_by_step(process_ids={task.process_id for task in tasks})
    roles = {kind.steps[name].role for kind, name in review_tasks.values()}
    approvers = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles)
        .distinct()
        .prefetch_related("groups", "departments")
    )
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
