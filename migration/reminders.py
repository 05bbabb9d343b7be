"""What migration advice tells whom: before each step's deadline, the foreigner and the office are reminded
(MIGRATION_REMINDER_DAYS days before, e.g. 7 and 1), once per step, threshold and deadline. The message is in each
recipient's language and names the step in both languages (a foreigner may read neither well)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from migration.deadlines import reminder_threshold
from migration.models import AdviceStatus, AdviceStep
from migration.selectors import office_recipients
from notifications.models import Notification, NotificationKind
from notifications.services import notify


def reminder_event(step: AdviceStep, threshold: int) -> str:
    """The idempotency key of one reminder: a moved deadline is a new one, and reminded again."""
    assert step.due_date is not None
    return f"migration:{step.case_id}:step:{step.pk}:due:{step.due_date.isoformat()}:{threshold}"


def _context(step: AdviceStep, today: date, due: date) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        template = step.template
        return {
            "step": template.label,
            "help": template.help_text,
            "label_en": template.label_en,
            "label_az": template.label_az,
            "person": str(step.case.person),
            "due": due,
            "due_iso": due.isoformat(),
            "days_left": (due - today).days,
        }

    return build


def thresholds() -> list[int]:
    return sorted({int(days) for days in settings.MIGRATION_REMINDER_DAYS if int(days) >= 0})


def advice_reminders_send(*, today: date | None = None) -> int:
    """Remind the foreigner and the office of each open step whose deadline is within a threshold; returns how many
    reminders were newly recorded (each a notification per recipient and channel, emailed after commit). Running it
    again the same day, or a day later within the same threshold, sends nothing twice."""
    today = today or timezone.localdate()
    days = thresholds()
    if not days:
        return 0
    steps = list(
        AdviceStep.objects.filter(
            done_at__isnull=True,
            case__status=AdviceStatus.OPEN,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=max(days)),
        )
        .select_related("case__person", "template")
        .order_by("due_date", "pk")
    )
    owed = {}
    for step in steps:
        if step.due_date is None:
            continue
        threshold = reminder_threshold(due_date=step.due_date, today=today, thresholds=days)
        if threshold is not None:
            owed[reminder_event(step, threshold)] = step
    already = set(Notification.objects.filter(event__in=list(owed)).values_list("event", flat=True).distinct())
    sent = 0
    office_by_department: dict[int | None, list[Any]] = {}
    for event, step in owed.items():
        if event in already:
            continue
        case = step.case
        assert step.due_date is not None  # only steps with a deadline are owed a reminder
        if case.department_id not in office_by_department:
            office_by_department[case.department_id] = office_recipients(case=case)
        with translation.override(settings.LANGUAGE_CODE):
            link = case.get_absolute_url()
        notify(
            recipients=[case.person, *office_by_department[case.department_id]],
            kind=NotificationKind.MIGRATION_STEP_DUE,
            event=event,
            context=_context(step, today, step.due_date),
            link=link,
        )
        sent += 1
    return sent
