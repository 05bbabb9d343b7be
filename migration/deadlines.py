"""When each step of a checklist is due: pure date arithmetic, no database."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta


def step_due_date(*, anchor: str, offset_days: int, dates: Mapping[str, date | None]) -> date | None:
    """The anchor's date in this case moved by `offset_days` (negative: before it); None while the anchor date
    is not known (no arrival date yet, no permit yet)."""
    anchor_date = dates.get(anchor)
    if anchor_date is None:
        return None
    return anchor_date + timedelta(days=offset_days)


def reminder_threshold(*, due_date: date, today: date, thresholds: list[int]) -> int | None:
    """The reminder a step due on `due_date` is owed today: the smallest threshold (days before the deadline)
    the deadline is within, so a step first seen a day before its deadline gets the one-day reminder alone, not
    the seven-day one too. None if it is not yet within any threshold or already past its deadline."""
    left = (due_date - today).days
    if left < 0:
        return None
    within = [days for days in thresholds if left <= days]
    return min(within) if within else None
