"""Many people at once: gunicorn on loopback against bench/scale.py's year, and locust's simulated users
(bench/locustfile.py) — approvers working through the inbox, the case list, case pages and the API task list and
deciding their open tasks, applicants following their applications — for a bounded time. Prints p50 / p95 / p99 per
kind of request, requests per second and errors; the README publishes them. CI runs it tiny
(tests/test_bench_load.py).

    .venv/bin/python bench/load.py [--cases 10000] [--users 200] [--seconds 60] [--workers 5] [--threads 1]

Uses (and recreates) the database `--database` (default korpu_load_bench) on DATABASE_URL's server (default
127.0.0.1:5432) and drops it at the end (--keep leaves it). A quarter of the users are approvers, each logged in as
a user of their own (a coordinator, a department head or a prorector, made for the run) with open tasks of their
own to decide, so no two users ever decide the same case; the others log in as the year's students. Each user
waits `--wait` seconds (uniform, "min,max") between clicks. Gunicorn runs the test settings (the real PostgreSQL
and Redis, persistent database connections as in production) with `--workers` sync workers or, with `--threads` above 1,
gthread workers; locust runs on the same machine and takes CPU of its own.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DJANGO_MEDIA_ROOT", "/tmp/korpu-load-bench-media")

# The kinds of request, in the order the table prints them.
KINDS = (
    "log in (POST)",
    "inbox /tasks/",
    "case list /cases/",
    "case page",
    "API task list",
    "task page",
    "decision (POST)",
    "my applications",
    "notifications",
    "API application list",
    "login page",
)
APPROVER_ROLES = ("coordinator", "head", "prorector")
STEP_OF_ROLE = {"coordinator": "coordinator_review", "head": "head_review", "prorector": "prorector_review"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_plan(*, approvers: int, students: int) -> dict:
    """Approver users made for the run, each with open tasks of their step and department that no other user has,
    and the year's students with their applications."""
    from viewflow.workflow.models import Task

    from accounts.models import Department, User
    from accounts.roles import Role
    from applications.models import Application
    from tests.support.factories import UserFactory
    from workflows.mobility import MobilityFlow

    departments = list(Department.objects.order_by("code"))
    role = {"coordinator": Role.COORDINATOR, "head": Role.HEAD, "prorector": Role.PRORECTOR}
    people = []
    for n in range(approvers):
        kind = APPROVER_ROLES[n % 3]
        department = departments[(n // 3) % len(departments)]
        user = UserFactory(
            username=f"load_{kind}_{n}",
            roles=[role[kind]],
            departments=[] if kind == "prorector" else [department],
        )
        people.append({"username": user.username, "kind": kind, "department": department.pk, "tasks": []})

    steps = {getattr(MobilityFlow, name): name for name in STEP_OF_ROLE.values()}
    open_tasks = Task.objects.filter(status="NEW", flow_task__in=list(steps)).values_list(
        "pk", "flow_task", "process__mobilityprocess__application", "process__mobilityprocess__application__department"
    )
    groups: dict[tuple, list[dict]] = {}
    for person in people:
        key = (person["kind"], None if person["kind"] == "prorector" else person["department"])
        groups.setdefault(key, []).append(person)
    turn: dict[tuple, int] = {}
    for task_id, flow_task, case_id, department_id in open_tasks.order_by("pk"):
        kind = next(k for k, step in STEP_OF_ROLE.items() if step == steps[flow_task])
        key = (kind, None if kind == "prorector" else department_id)
        if key in groups:
            group = groups[key]
            person = group[turn.get(key, 0) % len(group)]
            turn[key] = turn.get(key, 0) + 1
            person["tasks"].append(task_id)
            person.setdefault("cases", []).append(case_id)
    # Case pages beyond their tasks: their department's submitted cases (any for the prorector).
    submitted = Application.objects.exclude(status="draft").order_by("-pk")
    by_department = {
        department.pk: list(submitted.filter(department=department).values_list("pk", flat=True)[:50])
        for department in departments
    }
    any_cases = list(submitted.values_list("pk", flat=True)[:200])
    for person in people:
        person["cases"] = person.get("cases", [])[:50] + (
            any_cases if person["kind"] == "prorector" else by_department[person["department"]]
        )

    applicants = []
    for user in User.objects.filter(username__startswith="s0").order_by("pk")[:students]:
        cases = list(Application.objects.filter(applicant=user).values_list("pk", flat=True)[:10])
        applicants.append({"username": user.username, "cases": cases})
    return {"password": "demo", "approvers": people, "applicants": applicants}


def start_gunicorn(*, port: int, workers: int, threads: int, database_url: str, log_file: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        # Persistent connections and health checks, as config/settings/production.py sets them.
        "DATABASE_URL": f"{database_url}?conn_max_age=60&conn_health_checks=true",
        "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    if threads > 1:
        command += ["--threads", str(threads), "--worker-class", "gthread"]
    log = open(log_file, "w", encoding="utf-8")  # noqa: SIM115 - the server's, closed when it stops
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=10) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped before it answered:\n{log_file.read_text()[-3000:]}")
    stop(server)
    raise RuntimeError("gunicorn did not answer within 120 s")


def stop(process: subprocess.Popen) -> None:
    """Stop a process this script started, with the children it started (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_locust(*, port: int, users: int, seconds: int, spawn_rate: float, wait: str, plan: Path, out: Path) -> None:
    env = {**os.environ, "KORPU_LOAD_PLAN": str(plan), "KORPU_LOAD_WAIT": wait}
    locust = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn_rate),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(out),
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _out, errors = locust.communicate(timeout=seconds + 180)
    except subprocess.TimeoutExpired:
        stop(locust)
        raise
    if not Path(f"{out}_stats.csv").exists():
        raise RuntimeError(f"locust wrote no statistics:\n{errors[-3000:]}")


def read_stats(out: Path) -> list[dict]:
    with open(f"{out}_stats.csv", newline="", encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    order = {kind: n for n, kind in enumerate(KINDS)}
    return sorted(rows, key=lambda row: (row["Name"] == "Aggregated", order.get(row["Name"], 99)))


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000, help="size of the year (bench/scale.py's generator)")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60, help="how long the users work (after the first starts)")
    parser.add_argument("--spawn-rate", type=float, default=20, help="users started per second")
    parser.add_argument("--wait", default="2,8", help="seconds between a user's clicks, min,max")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (2 × cores + 1 on 2 cores)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (> 1: gthread)")
    parser.add_argument("--database", default="korpu_load_bench")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)

    from bench.decisions import drop_database, server_url
    from bench.scale import build_year, recreate_database

    url = f"{server_url()}/{args.database}"
    os.environ["DATABASE_URL"] = url
    recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    build_year(args.cases)
    approvers = max(1, args.users // 4)
    plan = make_plan(approvers=approvers, students=args.users - approvers)
    built = time.perf_counter() - started
    connections.close_all()
    open_tasks = sum(len(person["tasks"]) for person in plan["approvers"])

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="korpu-load-") as folder:
        plan_file = Path(folder) / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        started = time.perf_counter()
        server = start_gunicorn(
            port=port, workers=args.workers, threads=args.threads, database_url=url, log_file=Path(folder) / "web.log"
        )
        print(f"gunicorn answered in {time.perf_counter() - started:.0f} s", flush=True)
        try:
            load_before = os.getloadavg()[0]
            run_locust(
                port=port,
                users=args.users,
                seconds=args.seconds,
                spawn_rate=args.spawn_rate,
                wait=args.wait,
                plan=plan_file,
                out=Path(folder) / "load",
            )
            load_after = os.getloadavg()[0]
        finally:
            stop(server)
        rows = read_stats(Path(folder) / "load")
        with open(Path(folder) / "load_failures.csv", newline="", encoding="utf-8") as failures:
            errors = [(row["Name"], row["Error"], row["Occurrences"]) for row in csv.DictReader(failures)]

    workers = f"{args.workers} workers" + (f" × {args.threads} threads (gthread)" if args.threads > 1 else " (sync)")
    print(
        f"\n{args.cases:,} cases (built in {built:.0f} s); {args.users} users ({approvers} approvers with "
        f"{open_tasks:,} open tasks between them) for {args.seconds} s, {args.wait.replace(',', '–')} s between "
        f"clicks; gunicorn {workers}; {os.cpu_count()} cores, load average {load_before:.1f} before, "
        f"{load_after:.1f} after"
    )
    print("| request | count | errors | p50 ms | p95 ms | p99 ms | req/s |\n|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {'all' if row['Name'] == 'Aggregated' else row['Name']} | {row['Request Count']} | "
            f"{row['Failure Count']} | {row['50%']} | {row['95%']} | {row['99%']} | "
            f"{float(row['Requests/s']):.1f} |"
        )
    for name, error, occurrences in errors[:10]:
        print(f"error: {name}: {error} ({occurrences}×)")
    if not args.keep:
        drop_database(url)
    return rows


if __name__ == "__main__":
    main()
