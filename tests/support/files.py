"""Files the tests upload: the smallest valid PDF, PNG and JPEG, office documents (and a zip bomb), the EICAR
test virus, and uploads made of them as a browser would send them."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))


# A real 1×1 grey PNG (signature, IHDR, IDAT, IEND).
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack("!IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\x80"))
    + _png_chunk(b"IEND", b"")
)

JPEG_BYTES = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\xff\xdb\x00\x43\x00"
    + bytes(range(64))
    + b"\xff\xd9"
)
# The EICAR test string: every virus scanner reports it, and it harms nothing.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def pdf_upload(name: str = "document.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    """A PDF as a browser uploads it (by default the smallest valid one)."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """Any bytes under any name, with the type a browser that knows nothing of them sends."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_of_size(size: int) -> bytes:
    """A PDF of exactly `size` bytes (header, padding, %%EOF)."""
    head, tail = b"%PDF-1.4\n%", b"\n%%EOF\n"
    return head + b"0" * (size - len(head) - len(tail)) + tail


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document>Razılaşma</w:document>')
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>', zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest/>', zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def zip_bomb_docx(megabytes: int = 40) -> bytes:
    """A DOCX-shaped archive whose document part inflates ~1000×: tens of MB from a few dozen KB."""
    buffer = io.BytesIO()
    zeros = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w") as part:
            for _ in range(megabytes):
                part.write(zeros)
    return buffer.getvalue()


def stored_files() -> list[Path]:
    """Every file under MEDIA_ROOT, to prove what was (not) kept."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def printed_pdf(text: str = "Transcript of records", pages: int = 1) -> bytes:
    """A real PDF with text on each page (reportlab), for what renders a PDF (previews)."""
    from io import BytesIO

    from reportlab.pdfgen import canvas

    out = BytesIO()
    sheet = canvas.Canvas(out)
    for number in range(1, pages + 1):
        sheet.drawString(72, 720, f"{text} — page {number}")
        sheet.showPage()
    sheet.save()
    return out.getvalue()
