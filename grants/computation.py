"""What a grant comes to: pure arithmetic over a rate row and a mobility period, no database.

Students are paid per month: whole calendar months from the first day, and the days left over at 1/30 of the
monthly rate each (the Erasmus+ rule); the fewer-opportunities top-up follows the same months and days. Staff are
paid per day, both the first and the last day counted. Green travel is a one-off top-up. Amounts are rounded to the
cent, half up, once per part."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
DAYS_PER_MONTH = 30


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_and_days(start: date, end: date) -> tuple[int, int]:
    """Whole months from `start` and the days left over, for a period whose last day is `end` (counted)."""
    after = end + timedelta(days=1)
    months = 0
    while add_months(start, months + 1) <= after:
        months += 1
    return months, (after - add_months(start, months)).days


def staff_days(start: date, end: date) -> int:
    return (end - start).days + 1


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def prorated(monthly: Decimal, months: int, days: int) -> Decimal:
    return _cents(monthly * months + monthly * days / DAYS_PER_MONTH)


@dataclass(frozen=True)
class GrantFigures:
    unit: str  # "month" or "day"
    rate: Decimal
    months: int
    days: int
    base_amount: Decimal
    fewer_opportunities_amount: Decimal
    green_travel_amount: Decimal

    @property
    def total(self) -> Decimal:
        return self.base_amount + self.fewer_opportunities_amount + self.green_travel_amount


def student_grant(
    *,
    start: date,
    end: date,
    monthly: Decimal,
    fewer_opportunities_monthly: Decimal,
    green_travel_amount: Decimal,
    fewer_opportunities: bool,
    green_travel: bool,
) -> GrantFigures:
    months, days = months_and_days(start, end)
    return GrantFigures(
        unit="month",
        rate=monthly,
        months=months,
        days=days,
        base_amount=prorated(monthly, months, days),
        fewer_opportunities_amount=(
            prorated(fewer_opportunities_monthly, months, days) if fewer_opportunities else Decimal("0.00")
        ),
        green_travel_amount=_cents(green_travel_amount) if green_travel else Decimal("0.00"),
    )


def staff_grant(
    *, start: date, end: date, daily: Decimal, green_travel_amount: Decimal, green_travel: bool
) -> GrantFigures:
    days = staff_days(start, end)
    return GrantFigures(
        unit="day",
        rate=daily,
        months=0,
        days=days,
        base_amount=_cents(daily * days),
        fewer_opportunities_amount=Decimal("0.00"),
        green_travel_amount=_cents(green_travel_amount) if green_travel else Decimal("0.00"),
    )
