"""The reports' beat job: the dashboard's numbers counted ahead (reports.dashboard)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="reports.tasks.dashboard_refresh_task")
def dashboard_refresh_task(years: list[int] | None = None) -> list[int]:
    """Count this year's and last year's dashboard (or the years given) again. Idempotent: each run replaces the
    rows it counts."""
    from reports.dashboard import dashboard_snapshot_refresh

    this_year = timezone.localdate().year
    chosen = years or [this_year, this_year - 1]
    for year in chosen:
        dashboard_snapshot_refresh(year)
    return chosen
