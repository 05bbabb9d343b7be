"""What the reports app's PDFs share (an audit history, a period report): a landscape A4 page in the letters' font
and letterhead (documents/letters.py), and the grid of their tables."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, TableStyle

from documents.letters import _register_fonts, _styles


def landscape_document(buffer: Any, *, title: str) -> tuple[SimpleDocTemplate, dict[str, Any]]:
    """The document and the letters' paragraph styles (their fonts registered)."""
    _register_fonts()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
        creator="Körpü",
    )
    return doc, _styles()


def grid_style() -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
