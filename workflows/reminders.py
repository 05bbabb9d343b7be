"""What the workflow tells whom about tasks: a task's arrival (with its due date), reminders before and after the
due date, escalation one level up, the daily digest, the administrators when nobody may decide a step, and an
approver back from an absence what their deputy decided. Who may
act comes from workflows.selectors and permissions; the notifications app only delivers (the outbox)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Deputyship, User
from accounts.roles import Role
from accounts.selectors import users_with_roles
from notifications.deadlines import step_due_at
from notifications.messages import Context, user_name
from notifications.models import Channel, Notification, NotificationKind, TaskDeadline
from notifications.services import notify
from workflows.kinds import CaseKind, kind_of_task
from workflows.permissions import OPEN_TASK_STATUSES
from workflows.selectors import inbox_tasks, step_deciders, task_deciders, tasks_for_rows, with_cases, with_deputies


def enter_step(*, task: Task, case: Any = None) -> TaskDeadline | None:
    """A human step of any kind of case was created (its node's start, in the flow's transaction): tell whoever
    may act on it (`case`: the task's case when the caller has it), and return its due date's row for the caller to
    write with the step's other rows (workflows.nodes.step_enter). Steps only their owner does (an applicant's
    revision) have no due date and are announced by the case's own messages instead."""
    kind = kind_of_task(task)
    step = kind.steps.get(task.flow_task.name) if kind else None
    if step is None or step.role is None:
        return None
    deadline = task_deadline_of(task=task)
    task_available_notify(task=task, case=case, due_at=deadline.due_at if deadline else None, due_at_known=True)
    return deadline


def _case_link(case: Any) -> str:
    return case.get_absolute_url() if hasattr(case, "get_absolute_url") else ""


def _task_context(*, task: Task, kind: CaseKind, case: Any, due_at: datetime | None = None, **extra: Any) -> Context:
    step = kind.steps.get(task.flow_task.name)

    def build() -> dict[str, Any]:
        return {
            "case": kind.title(case),
            "step": step.label if step else task.flow_task.name,
            "due": due_at,
            **extra,
        }

    return build


def task_deadline_of(*, task: Task) -> TaskDeadline | None:
    """The due date of a review task that just arrived, not written yet (None for a step without a due time)."""
    due_at = step_due_at(step=task.flow_task.name, arrived_at=task.created or timezone.now())
    return None if due_at is None else TaskDeadline(task=task, due_at=due_at)


def task_available_notify(
    *, task: Task, case: Any = None, due_at: datetime | None = None, due_at_known: bool = False
) -> list[Notification]:
    """A task arrived in the inbox of everyone who may act on it: tell each of them, with a link to it.
    Called by the step's start, inside the transaction that created the task (`case` and `due_at` when the
    caller has them, `due_at_known` when None means "no due date"; read otherwise)."""
    kind = kind_of_task(task)
    if kind is None:
        return []
    if due_at is None and not due_at_known:
        deadline = TaskDeadline.objects.filter(task=task).first()
        due_at = deadline.due_at if deadline else None
    case = case if case is not None else kind.case_of(task)
    context = _task_context(task=task, kind=kind, case=case, due_at=due_at)
    deciders = task_deciders(task=task)
    if not deciders and task.flow_task.name in kind.review_steps:
        # Nobody may decide it (no holder of the role, or separation of duties excludes them all): tell the
        # administrators instead of letting the case wait unseen. They also see it in /tasks/without-decider/.
        return notify(
            recipients=users_with_roles([Role.ADMIN]).order_by("pk"),
            kind=NotificationKind.TASK_WITHOUT_DECIDER,
            event=f"task:{task.pk}:without-decider",
            link=reverse("workflows:without_decider"),
            context=context,
        )
    return notify(
        recipients=deciders,
        kind=NotificationKind.TASK_AVAILABLE,
        event=f"task:{task.pk}:available",
        link=reverse("workflows:task", kwargs={"task_id": task.pk}),
        context=context,
    )


# --- reminders, escalation and the digest (Celery beat jobs) ----------------------------------------------------


