"""Due dates in working days: Monday to Friday count, Saturday and Sunday do not (public holidays are not
modelled). A task that arrives on a weekend starts counting on Monday morning."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

SATURDAY = 5


def is_working_day(moment: datetime) -> bool:
    return moment.weekday() < SATURDAY


def add_working_days(start: datetime, days: int) -> datetime:
    """`days` working days after `start`, at the same local time of day (the start of Monday when the
    clock starts on a weekend)."""
    moment = timezone.localtime(start)
    if not is_working_day(moment):
        while not is_working_day(moment):
            moment += timedelta(days=1)
        moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    added = 0
    while added < days:
        moment += timedelta(days=1)
        if is_working_day(moment):
            added += 1
    # Rebuild from the wall-clock time so a daylight-saving change in between cannot shift the hour.
    return timezone.make_aware(datetime.combine(moment.date(), time(moment.hour, moment.minute, moment.second)))


def step_due_at(*, step: str, arrived_at: datetime) -> datetime | None:
    """When a task of this step that arrived at `arrived_at` is due; None for a step without a due time."""
    days = settings.TASK_DUE_WORKING_DAYS.get(step)
    if days is None:
        return None
    return add_working_days(arrived_at, days)
