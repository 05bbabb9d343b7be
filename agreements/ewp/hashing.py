"""The official iia-hash: the IIAs API v7 stylesheet (bundle/.../transform_version_7.xsl, XSLT 2.0) run by
SaxonC-HE (the PyPI package saxonche), then the SHA-256 of each `text-to-hash`. No port of the stylesheet: the
official file itself decides, and tests/agreements/ewp/test_hash.py holds it to the two verified vectors.

One SaxonC processor and compiled stylesheet per process, used under a lock (SaxonC objects are not shared
between threads safely); a transform takes about two milliseconds."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass

from lxml import etree

from agreements.ewp.xml import HASH_XSLT

_lock = threading.Lock()
_state: dict[str, object] = {}


@dataclass(frozen=True)
class IiaHash:
    iia_id: str  # the first partner's iia-id: the id the copy's owner gives the IIA
    text_to_hash: str
    iia_hash: str
    valid_for_approval: bool


def _executable():
    # Created lazily and again in a forked child (Celery's prefork pool, gunicorn workers): a JVM-less SaxonC
    # processor is per process.
    if _state.get("pid") != os.getpid():
        from saxonche import PySaxonProcessor

        processor = PySaxonProcessor(license=False)
        executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(HASH_XSLT))
        _state.update(pid=os.getpid(), processor=processor, executable=executable)
    return _state["processor"], _state["executable"]


def transform(document: bytes | str) -> str:
    """The stylesheet's output for a complete IIAs get response."""
    text = document.decode("utf-8") if isinstance(document, bytes) else document
    with _lock:
        processor, executable = _executable()
        node = processor.parse_xml(xml_text=text)  # type: ignore[attr-defined]
        return str(executable.transform_to_string(xdm_node=node))  # type: ignore[attr-defined]


def iia_hashes(tree: etree._ElementTree | etree._Element) -> list[IiaHash]:
    """One IiaHash per `iia` of the get response, in document order. The document is serialised by lxml first
    (UTF-8, no declaration), so whatever encoding it arrived in, Saxon reads the same characters."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    output = etree.fromstring(transform(etree.tostring(root, encoding="unicode")).encode("utf-8"))
    result = []
    for iia in output.iter("iia"):
        text = iia.findtext("text-to-hash") or ""
        result.append(
            IiaHash(
                iia_id=(iia.findtext("iia-id") or "").strip(),
                text_to_hash=text,
                iia_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                valid_for_approval=(iia.findtext("valid-for-approval") or "").strip() != "false",
            )
        )
    return result
