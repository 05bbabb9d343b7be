"""The dashboard's numbers and charts for a year: mobility by half-year and programme, agreements in force by country
and type, and the plan's progress (value against target per indicator). Each is counted once and kept in the cache
for DASHBOARD_CACHE_SECONDS (the page says as of when), so the page answers fast whatever the size of the data."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from reports.indicators import Period, agreements_in_force, mobility_took_place, plan_values
from reports.models import ActionPlan, PlanIndicator
from reports.report_files import bar_chart, progress_chart

CHARTS = ("mobility", "agreements", "progress")


def _seconds() -> int:
    return int(getattr(settings, "KORPU_DASHBOARD_CACHE_SECONDS", 600))


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


def dashboard_data(year: int) -> dict[str, Any]:
    """The numbers of the three charts, counted once per cache period (with when)."""
    key = f"reports:dashboard:{year}:{get_language()}"
    data = cache.get(key)
    if data is None:
        data = {
            "as_of": timezone.now().isoformat(),
            "mobility": mobility_by_half_and_programme(year),
            "agreements": agreements_by_country_and_type(year),
            "progress": plan_progress(year),
        }
        cache.set(key, data, _seconds())
    return data


def dashboard_chart(year: int, chart: str, *, title: str) -> bytes:
    key = f"reports:chart:{year}:{chart}:{get_language()}"
    png = cache.get(key)
    if png is None:
        data = dashboard_data(year)
        png = (
            progress_chart(data["progress"], title=title)
            if chart == "progress"
            else bar_chart(data[chart], title=title)
        )
        cache.set(key, png, _seconds())
    return png


def dashboard_refresh(year: int) -> None:
    """Count again now (the Celery beat job may call it, so the first reader never waits)."""
    cache.delete_many(
        [f"reports:dashboard:{year}:{get_language()}"] + [f"reports:chart:{year}:{c}:{get_language()}" for c in CHARTS]
    )
    dashboard_data(year)
