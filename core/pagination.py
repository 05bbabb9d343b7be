"""Pages of long lists without an exact COUNT(*) over millions of rows: the count stops at a cap (the list says
"1,000+"), and a page is chosen by its rows' keys alone before the rows are read with everything they show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param

# A list counts at most this many rows; past it the count is shown as "1,000+" and the pages beyond are not offered.
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A Paginator whose count reads at most COUNT_CAP + 1 keys (LIMIT), whatever the size of the table."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        counter = getattr(self.object_list, "capped_count", None)  # a list that counts without reading its order
        if counter is not None:
            return min(counter(self.cap + 1), self.cap + 1)
        return min(len(self.object_list[: self.cap + 1]), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:  # type: ignore[override]
        return super().num_pages if not self.capped else -(-self.cap // self.per_page)


class CappedPagination(PageNumberPagination):
    """DRF's page-number pagination with the capped count: `count` is at most COUNT_CAP + 1 (then "more")."""

    django_paginator_class = CappedPaginator


def in_order(rows: Any, keys: list[int]) -> list[Any]:
    """Rows read by `pk__in=keys`, back in the keys' order (the page's order)."""
    by_key = {row.pk: row for row in rows}
    return [by_key[key] for key in keys if key in by_key]


# --- Keyset pages: "the rows after this one" by the list's order, a constant cost on any page of any list ---------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class BadCursor(ValueError):
    """A cursor that this list did not make (edited by hand, or from another list)."""


def keyset_cursor(moment: datetime, pk: int) -> str:
    """The position of a row in a newest-first list: its time (exact, in microseconds) and its id."""
    return f"{(moment - _EPOCH) // timedelta(microseconds=1)}.{pk}"


def _parse_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        micros, pk = cursor.split(".")
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError) as error:
        raise BadCursor(cursor) from error


@dataclass
class KeysetPage:
    """The ids of one page of a newest-first list, in order, and the cursors of the pages either side (None at
    an end). `count` is capped as CappedPaginator's: at most COUNT_CAP + 1, which means "more than COUNT_CAP"
    (`capped`). `object_list` holds the rows once the caller has read them (`in_order`)."""

    keys: list[int]
    next_cursor: str | None
    previous_cursor: str | None
    count: int
    capped: bool
    object_list: list[Any] = field(default_factory=list)


def keyset_page(
    queryset: QuerySet[Any],
    *,
    per_page: int,
    after: str | None = None,
    before: str | None = None,
    time_field: str = "created_at",
) -> KeysetPage:
    """One page of `queryset` ordered (time_field desc, id desc): the first page, the rows after the cursor
    `after` (older) or the rows before the cursor `before` (newer). Reads only the keys, per_page + 1 of them
    through an index on (time_field, id), and a capped count: two queries on any page, whatever the table's size.
    A row added or removed meanwhile never shifts another row onto two pages or off all of them.

    Raises BadCursor for a cursor it did not make."""
    keys_only = queryset.prefetch_related(None).select_related(None)
    newest_first = keys_only.order_by(f"-{time_field}", "-pk")
    if after:
        moment, pk = _parse_cursor(after)
        rows = list(
            # The redundant `<=` is what lets PostgreSQL start the index scan at the cursor (it does not
            # derive a range from the OR).
            newest_first.filter(**{f"{time_field}__lte": moment})
            .filter(Q(**{f"{time_field}__lt": moment}) | Q(**{time_field: moment, "pk__lt": pk}))
            .values_list("pk", time_field)[: per_page + 1]
        )
        more_older, more_newer = len(rows) > per_page, True
        rows = rows[:per_page]
    elif before:
        moment, pk = _parse_cursor(before)
        oldest_first = keys_only.order_by(time_field, "pk")
        rows = list(
            oldest_first.filter(**{f"{time_field}__gte": moment})
            .filter(Q(**{f"{time_field}__gt": moment}) | Q(**{time_field: moment, "pk__gt": pk}))
            .values_list("pk", time_field)[: per_page + 1]
        )
        more_newer, more_older = len(rows) > per_page, True
        rows = rows[:per_page][::-1]
    else:
        rows = list(newest_first.values_list("pk", time_field)[: per_page + 1])
        more_older, more_newer = len(rows) > per_page, False
        rows = rows[:per_page]
    count = len(keys_only.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
    return KeysetPage(
        keys=[pk for pk, _moment in rows],
        next_cursor=keyset_cursor(rows[-1][1], rows[-1][0]) if rows and more_older else None,
        previous_cursor=keyset_cursor(rows[0][1], rows[0][0]) if rows and more_newer else None,
        count=count,
        capped=count > COUNT_CAP,
    )


class KeysetPagination(BasePagination):
    """The API's keyset pages, newest first: `next` and `previous` are links with an `after` or `before` cursor;
    `count` is capped (at most COUNT_CAP + 1: "more than COUNT_CAP"). The view's queryset must be orderable by
    (created_at, id)."""

    page_size = api_settings.PAGE_SIZE or 50
    time_field = "created_at"

    def paginate_queryset(self, queryset: QuerySet[Any], request: Any, view: Any = None) -> list[Any]:
        self.request = request
        params = request.query_params
        try:
            self.page = keyset_page(
                queryset,
                per_page=self.page_size,
                after=params.get("after") or None,
                before=params.get("before") or None,
                time_field=self.time_field,
            )
        except BadCursor:
            name = "after" if params.get("after") else "before"
            raise ValidationError({name: [_("Not a position in this list; start again from the first page.")]})
        return in_order(queryset.filter(pk__in=self.page.keys), self.page.keys)

    def _link(self, name: str, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), "after" if name == "before" else "before")
        return str(replace_query_param(remove_query_param(url, "page"), name, cursor))

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.page.count,
                "next": self._link("after", self.page.next_cursor),
                "previous": self._link("before", self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": f"How many match, counted up to {COUNT_CAP + 1} ({COUNT_CAP + 1}: more than "
                    f"{COUNT_CAP}).",
                },
                "next": {"type": "string", "nullable": True, "format": "uri", "description": "Older rows."},
                "previous": {"type": "string", "nullable": True, "format": "uri", "description": "Newer rows."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": name,
                "required": False,
                "in": "query",
                "description": description,
                "schema": {"type": "string"},
            }
            for name, description in (
                ("after", "The rows after (older than) this position: the `next` link's cursor."),
                ("before", "The rows before (newer than) this position: the `previous` link's cursor."),
            )
        ]
