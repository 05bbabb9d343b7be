"""The audit trail (case events, agreement events, agreement versions) cannot be changed in the database
either: UPDATE, DELETE and TRUNCATE are refused on real PostgreSQL, whoever sends them."""

import psycopg
import pytest
from django.db import connection

from agreements.models import AgreementEvent, AgreementVersion
from applications.models import CaseEvent
from tests.support.agreements import draft_agreement
from tests.support.drivers import make_submitted_application

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = {
    "case events": CaseEvent._meta.db_table,
    "agreement events": AgreementEvent._meta.db_table,
    "agreement versions": AgreementVersion._meta.db_table,
}


def raw_connection():
    """A connection of its own, as someone at a SQL prompt would have: no Django, no session settings."""
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"] or "postgres",
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    )


@pytest.fixture
def audit_rows(world):
    make_submitted_application(world)
    draft_agreement(world)
    counts = {name: _count(table) for name, table in TABLES.items()}
    assert all(counts.values()), counts
    return counts


def _count(table):
    with raw_connection() as conn:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE \"{table}\" SET created_at = created_at - interval '1 day'",
        'DELETE FROM "{table}"',
        'TRUNCATE "{table}" CASCADE',
    ],
)
def test_the_database_refuses_to_change_the_audit_trail(audit_rows, statement):
    for name, table in TABLES.items():
        with raw_connection() as conn:
            with pytest.raises(psycopg.errors.RaiseException, match="append-only|Cannot update or delete"):
                conn.execute(statement.format(table=table))
        assert _count(table) == audit_rows[name], name


def test_viewflow_process_and_task_rows_are_read_only_in_the_admin(audit_rows, client, world):
    from viewflow.workflow.models import Process, Task

    superuser = world.admin
    superuser.is_staff = superuser.is_superuser = True
    superuser.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(superuser)
    process = Process.objects.first()
    task = Task.objects.filter(process=process).first()
    for url in (f"/admin/viewflow/process/{process.pk}/change/", f"/admin/viewflow/task/{task.pk}/change/"):
        page = client.get(url)
        assert page.status_code == 200  # the superuser may look...
        assert 'name="_save"' not in page.content.decode()  # ...but there is nothing to save
        before = Task.objects.filter(pk=task.pk).values_list("status", flat=True).get()
        assert client.post(url, {"status": "CANCELED"}).status_code == 403
        assert Task.objects.filter(pk=task.pk).values_list("status", flat=True).get() == before
    assert client.post(f"/admin/viewflow/task/{task.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Task.objects.filter(pk=task.pk).exists()
