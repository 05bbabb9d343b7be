"""People are searched by part of a name through trigram indexes on PostgreSQL (accounts migration 0004): the
indexes exist, on the very expression Django's `icontains` writes, so that the planner can use them."""

from django.db import connection

from accounts.models import User


def test_the_name_search_indexes_match_what_icontains_writes(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [User._meta.db_table])
        indexes = dict(cursor.fetchall())
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()
    for column in ("first_name", "last_name", "username"):
        definition = indexes[f"accounts_user_{column}_trgm"]
        assert f"upper(({column})::text) gin_trgm_ops" in definition and "USING gin" in definition
    # ... and the lookup is written on the same expression
    sql, _params = User.objects.filter(last_name__icontains="ova").query.sql_with_params()
    assert 'UPPER("accounts_user"."last_name"::text) LIKE UPPER(' in sql


def test_with_the_indexes_chosen_a_part_of_a_name_finds_the_person(db):
    User.objects.create(username="aysel", first_name="Aysel", last_name="Məmmədova")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as on a large table
        found = list(User.objects.filter(last_name__icontains="MMƏDO").values_list("username", flat=True))
        sql, params = User.objects.filter(last_name__icontains="mmədo").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert found == ["aysel"]
    assert "accounts_user_last_name_trgm" in plan
