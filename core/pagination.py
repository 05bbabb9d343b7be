"""Pages of long lists without an exact COUNT(*) over millions of rows: the count stops at a cap (the list says
"1,000+"), and a page is chosen by its rows' keys alone before the rows are read with everything they show."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

# A list counts at most this many rows; past it the count is shown as "1,000+" and the pages beyond are not offered.
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A Paginator whose count reads at most COUNT_CAP + 1 keys (LIMIT), whatever the size of the table."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:  # type: ignore[override]
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
