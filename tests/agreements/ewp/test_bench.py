"""bench/ewp.py runs (a small count here): every generated agreement validates and is hashed."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_ewp_benchmark_runs_and_every_agreement_validates():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ewp.py"), "--count", "25"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^25 agreements in [\d.]+ s: [\d,]+ agreements/s", result.stdout, re.M), result.stdout
    assert "invalid: 0" in result.stdout
