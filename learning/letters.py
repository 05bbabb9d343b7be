"""The signed PDF of each final version of a learning agreement, through the one letter pipeline
(documents.letters): the mobility, this version's components, the three signatures (who, role, when, how, the hash
signed) and the history of every version up to it, each with what changed from the one before."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from documents.letters import LetterBuilder, LetterContent, LetterFact, letter_period, register_letter
from documents.models import DocumentKind
from learning.content import content_diff
from learning.models import LASignature, LAVersion, Party, SignatureDecision
from learning.services import SIGNED_PDF, signed_pdf_recorded

PARTY_NAMES = {
    Party.STUDENT: ("Tələbə", "Student"),
    Party.SENDING: ("Göndərən koordinator", "Sending coordinator"),
    Party.RECEIVING: ("Qəbul edən koordinator", "Receiving coordinator"),
}
TABLES = {
    "A": ("Cədvəl A", "Table A"),
    "B": ("Cədvəl B", "Table B"),
    "virtual": ("Virtual", "Virtual"),
    "blended": ("Qarışıq", "Blended"),
}


def _load(version_id: int) -> LAVersion | None:
    return (
        LAVersion.objects.select_related(
            "agreement__participant", "agreement__receiving_partner", "agreement__department"
        )
        .filter(pk=version_id)
        .first()
    )


def _components(content: dict) -> list[tuple[str, str]]:
    lines = []
    for c in content.get("components", []):
        table = TABLES.get(c["table"], (c["table"], c["table"]))
        change = ""
        if c.get("status"):
            explained = f" — {c['reason_text']}" if c.get("reason_text") else ""
            change = f" [{c['status']}: {c.get('reason_code', '')}{explained}]"
        text = f"{c.get('code') or '—'} {c['title']} · {c['ects']} ECTS · {c['term']}{change}"
        lines.append((f"{table[0]}: {text}", f"{table[1]}: {text}"))
    return lines


def _line(c: dict) -> str:
    reason = f", {c['reason_code']}" if c.get("reason_code") else ""
    return f"{c.get('code') or ''} {c['title']} ({c['ects']} ECTS{reason})"


def _diff_lines(number: int, diff: dict | None) -> tuple[str, str]:
    if diff is None:
        return (f"Versiya {number}: ilk versiya.", f"Version {number}: the first version.")
    parts = [f"+ {_line(c)}" for c in diff["added"]] + [f"− {_line(c)}" for c in diff["removed"]]
    parts += [f"~ {c['code']}" for c in diff["changed"]]
    parts += [f"{f['field']}: {f['old']} → {f['new']}" for f in diff["mobility"] + diff.get("staff", [])]
    summary = "; ".join(parts) or "—"
    return (f"Versiya {number}: {summary}", f"Version {number}: {summary}")


def signed_pdf_content(version: LAVersion) -> LetterContent | None:
    """What the signed PDF of a version says; None unless all three parties signed it."""
    signatures = {s.party: s for s in LASignature.objects.filter(version=version)}
    if not all(p in signatures and signatures[p].decision == SignatureDecision.SIGNED for p in Party.values):
        return None
    agreement = version.agreement
    mobility = version.content["mobility"]
    participant = agreement.participant
    facts = [
        LetterFact(("İştirakçı", "Participant"), participant.get_full_name() or participant.get_username()),
        LetterFact(("Göndərən bölmə", "Sending unit"), agreement.department.name),
        LetterFact(("Qəbul edən təşkilat", "Receiving institution"), agreement.receiving_partner.name),
        LetterFact(("Tədris ili", "Academic year"), agreement.academic_year),
        LetterFact(
            ("Mobillik dövrü", "Mobility period"),
            letter_period(
                date.fromisoformat(mobility["start_date"]) if mobility.get("start_date") else None,
                date.fromisoformat(mobility["end_date"]) if mobility.get("end_date") else None,
            ),
        ),
        LetterFact(
            ("EQF / ISCED-F / dil", "EQF / ISCED-F / language"),
            f"{mobility.get('eqf_level')} / {mobility.get('isced_code')} / {mobility.get('language')} "
            f"{mobility.get('language_level')}",
        ),
        LetterFact(("Versiya", "Version"), f"{version.number} · SHA-256 {version.sha256}"),
    ]
    paragraphs = _components(version.content)
    staff = version.content.get("staff")
    if staff:
        paragraphs.append(
            (
                f"Proqram ({staff['activity']}, {staff['hours']} saat): {staff['programme']}",
                f"Programme ({staff['activity']}, {staff['hours']} hours): {staff['programme']}",
            )
        )
        if staff.get("outcomes"):
            paragraphs.append((f"Gözlənilən nəticələr: {staff['outcomes']}", f"Expected outcomes: {staff['outcomes']}"))
    for party in Party.values:
        s = signatures[party]
        when = timezone.localtime(s.signed_at).strftime("%d.%m.%Y %H:%M")
        name = PARTY_NAMES[party]
        how = ("hesab", "account") if s.method == "account" else ("e-poçt keçidi", "emailed link")
        paragraphs.append(
            (
                f"{name[0]}: {s.signer_name} ({s.signer_role}), {when}, {how[0]}, SHA-256 {s.sha256[:16]}…",
                f"{name[1]}: {s.signer_name} ({s.signer_role}), {when}, {how[1]}, SHA-256 {s.sha256[:16]}…",
            )
        )
    previous = None
    for earlier in LAVersion.objects.filter(agreement=agreement, number__lte=version.number).order_by("number"):
        paragraphs.append(
            _diff_lines(earlier.number, content_diff(previous.content, earlier.content) if previous else None)
        )
        previous = earlier
    title = (
        ("Heyət mobillik müqaviləsi", "Staff mobility agreement")
        if staff
        else ("Öyrənmə müqaviləsi", "Learning agreement")
    )
    return LetterContent(title=title, facts=facts, paragraphs=paragraphs)


def register_learning_letters() -> None:
    register_letter(
        LetterBuilder(
            purpose=SIGNED_PDF,
            model=LAVersion,
            document_kind=DocumentKind.SIGNED_LEARNING_AGREEMENT,
            build=signed_pdf_content,
            issued=signed_pdf_recorded,
            filename="learning-agreement",
            load=_load,
        )
    )
