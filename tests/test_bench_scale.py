"""bench/scale.py runs at a small size in CI: it writes a year of cases with COPY (every row its models accept),
then every page and list API it measures answers, and it prints the table the README publishes."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_scale_benchmark_builds_a_year_and_measures_every_page():
    database = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/korpu").rsplit("/", 1)[0]
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--cases", "400", "--repeat", "2"],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"{database}/korpu_scale_ci",
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "wrote 400 cases" in result.stdout
    rows = re.findall(r"^\| (.+?) \| (\w+) \| (\d+) \| (\d+) \| (\d+) \|$", result.stdout, re.M)
    assert len(rows) == 12, result.stdout
    assert {row[0] for row in rows} >= {"inbox /tasks/", "case list /cases/", "API task list", "task page"}
