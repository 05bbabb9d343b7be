"""Trigram indexes for searching people by part of a name (the case lists' search: `icontains` on the applicant's
first name, last name and username, which PostgreSQL writes as UPPER(column::text) LIKE UPPER('%term%')). Without
them each search read the whole user table: 16 of a search's 26 ms at 1.3 million cases.

PostgreSQL only (SQLite has no such index). pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner
may create it. Where it cannot be created, the search works as before, without the indexes, and a warning says so."""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

COLUMNS = ("first_name", "last_name", "username")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        logger.warning("pg_trgm could not be created (%s): people are searched without trigram indexes", error)
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS accounts_user_{column}_trgm ON accounts_user "
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS accounts_user_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_sessions_deputies")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
