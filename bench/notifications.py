"""Commit-to-delivery latency of notification emails, with the real pieces: Celery worker processes, a Redis
(a throwaway redis-server on a port of its own) and an SMTP server on loopback that records what it accepts.
Prints figures; not a test.

    .venv/bin/python bench/notifications.py [--decisions 200] [--workers 1] [--concurrency 4] [--rate 0]

N applications are submitted (their emails are sent and set aside), then a coordinator sends each one back for
changes: each decision commits one email to its applicant. Latency runs from the moment the decision's
transaction committed (task_decide returned, its dispatch done) to the SMTP server's 250 reply. `--rate` paces
the decisions (per second; 0: as fast as one process can decide them). Uses (and recreates) the database
korpu_bench_notify on DATABASE_URL's server (default 127.0.0.1:5432).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/korpu_bench_notify")
os.environ.setdefault("DJANGO_MEDIA_ROOT", "/tmp/korpu-bench-media")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--concurrency", type=int, default=4, help="prefork processes per worker (0: solo pool)")
    parser.add_argument("--rate", type=float, default=0, help="decisions per second (0: as fast as possible)")
    args = parser.parse_args()

    import psycopg

    url = os.environ["DATABASE_URL"]
    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')

    workdir = Path(tempfile.mkdtemp(prefix="korpu-bench-notify-"))
    from tests.support.harness import RedisServer, SmtpRecorder, Worker, wait_until

    redis_server = RedisServer(workdir).start()
    os.environ["REDIS_URL"] = redis_server.url
    smtp = SmtpRecorder().start()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from types import SimpleNamespace

    from viewflow.workflow.models import Task

    from accounts.roles import Role, setup_roles
    from notifications.models import Channel, Notification, NotificationStatus
    from tests.support.drivers import make_submitted_application
    from tests.support.factories import (
        ROLE_USERS,
        CallFactory,
        CallPlaceFactory,
        DepartmentFactory,
        PartnerFactory,
        UserFactory,
    )
    from workflows.permissions import OPEN_TASK_STATUSES
    from workflows.services import task_decide

    workers = []
    try:
        for n in range(args.workers):
            worker = Worker(
                log=workdir / f"worker{n}.log",
                database_url=url,
                broker_url=redis_server.url,
                smtp_port=smtp.port,
                pool=args.concurrency or "solo",
            )
            workers.append(worker.start())

        setup_roles()
        depts = {
            "ce": DepartmentFactory(code="ce", name="Computer Engineering"),
            "math": DepartmentFactory(code="math"),
        }
        users = {
            n: UserFactory(username=n, roles=r, departments=[depts[d] for d in ds]) for n, (r, ds) in ROLE_USERS.items()
        }
        call = CallFactory()
        partner = PartnerFactory()
        CallPlaceFactory(call=call, partner=partner, places=100_000)
        world = SimpleNamespace(call=call, partners=[partner], **users)
        print(f"submitting {args.decisions} applications...", flush=True)
        applications = [
            make_submitted_application(
                world,
                UserFactory(username=f"bench_student{n}", roles=[Role.STUDENT], departments=[depts["ce"]]),
            )
            for n in range(args.decisions)
        ]
        for worker in workers:
            worker.wait_ready()

        def all_sent() -> bool:
            return (
                not Notification.objects.filter(channel=Channel.EMAIL).exclude(status=NotificationStatus.SENT).exists()
            )

        wait_until(all_sent, 300, "the submissions' emails were not sent")
        setup_emails = smtp.count()
        smtp.clear()

        tasks = {
            t.process.mobilityprocess.application_id: t.pk
            for t in Task.objects.filter(status__in=OPEN_TASK_STATUSES).select_related("process__mobilityprocess")
        }
        committed: dict[str, float] = {}
        decision_ms = []
        print(f"{setup_emails} submission emails sent; now {args.decisions} decisions...", flush=True)
        started = time.monotonic()
        for n, application in enumerate(applications):
            if args.rate:
                time.sleep(max(0.0, started + n / args.rate - time.monotonic()))
            t0 = time.time()
            task_decide(
                user=users["coordinator_ce"],
                task_id=tasks[application.pk],
                decision="request_changes",
                comment="Please add the language certificate.",
            )
            done = time.time()
            decision_ms.append((done - t0) * 1000)
            event = application.events.filter(action="changes_requested").values_list("pk", flat=True).get()
            committed[f"case-event:{event}"] = done
        push_seconds = time.monotonic() - started

        wait_until(lambda: smtp.count() >= args.decisions, 600, "not every decision's email arrived")
        time.sleep(2)  # anything arriving twice would arrive now
        with smtp._lock:
            arrivals = list(zip((str(m["X-Korpu-Notification"]) for m in smtp.messages), smtp.arrivals, strict=True))
        latencies = [(at - committed[event]) * 1000 for event, at in arrivals if event in committed]
        distinct = len({event for event, _at in arrivals})
        sent_rows = Notification.objects.filter(
            channel=Channel.EMAIL, kind="changes_requested", status=NotificationStatus.SENT
        ).count()

        pool = f"prefork x{args.concurrency}" if args.concurrency else "solo"
        print()
        print(f"workers: {args.workers} ({pool}); broker: redis-server {redis_server.url}; SMTP: aiosmtpd 127.0.0.1")
        print(
            f"decisions: {args.decisions} in {push_seconds:.1f} s ({args.decisions / push_seconds:.0f}/s); "
            f"decision (commit + dispatch) median {statistics.median(decision_ms):.1f} ms"
        )
        print(
            f"emails delivered (SMTP 250): {len(arrivals)} ({distinct} distinct); rows marked sent: {sent_rows}; "
            f"expected: {args.decisions}"
        )
        print(
            f"commit-to-delivery latency: p50 {percentile(latencies, 0.50):.0f} ms, "
            f"p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms"
        )
    finally:
        for worker in workers:
            worker.kill()
        smtp.stop()
        redis_server.stop()


if __name__ == "__main__":
    main()
