"""bench/reports.py runs at a small size in CI: it builds bench/scale.py's year plus the plan and a register, then
measures the year report, the dashboard and the audit export, and prints the table the README publishes."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_reports_benchmark_measures_the_year_report_the_dashboard_and_the_audit_export():
    database = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/korpu").rsplit("/", 1)[0]
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "reports.py"), "--cases", "400", "--activities", "200", "--repeat", "3"],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"{database}/korpu_reports_bench_ci",
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = dict(re.findall(r"^\| (.+?) \| (.+?) \| .*\|$", result.stdout, re.M))
    assert float(rows["year report: numbers of the 14 indicators"].split()[0]) < 5
    assert int(rows["audit export of the year: rows"].replace(",", "")) > 400
    assert int(rows["audit export: rows per second"].replace(",", "")) > 0
    assert "dashboard from its snapshot, p50 / p95" in rows
