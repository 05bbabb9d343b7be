"""viewflow's task table carries an index on nearly every column (twelve), and every decision writes three to five
task rows and ends one (its status changes, so the row's every index gets a new entry). Nothing here reads tasks by
their status alone, external id, content types, schedule or creation time: those indexes only cost writes (a
decision's PostgreSQL time fell by about a quarter without them, measured with bench/decisions.py). They go; the
open tasks keep one small partial index, in creation order (the administrators' list of tasks nobody may decide,
`inbox_rebuild`). The link table's index on its first column is the unique pair's own first column.

PostgreSQL only (SQLite's `make run` keeps viewflow's indexes). The model state is unchanged: the columns keep
`db_index` in viewflow's models, these are physical choices of this project's database."""

from django.db import migrations

# viewflow_task's columns whose single-column indexes (and their LIKE twins) go.
UNUSED_TASK_INDEXES = (
    "status",
    "external_task_id",
    "owner_permission_content_type_id",
    "artifact_content_type_id",
    "seed_content_type_id",
    "scheduled",
    "created",
)
OPEN_TASKS_INDEX = "viewflow_task_open_created"


def _single_column_indexes(schema_editor, table, columns):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, about in constraints.items()
        if about["index"]
        and not about["unique"]
        and not about["primary_key"]
        and len(about["columns"]) == 1
        and about["columns"][0] in columns
    ]


def drop_unused(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for name in _single_column_indexes(schema_editor, "viewflow_task", UNUSED_TASK_INDEXES):
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")
    for name in _single_column_indexes(schema_editor, "viewflow_task_previous", ("from_task_id",)):
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {quote(OPEN_TASKS_INDEX)} ON viewflow_task (created, id) "
        "WHERE status IN ('NEW', 'ASSIGNED')"
    )


def restore(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute(f"DROP INDEX IF EXISTS {quote(OPEN_TASKS_INDEX)}")
    for column in UNUSED_TASK_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote('viewflow_task_' + column)} ON viewflow_task ({column})"
        )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS viewflow_task_previous_from_task_id ON viewflow_task_previous (from_task_id)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("viewflow", "0015_task_scheduled"),
        ("workflows", "0006_inbox_case_index"),
    ]

    operations = [migrations.RunPython(drop_unused, restore)]
