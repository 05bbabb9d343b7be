"""An agreement as EWP's Outgoing Mobility Learning Agreements API v1 (omobility-las) shapes it: the `la` element of
a get-response (XML, lxml) and the same tree as JSON. The final version is EWP's `first-version` (or the latest
`approved-changes`), and an unsigned newer version its `changes-proposal`. Not validated against EWP's schema."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from lxml import etree

from learning.content import EWP_TERMS
from learning.models import LAVersion, LearningAgreement, Party, SignatureDecision

NS = "https://github.com/erasmus-without-paper/ewp-specs-api-omobility-las/blob/stable-v1/endpoints/get-response.xsd"
TABLE_ELEMENTS = {
    "A": "studied-mobility-components",
    "B": "recognized-mobility-components",
    "virtual": "virtual-components",
    "blended": "blended-mobility-components",
}
SIGNATURE_ELEMENTS = {
    Party.STUDENT: "student-signature",
    Party.SENDING: "sending-hei-signature",
    Party.RECEIVING: "receiving-hei-signature",
}


def _component(c: dict[str, Any], academic_year: str) -> dict[str, Any]:
    number, total = EWP_TERMS.get(c["term"], (1, 1))
    item: dict[str, Any] = {
        "los-code": c.get("code") or None,
        "title": c["title"],
        "term-id": {"academic-year-id": academic_year.replace("/", "/20"), "term-number": number, "total-terms": total},
        "credit": {"scheme": "ects", "value": c["ects"]},
    }
    if c.get("status"):
        item["status"] = c["status"]
        item["reason-code"] = c.get("reason_code") or None
        item["reason-text"] = c.get("reason_text") or None
    return item


def _version(version: LAVersion, academic_year: str) -> dict[str, Any]:
    components: dict[str, list[dict[str, Any]]] = {element: [] for element in TABLE_ELEMENTS.values()}
    for c in version.content.get("components", []):
        components[TABLE_ELEMENTS[c["table"]]].append(_component(c, academic_year))
    body: dict[str, Any] = {key: {"component": value} for key, value in components.items() if value}
    for signature in version.signatures.all():
        if signature.decision != SignatureDecision.SIGNED:
            continue
        body[SIGNATURE_ELEMENTS[signature.party]] = {
            "signer-name": signature.signer_name,
            "signer-position": signature.signer_role,
            "signer-email": signature.signer_email or None,
            "timestamp": signature.signed_at.isoformat(),
            "signer-app": "Körpü",
        }
    body["sha256"] = version.sha256
    return body


def la_tree(agreement: LearningAgreement) -> dict[str, Any]:
    """The `la` of omobility-las v1 as nested dicts (element name → value; lists repeat the element)."""
    versions = list(LAVersion.objects.filter(agreement=agreement).prefetch_related("signatures").order_by("number"))
    current = versions[-1] if versions else None
    final = next((v for v in versions if v.pk == agreement.final_version_id), None)
    shown = final or current
    mobility_content = shown.content["mobility"] if shown is not None else {}
    participant = agreement.participant
    partner = agreement.receiving_partner
    year = agreement.academic_year
    tree: dict[str, Any] = {
        "omobility-id": f"korpu-la-{agreement.pk}",
        "sending-hei": {"hei-id": settings.EWP_HEI_ID, "ounit-name": agreement.department.name},
        "receiving-hei": {
            "hei-id": partner.schac_code or None,
            "ounit-name": mobility_content.get("receiving_unit") or None,
            "contact-person": {
                "given-names": agreement.receiving_contact_name or None,
                "email": agreement.receiving_contact_email or None,
            },
        },
        "receiving-academic-year-id": year.replace("/", "/20"),
        "student": {
            "given-names": participant.first_name or participant.get_username(),
            "family-name": participant.last_name or None,
            "email": participant.email or None,
        },
        "start-date": mobility_content.get("start_date") or None,
        "end-date": mobility_content.get("end_date") or None,
        "eqf-level-studied-at-departure": mobility_content.get("eqf_level"),
        "isced-f-code": mobility_content.get("isced_code") or None,
        "isced-clarification": mobility_content.get("isced_clarification") or None,
        "student-language-skill": {
            "language": mobility_content.get("language") or None,
            "cefr-level": mobility_content.get("language_level") or None,
        },
    }
    finals = [v for v in versions if final is not None and v.number <= final.number and _all_signed(v)]
    if finals:
        tree["first-version"] = _version(finals[0], year)
        if len(finals) > 1:
            tree["approved-changes"] = _version(finals[-1], year)
    if current is not None and current is not final:
        tree["changes-proposal"] = {"id": f"korpu-la-{agreement.pk}-v{current.number}", **_version(current, year)}
    return tree


def _all_signed(version: LAVersion) -> bool:
    parties = {s.party for s in version.signatures.all() if s.decision == SignatureDecision.SIGNED}
    return parties >= set(Party.values)


def _append(parent: etree._Element, name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            _append(parent, name, item)
        return
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    if isinstance(value, dict):
        for key, child in value.items():
            _append(element, key, child)
    else:
        element.text = str(value)


def la_xml(agreement: LearningAgreement) -> bytes:
    """A get-response holding this agreement's `la`, as UTF-8 XML."""
    root = etree.Element(f"{{{NS}}}omobility-las-get-response", nsmap={None: NS})
    _append(root, "la", la_tree(agreement))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
