"""Prepared statements (README: DJANGO_DB_PREPARED, on by default for PostgreSQL) are in the connection options the
suite runs with, and DJANGO_DB_PREPARED=0 turns them off without breaking decisions or the inbox's merged pages —
run in a pytest of their own, since the settings are read once per process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _options(env: dict) -> str:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['OPTIONS'])",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL option")
def test_prepared_statements_are_on_and_the_switch_turns_them_off():
    if "DJANGO_DB_PREPARED" not in os.environ:
        options = settings.DATABASES["default"]["OPTIONS"]
        assert options["server_side_binding"] is True and options["prepare_threshold"] == 2
    off = {**os.environ, "DJANGO_DB_PREPARED": "0"}
    assert "server_side_binding" not in _options(off)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-q",
            "tests/workflows/test_decision_queries.py",
            "tests/test_db_writes.py",
            "tests/workflows/test_inbox_pages_merged.py::test_a_filter_narrows_every_branch",
        ],
        cwd=ROOT,
        env=off,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
