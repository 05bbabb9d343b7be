"""Reads that Django builds and compiles once per process, then runs with each call's values.

Building a QuerySet and compiling it to SQL costs Python far more than PostgreSQL takes to run the small reads of
a decision (who decided this case's other steps, who decides its next step, the task under its lock): a query
with a subquery or two is 0.3-1 ms of Python and 0.1 ms of database. `compiled_rows` builds such a read once per
*shape* — the same statement with other values — with stand-ins ("markers") in place of the values, finds where
each marker went among the statement's parameters, and from then on only puts the call's values there and runs
the kept SQL; rows come back as Django's own iterables make them (model instances with their select_related
objects and annotations, or values_list tuples), through the same converters.

A value must reach the statement as a parameter of its own, unchanged (an = or a comparison, an IN of a list:
the list's length is part of the shape); one that does not (a LIKE pattern, a LIMIT) raises when the shape is first
compiled, so a use that cannot work fails in the tests, never with wrong rows. `build` must not look at the values
itself (an `if` on one would choose the form by the marker): what decides the query's form goes in `key`; None and
the lengths of lists are added to it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler

# Stand-ins for values while a shape is compiled: values no caller passes (they never reach the database).
_INT_MARKER = 2**62 + 7_919
_DATE_MARKER = date(1, 1, 2)
_DATETIME_MARKER = datetime(1, 1, 2, tzinfo=UTC)


def _same(value: Any) -> Any:
    return value


def _marker(value: Any, index: int) -> Any:
    if isinstance(value, bool):
        raise TypeError("a boolean changes a query's form: put it in the key")
    if isinstance(value, int):
        return _INT_MARKER + index
    if isinstance(value, str):
        return f"\x1fkorpu marker {index}\x1f"
    if isinstance(value, datetime):
        return _DATETIME_MARKER + timedelta(seconds=index)
    if isinstance(value, date):
        return _DATE_MARKER + timedelta(days=index)
    raise TypeError(f"no marker for a {type(value).__name__}")


@dataclass
class _Shape:
    sql: str
    params: list[Any]
    # Where each value goes: (the value's place in the call's flattened values, the parameter's position, what makes
    # the parameter of the value: the backend's adaptation of a date (SQLite's text), the type the ORM wrapped it in
    # (psycopg's Int8), or nothing).
    places: list[tuple[int, int, Callable[[Any], Any]]]
    compiler: SQLCompiler
    converters: dict[int, Any]
    rows: Callable[[_Shape, list[tuple[Any, ...]]], list[Any]]


_SHAPES: dict[Hashable, _Shape] = {}


def _flatten(values: dict[str, Any]) -> tuple[list[Any], tuple[Any, ...]]:
    """The values one by one (a list's items each), and what of them decides the query's form (None, lengths)."""
    flat: list[Any] = []
    form: list[Any] = []
    for name, value in values.items():
        if value is None:
            form.append((name, None))
        elif isinstance(value, list | tuple):
            form.append((name, len(value)))
            flat.extend(value)
        else:
            form.append((name, type(value).__name__))
            flat.append(value)
    return flat, tuple(form)


def _with_markers(values: dict[str, Any]) -> dict[str, Any]:
    index = 0
    marked: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            marked[name] = None
        elif isinstance(value, list | tuple):
            marked[name] = [_marker(item, index + offset) for offset, item in enumerate(value)]
            index += len(value)
        else:
            marked[name] = _marker(value, index)
            index += 1
    return marked


def _model_rows(shape: _Shape, rows: list[tuple[Any, ...]]) -> list[Any]:
    """ModelIterable's instances (select_related objects and annotations set) from the rows."""
    compiler = shape.compiler
    select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
    assert klass_info is not None
    model = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    names = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, compiler.using)
    objects = []
    for row in rows:
        obj = model.from_db(compiler.using, names, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in annotation_col_map.items():
            setattr(obj, name, row[position])
        objects.append(obj)
    return objects


def _rows_of(queryset: QuerySet[Any]) -> Callable[[_Shape, list[tuple[Any, ...]]], list[Any]]:
    iterable = queryset._iterable_class
    if getattr(queryset, "_coerced", False) or queryset._known_related_objects or queryset._prefetch_related_lookups:
        raise TypeError("compiled_rows reads plain querysets (no prefetch, no known related objects, no coercion)")
    if issubclass(iterable, ModelIterable):
        return _model_rows
    if iterable in (ValuesListIterable, FlatValuesListIterable):
        # Django (5.2) selects values_list's columns in their order.
        flat = iterable is FlatValuesListIterable

        def values_rows(shape: _Shape, rows: list[tuple[Any, ...]]) -> list[Any]:
            return [row[0] for row in rows] if flat else [tuple(row) for row in rows]

        return values_rows
    raise TypeError(f"compiled_rows reads model instances and values_list rows, not {iterable.__name__}")


def _compile(key: Hashable, build: Callable[..., QuerySet[Any]], values: dict[str, Any], flat: list[Any]) -> _Shape:
    marked = _with_markers(values)
    markers, _form = _flatten(marked)
    queryset = build(**marked)
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # e.g. an IN of no values: this shape never has a row
        return _Shape(sql="", params=[], places=[], compiler=compiler, converters={}, rows=_rows_of(queryset))
    params = list(params)
    for marker in markers:
        if str(marker) in sql:
            raise ValueError(f"{key!r}: a value is written into the statement itself ({sql[:200]})")
    places = []
    ops = connections[queryset.db].ops
    for index, marker in enumerate(markers):
        forms: list[tuple[Any, Callable[[Any], Any]]] = [(marker, _same)]
        if isinstance(marker, datetime):
            forms.append((ops.adapt_datetimefield_value(marker), ops.adapt_datetimefield_value))
        elif isinstance(marker, date):
            forms.append((ops.adapt_datefield_value(marker), ops.adapt_datefield_value))
        found = False
        for form, adapt in forms:
            for position, param in enumerate(params):
                if type(param) is not bool and param == form:
                    wrapper = type(param)
                    if adapt is _same and wrapper is not type(marker):
                        adapt = wrapper
                    places.append((index, position, adapt))
                    found = True
            if found:  # (on PostgreSQL a date is its own adaptation: the first form found it)
                break
        if not found:
            raise ValueError(f"{key!r}: value {index} ({flat[index]!r}) is not a parameter of the statement as it is")
    columns = [column[0] for column in compiler.select[0 : compiler.col_count]]
    return _Shape(
        sql=sql,
        params=params,
        places=places,
        compiler=compiler,
        converters=compiler.get_converters(columns),
        rows=_rows_of(queryset),
    )


def compiled_rows(key: Hashable, build: Callable[..., QuerySet[Any]], **values: Any) -> list[Any]:
    """`list(build(**values))`, compiled once per `key` and form of `values` (see the module's text): model
    instances or values_list rows. `key` names everything but `values` that the query's form depends on."""
    flat, form = _flatten(values)
    full_key = (key, form)
    shape = _SHAPES.get(full_key)
    if shape is None:
        shape = _SHAPES[full_key] = _compile(key, build, values, flat)
    if not shape.sql:
        return []
    params = list(shape.params)
    for index, position, adapt in shape.places:
        params[position] = adapt(flat[index])
    with connections[shape.compiler.using].cursor() as cursor:
        cursor.execute(shape.sql, params)
        rows: list[Any] = cursor.fetchall()
    if shape.converters:
        rows = [tuple(row) for row in shape.compiler.apply_converters(rows, shape.converters)]
    return shape.rows(shape, rows)
