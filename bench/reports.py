"""The office's reports on a whole Erasmus year: the year report (its numbers, PDF and XLSX), the dashboard (counted
on request, the beat job's pre-aggregation, then from its snapshot, p50 / p95) and the period audit export (rows per
second, peak memory while streaming). Prints figures; the README publishes them. CI runs it at a small size
(tests/test_bench_reports.py).

    .venv/bin/python bench/reports.py [--cases 1300000] [--repeat 15] [--keep]

The year is bench/scale.py's (the same COPY of cases, processes, tasks, timelines, documents and notifications),
plus the 2025 action plan and a register of activities. Uses (and recreates) the database korpu_reports_bench on
DATABASE_URL's server (default 127.0.0.1:5432); --keep leaves it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/korpu_reports_bench")
os.environ.setdefault("DJANGO_MEDIA_ROOT", "/tmp/korpu-reports-bench-media")

CATEGORIES = (
    ("event", "fair_abroad"),
    ("event", "faculty_meeting"),
    ("event", "conference"),
    ("membership", "organisation"),
    ("grant", "erasmus_ka2"),
    ("online_training", "online_course"),
    ("ranking", "qs"),
    ("procedure", "exchange"),
)


def build_register(activities: int, *, actor, departments, year: int) -> None:
    from reports.models import Activity, ActivityEvent

    rows = [
        Activity(
            kind=CATEGORIES[n % len(CATEGORIES)][0],
            category=CATEGORIES[n % len(CATEGORIES)][1],
            title=f"Activity {n}",
            department=departments[n % len(departments)],
            start_date=date(year, 1, 1) + timedelta(days=n % 365),
            participants_count=n % 40,
            students_count=n % 7,
            staff_count=n % 3,
            created_by=actor,
        )
        for n in range(activities)
    ]
    Activity.objects.bulk_create(rows, batch_size=2000)
    ActivityEvent.objects.bulk_create(
        [ActivityEvent(activity=activity, action="created", actor=actor) for activity in Activity.objects.all()],
        batch_size=2000,
    )


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(*, staff: dict, repeat: int, period_start: date, period_end: date) -> list[tuple[str, str, str]]:
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import Department
    from reports.content import report_content
    from reports.models import ActionPlan, DashboardSnapshot, PeriodReport
    from reports.report_files import report_pdf, report_xlsx
    from reports.selectors import AuditFilter, audit_event_rows
    from reports.tasks import dashboard_refresh_task

    results: list[tuple[str, str, str]] = []
    plan = ActionPlan.objects.get(year=2025)
    report = PeriodReport.objects.create(
        plan=plan,
        department=Department.objects.order_by("pk").first(),
        title="The year",
        period_start=period_start,
        period_end=period_end,
        created_by=staff["coordinator"],
    )

    def timed(func, runs: int) -> float:
        func()  # warm: imports, URL resolver, font caches
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            func()
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    runs = max(3, repeat // 5)
    content = report_content(report=report)
    figure = timed(lambda: report_content(report=report), runs)
    results.append(("year report: numbers of the 14 indicators", f"{figure:.2f} s", "< 5 s"))
    figure = timed(lambda: report_pdf(report), runs)
    results.append(("year report: PDF with chart", f"{figure:.2f} s", ""))
    figure = timed(lambda: report_xlsx(report, ["h"] * 9, ["h"] * 3), runs)
    results.append(("year report: XLSX", f"{figure:.2f} s", ""))
    mobility = next(row["value"] for row in content["indicators"] if row["measure"] == "mobility")
    results.append(("year report: mobility (took place) counted", f"{mobility}", ""))

    setup_test_environment()
    client = Client()
    client.force_login(staff["prorector"])
    url = f"/reports/dashboard/?year={period_end.year}"
    # before: no snapshot, the page counts the year itself (what every reader paid before the beat job)
    cold = []
    client.get(url)
    for _ in range(max(3, repeat // 5)):
        DashboardSnapshot.objects.filter(year=period_end.year).delete()
        cache.clear()
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        cold.append((time.perf_counter() - started) * 1000)
    # the beat job's run: this year in every language
    started = time.perf_counter()
    dashboard_refresh_task([period_end.year])
    refresh = time.perf_counter() - started
    # after: the page reads the pre-aggregated row
    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        warm.append((time.perf_counter() - started) * 1000)
    results.append(("dashboard counted on request (no snapshot), p50", f"{statistics.median(cold):.0f} ms", ""))
    results.append(("dashboard pre-aggregation (beat job, 2 languages)", f"{refresh:.2f} s", ""))
    results.append(
        (
            "dashboard from its snapshot, p50 / p95",
            f"{statistics.median(warm):.0f} / {percentile(warm, 0.95):.0f} ms",
            "p95 < 300 ms",
        )
    )

    filters = AuditFilter(date_from=period_start, date_to=period_end)
    started = time.perf_counter()
    rows = sum(1 for _row in audit_event_rows(filters))
    elapsed = time.perf_counter() - started
    results.append(("audit export of the year: rows", f"{rows:,}", ""))
    results.append(("audit export: rows per second", f"{rows / elapsed:,.0f}", ""))
    # memory in a second pass (tracemalloc slows Python down several times)
    tracemalloc.start()
    sum(1 for _row in audit_event_rows(filters))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    results.append(("audit export: peak Python memory while streaming", f"{peak / 1e6:.1f} MB", "flat"))
    # the same through the page, as the auditor downloads it
    auditor = Client()
    auditor.force_login(staff["auditor"])
    started = time.perf_counter()
    response = auditor.get(
        "/reports/audit/", {"export": "csv", "date_from": period_start.isoformat(), "date_to": period_end.isoformat()}
    )
    size = sum(len(chunk) for chunk in response.streaming_content)
    results.append(
        ("audit export page (CSV streamed)", f"{size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s", "")
    )
    return results


def main(argv=None) -> list[tuple[str, str, str]]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)

    from bench.scale import build_year, recreate_database

    recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import Department
    from reports.demo import load_plan_2025

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    staff = build_year(args.cases)
    load_plan_2025()
    today = timezone.localdate()
    build_register(
        args.activities, actor=staff["coordinator"], departments=list(Department.objects.all()), year=today.year
    )
    built = time.perf_counter() - started
    results = measure(staff=staff, repeat=args.repeat, period_start=today - timedelta(days=364), period_end=today)
    print(f"\n{args.cases:,} cases and {args.activities:,} activities (built in {built:.0f} s); {args.repeat} requests")
    print("| measure | figure | goal |\n|---|---|---|")
    for what, figure, goal in results:
        print(f"| {what} | {figure} | {goal} |")
    if not args.keep:
        from django.db import connections

        connections.close_all()
    return results


if __name__ == "__main__":
    main()
