"""Decisions per second next to what PostgreSQL itself does on the same machine in the same run: pgbench's TPC-B
with 1, 4 and 8 clients, then the decision service (`workflows.services.task_decide`) with 1, 4 and 8 client
processes, each with its own database connection, approving the open tasks of bench/scale.py's year. Prints
figures; the README publishes them. CI runs it very small (tests/test_bench_decisions.py).

    .venv/bin/python bench/decisions.py [--cases 20000] [--seconds 10] [--clients 1,4,8] [--keep]
    .venv/bin/python bench/decisions.py --reuse --database korpu_scale   # the year bench/scale.py --keep left

Uses (and recreates) the databases `--database` (default korpu_decisions_bench) and `<database>_pgbench` on
DATABASE_URL's server (default 127.0.0.1:5432) and drops them at the end; --keep leaves them. Each client takes the
next open task from a shared list (no two clients ever decide the same case) and approves it as the user whose step
it is — the department's coordinator, its head, or the prorector — loading that user afresh by id through the
sign-in backend's `get_user`, as each request's authentication does from its session; an
approval that moves the case to the next review step is followed by that step's decision, so a coordinator's task
yields up to three decisions. The after-commit effects (notification and letter messages) are published to a queue
of the bench's own, which nobody consumes, and dropped at the end.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DJANGO_MEDIA_ROOT", "/tmp/korpu-decisions-bench-media")

# Where the after-commit Celery messages of the bench's decisions go (never to a worker's queue).
BENCH_QUEUE = "korpu-bench-decisions"
# Who decides each review step of bench/scale.py's year ({code}: the case's department).
DECIDERS = {
    "coordinator_review": "coordinator_{code}",
    "head_review": "head_{code}",
    "prorector_review": "prorector",
}
NEXT_STEP = {"coordinator_review": "head_review", "head_review": "prorector_review"}


def server_url() -> str:
    """DATABASE_URL without its database name."""
    return os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0]


def pgbench_binary() -> str:
    found = shutil.which("pgbench") or next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))), None)
    if not found:
        raise SystemExit("pgbench not found: install PostgreSQL's client programs (Debian: postgresql-client)")
    return str(found)


def pgbench_tps(*, url: str, clients: int, seconds: int) -> float:
    """TPC-B-like transactions per second of pgbench with this many clients (and as many threads, up to the
    machine's cores), for `seconds`."""
    parts = urlsplit(url)
    env = {**os.environ}
    if parts.password:
        env["PGPASSWORD"] = parts.password
    command = [
        pgbench_binary(),
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
        "-n",  # the tables are fresh; no VACUUM before the run
        "-c",
        str(clients),
        "-j",
        str(max(1, min(clients, os.cpu_count() or 1))),
        "-T",
        str(seconds),
        parts.path.lstrip("/"),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    match = re.search(r"^tps = ([\d.]+)", result.stdout, re.M)
    if not match:
        raise RuntimeError(f"pgbench printed no tps:\n{result.stdout}\n{result.stderr}")
    return float(match.group(1))


def pgbench_init(*, url: str, scale: int) -> None:
    parts = urlsplit(url)
    env = {**os.environ, **({"PGPASSWORD": parts.password} if parts.password else {})}
    subprocess.run(
        [
            pgbench_binary(),
            "-h",
            parts.hostname or "127.0.0.1",
            "-p",
            str(parts.port or 5432),
            "-U",
            parts.username or "postgres",
            "-i",
            "-q",
            "-s",
            str(scale),
            parts.path.lstrip("/"),
        ],
        env=env,
        capture_output=True,
        check=True,
    )


def drop_database(url: str) -> None:
    import psycopg

    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def open_tasks() -> list[tuple[int, str, str, int]]:
    """(task id, step, department code, process id) of every open review task of the year, in an order that spreads the
    clients over calls, places and departments."""
    from viewflow.workflow.models import Task

    from workflows.mobility import MobilityFlow

    steps = {getattr(MobilityFlow, name): name for name in DECIDERS}
    rows = (
        Task.objects.filter(status="NEW", flow_task__in=list(steps))
        .order_by("pk")
        .values_list("pk", "flow_task", "process__mobilityprocess__application__department__code", "process_id")
    )
    return [(pk, steps[flow_task], code, process_id) for pk, flow_task, code, process_id in rows]


def user_ids() -> dict[str, int]:
    """The deciders' ids by username (what a session holds is the id)."""
    from django.db.models import Q

    from accounts.models import User

    prefixes = Q()
    for pattern in DECIDERS.values():
        prefixes |= Q(username__startswith=pattern.split("{", 1)[0]) if "{" in pattern else Q(username=pattern)
    return dict(User.objects.filter(prefixes).values_list("username", "pk"))


def decide_for(
    *, tasks: list, taken, start, seconds: float, results, follow: bool
) -> None:  # a client process: `taken` is the shared index into `tasks`
    from django.db import connections
    from viewflow.workflow.models import Task

    from accounts.backends import PasswordBackend
    from workflows.mobility import MobilityFlow
    from workflows.services import task_decide

    connections["default"].ensure_connection()
    ids, backend = user_ids(), PasswordBackend()
    done, failed = 0, {}
    start.wait()
    began = time.perf_counter()
    deadline = began + seconds
    pending: list[tuple[int, str, str, int]] = []
    while time.perf_counter() < deadline:
        if pending:
            task_id, step, code, process_id = pending.pop()
        else:
            with taken.get_lock():
                index = taken.value
                taken.value += 1
            if index >= len(tasks):
                break
            task_id, step, code, process_id = tasks[index]
        try:
            # As a request would: the user loaded afresh by the id its session holds, then the service.
            user = backend.get_user(ids[DECIDERS[step].format(code=code)])
            task_decide(user=user, task_id=task_id, decision="approve", comment="Approved in the bench.")
            done += 1
        except Exception as error:  # reported per kind at the end; the bench goes on
            failed[type(error).__name__] = failed.get(type(error).__name__, 0) + 1
            continue
        if follow and step in NEXT_STEP:
            # The bench's own bookkeeping (not a decision's work): the next step's task, by its process.
            following = (
                Task.objects.filter(
                    process_id=process_id, status="NEW", flow_task=getattr(MobilityFlow, NEXT_STEP[step])
                )
                .values_list("pk", flat=True)
                .first()
            )
            if following:
                pending.append((following, NEXT_STEP[step], code, process_id))
    results.put((done, time.perf_counter() - began, failed))
    connections.close_all()


def decisions_per_second(*, tasks: list, taken, clients: int, seconds: float, follow: bool = True) -> dict:
    """Run `clients` processes deciding for `seconds`; decisions per second over the slowest client's time."""
    from django.db import connections

    connections.close_all()  # the children must not share the parent's connection
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(
            target=decide_for,
            kwargs={
                "tasks": tasks,
                "taken": taken,
                "start": start,
                "seconds": seconds,
                "results": results,
                "follow": follow,
            },
        )
        for _ in range(clients)
    ]
    for worker in workers:
        worker.start()
    time.sleep(0.5)  # every client connected before the clock starts
    start.set()
    outcomes = [results.get(timeout=seconds + 120) for _ in workers]
    for worker in workers:
        worker.join()
    done = sum(o[0] for o in outcomes)
    elapsed = max(o[1] for o in outcomes)
    failed: dict[str, int] = {}
    for outcome in outcomes:
        for name, count in outcome[2].items():
            failed[name] = failed.get(name, 0) + count
    return {
        "decisions": done,
        "per_second": done / elapsed if elapsed else 0.0,
        "failed": failed,
        "ran_out": taken.value >= len(tasks),
    }


def decision_queries(tasks: list[tuple[int, str, str, int]]) -> int:
    """Two decisions before the clock starts: the first warms what a process loads once (imports, caches; the
    clients are forked after it and inherit them), the second counts its SQL queries (the user's load excluded).
    Takes both tasks off `tasks`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.backends import PasswordBackend
    from workflows.services import task_decide

    counted, ids = 0, user_ids()
    for _ in range(2):
        task_id, step, code, _process_id = tasks.pop()
        user = PasswordBackend().get_user(ids[DECIDERS[step].format(code=code)])
        with CaptureQueriesContext(connection) as queries:
            task_decide(user=user, task_id=task_id, decision="approve", comment="Counted.")
        counted = len(queries.captured_queries)
    return counted


def drop_bench_messages() -> None:
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).delete(BENCH_QUEUE)


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20_000, help="size of the year (bench/scale.py's generator)")
    parser.add_argument("--seconds", type=float, default=10, help="how long each run lasts (pgbench and decisions)")
    parser.add_argument("--clients", default="1,4,8", help="comma-separated numbers of clients")
    parser.add_argument("--pgbench-scale", type=int, default=10, help="pgbench -i -s (10: a million accounts)")
    parser.add_argument("--database", default="korpu_decisions_bench")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="decide in the year bench/scale.py --keep left in --database (e.g. korpu_scale) instead of writing one",
    )
    args = parser.parse_args(argv)
    clients = [int(n) for n in args.clients.split(",")]

    from bench.scale import build_year, recreate_database

    url = f"{server_url()}/{args.database}"
    pgbench_url = f"{url}_pgbench"
    os.environ["DATABASE_URL"] = url
    recreate_database(pgbench_url)
    started = time.perf_counter()
    pgbench_init(url=pgbench_url, scale=args.pgbench_scale)
    print(f"pgbench -i -s {args.pgbench_scale} in {time.perf_counter() - started:.0f} s", flush=True)

    if not args.reuse:
        recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    from config.celery import app

    app.conf.task_default_queue = BENCH_QUEUE
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if args.reuse:
        from applications.models import Application

        args.cases = Application.objects.count()
    else:
        build_year(args.cases)
    built = time.perf_counter() - started
    tasks = open_tasks()
    print(f"{len(tasks):,} open review tasks", flush=True)
    queries = decision_queries(tasks)

    tps = {n: pgbench_tps(url=pgbench_url, clients=n, seconds=max(1, round(args.seconds))) for n in clients}
    rows = []
    # Each run decides its own share of the open tasks (every len(clients)-th one, so each share spreads over
    # calls, places and departments): a run never finds the tasks a previous run already decided.
    for position, n in enumerate(clients):
        share = tasks[position :: len(clients)]
        taken = multiprocessing.get_context("fork").Value("i", 0)
        outcome = decisions_per_second(tasks=share, taken=taken, clients=n, seconds=args.seconds)
        rows.append({"clients": n, "tps": tps[n], **outcome})
    drop_bench_messages()

    print(
        f"\n{args.cases:,} cases ({'reused' if args.reuse else f'built in {built:.0f} s'}), "
        f"{len(tasks):,} open review tasks; "
        f"{args.seconds:g} s a run; pgbench -s {args.pgbench_scale}; {os.cpu_count()} cores"
    )
    print("| clients | pgbench tps | decisions/s | ratio | decisions | failed |\n|---|---|---|---|---|---|")
    for row in rows:
        failed = ", ".join(f"{name} {count}" for name, count in sorted(row["failed"].items())) or "0"
        ratio = row["per_second"] / row["tps"] if row["tps"] else 0.0
        print(
            f"| {row['clients']} | {row['tps']:,.0f} | {row['per_second']:,.1f} | {ratio:.3f} | "
            f"{row['decisions']:,} | {failed} |"
        )
    print(f"\nSQL queries of one decision: {queries}")
    if any(row["ran_out"] for row in rows):
        print("\nNOTE: the open tasks ran out before the time was up; use more --cases for longer runs.")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        drop_database(pgbench_url)
        if not args.reuse:
            drop_database(url)
    return rows


if __name__ == "__main__":
    main()
