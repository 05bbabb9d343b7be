"""workflows/migrations/0007: on PostgreSQL, viewflow's task table keeps only the indexes something reads by (its
key, its process, its owner, the open tasks in creation order), so a decision's task writes maintain three, not
twelve; and the open tasks' own index serves the query that lists them."""

import pytest
from django.db import connection

from workflows.permissions import OPEN_TASK_STATUSES

pytestmark = pytest.mark.django_db


def _indexes(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        tuple(about["columns"])
        for about in constraints.values()
        if about["index"] or about["primary_key"] or about["unique"]
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL choice")
def test_the_task_table_keeps_the_indexes_something_reads_by():
    assert _indexes("viewflow_task") == {("id",), ("process_id",), ("owner_id",), ("created", "id")}
    assert _indexes("viewflow_task_previous") == {("id",), ("from_task_id", "to_task_id"), ("to_task_id",)}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL choice")
def test_the_open_tasks_in_creation_order_are_read_through_their_partial_index():
    from viewflow.workflow.models import Task

    query = Task.objects.filter(status__in=OPEN_TASK_STATUSES).order_by("created", "pk")[:50]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "viewflow_task_open_created" in plan
