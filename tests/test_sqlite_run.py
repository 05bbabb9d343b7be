"""`make run`'s database is SQLite: the case kernel's hand-written SQL (the inbox's merged branches, its counts and
choices, the compiled reads of a decision, core.db's writes) must work there too, not only on PostgreSQL, where the
rest of the suite runs. In a subprocess on a fresh SQLite file: migrate, load the demo, submit an application,
each approver opens the inbox and decides, the case list searches."""

import os
import subprocess
import sys
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent

FLOW = """
from types import SimpleNamespace
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from accounts.models import User
from applications.models import Call
from tests.support.drivers import decide, make_submitted_application
people = {name: User.objects.get(username=name) for name in ["student2", "coordinator_ce", "head_ce", "prorector"]}
call = [c for c in Call.objects.filter(audience="students") if c.is_open()][0]
world = SimpleNamespace(call=call, partners=[p.partner for p in call.places.all()], student1=people["student2"])
application = make_submitted_application(world, people["student2"])
print("submitted", application.status)
for name in ["coordinator_ce", "head_ce", "prorector"]:
    client = Client()
    client.force_login(people[name])
    page = client.get("/tasks/?sort=due")
    print("inbox", name, page.status_code, [row["case_id"] for row in page.context["rows"]].count(application.pk))
    print("facets", name, client.get("/tasks/?step=application:coordinator_review").status_code)
    application = decide(people[name], application)
    print("decided", name, application.status)
client = Client()
client.force_login(people["prorector"])
print("cases", client.get("/cases/?q=stud").status_code)
"""


def test_the_demo_on_sqlite_runs_a_case_through_the_inbox(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'korpu.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": "redis://127.0.0.1:6379/13",  # the after-commit messages go to a database of this test's own
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    try:
        for command in (["migrate", "-v0"], ["load_demo"]):
            done = subprocess.run([*manage, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
            assert done.returncode == 0, done.stderr[-3000:]
        done = subprocess.run(
            [*manage, "shell"], input=FLOW, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
    finally:
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [
        line
        for line in done.stdout.splitlines()
        if line.split(" ")[0] in {"submitted", "inbox", "facets", "decided", "cases"}
    ]
    assert lines == [
        "submitted coordinator_review",
        "inbox coordinator_ce 200 1",
        "facets coordinator_ce 200",
        "decided coordinator_ce head_review",
        "inbox head_ce 200 1",
        "facets head_ce 200",
        "decided head_ce prorector_review",
        "inbox prorector 200 1",
        "facets prorector 200",
        "decided prorector approved",
        "cases 200",
    ], done.stdout + done.stderr[-3000:]
