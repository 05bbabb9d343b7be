"""Writes that go to the database together. A decision writes a handful of rows in different tables that do not
depend on each other (a task done and its inbox row gone; a task's deadline and its inbox row): on PostgreSQL they
go in one statement, all but the last in a data-modifying WITH, which saves a round trip each; elsewhere they run
one after another. The statements are built by Django's own SQL compilers, so values are prepared as the ORM
prepares them (the fields' pre_save: auto_now and the like).

Statements written together see the same snapshot: they must not touch the same rows, nor read what another of
them writes. Row triggers fire as usual; nothing listens to the ORM signals of these writes (none are sent).

A write's SQL text depends only on its shape (the model, the columns, how many rows, which values are NULL), so
each shape is compiled by Django once and its text kept (`_shaped`); later writes of that shape only prepare their
values as Django's compiler does (the fields' `get_db_prep_save`). The first compilation of a shape checks that
those values are exactly the parameters Django made; a shape where they are not (an expression, a field with its
own placeholder) is compiled by Django every time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet, sql
from django.db.models.constants import OnConflict

Statement = tuple[str, Sequence[Any]]

# A shape's SQL text and the form of its parameters ("flat", or "columns": one array per column, PostgreSQL's
# UNNEST of a many-row INSERT); None for a shape Django compiles every time.
_SHAPES: dict[tuple[Any, ...], tuple[str, str] | None] = {}
_NOT_SEEN = object()


def _same_params(made: Sequence[Any], ours: Sequence[Any]) -> bool:
    """Whether two parameter lists are the same values (psycopg's JSON wrappers compare by what they wrap)."""
    if len(made) != len(ours):
        return False
    for a, b in zip(made, ours, strict=True):
        if type(a) is not type(b):
            return False
        if isinstance(a, list):
            if not _same_params(a, b):
                return False
        elif hasattr(a, "dumps") and hasattr(a, "obj"):  # psycopg.types.json.Json / Jsonb
            if a.obj != b.obj or a.dumps is not b.dumps:
                return False
        elif a != b:
            return False
    return True


def _shaped(
    key: tuple[Any, ...], compile_: Callable[[], Statement], rows: list[list[Any]], tail: list[Any]
) -> Statement:
    """The statement of one write: its shape's kept text with these values (`rows` of prepared values, then
    `tail`: a WHERE's), or Django's compilation the first time and for shapes it alone can make."""

    def params(form: str) -> list[Any]:
        if form == "flat":
            return [value for row in rows for value in row] + tail
        return [list(column) for column in zip(*rows, strict=True)] + tail

    shape = _SHAPES.get(key, _NOT_SEEN)
    if shape is None:
        return compile_()
    if shape is not _NOT_SEEN:
        text, form = shape  # type: ignore[misc]
        return text, params(form)
    text, made = compile_()
    form = next((form for form in ("flat", "columns") if _same_params(made, params(form))), None)
    _SHAPES[key] = (text, form) if form else None
    return text, made


def _prepared(fields: Sequence[Any], values: Sequence[Any], connection: Any) -> list[Any] | None:
    """The values as Django's compilers prepare them, or None where only a compiler can (an expression, a model
    instance, a field with its own placeholder)."""
    prepared = []
    for field, value in zip(fields, values, strict=True):
        if (
            hasattr(value, "resolve_expression")
            or hasattr(value, "prepare_database_save")
            or hasattr(field, "get_placeholder")
        ):
            return None
        prepared.append(field.get_db_prep_save(value, connection=connection))
    return prepared


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
    using = router.db_for_write(model, instance=instance)
    values = [field.pre_save(instance, False) for field in chosen]

    def compile_() -> Statement:
        query = sql.UpdateQuery(model)
        query.add_filter("pk", instance.pk)
        query.add_update_fields([(field, None, value) for field, value in zip(chosen, values, strict=True)])
        return query.get_compiler(using).as_sql()

    connection = connections[using]
    prepared = _prepared(chosen, values, connection)
    if prepared is None:
        return compile_()
    # A NULL is written into an UPDATE's text (SET x = NULL): which values are NULL is part of the shape.
    key = ("update", model, using, tuple(field.attname for field in chosen), tuple(v is None for v in prepared))
    pk = model._meta.pk.get_db_prep_value(instance.pk, connection)
    return _shaped(key, compile_, [[value for value in prepared if value is not None]], [pk])


def update_values_statement(queryset: QuerySet[Any], **values: Any) -> Statement:
    """`queryset.update(**values)` as one UPDATE (values may be expressions, e.g. F("n") + 1)."""
    query = queryset.query.chain(sql.UpdateQuery)
    query.add_update_values(values)
    return query.get_compiler(queryset.db).as_sql()


def delete_statement(queryset: QuerySet[Any]) -> Statement:
    """`queryset.delete()` as one DELETE (no cascade, no signals: for rows nothing else points to)."""
    query = queryset.query.chain(sql.DeleteQuery)
    return query.get_compiler(queryset.db).as_sql()


def insert_statement(
    objs: Sequence[Model],
    *,
    ignore_conflicts: bool = False,
    unique_fields: Sequence[str] = (),
    update_fields: Sequence[str] = (),
    returning_pk: bool = False,
    using: str | None = None,
) -> Statement:
    """`bulk_create(objs, ...)` of one model's new rows as one INSERT: on a conflict nothing (`ignore_conflicts`)
    or the `update_fields` written over the row that has the `unique_fields`' values; the ids are read back only
    with `returning_pk` (RETURNING them, in the rows' order)."""
    model = type(objs[0])
    opts = model._meta
    auto = opts.auto_field
    fields = [
        field
        for field in opts.concrete_fields
        if not getattr(field, "generated", False) and not (field is auto and all(obj.pk is None for obj in objs))
    ]
    using = using or router.db_for_write(model)
    # The fields' pre_save (auto_now and the like) runs once, here; Django's compiler then reads the values it set.
    values = [[field.pre_save(obj, True) for field in fields] for obj in objs]
    on_conflict = OnConflict.IGNORE if ignore_conflicts else OnConflict.UPDATE if update_fields else None

    def compile_() -> Statement:
        query = sql.InsertQuery(
            model,
            on_conflict=on_conflict,
            update_fields=[opts.get_field(name) for name in update_fields],
            unique_fields=[opts.get_field(name) for name in unique_fields],
        )
        query.insert_values(fields, list(objs), raw=True)
        compiler = query.get_compiler(using)
        if returning_pk:
            compiler.returning_fields = [opts.pk]
        [statement] = compiler.as_sql()
        return statement

    connection = connections[using]
    rows = []
    for row in values:
        prepared = _prepared(fields, row, connection)
        if prepared is None:
            return compile_()
        rows.append(prepared)
    key = (
        "insert",
        model,
        using,
        tuple(field.attname for field in fields),
        len(objs),
        on_conflict,
        tuple(unique_fields),
        tuple(update_fields),
        returning_pk,
    )
    return _shaped(key, compile_, rows, [])


def insert_rows(
    objs: Sequence[Model],
    *,
    using: str | None = None,
    ignore_conflicts: bool = False,
    unique_fields: Sequence[str] = (),
    update_fields: Sequence[str] = (),
) -> None:
    """`bulk_create(objs, ...)` of one model's new rows (no parent models) through their shape's kept INSERT, the
    ids of rows that have none read back in the rows' order, each row then saved as far as Django is concerned. On
    a database that cannot return many rows' ids, Django's bulk_create itself."""
    model = type(objs[0])
    assert not model._meta.parents, f"{model.__name__} has parents: an INSERT writes more than one table"
    using = using or router.db_for_write(model, instance=objs[0])
    connection = connections[using]
    returning = objs[0].pk is None
    assert all((obj.pk is None) == returning for obj in objs), "rows with and without ids, in one INSERT"
    if returning and len(objs) > 1 and not connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.using(using).bulk_create(
            objs,
            ignore_conflicts=ignore_conflicts,
            update_conflicts=bool(update_fields),
            unique_fields=unique_fields or None,
            update_fields=update_fields or None,
        )
        return
    text, params = insert_statement(
        objs,
        using=using,
        ignore_conflicts=ignore_conflicts,
        unique_fields=unique_fields,
        update_fields=update_fields,
        returning_pk=returning,
    )
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        ids = cursor.fetchall() if returning else [(obj.pk,) for obj in objs]
    for obj, (pk,) in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using


def insert_row(obj: Model, using: str | None = None) -> None:
    """`obj.save()` of a new row of a model without parent models, through its shape's kept INSERT (`insert_rows`):
    its id read back, and the save's signals sent as save() sends them."""
    from django.db.models import signals

    model = type(obj)
    using = using or router.db_for_write(model, instance=obj)
    obj._prepare_related_fields_for_save(operation_name="save")
    signals.pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    insert_rows([obj], using=using)
    signals.post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using)


def delete_where_statement(model: type[Model], **equals: Any) -> Statement:
    """`model.objects.filter(**equals).delete()` for columns equal to values (no cascade, no signals), as one
    DELETE; its shape kept like the other writes'."""
    using = router.db_for_write(model)
    connection = connections[using]
    names = tuple(sorted(equals))
    fields = [model._meta.get_field(name) for name in names]
    values = []
    for field, name in zip(fields, names, strict=True):
        value = equals[name]
        if value is None or hasattr(value, "resolve_expression") or hasattr(value, "_meta"):
            return delete_statement(model._default_manager.filter(**equals))
        target = field.target_field if field.is_relation else field
        values.append(target.get_db_prep_value(value, connection, prepared=False))
    key = ("delete", model, using, names)
    return _shaped(key, lambda: delete_statement(model._default_manager.filter(**equals)), [[]], values)


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
