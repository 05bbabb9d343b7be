"""Writes that go to the database together. A decision writes a handful of rows in different tables that do not
depend on each other (a task done and its inbox row gone; a task's deadline and its inbox row): on PostgreSQL they
go in one statement, all but the last in a data-modifying WITH, which saves a round trip each; elsewhere they run
one after another. The statements are built by Django's own SQL compilers, so values are prepared as the ORM
prepares them (the fields' pre_save: auto_now and the like).

Statements written together see the same snapshot: they must not touch the same rows, nor read what another of
them writes. Row triggers fire as usual; nothing listens to the ORM signals of these writes (none are sent)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet, sql
from django.db.models.constants import OnConflict

Statement = tuple[str, Sequence[Any]]


def update_statement(instance: Model, fields: Sequence[str] | None = None) -> Statement:
    """`instance.save(update_fields=fields)` of a row that exists (all its columns when `fields` is None), as one
    UPDATE: the fields must be the model's own (not a parent model's, which save() writes in a second table)."""
    model = type(instance)
    own = [field for field in model._meta.local_concrete_fields if not field.primary_key]
    if fields is None:
        assert not model._meta.parents, f"{model.__name__} has parents: save() writes more than one table"
        chosen = own
    else:
        by_name = {field.name: field for field in own}
        unknown = set(fields) - set(by_name)
        assert not unknown, f"not {model.__name__}'s own columns: {sorted(unknown)}"
        chosen = [by_name[name] for name in fields]
    query = sql.UpdateQuery(model)
    query.add_filter("pk", instance.pk)
    query.add_update_fields([(field, None, field.pre_save(instance, False)) for field in chosen])
    return query.get_compiler(router.db_for_write(model, instance=instance)).as_sql()


def update_values_statement(queryset: QuerySet[Any], **values: Any) -> Statement:
    """`queryset.update(**values)` as one UPDATE (values may be expressions, e.g. F("n") + 1)."""
    query = queryset.query.chain(sql.UpdateQuery)
    query.add_update_values(values)
    return query.get_compiler(queryset.db).as_sql()


def delete_statement(queryset: QuerySet[Any]) -> Statement:
    """`queryset.delete()` as one DELETE (no cascade, no signals: for rows nothing else points to)."""
    query = queryset.query.chain(sql.DeleteQuery)
    return query.get_compiler(queryset.db).as_sql()


def insert_statement(objs: Sequence[Model], *, ignore_conflicts: bool = False) -> Statement:
    """`bulk_create(objs, ignore_conflicts=...)` of one model's new rows as one INSERT (their ids are not read
    back: for rows whose primary key is known or not needed)."""
    model = type(objs[0])
    auto = model._meta.auto_field
    fields = [
        field
        for field in model._meta.concrete_fields
        if not getattr(field, "generated", False) and not (field is auto and all(obj.pk is None for obj in objs))
    ]
    query = sql.InsertQuery(model, on_conflict=OnConflict.IGNORE if ignore_conflicts else None)
    query.insert_values(fields, list(objs))
    [statement] = query.get_compiler(router.db_for_write(model)).as_sql()
    return statement


def write_together(*statements: Statement, using: str = "default") -> None:
    """Run independent writes: on PostgreSQL in one statement, elsewhere one by one."""
    statements = tuple(statement for statement in statements if statement is not None)
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or len(statements) < 2:
            for text, params in statements:
                cursor.execute(text, params)
            return
        *first, (last_text, last_params) = statements
        parts = ", ".join(f"write_{number} AS ({text})" for number, (text, _params) in enumerate(first))
        params = [param for _text, first_params in first for param in first_params]
        cursor.execute(f"WITH {parts} {last_text}", [*params, *last_params])