def _open_deadlines() -> QuerySet[TaskDeadline]:
    # Chosen on the deadline table alone; `_remind` reads each batch's tasks with their cases (joining every
    # kind's case tables into this scan made it seconds long once there were several kinds).
    return TaskDeadline.objects.filter(task__status__in=OPEN_TASK_STATUSES).order_by("due_at", "task_id")


# How many tasks a reminder job reads with their cases at once.
REMIND_BATCH = 200


def _not_among(user_ids: set[int], user: User) -> bool:
    return user.pk not in user_ids


def _remind(*, deadlines: QuerySet[TaskDeadline], kind: str, suffix: str, escalate: bool = False) -> int:
    """One notification per task of `deadlines` (each in its own transaction); the event key makes a second
    run of the job add nothing. Returns how many tasks were looked at."""
    count = 0
    due = dict(deadlines.values_list("task_id", "due_at"))
    ids = list(due)
    tasks = (
        task
        for start in range(0, len(ids), REMIND_BATCH)
        for task in tasks_for_rows(task_ids=ids[start : start + REMIND_BATCH])
    )
    for task in tasks:
        case_kind = kind_of_task(task)
        if case_kind is None:
            continue
        case = case_kind.case_of(task)
        if escalate:
            step = case_kind.steps.get(task.flow_task.name)
            up = step.escalate_to if step else None
            if up is None:
                continue
            # Not to a party of the case (an applicant who is also the head hears nothing of their own case).
            parties = case_kind.party_ids(case)
            recipients = step_deciders(kind=case_kind, step=up, department_id=case.department_id, exclude_ids=parties)
            # The next level up is away: their deputy hears of it (unless the deputy is a party of the case).
            recipients = with_deputies(recipients, may_act=partial(_not_among, parties))
            link = _case_link(case)
        else:
            recipients = task_deciders(task=task)
            link = reverse("workflows:task", kwargs={"task_id": task.pk})
        with transaction.atomic():
            notify(
                recipients=recipients,
                kind=kind,
                event=f"task:{task.pk}:{suffix}",
                link=link,
                context=_task_context(task=task, kind=case_kind, case=case, due_at=due[task.pk]),
            )
        count += 1
    return count


def task_due_soon_remind(*, now: datetime | None = None) -> int:
    """Remind whoever may decide an open task that is due within the next day (once per task)."""
    now = now or timezone.now()
    deadlines = _open_deadlines().filter(due_at__gt=now, due_at__lte=now + timedelta(days=1))
    return _remind(deadlines=deadlines, kind=NotificationKind.TASK_DUE_TOMORROW, suffix="due-soon")


def task_overdue_remind(*, now: datetime | None = None) -> int:
    """Tell whoever may decide an open task that it is past its due date (once per task)."""
    now = now or timezone.now()
    return _remind(
        deadlines=_open_deadlines().filter(due_at__lte=now), kind=NotificationKind.TASK_OVERDUE, suffix="overdue"
    )


def task_escalate(*, now: datetime | None = None) -> int:
    """Report tasks overdue by TASK_ESCALATE_AFTER_DAYS days to the next level up (once per task)."""
    now = now or timezone.now()
    deadlines = _open_deadlines().filter(due_at__lte=now - timedelta(days=settings.TASK_ESCALATE_AFTER_DAYS))
    return _remind(deadlines=deadlines, kind=NotificationKind.TASK_ESCALATED, suffix="escalated", escalate=True)


