"""Grant arithmetic: students per month (whole calendar months, then days at 1/30 of the monthly rate), staff per
day (first and last day counted), top-ups."""

from datetime import date
from decimal import Decimal

from grants.computation import months_and_days, staff_days, staff_grant, student_grant


def test_whole_months_and_the_days_left_over():
    assert months_and_days(date(2027, 2, 1), date(2027, 6, 30)) == (5, 0)
    assert months_and_days(date(2026, 9, 15), date(2027, 1, 31)) == (4, 17)
    # a month from the 31st ends on the last day of a shorter month
    assert months_and_days(date(2027, 1, 31), date(2027, 2, 27)) == (1, 0)
    assert months_and_days(date(2027, 3, 1), date(2027, 3, 1)) == (0, 1)


def test_staff_days_count_the_first_and_last_day():
    assert staff_days(date(2027, 3, 2), date(2027, 3, 6)) == 5


def test_a_student_grant_prorates_days_and_the_fewer_opportunities_top_up():
    figures = student_grant(
        start=date(2026, 9, 15),
        end=date(2027, 1, 31),
        monthly=Decimal("600"),
        fewer_opportunities_monthly=Decimal("250"),
        green_travel_amount=Decimal("50"),
        fewer_opportunities=True,
        green_travel=True,
    )
    # 4 months and 17 days: 600 × 4 + 600 × 17 / 30 = 2740; 250 × 4 + 250 × 17 / 30 = 1141.67
    assert (figures.unit, figures.months, figures.days) == ("month", 4, 17)
    assert figures.base_amount == Decimal("2740.00")
    assert figures.fewer_opportunities_amount == Decimal("1141.67")
    assert figures.green_travel_amount == Decimal("50.00")
    assert figures.total == Decimal("3931.67")


def test_no_top_up_unless_the_participant_qualifies():
    figures = student_grant(
        start=date(2027, 2, 1),
        end=date(2027, 6, 30),
        monthly=Decimal("540"),
        fewer_opportunities_monthly=Decimal("250"),
        green_travel_amount=Decimal("50"),
        fewer_opportunities=False,
        green_travel=False,
    )
    assert figures.total == Decimal("2700.00")


def test_a_staff_grant_is_per_day():
    figures = staff_grant(
        start=date(2027, 3, 2),
        end=date(2027, 3, 6),
        daily=Decimal("180"),
        green_travel_amount=Decimal("50"),
        green_travel=True,
    )
    assert (figures.unit, figures.days, figures.base_amount, figures.total) == (
        "day",
        5,
        Decimal("900.00"),
        Decimal("950.00"),
    )
