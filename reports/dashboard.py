"""The dashboard's numbers and charts for a year: mobility by half-year and programme, agreements in force by country
and type, and the plan's progress (value against target per indicator). They are pre-aggregated: the Celery beat job
(reports.tasks.dashboard_refresh_task, every KORPU_DASHBOARD_REFRESH_SECONDS) counts this year and the last in every
language into a DashboardSnapshot row; the page reads that row (and says as of when), so it answers fast whatever the
size of the data. A year nobody counted yet (an older one) is counted by its first reader and kept."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language

from reports.indicators import Period, agreements_in_force, mobility_took_place, plan_values
from reports.models import ActionPlan, DashboardSnapshot, PlanIndicator
from reports.report_files import bar_chart, progress_chart

CHARTS = ("mobility", "agreements", "progress")


def _seconds() -> int:
    return int(getattr(settings, "KORPU_DASHBOARD_REFRESH_SECONDS", 600))


def mobility_by_half_and_programme(year: int) -> dict[str, dict[str, int]]:
    """{programme: {"H1": n, "H2": n}}: mobilities that took place (reports.indicators)."""
    series: dict[str, dict[str, int]] = defaultdict(dict)
    for half in (1, 2):
        rows = mobility_took_place(Period.half(year, half)).values_list("call__programme", flat=True)
        for programme, count in Counter(rows).items():
            series[str(programme)][f"H{half}"] = count
        for counts in series.values():
            counts.setdefault(f"H{half}", 0)
    return dict(series)


def agreements_by_country_and_type(year: int) -> dict[str, dict[str, int]]:
    """{type: {country: n}}: agreements in force at some day of the year."""
    series: dict[str, dict[str, int]] = defaultdict(dict)
    for agreement_type, country in agreements_in_force(Period.year(year)).values_list("type", "partner__country"):
        series[agreement_type][country] = series[agreement_type].get(country, 0) + 1
    return dict(series)


def plan_progress(year: int) -> list[dict[str, Any]]:
    plan = ActionPlan.objects.filter(year=year).first()
    if plan is None:
        return []
    indicators = PlanIndicator.objects.filter(activity__plan=plan).select_related("activity")
    return [
        {
            "code": indicator.code,
            "label": indicator.quantitative_en if not get_language().startswith("az") else indicator.quantitative_az,
            "value": count.value if count is not None else None,
            "target_value": format(indicator.target_value, "f") if indicator.target_value is not None else None,
        }
        for indicator, count in plan_values(indicators.order_by("activity__position", "code"), Period.year(year))
    ]


def _count(year: int) -> dict[str, Any]:
    return {
        "mobility": mobility_by_half_and_programme(year),
        "agreements": agreements_by_country_and_type(year),
        "progress": plan_progress(year),
    }


def dashboard_snapshot_refresh(year: int) -> list[DashboardSnapshot]:
    """Count the year's numbers now, in every language, and keep them (one row per year and language, replaced)."""
    snapshots = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            data = _count(year)
        snapshot, _created = DashboardSnapshot.objects.update_or_create(
            year=year, language=language, defaults={"data": data, "computed_at": timezone.now()}
        )
        snapshots.append(snapshot)
    return snapshots


def dashboard_data(year: int) -> dict[str, Any]:
    """The numbers of the three charts as last counted (with when); a year never counted is counted now."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    snapshot = DashboardSnapshot.objects.filter(year=year, language=language).first()
    if snapshot is None:
        with transaction.atomic():
            snapshots = {s.language: s for s in dashboard_snapshot_refresh(year)}
        snapshot = snapshots.get(language) or next(iter(snapshots.values()))
    return {"as_of": snapshot.computed_at.isoformat(), **snapshot.data}


def dashboard_chart(year: int, chart: str, *, title: str) -> bytes:
    """The chart as PNG, drawn once per snapshot (the cache key carries when it was counted)."""
    data = dashboard_data(year)
    key = f"reports:chart:{year}:{chart}:{translation.get_language()}:{data['as_of']}"
    png = cache.get(key)
    if png is None:
        png = (
            progress_chart(data["progress"], title=title)
            if chart == "progress"
            else bar_chart(data[chart], title=title)
        )
        cache.set(key, png, 2 * _seconds())
    return png
