"""bench/decisions.py runs very small in CI: pgbench's TPC-B and the decision service with 1, 4 and 8 clients on
bench/scale.py's year, and it prints the table the README publishes (every decision made, none failed)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(
    not (shutil.which("pgbench") or list(Path("/usr/lib/postgresql").glob("*/bin/pgbench")))
    and not os.environ.get("CI"),
    reason="pgbench is not installed (Debian: postgresql-client)",
)
def test_the_decisions_benchmark_compares_decisions_with_pgbench():
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/korpu").rsplit("/", 1)[0]
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "decisions.py"),
            *("--cases", "400", "--seconds", "1", "--pgbench-scale", "1", "--database", "korpu_decisions_ci"),
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"{server}/postgres", "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = re.findall(r"^\| (\d+) \| ([\d,]+) \| ([\d.,]+) \| ([\d.]+) \| ([\d,]+) \| (.+) \|$", result.stdout, re.M)
    assert [row[0] for row in rows] == ["1", "4", "8"], result.stdout
    for _clients, tps, per_second, _ratio, decisions, failed in rows:
        assert float(tps.replace(",", "")) > 0 and float(per_second.replace(",", "")) > 0
        assert int(decisions.replace(",", "")) > 0 and failed == "0", result.stdout
    assert re.search(r"^SQL queries of one decision: \d+$", result.stdout, re.M)
