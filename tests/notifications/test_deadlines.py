"""Due dates count working days: Saturday and Sunday do not count."""

from datetime import datetime

import pytest
from django.utils import timezone

from notifications.deadlines import add_working_days, step_due_at


def local(*args):
    return timezone.make_aware(datetime(*args))


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (local(2026, 11, 16, 10, 30), 3, local(2026, 11, 19, 10, 30)),  # Monday + 3 → Thursday
        (local(2026, 11, 19, 10, 30), 3, local(2026, 11, 24, 10, 30)),  # Thursday + 3 → Tuesday (weekend skipped)
        (local(2026, 11, 20, 17, 0), 1, local(2026, 11, 23, 17, 0)),  # Friday + 1 → Monday
        (local(2026, 11, 16, 9, 0), 5, local(2026, 11, 23, 9, 0)),  # Monday + 5 → next Monday
        (local(2026, 11, 21, 15, 0), 1, local(2026, 11, 24, 0, 0)),  # Saturday: counting starts Monday morning
        (local(2026, 11, 22, 23, 0), 3, local(2026, 11, 26, 0, 0)),  # Sunday + 3 → Thursday 00:00
    ],
)
def test_working_days_skip_the_weekend(start, days, due):
    assert add_working_days(start, days) == due


def test_each_review_step_has_its_configured_due_time(settings):
    settings.TASK_DUE_WORKING_DAYS = {"coordinator_review": 5, "head_review": 3}
    monday = local(2026, 11, 16, 12, 0)
    assert step_due_at(step="coordinator_review", arrived_at=monday) == local(2026, 11, 23, 12, 0)
    assert step_due_at(step="head_review", arrived_at=monday) == local(2026, 11, 19, 12, 0)
    assert step_due_at(step="revise", arrived_at=monday) is None
