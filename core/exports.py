"""The one writer of CSV exports. Every spreadsheet-bound download goes through it, so a cell that a
spreadsheet program would run as a formula (a title such as ``=HYPERLINK(...)``) is written as text."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

# A cell starting with one of these is read as a formula (or, for tab and CR, hides one) by Excel,
# LibreOffice and Google Sheets (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as it may go into a spreadsheet cell: numbers stay numbers (a negative amount is not a
    formula), None is empty, and any text starting like a formula gets OWASP's leading single quote so
    that it is shown, never evaluated."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_response(filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    """A CSV attachment named filename: the header row, then rows, every cell through safe_cell. UTF-8
    with a BOM, so that spreadsheet programs read the Azerbaijani letters as UTF-8."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return response


class _Echo:
    """A file-like object whose write returns what it was given: csv.writer then yields lines, not a buffer."""

    def write(self, value: str) -> str:
        return value


def csv_streaming_response(
    filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]
) -> StreamingHttpResponse:
    """csv_response for exports of any size: the lines are written as the rows come (a database iterator),
    so memory stays flat however many rows there are. Every cell through safe_cell; UTF-8 with a BOM."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"
        yield writer.writerow([safe_cell(cell) for cell in header])
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
