"""The auditor's files: a case's history as CSV (one row per timeline line, decision document, notification and
stored document, through core.exports) and as PDF (bilingual, in the letters' letterhead and font, see
documents/letters.py), and the streamed CSV of a period's audit events."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from core.exports import csv_response, csv_streaming_response
from documents.letters import Letterhead, Pair, _letterhead, both
from reports.pdf import grid_style, landscape_document
from reports.selectors import AuditFilter, CaseHistory, audit_event_rows


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


# --- CSV ----------------------------------------------------------------------------------------------------------


def history_csv_header() -> list[str]:
    return [
        _("section"),
        _("when"),
        _("actor or recipient"),
        _("action"),
        _("step"),
        _("status before"),
        _("status after"),
        _("comment or subject"),
        _("document kind"),
        _("version"),
        _("SHA-256"),
        _("channel"),
        _("delivery"),
        _("data"),
    ]


def history_csv_rows(history: CaseHistory) -> Iterator[list[Any]]:
    for line in history.lines:
        data = json.dumps(line.data, ensure_ascii=False, sort_keys=True) if line.data else ""
        yield [
            "timeline",
            _when(line.when),
            line.actor,
            line.action,
            line.step,
            line.status_before,
            line.status_after,
            line.comment,
            "",
            "",
            line.version_sha256,
            "",
            "",
            data,
        ]
        for seen in line.documents:
            yield [
                "decision_document",
                _when(line.when),
                line.actor,
                line.action,
                line.step,
                "",
                "",
                "",
                seen.kind,
                seen.version,
                seen.sha256,
                "",
                seen.status,
                "",
            ]
    for note in history.notifications:
        yield [
            "notification",
            _when(note.sent_at or note.created_at),
            note.recipient.get_username(),
            note.kind,
            "",
            "",
            "",
            note.subject,
            "",
            "",
            "",
            note.channel,
            note.status,
            note.event,
        ]
    for document in history.documents:
        yield [
            "document",
            _when(document.uploaded_at),
            document.uploaded_by.get_username() if document.uploaded_by else "",
            "",
            "",
            "",
            "",
            document.original_name,
            document.kind,
            document.version,
            document.sha256,
            "",
            document.status,
            "",
        ]


def history_csv_response(history: CaseHistory) -> HttpResponse:
    return csv_response(f"{history.filename}.csv", history_csv_header(), history_csv_rows(history))


# --- PDF ----------------------------------------------------------------------------------------------------------

# Both languages side by side, as in the letters (documents/letters.py).
TEXT: dict[str, Pair] = {
    "title": ("İşin tam tarixçəsi", "Full history of the case"),
    "case": ("İş", "Case"),
    "kind": ("Növ", "Kind"),
    "department": ("Bölmə", "Department"),
    "status": ("Status", "Status"),
    "exported": ("İxrac edilib", "Exported"),
    "by": ("Kim tərəfindən", "By"),
    "timeline": ("Tarixçə", "Timeline"),
    "decisions": ("Qərarlar və baxılan sənədlər", "Decisions and the documents they were taken on"),
    "notifications": ("Göndərilmiş bildirişlər", "Notifications sent"),
    "documents": ("Sənədlər", "Documents"),
    "when": ("Vaxt", "When"),
    "who": ("Kim", "Who"),
    "action": ("Hərəkət", "Action"),
    "step": ("Mərhələ", "Step"),
    "statuses": ("Status", "Status"),
    "comment": ("Şərh", "Comment"),
    "document": ("Sənəd", "Document"),
    "version": ("Versiya", "Version"),
    "hash": ("SHA-256", "SHA-256"),
    "recipient": ("Alan", "Recipient"),
    "channel": ("Kanal", "Channel"),
    "subject": ("Mövzu", "Subject"),
    "delivery": ("Çatdırılma", "Delivery"),
    "none": ("Yoxdur", "None"),
}


def _table(head: list[str], rows: list[list[str]], widths: list[Any], styles: dict[str, Any]) -> Table:
    data = [[Paragraph(both(TEXT[key], "<br/>"), styles["head"]) for key in head]]
    data += [[Paragraph(escape(str(cell)).replace("\n", "<br/>"), styles["cell"]) for cell in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(grid_style())
    return table


def history_pdf(history: CaseHistory, *, exported_by: str) -> bytes:
    buffer = io.BytesIO()
    doc, styles = landscape_document(buffer, title=f"{TEXT['title'][1]} — {history.kind.key} #{history.case.pk}")
    facts = [
        (TEXT["case"], f"{history.title} (#{history.case.pk})"),
        (TEXT["kind"], str(history.kind.label)),
        (TEXT["department"], history.department or "—"),
        (TEXT["status"], history.status or "—"),
        (TEXT["exported"], f"{_when(timezone.now())} · {exported_by}"),
    ]
    fact_table = Table(
        [[Paragraph(both(label), styles["bold"]), Paragraph(escape(value), styles["body"])] for label, value in facts],
        colWidths=[60 * mm, None],
    )
    story: list[Any] = [
        _letterhead(Letterhead.from_settings(), styles),
        Spacer(1, 4 * mm),
        Paragraph(both(TEXT["title"]), styles["title"]),
        fact_table,
        Spacer(1, 5 * mm),
    ]

    def section(key: str, table: Table | None) -> None:
        story.extend([Paragraph(both(TEXT[key]), styles["bold"]), Spacer(1, 2 * mm)])
        story.append(table if table is not None else Paragraph(both(TEXT["none"]), styles["body"]))
        story.append(Spacer(1, 5 * mm))

    timeline = [
        [
            _when(line.when),
            line.actor or "—",
            line.action_label,
            line.step,
            f"{line.status_before} → {line.status_after}" if line.status_before or line.status_after else "",
            line.comment,
        ]
        for line in history.lines
    ]
    section(
        "timeline",
        _table(
            ["when", "who", "action", "step", "statuses", "comment"],
            timeline,
            [32 * mm, 38 * mm, 40 * mm, 34 * mm, 44 * mm, None],
            styles,
        )
        if timeline
        else None,
    )
    decisions = [
        [_when(line.when), line.actor, line.action_label, seen.kind, str(seen.version), seen.sha256]
        for line in history.decisions
        for seen in line.documents
    ] + [
        [_when(line.when), line.actor, line.action_label, "terms", "", line.version_sha256]
        for line in history.decisions
        if line.version_sha256
    ]
    section(
        "decisions",
        _table(
            ["when", "who", "action", "document", "version", "hash"],
            decisions,
            [32 * mm, 38 * mm, 34 * mm, 34 * mm, 16 * mm, None],
            styles,
        )
        if decisions
        else None,
    )
    notes = [
        [_when(note.sent_at or note.created_at), note.recipient.get_username(), note.channel, note.subject, note.status]
        for note in history.notifications
    ]
    section(
        "notifications",
        _table(
            ["when", "recipient", "channel", "subject", "delivery"],
            notes,
            [32 * mm, 38 * mm, 22 * mm, None, 24 * mm],
            styles,
        )
        if notes
        else None,
    )
    documents = [
        [_when(d.uploaded_at), d.uploaded_by.get_username() if d.uploaded_by else "", d.kind, str(d.version), d.sha256]
        for d in history.documents
    ]
    section(
        "documents",
        _table(
            ["when", "who", "document", "version", "hash"],
            documents,
            [32 * mm, 38 * mm, 40 * mm, 16 * mm, None],
            styles,
        )
        if documents
        else None,
    )
    doc.build(story)
    return buffer.getvalue()


def history_pdf_response(history: CaseHistory, *, exported_by: str) -> HttpResponse:
    response = HttpResponse(history_pdf(history, exported_by=exported_by), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{history.filename}.pdf")
    return response


def audit_events_response(filters: AuditFilter) -> StreamingHttpResponse:
    """The period's audit events as a streamed CSV."""
    stamp = (
        "-".join(day.isoformat() for day in (filters.date_from, filters.date_to) if day is not None)
        or timezone.localdate().isoformat()
    )
    header = [
        _("when"),
        _("kind"),
        _("table"),
        _("case"),
        _("department"),
        _("actor"),
        _("action"),
        _("step"),
        _("status before"),
        _("status after"),
        _("comment"),
        _("data"),
    ]
    return csv_streaming_response(f"audit-events-{stamp}.csv", header, audit_event_rows(filters))
