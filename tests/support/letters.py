"""Reading the letters Körpü generates: the words of a stored PDF, and the letters issued so far."""

import io

from pypdf import PdfReader


def pdf_text(document) -> str:
    """The words of a stored PDF document, one space between them (table cells wrap: compare words, not lines)."""
    document.file.open("rb")
    try:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document.file.read())).pages)
        return " ".join(text.split())
    finally:
        document.file.close()
