"""A page of a document as a PNG, for previews beside a decision: PDFs rendered by PDFium (pypdfium2), images
re-encoded by Pillow. A preview is pixels only — nothing in the file can run or load anything — and it is served
only after the same case permission as the download (the caller's view checks it)."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from PIL import Image

from documents.models import PREVIEWABLE_TYPES, Document, DocumentStatus

# Wide enough to read a transcript beside the decision form; a page is rendered at most this wide.
PREVIEW_WIDTH = 900
# Refuse to decode absurd images (a decompression bomb) before they take the worker's memory.
Image.MAX_IMAGE_PIXELS = 60_000_000


def document_preview_png(document: Document, *, page: int = 1) -> bytes:
    """Page `page` (from 1) of the document as PNG bytes. Errors: PermissionDenied for a rejected document (never
    handed out), Http404 for a page it does not have or a kind of file with no preview."""
    if document.status == DocumentStatus.REJECTED:
        raise PermissionDenied(_("This document was rejected and cannot be shown."))
    if document.content_type not in PREVIEWABLE_TYPES:
        raise Http404(_("There is no preview for this kind of file."))
    with document.file.storage.open(str(document.file.name), "rb") as stored:
        content = stored.read()
    if document.content_type == "application/pdf":
        image = _pdf_page(content, page)
    else:
        if page != 1:
            raise Http404(_("An image has one page."))
        image = Image.open(io.BytesIO(content))
        image.load()
    image = image.convert("RGB")
    if image.width > PREVIEW_WIDTH:
        image = image.resize((PREVIEW_WIDTH, round(image.height * PREVIEW_WIDTH / image.width)))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _pdf_page(content: bytes, page: int) -> Image.Image:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(content)
    except pdfium.PdfiumError:
        raise Http404(_("This file cannot be shown as a preview; download it instead."))
    try:
        if not 1 <= page <= len(pdf):
            raise Http404(_("The document has no page %(page)s.") % {"page": page})
        pdf_page = pdf[page - 1]
        width = pdf_page.get_width() or PREVIEW_WIDTH
        bitmap = pdf_page.render(scale=min(3.0, PREVIEW_WIDTH / width))
        return bitmap.to_pil()
    finally:
        pdf.close()


def preview_response(document: Document, *, page: int = 1) -> HttpResponse:
    response = HttpResponse(document_preview_png(document, page=page), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Referrer-Policy"] = "no-referrer"
    return response