def digests_send(*, now: datetime | None = None) -> int:
    """The daily digest: one email per opted-in user listing the tasks waiting in their inbox (none when
    nothing waits). Once per user and day, however often the job runs."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            notification_preferences__kind=NotificationKind.DIGEST,
            notification_preferences__channel=Channel.EMAIL,
            notification_preferences__enabled=True,
        )
        .exclude(email="")
        .order_by("pk")
    )
    sent = 0
    for user in users:
        tasks = with_cases(list(inbox_tasks(user=user)))
        if not tasks:
            continue

        def context(tasks: list[Task] = tasks, user: User = user) -> dict[str, Any]:
            rows = []
            for task in tasks:
                case_kind = kind_of_task(task)
                step = case_kind.steps.get(task.flow_task.name) if case_kind else None
                deadline = getattr(task, "deadline", None)  # a missing reverse one-to-one is an AttributeError
                rows.append(
                    {
                        "case": case_kind.title(case_kind.case_of(task)) if case_kind else str(task),
                        "step": step.label if step else task.flow_task.name,
                        "due": deadline.due_at if deadline else None,
                        "overdue": bool(deadline and deadline.due_at <= now),
                    }
                )
            return {"tasks": rows, "count": len(rows), "user": user_name(user)}

        with transaction.atomic():
            notify(
                recipients=[user],
                kind=NotificationKind.DIGEST,
                event=f"digest:{day.isoformat()}",
                link=reverse("workflows:inbox"),
                context=context,
                channels=(Channel.EMAIL,),
            )
        sent += 1
    return sent


# --- deputies -----------------------------------------------------------------------------------------------------


def deputy_summaries_send(*, today: date | None = None) -> int:
    """An approver back from an absence is told what their deputy decided on their behalf (each case, the
    decision, when) and how many tasks wait in their inbox. Once per deputyship: a deputyship that has ended
    (past its last day, or ended early) and has no summary yet gets one, in its own transaction."""
    today = today or timezone.localdate()
    finished = (
        Deputyship.objects.filter(summary_sent_at__isnull=True, starts_on__lte=today)
        .filter(Q(ends_on__lt=today) | Q(cancelled_at__isnull=False))
        .select_related("principal", "deputy")
        .order_by("pk")
    )
    sent = 0
    for deputyship in finished:
        with transaction.atomic():
            locked = Deputyship.objects.select_for_update().filter(pk=deputyship.pk, summary_sent_at__isnull=True)
            if not locked.exists():
                continue
            decisions = _decided_on_behalf(deputyship)
            waiting = inbox_tasks(user=deputyship.principal).count()

            def context(
                decisions: list[tuple[CaseKind, tuple[Any, Any]]] = decisions,
                waiting: int = waiting,
                deputyship: Deputyship = deputyship,
            ) -> dict[str, Any]:
                return {
                    "deputy": user_name(deputyship.deputy),
                    "starts_on": deputyship.starts_on,
                    "ends_on": deputyship.ends_on,
                    "decisions": [
                        {"case": kind.title(event_case), "action": event.get_action_display(), "at": event.created_at}
                        for kind, (event, event_case) in decisions
                    ],
                    "count": len(decisions),
                    "waiting": waiting,
                }

            notify(
                recipients=[deputyship.principal],
                kind=NotificationKind.DEPUTY_SUMMARY,
                event=f"deputyship:{deputyship.pk}:summary",
                link=reverse("workflows:inbox"),
                context=context,
            )
            locked.update(summary_sent_at=timezone.now())
        sent += 1
    return sent


def _decided_on_behalf(deputyship: Any) -> list[tuple[CaseKind, tuple[Any, Any]]]:
    """(kind, (timeline line, case)) of each decision the deputy took on the approver's behalf during the
    deputyship, oldest first: the tasks the deputy finished in the range, each case's lines that name the approver."""
    start = timezone.make_aware(datetime.combine(deputyship.starts_on, time.min))
    end = timezone.make_aware(datetime.combine(deputyship.ends_on + timedelta(days=1), time.min))
    tasks = Task.objects.filter(owner=deputyship.deputy, status=STATUS.DONE, finished__gte=start, finished__lt=end)
    found: dict[tuple[str, int], tuple[CaseKind, tuple[Any, Any]]] = {}
    for task in tasks.order_by("finished", "pk"):
        kind = kind_of_task(task)
        if kind is None or kind.events is None:
            continue
        case = kind.case_of(task)
        lines = kind.events(case).filter(
            actor=deputyship.deputy,
            data__on_behalf_of=deputyship.principal_id,
            created_at__gte=start,
            created_at__lt=end,
        )
        for event in lines:
            found.setdefault((kind.key, event.pk), (kind, (event, case)))
    return sorted(found.values(), key=lambda item: item[1][0].created_at)
