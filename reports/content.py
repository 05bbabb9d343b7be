"""What a period report says: for each indicator of its plan, the value counted for its period (with breakdown and
the records behind it), baseline, target and the office's note; and its SHA-256 over the canonical JSON. Counted live
while the report is prepared; the approval keeps it (PeriodReport.frozen), so an approved report shows its numbers
as they were approved, whatever the data says later."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from reports.indicators import Period, plan_values
from reports.models import PeriodReport, PlanIndicator, ReportNote


def _text(value: Any) -> str | None:
    return None if value is None else format(value, "f")


def report_content(*, report: PeriodReport) -> dict[str, Any]:
    period = Period(report.period_start, report.period_end)
    indicators = (
        PlanIndicator.objects.filter(activity__plan=report.plan_id)
        .select_related("activity")
        .order_by("activity__position", "code")
    )
    notes = dict(ReportNote.objects.filter(report=report).values_list("indicator_id", "text"))
    rows = []
    for indicator, count in plan_values(indicators, period):
        rows.append(
            {
                "id": indicator.pk,
                "code": indicator.code,
                "goal_code": indicator.activity.goal_code,
                "activity_az": indicator.activity.name_az,
                "activity_en": indicator.activity.name_en,
                "quantitative_az": indicator.quantitative_az,
                "quantitative_en": indicator.quantitative_en,
                "baseline_az": indicator.baseline_az,
                "baseline_en": indicator.baseline_en,
                "target_az": indicator.target_az,
                "target_en": indicator.target_en,
                "target_value": _text(indicator.target_value),
                "reporting_cycle": indicator.reporting_cycle,
                "measure": indicator.measure,
                "value": count.value if count is not None else None,
                "breakdown": count.breakdown if count is not None else {},
                "records": [{"label": r.label, "url": r.url} for r in count.records] if count is not None else [],
                "records_hidden": count.records_hidden if count is not None else 0,
                "note": notes.get(indicator.pk, ""),
            }
        )
    return {
        "report": report.pk,
        "version": report.version,
        "plan": report.plan.year,
        "title": report.title,
        "department": report.department.name,
        "period": [report.period_start.isoformat(), report.period_end.isoformat()],
        "summary": report.summary,
        "indicators": rows,
    }


def content_sha256(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def shown_content(report: PeriodReport) -> dict[str, Any]:
    """The content a page or file shows: as approved once frozen, else as counted now."""
    return report.frozen if report.frozen is not None else report_content(report=report)
