"""The XML side of EWP: namespaces, a parser that resolves no entity and fetches nothing, and the vendored
schemas (bundle/) that every document we serve or accept is validated against."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

BUNDLE = Path(__file__).resolve().parent / "bundle"
IIAS = "ewp-specs-api-iias"
GET_RESPONSE_XSD = BUNDLE / IIAS / "endpoints" / "get-response.xsd"
INDEX_RESPONSE_XSD = BUNDLE / IIAS / "endpoints" / "index-response.xsd"
APPROVAL_RESPONSE_XSD = BUNDLE / "ewp-specs-api-iias-approval" / "response.xsd"
COMMON_TYPES_XSD = BUNDLE / "ewp-specs-architecture" / "common-types.xsd"
HASH_XSLT = BUNDLE / IIAS / "resources" / "xsltKit" / "transform_version_7.xsl"

NS_IIAS = "https://github.com/erasmus-without-paper/ewp-specs-api-iias/blob/stable-v7/endpoints/get-response.xsd"
NS_INDEX = "https://github.com/erasmus-without-paper/ewp-specs-api-iias/blob/stable-v7/endpoints/index-response.xsd"
NS_APPROVAL = "https://github.com/erasmus-without-paper/ewp-specs-api-iias-approval/tree/stable-v2"
NS_CONTACT = "https://github.com/erasmus-without-paper/ewp-specs-types-contact/tree/stable-v1"
NS_PHONE = "https://github.com/erasmus-without-paper/ewp-specs-types-phonenumber/tree/stable-v1"
NS_COMMON = "https://github.com/erasmus-without-paper/ewp-specs-architecture/blob/stable-v1/common-types.xsd"

SCHEMAS = {
    "get": GET_RESPONSE_XSD,
    "index": INDEX_RESPONSE_XSD,
    "approval": APPROVAL_RESPONSE_XSD,
    "error": COMMON_TYPES_XSD,
}


class XmlRejected(ValueError):
    """A document that is not well-formed, declares a DTD, or does not validate; the message says why."""


def safe_parser() -> etree.XMLParser:
    # No entity is expanded, no DTD loaded, nothing fetched: a partner's file is data, never instructions.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@cache
def schema(kind: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS[kind]), safe_parser()))


def parse_bytes(data: bytes) -> etree._ElementTree:
    try:
        tree = etree.ElementTree(etree.fromstring(data, safe_parser()))
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise XmlRejected(f"not well-formed XML: {exc}") from None
    if tree.docinfo.doctype:
        raise XmlRejected("a document type declaration (DTD) is not accepted")
    return tree


def validation_errors(tree: etree._ElementTree | etree._Element, kind: str) -> list[str]:
    """The schema's complaints about the document (empty when it validates)."""
    xsd = schema(kind)
    if xsd.validate(tree):
        return []
    return [f"line {error.line}: {error.message}" for error in xsd.error_log]


def validated(data: bytes, kind: str) -> etree._ElementTree:
    tree = parse_bytes(data)
    errors = validation_errors(tree, kind)
    if errors:
        raise XmlRejected("; ".join(errors[:5]))
    return tree


def to_bytes(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True)
