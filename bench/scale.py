"""A whole Erasmus year in the database, then the list pages and list APIs measured on it. Prints figures; the
README publishes them. CI runs it at a small size (tests/test_bench_scale.py).

    .venv/bin/python bench/scale.py [--cases 100000] [--repeat 15] [--keep] [--reuse]

Uses (and recreates) the database korpu_scale on DATABASE_URL's server (default 127.0.0.1:5432); --keep leaves it,
--reuse measures the year left there again (migrated to the code of now) without writing it anew.
The year is written with COPY, as the office's history would be after a year: every case with its process, its
human tasks (done, or the one open), its due date, its timeline, its documents' rows and the applicant's in-app
notifications; about 10 % of the cases open, spread over the three review steps, some overdue. Then, as the
prorector, a coordinator and a student: each page and list API requested `--repeat` times, p50 / p95 in ms and the
number of SQL queries of one request.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/korpu_scale")
os.environ.setdefault("DJANGO_MEDIA_ROOT", "/tmp/korpu-scale-media")

CALLS = 40
DEPARTMENTS = 20
PARTNERS = 300
PARTNERS_PER_CALL = 30


def recreate_database(url: str) -> None:  # noqa: D103
    import psycopg

    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')


def copy_model(cursor, model, columns: tuple[str, ...], rows) -> int:
    """COPY rows (tuples of `columns`; None is NULL) into a model's table; every other column takes the model's
    default, so a field added later does not break the bench."""
    import json

    given = set(columns)
    rest = [f for f in model._meta.local_concrete_fields if f.column not in given and not f.primary_key]
    defaults = []
    for field in rest:
        value = field.get_default() if field.has_default() else ("" if not field.null else None)
        if field.null and not field.has_default():
            value = None
        if isinstance(value, (dict, list)):
            value = json.dumps(value)
        defaults.append(value)
    all_columns = (*columns, *(f.column for f in rest))
    count = 0
    with cursor.copy(f"COPY {model._meta.db_table} ({', '.join(all_columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *defaults))
            count += 1
    return count


def build_year(cases: int) -> dict:
    """The base data with the test factories (roles, departments, staff, students, partners, calls, places), then
    the cases and everything they leave behind with COPY. Returns the users the measurements log in as."""
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from viewflow.workflow.models import Process, Task

    from accounts.models import User
    from accounts.roles import Role, setup_roles
    from applications.models import Application, CallPlace, CaseEvent, HostChoice
    from documents.models import Document
    from notifications.models import Notification
    from tests.support.factories import CallFactory, DepartmentFactory, PartnerFactory, UserFactory
    from workflows.mobility import MobilityFlow
    from workflows.models import MobilityProcess

    setup_roles()
    departments = [DepartmentFactory(code=f"d{n:02}", name=f"Department {n:02}") for n in range(DEPARTMENTS)]
    staff = {
        "prorector": UserFactory(username="prorector", roles=[Role.PRORECTOR]),
        "auditor": UserFactory(username="auditor", roles=[Role.AUDITOR]),
    }
    for department in departments:
        UserFactory(username=f"coordinator_{department.code}", roles=[Role.COORDINATOR], departments=[department])
        UserFactory(username=f"head_{department.code}", roles=[Role.HEAD], departments=[department])
    staff["coordinator"] = User.objects.get(username="coordinator_d00")
    staff["head"] = User.objects.get(username="head_d00")

    students_needed = max(10, -(-cases // CALLS))
    now = datetime.now(UTC)
    password = staff["prorector"].password
    with connection.cursor() as cursor:
        copy_model(
            cursor.cursor,
            User,
            ("password", "username", "first_name", "last_name", "email", "is_active", "date_joined"),
            (
                (password, f"s{n:06}", f"Student{n}", f"Family{n % 997}", f"s{n}@example.org", True, now)
                for n in range(students_needed)
            ),
        )
    students = list(User.objects.filter(username__startswith="s0").order_by("pk").values_list("pk", flat=True))
    student_group = Group.objects.get(name=Role.STUDENT)
    with connection.cursor() as cursor:
        copy_model(
            cursor.cursor, User.groups.through, ("user_id", "group_id"), ((pk, student_group.pk) for pk in students)
        )
        copy_model(
            cursor.cursor,
            User.departments.through,
            ("user_id", "department_id"),
            ((pk, departments[i % DEPARTMENTS].pk) for i, pk in enumerate(students)),
        )
    staff["student"] = User.objects.get(pk=students[0])

    partners = [PartnerFactory(name=f"Partner University {n:03}") for n in range(PARTNERS)]
    calls, places = [], {}
    for n in range(CALLS):
        call = CallFactory(title=f"Erasmus+ call {n:02}", opens_at=now - timedelta(days=200))
        calls.append(call)
        places[call.pk] = [
            CallPlace.objects.create(call=call, partner=partners[(n * 7 + k) % PARTNERS], places=10**6).pk
            for k in range(PARTNERS_PER_CALL)
        ]

    application_type = ContentType.objects.get_for_model(Application)
    task_field = Task._meta.get_field("flow_task")
    flow_task = {
        name: task_field.get_prep_value(getattr(MobilityFlow, name))
        for name in ("start", "coordinator_review", "head_review", "prorector_review", "approve", "reject", "end")
    }
    flow_class = "workflows/mobility.MobilityFlow"
    steps = ("coordinator_review", "head_review", "prorector_review")
    department_of_student = {pk: departments[i % DEPARTMENTS].pk for i, pk in enumerate(students)}
    # Who decided each review step of a department's cases (a done review task names its decider, as in a real year).
    decider = {
        (department.pk, step): User.objects.get(username=username.format(code=department.code)).pk
        for department in departments
        for step, username in (
            ("coordinator_review", "coordinator_{code}"),
            ("head_review", "head_{code}"),
            ("prorector_review", "prorector"),
        )
    }

    def decider_of(i: int, step: str) -> int:
        return decider[(department_of_student[students[i % len(students)]], step)]

    # Each case's fate, drawn once (seeded, so runs compare): the rows of every table follow from it.
    rng = random.Random(2026)
    fates = []
    for _ in range(cases):
        r = rng.randrange(100)
        if r < 5:
            fates.append(("draft", None))
        elif r < 15:
            fates.append(("open", steps[rng.randrange(3)]))
        elif r < 40:
            fates.append(("rejected", steps[rng.randrange(3)]))
        else:
            fates.append(("approved", None))

    def fate(i):
        return fates[i]

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        started = time.perf_counter()

        def applications():
            for i in range(cases):
                student = students[i % len(students)]
                call = calls[i // len(students)]
                status, step = fate(i)
                created = now - timedelta(minutes=(cases - i) * 2)
                app_status = {"draft": "draft", "open": step, "rejected": "rejected", "approved": "approved"}[status]
                nominated = places[call.pk][i % PARTNERS_PER_CALL] if status == "approved" else None
                yield (
                    i + 1,
                    uuid.uuid4(),
                    student,
                    call.pk,
                    department_of_student[student],
                    app_status,
                    "I want to study abroad.",
                    "88.00",
                    3,
                    "English",
                    "B2",
                    "",
                    "",
                    nominated,
                    created,
                    created,
                    None if status == "draft" else created + timedelta(minutes=1),
                    created + timedelta(days=3) if status in ("approved", "rejected") else None,
                )

        copy_model(
            cursor,
            Application,
            (
                "id",
                "reference",
                "applicant_id",
                "call_id",
                "department_id",
                "status",
                "motivation",
                "gpa",
                "year_of_study",
                "language",
                "language_level",
                "host_contact_name",
                "host_contact_email",
                "nominated_place_id",
                "created_at",
                "updated_at",
                "submitted_at",
                "decided_at",
            ),
            applications(),
        )
        copy_model(
            cursor,
            HostChoice,
            ("application_id", "rank", "place_id"),
            ((i + 1, 1, places[calls[i // len(students)].pk][i % PARTNERS_PER_CALL]) for i in range(cases)),
        )

        processes = [i for i in range(cases) if fate(i)[0] != "draft"]
        copy_model(
            cursor,
            Process,
            ("id", "flow_class", "status", "created", "finished", "data"),
            (
                (
                    i + 1,
                    flow_class,
                    "NEW" if fate(i)[0] == "open" else "DONE",
                    now - timedelta(minutes=(cases - i) * 2),
                    None if fate(i)[0] == "open" else now,
                    "{}",
                )
                for i in processes
            ),
        )
        copy_model(
            cursor,
            MobilityProcess,
            ("process_ptr_id", "application_id", "last_decision"),
            ((i + 1, i + 1, "approve" if fate(i)[0] != "rejected" else "reject") for i in processes),
        )

        def tasks():
            task_id = 0
            for i in processes:
                status, step = fate(i)
                created = now - timedelta(minutes=(cases - i) * 2)
                done = list(steps) if status == "approved" else list(steps[: steps.index(step)]) if step else []
                task_id += 1
                yield (task_id, flow_task["start"], "START", "DONE", created, created, i + 1, "start", "{}", None)
                for k, name in enumerate(done):
                    task_id += 1
                    at = created + timedelta(hours=k + 1)
                    yield (task_id, flow_task[name], "HUMAN", "DONE", at, at, i + 1, "start", "{}", decider_of(i, name))
                if status == "open":
                    task_id += 1
                    yield (
                        task_id,
                        flow_task[step],
                        "HUMAN",
                        "NEW",
                        created + timedelta(hours=4),
                        None,
                        i + 1,
                        "start",
                        "{}",
                        None,
                    )
                elif status == "rejected":
                    task_id += 1
                    at = created + timedelta(hours=5)
                    yield (task_id, flow_task[step], "HUMAN", "DONE", at, at, i + 1, "start", "{}", decider_of(i, step))

        copy_model(
            cursor,
            Task,
            (
                "id",
                "flow_task",
                "flow_task_type",
                "status",
                "created",
                "finished",
                "process_id",
                "token",
                "data",
                "owner_id",
            ),
            tasks(),
        )
        cursor.execute(
            "INSERT INTO notifications_taskdeadline (task_id, due_at) SELECT id, created + "
            "CASE WHEN id % 7 = 0 THEN interval '-2 days' ELSE interval '5 days' END FROM viewflow_task "
            "WHERE status = 'NEW'"
        )

        def events():
            for i in processes:
                status, step = fate(i)
                created = now - timedelta(minutes=(cases - i) * 2)
                applicant = students[i % len(students)]
                yield (applicant, created, "draft", "", "{}", i + 1, "created", "", "draft")
                yield (applicant, created, "applicant", "", "{}", i + 1, "submitted", "draft", "coordinator_review")
                if status == "approved":
                    yield (
                        decider_of(i, "prorector_review"),
                        created,
                        "prorector_review",
                        "ok",
                        "{}",
                        i + 1,
                        "approved",
                        "prorector_review",
                        "approved",
                    )
                elif status == "rejected":
                    yield (decider_of(i, step), created, step, "no", "{}", i + 1, "rejected", step, "rejected")

        copy_model(
            cursor,
            CaseEvent,
            (
                "actor_id",
                "created_at",
                "step",
                "comment",
                "data",
                "application_id",
                "action",
                "status_before",
                "status_after",
            ),
            events(),
        )
        copy_model(
            cursor,
            Document,
            (
                "case_type_id",
                "case_id",
                "kind",
                "version",
                "file",
                "original_name",
                "content_type",
                "size",
                "sha256",
                "uploaded_at",
                "status",
                "rejection_reason",
                "scan_result",
            ),
            (
                (
                    application_type.pk,
                    i + 1,
                    kind,
                    1,
                    f"bench/{i}/{kind}.pdf",
                    f"{kind}.pdf",
                    "application/pdf",
                    1000,
                    "0" * 64,
                    now,
                    "ready",
                    "",
                    "not scanned",
                )
                for i in range(cases)
                for kind in ("transcript", "motivation_letter")
            ),
        )
        copy_model(
            cursor,
            Notification,
            (
                "recipient_id",
                "kind",
                "channel",
                "event",
                "language",
                "subject",
                "body",
                "link",
                "status",
                "attempts",
                "last_error",
                "created_at",
                "read_at",
            ),
            (
                (
                    students[i % len(students)],
                    "case_event",
                    "in_app",
                    f"bench:{i}",
                    "en",
                    "Your application",
                    "",
                    "",
                    "sent",
                    0,
                    "",
                    now,
                    None if i % 10 == 0 else now,
                )
                for i in processes
            ),
        )
        for table in (
            "applications_application",
            "applications_hostchoice",
            "viewflow_process",
            "viewflow_task",
            "applications_caseevent",
            "documents_document",
            "notifications_notification",
            "accounts_user",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        # The inbox table's rows of the open tasks, as the steps' start writes them (rows written around the flows).
        from workflows.inbox import inbox_entries_rebuild

        inbox_entries_rebuild()
        cursor.execute("ANALYZE")
        print(f"wrote {cases:,} cases and their rows in {time.perf_counter() - started:.0f} s", flush=True)
    return staff


def year_staff() -> dict:
    """The people `measure` acts as, found in a year written before (`--reuse`)."""
    from accounts.models import User

    return {
        "prorector": User.objects.get(username="prorector"),
        "auditor": User.objects.get(username="auditor"),
        "coordinator": User.objects.get(username="coordinator_d00"),
        "head": User.objects.get(username="head_d00"),
        "student": User.objects.filter(username__startswith="s0").order_by("pk").first(),
    }


def measure(staff: dict, repeat: int) -> list[tuple[str, str, float, float, int]]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from viewflow.workflow.models import Task

    from accounts.models import User
    from workflows.mobility import MobilityFlow

    # A coordinator with an open task at their step (any department: at a small size d00 may have none).
    coordinator_task, code = (
        Task.objects.filter(status="NEW", flow_task=MobilityFlow.coordinator_review)
        .order_by("pk")
        .values_list("pk", "process__mobilityprocess__application__department__code")
        .first()
    )
    staff = {**staff, "coordinator": User.objects.get(username=f"coordinator_{code}")}
    case_id = Task.objects.filter(pk=coordinator_task).values_list("process__mobilityprocess__application", flat=True)[
        0
    ]
    pages = [
        ("prorector", "inbox /tasks/", "/tasks/?sort=due"),
        ("coordinator", "inbox /tasks/", "/tasks/?sort=due"),
        ("prorector", "inbox, overdue", "/tasks/?overdue=on"),
        ("prorector", "API task list", "/api/v1/tasks/"),
        ("prorector", "case list /cases/", "/cases/"),
        ("coordinator", "case list /cases/", "/cases/"),
        ("prorector", "case list, search", "/cases/?q=Family12"),
        ("student", "my applications", "/applications/"),
        ("prorector", "API application list, page 2", "/api/v1/applications/"),
        ("coordinator", "case page", f"/applications/{case_id}/"),
        ("coordinator", "task page", f"/tasks/{coordinator_task}/"),
        ("student", "notifications", "/notifications/"),
    ]
    setup_test_environment()  # the test client's host, in-memory email
    # ... but templates render as served: the test environment's instrumented render copies every context for the
    # test client (a quarter of a list page's rendering time).
    from django.template import Template
    from django.test.utils import _TestState

    Template._render = _TestState.saved_data.template_render  # type: ignore[method-assign]
    results = []
    clients = {}
    for who, person in staff.items():
        client = Client()
        client.force_login(person)
        clients[who] = client
    # The API's second page is the first page's `next` link (keyset: `?after=<cursor>`).
    second = urlsplit(clients["prorector"].get("/api/v1/applications/").json()["next"] or "/api/v1/applications/")
    pages = [
        (who, what, f"{second.path}?{second.query}" if what == "API application list, page 2" else url)
        for who, what, url in pages
    ]
    for who, what, url in pages:
        client = clients[who]
        client.get(url)  # warm
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code in (200, 302), (url, response.status_code)
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        samples.sort()
        p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
        results.append((who, what, statistics.median(samples), p95, len(queries.captured_queries)))
    return results


def main(argv=None) -> list[tuple[str, str, float, float, int]]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the year a --keep run left (migrated to the code of now)"
    )
    args = parser.parse_args(argv)
    if not args.reuse:
        recreate_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    staff = year_staff() if args.reuse else build_year(args.cases)
    built = time.perf_counter() - started
    if args.reuse:
        from applications.models import Application

        args.cases = Application.objects.count()
    results = measure(staff, args.repeat)
    made = "reused" if args.reuse else f"built in {built:.0f} s"
    print(f"\n{args.cases:,} cases ({made}); {args.repeat} requests each")
    print("| page | as | p50 ms | p95 ms | queries |\n|---|---|---|---|---|")
    for who, what, p50, p95, queries in results:
        print(f"| {what} | {who} | {p50:.0f} | {p95:.0f} | {queries} |")
    if not args.keep:
        from django.db import connections

        connections.close_all()
    return results


if __name__ == "__main__":
    main()
