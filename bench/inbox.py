"""Inbox and case-list timings on PostgreSQL at growing sizes. Prints figures; not a test.

    .venv/bin/python bench/inbox.py [--sizes 100,1000,5000]

Uses (and recreates) the database korpu_bench on DATABASE_URL's server (default 127.0.0.1:5432).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/korpu_bench")
os.environ.setdefault("DJANGO_MEDIA_ROOT", "/tmp/korpu-bench-media")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,3000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import psycopg

    url = os.environ["DATABASE_URL"]
    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        conn.execute(f'CREATE DATABASE "{dbname}"')

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)

    from accounts.roles import setup_roles
    from applications.models import CallPlace
    from applications.selectors import application_list
    from tests.support.drivers import make_submitted_application
    from tests.support.factories import ROLE_USERS, CallFactory, DepartmentFactory, PartnerFactory, UserFactory
    from workflows.selectors import inbox_tasks, with_cases

    setup_roles()
    depts = {"ce": DepartmentFactory(code="ce"), "math": DepartmentFactory(code="math")}
    users = {
        n: UserFactory(username=n, roles=r, departments=[depts[d] for d in ds]) for n, (r, ds) in ROLE_USERS.items()
    }
    call = CallFactory()
    partners = [PartnerFactory() for _ in range(3)]
    for p in partners:
        CallPlace.objects.create(call=call, partner=p, places=100000)

    class World:
        pass

    world = World()
    world.call, world.partners, world.student1 = call, partners, users["student1"]

    def timed(fn):
        samples, queries = [], 0
        for _ in range(args.repeat):
            fresh = type(users["coordinator_ce"]).objects.get(pk=fn.user.pk)
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                fn(fresh)
                samples.append((time.perf_counter() - t0) * 1000)
            queries = len(ctx.captured_queries)
        return statistics.median(samples), queries

    def inbox_page(user):
        rows = with_cases(list(inbox_tasks(user=user)[:50]))
        for t in rows:
            a = t.process.mobilityprocess.application
            _ = (a.applicant.username, a.department.name, a.call.title)

    def list_page(user):
        for a in application_list(user=user)[:50]:
            _ = (a.applicant.username, a.call.title, [c.place.partner.name for c in a.choices.all()])

    inbox_page.user = users["coordinator_ce"]
    list_page.user = users["prorector"]

    created = 0
    print(f"{'cases':>7} {'inbox ms':>9} {'inbox q':>8} {'list ms':>8} {'list q':>7}")
    for size in [int(s) for s in args.sizes.split(",")]:
        while created < size:
            applicant = UserFactory(roles=["student"], departments=[depts["ce"]])
            world.student1 = applicant
            make_submitted_application(world, applicant, choices=[partners[created % 3].pk])
            created += 1
        inbox_ms, inbox_q = timed(inbox_page)
        list_ms, list_q = timed(list_page)
        print(f"{size:>7} {inbox_ms:>9.1f} {inbox_q:>8} {list_ms:>8.1f} {list_q:>7}")


if __name__ == "__main__":
    main()
