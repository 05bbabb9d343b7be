"""A period report's files: the PDF (bilingual, in the letters' letterhead and font, with its charts), the XLSX and
the CSV; and the charts themselves, rendered on the server by matplotlib (Agg backend) as PNG, for the PDF and the
dashboard. Every spreadsheet cell goes through core.exports.safe_cell: text that a spreadsheet would run as a
formula is written as text."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")  # no display: render to files only (before pyplot is imported)

from django.utils import timezone  # noqa: E402
from matplotlib import pyplot  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Font  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import Image, Paragraph, Spacer, Table  # noqa: E402

from core.exports import safe_cell  # noqa: E402
from documents.letters import Letterhead, Pair, _letterhead, both  # noqa: E402
from reports.content import shown_content  # noqa: E402
from reports.models import PeriodReport  # noqa: E402
from reports.pdf import grid_style, landscape_document  # noqa: E402

BLUE, GREY = "#123e7a", "#9aa5b1"


# --- charts -----------------------------------------------------------------------------------------------------


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    pyplot.close(figure)
    return buffer.getvalue()


def progress_chart(rows: Sequence[dict[str, Any]], *, title: str) -> bytes:
    """Value against target per indicator counted by Körpü (a bar each, the target as a mark)."""
    counted = [row for row in rows if row.get("value") is not None]
    labels = [row["code"] for row in counted]
    values = [row["value"] for row in counted]
    figure, axes = pyplot.subplots(figsize=(8, max(2.5, 0.35 * len(counted) + 1)))
    positions = list(range(len(counted)))
    axes.barh(positions, values, color=BLUE, label="value")
    targets = [(i, float(row["target_value"])) for i, row in enumerate(counted) if row.get("target_value")]
    if targets:
        axes.scatter([t for _i, t in targets], [i for i, _t in targets], marker="|", s=300, color="#c0392b")
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()
    axes.set_title(title)
    axes.grid(axis="x", color="#e5e7eb")
    return _png(figure)


def bar_chart(groups: dict[str, dict[str, int]], *, title: str) -> bytes:
    """Grouped bars: {series: {category: count}} (e.g. {programme: {half-year: n}})."""
    categories = sorted({category for counts in groups.values() for category in counts})
    figure, axes = pyplot.subplots(figsize=(7, 3.2))
    width = 0.8 / max(1, len(groups))
    palette = [BLUE, "#2e86de", "#10ac84", "#f39c12", GREY, "#8e44ad"]
    for index, (series, counts) in enumerate(sorted(groups.items())):
        axes.bar(
            [c + index * width for c in range(len(categories))],
            [counts.get(category, 0) for category in categories],
            width,
            label=series,
            color=palette[index % len(palette)],
        )
    axes.set_xticks([c + width * (len(groups) - 1) / 2 for c in range(len(categories))], categories)
    axes.set_title(title)
    if groups:
        axes.legend(fontsize="small")
    axes.grid(axis="y", color="#e5e7eb")
    return _png(figure)


# --- PDF ----------------------------------------------------------------------------------------------------------

TEXT: dict[str, Pair] = {
    "title": ("Dövr hesabatı", "Period report"),
    "period": ("Dövr", "Period"),
    "department": ("Bölmə", "Department"),
    "version": ("Versiya", "Version"),
    "status": ("Status", "Status"),
    "hash": ("Məzmunun SHA-256", "SHA-256 of the content"),
    "approved": ("Təsdiq edilib", "Approved"),
    "draft": ("Layihə: rəqəmlər hələ təsdiq edilməyib", "Draft: the numbers are not approved yet"),
    "summary": ("Xülasə", "Summary"),
    "code": ("Kod", "Code"),
    "indicator": ("İndikator", "Indicator"),
    "baseline": ("Baza", "Baseline"),
    "target": ("Hədəf", "Target"),
    "value": ("Nəticə", "Value"),
    "note": ("Keyfiyyət qeydi", "Qualitative note"),
    "progress": ("Göstəricilər: nəticə və hədəf", "Indicators: value and target"),
}


def report_pdf(report: PeriodReport) -> bytes:
    content = shown_content(report)
    buffer = io.BytesIO()
    doc, styles = landscape_document(buffer, title=f"{TEXT['title'][1]} — {report.title}")
    status = (
        f"{both(TEXT['approved'])}: {timezone.localtime(report.approved_at):%d.%m.%Y %H:%M}"
        if report.approved_at
        else both(TEXT["draft"])
    )
    facts = [
        (TEXT["period"], f"{content['period'][0]} – {content['period'][1]}"),
        (TEXT["department"], escape(content["department"])),
        (TEXT["version"], str(content["version"])),
        (TEXT["status"], status),
    ]
    if report.content_sha256:
        facts.append((TEXT["hash"], report.content_sha256))
    story: list[Any] = [
        _letterhead(Letterhead.from_settings(), styles),
        Spacer(1, 4 * mm),
        Paragraph(both(TEXT["title"]), styles["title"]),
        Paragraph(escape(content["title"]), styles["bold"]),
        Spacer(1, 2 * mm),
        Table(
            [[Paragraph(both(label), styles["bold"]), Paragraph(value, styles["body"])] for label, value in facts],
            colWidths=[62 * mm, None],
        ),
        Spacer(1, 4 * mm),
    ]
    if content["summary"]:
        story += [
            Paragraph(both(TEXT["summary"]), styles["bold"]),
            Paragraph(escape(content["summary"]).replace("\n", "<br/>"), styles["body"]),
            Spacer(1, 4 * mm),
        ]
    head = [
        Paragraph(both(TEXT[key], "<br/>"), styles["head"])
        for key in ("code", "indicator", "baseline", "target", "value", "note")
    ]
    rows = [head]
    for row in content["indicators"]:
        target = " ".join(filter(None, [row["target_value"] or "", row["target_az"], "/", row["target_en"]])).strip(
            " /"
        )
        rows.append(
            [
                Paragraph(escape(f"{row['code']} · {row['goal_code']}"), styles["cell"]),
                Paragraph(escape(row["quantitative_az"]) + "<br/>" + escape(row["quantitative_en"]), styles["cell"]),
                Paragraph(escape(row["baseline_az"] or "—"), styles["cell"]),
                Paragraph(escape(target or "—"), styles["cell"]),
                Paragraph("—" if row["value"] is None else str(row["value"]), styles["bold"]),
                Paragraph(escape(row["note"]).replace("\n", "<br/>") or "—", styles["cell"]),
            ]
        )
    table = Table(rows, colWidths=[34 * mm, 70 * mm, 40 * mm, 40 * mm, 16 * mm, None], repeatRows=1)
    table.setStyle(grid_style())
    story.append(table)
    chart = progress_chart(content["indicators"], title=f"{TEXT['progress'][0]} / {TEXT['progress'][1]}")
    image = Image(io.BytesIO(chart), width=200 * mm, height=110 * mm, kind="proportional")
    story += [Spacer(1, 6 * mm), image]
    doc.build(story)
    return buffer.getvalue()


# --- XLSX and CSV -------------------------------------------------------------------------------------------------

COLUMNS = (
    "code",
    "goal_code",
    "quantitative_az",
    "quantitative_en",
    "baseline_az",
    "target_value",
    "target_az",
    "value",
    "note",
)


def report_rows(report: PeriodReport) -> Iterator[list[Any]]:
    for row in shown_content(report)["indicators"]:
        yield [row[column] for column in COLUMNS]


def report_xlsx(report: PeriodReport, header: Sequence[str], records_header: Sequence[str]) -> bytes:
    content = shown_content(report)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Indicators"
    sheet.append([safe_cell(cell) for cell in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in report_rows(report):
        sheet.append([safe_cell(cell) for cell in row])
    for column, width in zip("ABCDEFGHI", (8, 24, 48, 48, 30, 10, 30, 10, 48), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    records = workbook.create_sheet("Records")
    records.append([safe_cell(cell) for cell in records_header])
    for row in content["indicators"]:
        for record in row["records"]:
            records.append([safe_cell(row["code"]), safe_cell(record["label"]), safe_cell(record["url"])])
    about = workbook.create_sheet("Report")
    for label, value in (
        ("title", content["title"]),
        ("period", " – ".join(content["period"])),
        ("department", content["department"]),
        ("version", content["version"]),
        ("content_sha256", report.content_sha256),
        ("summary", content["summary"]),
    ):
        about.append([label, safe_cell(value)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
