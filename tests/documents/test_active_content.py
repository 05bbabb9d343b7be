"""Active content in uploads (security issue, part 7): an image carrying web page code and a PDF carrying
JavaScript, automatic actions or embedded files are refused at upload with a clear message under "file",
leaving nothing stored; a stored file that fails the same checks is rejected by processing. Ordinary photos
and scanned PDFs, made here with Pillow and reportlab as a phone or a scanner would, still pass."""

from __future__ import annotations

import functools
import hashlib
import io
import random
import re
import struct
import time
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from documents import active_content
from documents.models import Document, DocumentStatus
from documents.services import document_process
from documents.validation import JPEG, PDF, PNG, inspect_file
from tests.support.drivers import make_ready_application
from tests.support.files import stored_files, upload
from workflows.services import case_document_attach

pytestmark = pytest.mark.django_db

IMAGE_REFUSED = (
    "This image contains web page code and cannot be accepted. Save it again as a plain image and upload that."
)
PDF_REFUSED = (
    "This PDF contains active content (JavaScript, embedded files or automatic actions) and cannot be accepted. "
    "Print it to a new PDF or scan it, and upload that."
)
TOO_COMPLEX = "This PDF is too complex to check and cannot be accepted."
PASSWORD = "This PDF is protected by a password, so it cannot be checked."
XSS = b"<img src=x onerror=alert(1)>"


# --- images, as a camera or a phone makes them ------------------------------------------------------------


def noise_image(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """Random pixels: what compresses worst, so the file's bytes are as close to random as a photo gets."""
    width, height = size
    return Image.frombytes("RGB", size, random.Random(seed).randbytes(width * height * 3))


def photo_image(seed: int, size: tuple[int, int] = (1200, 900)) -> Image.Image:
    """A smooth gradient under grain, closer to a real photo's statistics than pure noise."""
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    return Image.blend(gradient, noise_image(seed, size), 0.35)


XMP = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Camera 1.0" xmp:CreateDate="2026-09-01T10:00:00">'
    b'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Passport</rdf:li></rdf:Alt></dc:title>'
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)


def jpeg_bytes(image: Image.Image, *, quality: int = 92, comment: bytes | None = None, metadata: bool = True) -> bytes:
    buffer = io.BytesIO()
    options: dict = {"quality": quality}
    if metadata:
        exif = Image.Exif()
        exif[0x010F], exif[0x0110], exif[0x0131] = "Camera Maker", "Model X", "Firmware 1.2"  # Make, Model, Software
        exif[0x0132] = "2026:09:01 10:00:00"  # DateTime
        options.update(exif=exif.tobytes(), xmp=XMP)
    if comment is not None:
        options["comment"] = comment
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def png_bytes(image: Image.Image, *, text: dict[str, tuple[str, str]] | None = None) -> bytes:
    """`text` maps a keyword to (chunk type, text): "tEXt", "zTXt" (compressed) or "iTXt-z" (iTXt, compressed)."""
    info = PngInfo()
    info.add_text("Software", "Scanner 2.0")
    for keyword, (kind, value) in (text or {}).items():
        if kind == "iTXt-z":
            info.add_itxt(keyword, value, lang="en", tkey=keyword, zip=True)
        else:
            info.add_text(keyword, value, zip=kind == "zTXt")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))


# --- PDFs -------------------------------------------------------------------------------------------------


def scanned_pdf(pages: int = 2, seed: int = 1) -> bytes:
    """What a scanner or a phone's scan app makes: text and a JPEG image per page (reportlab embeds it as a
    DCTDecode stream, so the file is mostly near-random bytes)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle("Transcript of records")
    for number in range(pages):
        page.setFont("Helvetica", 14)
        page.drawString(72, 800, f"Transcript of records, page {number + 1}")
        scan = ImageReader(io.BytesIO(jpeg_bytes(photo_image(seed + number, (900, 1200)), quality=85)))
        page.drawImage(scan, 72, 72, width=450, height=600)
        page.showPage()
    page.save()
    return buffer.getvalue()


def pdf(*, catalog: bytes = b"", page: bytes = b"", extra: tuple[bytes, ...] = ()) -> bytes:
    """A small hand-made PDF with a correct cross-reference table; `extra` objects are numbered from 6."""
    content = b"BT /F1 18 Tf 72 760 Td (Transcript of records) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R " + page + b" >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_with_object_stream(hidden: list[bytes], *, catalog: bytes, count: bytes | None = None) -> bytes:
    """A PDF 1.5 whose objects 6, 7, ... (`hidden`) sit compressed in an object stream, found through a
    cross-reference stream: nothing of them shows in the raw bytes. `count` overrides the stream's /N."""
    base = pdf(catalog=catalog)
    head = base[: base.index(b"xref\n")]
    offsets = _object_offsets(head)
    first_hidden = 6
    header = b" ".join(b"%d %d" % (first_hidden + i, sum(len(h) + 1 for h in hidden[:i])) for i in range(len(hidden)))
    body = b"\n".join(hidden) + b"\n"
    packed = zlib.compress(header + b"\n" + body)
    stream_number = first_hidden + len(hidden)
    out = bytearray(head)
    stream_offset = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %s /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        stream_number,
        count or b"%d" % len(hidden),
        len(header) + 1,
        len(packed),
    )
    out += packed + b"\nendstream\nendobj\n"
    xref_number = stream_number + 1
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
    rows += [b"\x01" + struct.pack(">I", offset) + b"\x00\x00" for offset in offsets]
    rows += [b"\x02" + struct.pack(">I", stream_number) + struct.pack(">H", i) for i in range(len(hidden))]
    xref_offset = len(out)
    rows += [b"\x01" + struct.pack(">I", stream_offset) + b"\x00\x00"]
    rows += [b"\x01" + struct.pack(">I", xref_offset) + b"\x00\x00"]
    table = zlib.compress(b"".join(rows))
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n" % (
        xref_number,
        xref_number + 1,
        len(table),
    )
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def _object_offsets(data: bytes) -> list[int]:
    return [m.start() for m in re.finditer(rb"(?m)^\d+ 0 obj", data)]


def written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def edited(original: bytes, change) -> bytes:
    """An ordinary PDF run through pypdf with `change(writer)` applied, as an attacker would do it."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(original)))
    change(writer)
    return written(writer)


# --- what the applicant sees ------------------------------------------------------------------------------


def refused(world, name: str, content: bytes, kind: str) -> str:
    """Store `content` the way the pages and the API do; the message under "file" (and nothing stored)."""
    application = make_ready_application(world)
    files, rows = stored_files(), Document.objects.count()
    with pytest.raises(ValidationError) as error:
        case_document_attach(case=application, actor=world.student1, kind=kind, file=upload(name, content))
    assert stored_files() == files
    assert Document.objects.count() == rows
    return error.value.message_dict["file"][0]


def accepted(world, name: str, content: bytes, kind: str) -> Document:
    application = make_ready_application(world)
    document = case_document_attach(case=application, actor=world.student1, kind=kind, file=upload(name, content))
    return document_process(document_id=document.pk)


def refused_message(content: bytes, name: str, file_type) -> str:
    with pytest.raises(ValidationError) as error:
        inspect_file(io.BytesIO(content), name=name, allowed=(file_type,), max_size=10**7)
    return error.value.message_dict["file"][0]


def case(cases: list[tuple], case_id: str):
    """The maker of the case named `case_id` in a list of (id, ..., maker)."""
    return next(c for c in cases if c[0] == case_id)[-1]


HOSTILE_IMAGES = [
    ("png-text-chunk", "me.png", lambda: png_bytes(noise_image(1), text={"Comment": ("tEXt", XSS.decode())})),
    ("png-appended", "me.png", lambda: png_bytes(noise_image(2)) + XSS),
    ("png-ztxt-compressed", "me.png", lambda: png_bytes(noise_image(3), text={"Comment": ("zTXt", XSS.decode())})),
    ("png-itxt-compressed", "me.png", lambda: png_bytes(noise_image(4), text={"Title": ("iTXt-z", XSS.decode())})),
    ("jpeg-comment-svg", "me.jpg", lambda: jpeg_bytes(noise_image(5), comment=b"<svg onload=alert(1)>")),
    ("jpeg-script-in-exif", "me.jpeg", lambda: jpeg_bytes(noise_image(6), comment=b"x</ScRiPt ><SCRIPT>a()</script>")),
    ("jpeg-event-handler-only", "me.jpg", lambda: jpeg_bytes(noise_image(7), comment=b'x" onmouseover="alert(1)')),
    ("jpeg-javascript-url", "me.jpg", lambda: jpeg_bytes(noise_image(8), comment=b"java\tscript&colon;alert(1)")),
    ("jpeg-link", "me.jpg", lambda: jpeg_bytes(noise_image(9), comment=b'<a id=x href="//evil.example">')),
    ("png-tag-padded", "me.png", lambda: png_bytes(noise_image(10)) + b"<iframe" + b" " * 100_000 + b"src=//x>"),
]


@pytest.mark.parametrize(("name", "make"), [h[1:] for h in HOSTILE_IMAGES], ids=[h[0] for h in HOSTILE_IMAGES])
def test_an_image_with_web_page_code_is_refused_and_nothing_is_stored(world, name, make):
    assert refused(world, name, make(), "passport_copy") == IMAGE_REFUSED


def test_web_page_code_across_a_chunk_boundary_is_found():
    image = png_bytes(noise_image(11, (300, 200)))
    for cut in range(1, len(XSS)):
        padding = b"\0" * (64 * 1024 - len(image) - cut)
        with pytest.raises(ValidationError) as error:
            inspect_file(io.BytesIO(image + padding + XSS), name="me.png", allowed=(PNG,), max_size=10**7)
        assert error.value.message_dict["file"] == [IMAGE_REFUSED]


def test_compressed_png_text_is_inflated_within_a_bound():
    # a zTXt chunk that would inflate to 16 MB of text is not inflated: the image is refused as uncheckable
    image = png_bytes(noise_image(12, (64, 64)))
    bomb = png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b" " * (16 * 1024 * 1024), 9))
    content = image[:33] + bomb + image[33:]
    message = refused_message(content, "bomb.png", PNG)
    assert message.startswith("This image carries more hidden text than can be checked")


PHOTOS = [
    ("jpeg-noise-small", "a.jpg", lambda: jpeg_bytes(noise_image(21))),
    ("jpeg-noise-large", "b.jpg", lambda: jpeg_bytes(noise_image(22, (1600, 1200)), quality=95)),
    ("jpeg-photo", "c.jpeg", lambda: jpeg_bytes(photo_image(23))),
    ("jpeg-photo-low-quality", "d.jpg", lambda: jpeg_bytes(photo_image(24), quality=60)),
    ("jpeg-no-metadata", "e.jpg", lambda: jpeg_bytes(noise_image(25, (1200, 900)), metadata=False)),
    ("png-noise", "f.png", lambda: png_bytes(noise_image(26, (1000, 800)))),
    ("png-photo-with-text", "g.png", lambda: png_bytes(photo_image(27), text={"Comment": ("zTXt", "passport scan")})),
    ("png-grey", "h.png", lambda: png_bytes(noise_image(28, (800, 600)).convert("L"))),
]


@pytest.mark.parametrize(("name", "make"), [p[1:] for p in PHOTOS], ids=[p[0] for p in PHOTOS])
def test_ordinary_photos_are_accepted_and_become_ready(world, name, make):
    document = accepted(world, name, make(), "passport_copy")
    assert (document.status, document.rejection_reason) == (DocumentStatus.READY, "")


def test_many_random_photos_raise_no_false_alarm():
    # 40 photos of random pixels (about 12 MB in all): the bytes an image check is most likely to misread
    for seed in range(40):
        content = jpeg_bytes(noise_image(1000 + seed, (480, 360)), quality=90 + seed % 8)
        inspect_file(io.BytesIO(content), name="p.jpg", allowed=(JPEG,), max_size=10**7)


# --- PDFs -------------------------------------------------------------------------------------------------

JS_ACTION = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"

HOSTILE_PDFS = [
    ("open-action-javascript", lambda: pdf(catalog=b"/OpenAction " + JS_ACTION)),
    (
        "hex-escaped-names",
        lambda: pdf(catalog=b"/Open#41ction << /S /J#61v#61Script /J#53 (app.alert\\(1\\)) >>"),
    ),
    ("open-action-by-reference", lambda: pdf(catalog=b"/OpenAction 6 0 R", extra=(JS_ACTION,))),
    ("open-action-uri", lambda: pdf(catalog=b"/OpenAction << /S /URI /URI (https://evil.example/) >>")),
    (
        "javascript-name-tree",
        lambda: pdf(catalog=b"/Names << /JavaScript << /Names [(a) 6 0 R] >> >>", extra=(JS_ACTION,)),
    ),
    ("page-additional-action", lambda: pdf(page=b"/AA << /O << /S /URI /URI (https://evil.example/) >> >>")),
    (
        "link-launch",
        lambda: pdf(
            page=b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A << /S /Launch /F (cmd.exe) >> >>]"
        ),
    ),
    (
        "link-submit-form",
        lambda: pdf(page=b"/Annots [<< /Subtype /Link /Rect [0 0 9 9] /A << /S /SubmitForm /F (http://x/) >> >>]"),
    ),
    (
        "link-goto-remote",
        lambda: pdf(page=b"/Annots [<< /Subtype /Link /A << /S /GoToR /F (\\\\\\\\host\\\\x.pdf) >> >>]"),
    ),
    (
        "xfa-form",
        lambda: pdf(catalog=b"/AcroForm << /Fields [] /XFA 6 0 R >>", extra=(b"<< /Length 0 >>\nstream\n\nendstream",)),
    ),
    ("rich-media", lambda: pdf(page=b"/Annots [<< /Subtype /RichMedia /Rect [0 0 9 9] >>]")),
    ("pypdf-open-javascript", lambda: edited(scanned_pdf(1), lambda w: w.add_open_action(JavaScript("app.alert(1)")))),
    (
        "pypdf-page-open-action",
        lambda: edited(scanned_pdf(1), lambda w: w.pages[0].add_action(PageTrigger.OPEN, JavaScript("app.alert(1)"))),
    ),
    ("pypdf-attachment", lambda: edited(scanned_pdf(1), lambda w: w.add_attachment("run.exe", b"MZ\x90\x00"))),
    (
        "javascript-in-object-stream",
        lambda: pdf_with_object_stream(
            [b"<< /JavaScript << /Names [(a) 7 0 R] >> >>", JS_ACTION], catalog=b"/Names 6 0 R"
        ),
    ),
    (
        "escaped-names-in-object-stream",
        lambda: pdf_with_object_stream(
            [b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"], catalog=b"/OpenAction 6 0 R"
        ),
    ),
    (
        "open-action-in-object-stream",
        lambda: pdf_with_object_stream([b"<< /S /Launch /F (calc.exe) >>"], catalog=b"/OpenAction 6 0 R"),
    ),
]


@pytest.mark.parametrize("make", [h[1] for h in HOSTILE_PDFS], ids=[h[0] for h in HOSTILE_PDFS])
def test_a_pdf_with_active_content_is_refused_and_nothing_is_stored(world, make):
    assert refused(world, "transcript.pdf", make(), "transcript") == PDF_REFUSED


def test_javascript_in_an_object_stream_is_invisible_in_the_raw_bytes_and_found_by_walking_the_objects():
    content = case(HOSTILE_PDFS, "javascript-in-object-stream")()
    assert b"JavaScript" not in content and b"/JS" not in content
    scanner = active_content.PdfRawScanner()
    scanner.feed(content)
    scanner.close()
    assert scanner.found is None
    found = active_content.pdf_object_finding(io.BytesIO(content), max_objects=1000, seconds=5)
    assert found == active_content.Finding.PDF_ACTIVE


@pytest.mark.parametrize(
    "content",
    [
        # pypdf cannot read these (no cross-reference, no catalog): the raw scan alone finds the escaped names
        b"%PDF-1.4\n1 0 obj << /Type /Action /S /J#61vaScr#69pt /J#53 (app.alert(1)) >> endobj\n%%EOF\n",
        b"%PDF-1.4\n1 0 obj << /#4F#70enAction <</S/URI/URI(https://evil.example/)>> >> endobj\n%%EOF\n",
        b"%PDF-1.4\n1 0 obj << /Type /Filespec /EF << /F 2 0 R >> >> endobj\n%%EOF\n",
    ],
)
def test_the_raw_scan_refuses_an_unreadable_pdf_with_escaped_names(content):
    assert refused_message(content, "x.pdf", PDF) == PDF_REFUSED


def test_an_unreadable_pdf_without_active_content_is_still_accepted_as_before():
    content = b"%PDF-1.4\n1 0 obj<</Type/Whatever>>endobj\ntrailer<<>>\n%%EOF\n"
    assert inspect_file(io.BytesIO(content), name="x.pdf", allowed=(PDF,), max_size=10**7).file_type is PDF


def test_a_name_split_across_chunks_is_still_found():
    content = pdf(catalog=b"/Names << /J#61vaScript << /Names [] >> >>")
    at = content.index(b"/J#61")
    for cut in range(at, at + 12):
        scanner = active_content.PdfRawScanner()
        scanner.feed(content[:cut])
        scanner.feed(content[cut:])
        scanner.close()
        assert scanner.found == active_content.Finding.PDF_ACTIVE, cut


GOOD_PDFS = [
    ("scanned-pages", lambda: scanned_pdf(3)),
    ("open-action-destination", lambda: pdf(catalog=b"/OpenAction [3 0 R /Fit]")),
    ("open-action-goto", lambda: pdf(catalog=b"/OpenAction << /S /GoTo /D [3 0 R /FitH 842] >>")),
    ("pypdf-open-destination", lambda: edited(scanned_pdf(1), lambda w: setattr(w, "open_destination", w.pages[0]))),
    (
        "link-to-a-web-page",
        lambda: pdf(page=b"/Annots [<< /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://ada.edu.az/) >> >>]"),
    ),
    ("owner-password-only", lambda: edited(scanned_pdf(1), lambda w: w.encrypt("", "owner", algorithm="AES-128"))),
]


@pytest.mark.parametrize("make", [g[1] for g in GOOD_PDFS], ids=[g[0] for g in GOOD_PDFS])
def test_an_ordinary_pdf_is_accepted_and_becomes_ready(world, make):
    document = accepted(world, "transcript.pdf", make(), "transcript")
    assert (document.status, document.rejection_reason) == (DocumentStatus.READY, "")


def test_the_messages_are_in_azerbaijani_too():
    from django.utils import translation

    with translation.override("az"):
        pdf_message = refused_message(pdf(catalog=b"/OpenAction " + JS_ACTION), "t.pdf", PDF)
        image_message = refused_message(png_bytes(noise_image(51)) + XSS, "me.png", PNG)
    assert pdf_message.startswith("Bu PDF aktiv məzmun (JavaScript, daxil edilmiş fayllar")
    assert image_message.startswith("Bu şəkildə veb səhifə kodu var")


def test_a_pdf_that_needs_a_password_is_refused():
    content = edited(scanned_pdf(1), lambda w: w.encrypt("user-secret", "owner", algorithm="AES-256"))
    assert refused_message(content, "t.pdf", PDF).startswith(PASSWORD)


def test_a_pdf_with_more_objects_than_the_cap_is_refused_as_too_complex(settings):
    settings.DOCUMENT_PDF_MAX_OBJECTS = 20
    content = pdf(extra=tuple(b"<< /Type /Annot /N %d >>" % i for i in range(30)))
    assert refused_message(content, "t.pdf", PDF).startswith(TOO_COMPLEX)
    settings.DOCUMENT_PDF_MAX_OBJECTS = 1000
    inspect_file(io.BytesIO(content), name="t.pdf", allowed=(PDF,), max_size=10**7)


def test_a_pdf_that_takes_too_long_to_walk_is_refused_as_too_complex(settings):
    settings.DOCUMENT_PDF_CHECK_SECONDS = 0
    assert refused_message(scanned_pdf(1), "t.pdf", PDF).startswith(TOO_COMPLEX)


@functools.cache
def million_object_pdf(*, direct_count: bool) -> bytes:
    """A million objects packed in one object stream (a few MB): walking them would take pypdf minutes."""
    count = 1_000_000
    header = b" ".join(b"%d %d" % (i + 8, 2 * i) for i in range(count))
    packed = zlib.compress(header + b"\n" + b"0 " * count, 1)
    base = pdf()
    head = base[: base.index(b"xref\n")]
    offsets = _object_offsets(head)
    out = bytearray(head)
    number_offset = len(out)
    out += b"6 0 obj\n%d\nendobj\n" % count
    stream_offset = len(out)
    n = b"%d" % count if direct_count else b"6 0 R"
    out += b"7 0 obj\n<< /Type /ObjStm /N %s /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        n,
        len(header) + 1,
        len(packed),
    )
    out += packed + b"\nendstream\nendobj\n"
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
    rows += [b"\x01" + struct.pack(">I", o) + b"\x00\x00" for o in [*offsets, number_offset, stream_offset]]
    rows += [b"\x02\x00\x00\x00\x07\x00\x00"]  # one of its objects, in the cross-reference: pypdf reads it whole
    xref_offset = len(out)
    rows += [b"\x01" + struct.pack(">I", xref_offset) + b"\x00\x00"]
    table = zlib.compress(b"".join(rows))
    out += b"9 0 obj\n<< /Type /XRef /Size 10 /W [1 4 2] /Index [0 8 8 1 9 1] /Root 1 0 R /Filter /FlateDecode "
    out += (
        b"/Length %d >>\nstream\n" % len(table) + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    )
    return bytes(out)


@pytest.mark.parametrize("direct_count", [True, False], ids=["count-in-the-bytes", "count-behind-a-reference"])
def test_a_pdf_with_a_million_objects_is_refused_quickly(world, direct_count):
    content = million_object_pdf(direct_count=direct_count)
    started = time.monotonic()
    assert refused(world, "t.pdf", content, "transcript").startswith(TOO_COMPLEX)
    assert time.monotonic() - started < 5


# --- through the page and the API -------------------------------------------------------------------------


def test_the_page_refuses_a_pdf_with_javascript_under_the_file_field(client, world):
    client.force_login(world.student1)
    application = make_ready_application(world)
    files = stored_files()
    response = client.post(
        reverse("applications:upload", args=[application.pk]),
        {"kind": "transcript", "file": upload("t.pdf", pdf(catalog=b"/OpenAction " + JS_ACTION), "application/pdf")},
    )
    assert response.status_code == 400
    assert PDF_REFUSED in response.content.decode()
    assert stored_files() == files
    assert application.documents.count() == 2


def test_the_api_refuses_an_image_with_web_page_code_under_file(world):
    from tests.support.api import application_url, token_client

    application = make_ready_application(world)
    files = stored_files()
    content = png_bytes(noise_image(31), text={"Comment": ("tEXt", XSS.decode())}) + XSS
    response = token_client("student1").post(
        application_url(application.pk, "documents/"),
        {"kind": "passport_copy", "file": upload("me.png", content, "image/png")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["file"] == [IMAGE_REFUSED]
    assert stored_files() == files
    assert application.documents.count() == 2


def test_a_scanned_pdf_uploaded_on_the_page_becomes_ready(
    client, world, eager_tasks, django_capture_on_commit_callbacks
):
    client.force_login(world.student1)
    application = make_ready_application(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:upload", args=[application.pk]),
            {"kind": "other", "file": upload("scan.pdf", scanned_pdf(4), "application/pdf")},
        )
    assert response.status_code == 302
    document = application.documents.get(kind="other")
    assert (document.status, document.content_type) == (DocumentStatus.READY, "application/pdf")


# --- processing: a stored file that fails is rejected with the reason -------------------------------------

STORED = [
    ("png-ztxt", "passport_copy", "p.png", case(HOSTILE_IMAGES, "png-ztxt-compressed"), IMAGE_REFUSED),
    ("jpeg-comment", "passport_copy", "p.jpg", case(HOSTILE_IMAGES, "jpeg-comment-svg"), IMAGE_REFUSED),
    ("pdf-object-stream", "transcript", "t.pdf", case(HOSTILE_PDFS, "javascript-in-object-stream"), PDF_REFUSED),
    ("pdf-attachment", "transcript", "t.pdf", case(HOSTILE_PDFS, "pypdf-attachment"), PDF_REFUSED),
]


@pytest.mark.parametrize(("kind", "name", "make", "reason"), [s[1:] for s in STORED], ids=[s[0] for s in STORED])
def test_processing_rejects_a_stored_file_with_active_content(world, kind, name, make, reason):
    # given a document stored before these checks existed: its row records the hostile file's own checksum
    application = make_ready_application(world)
    clean = (
        {".png": png_bytes, ".jpg": jpeg_bytes}[name[-4:]](noise_image(41))
        if kind == "passport_copy"
        else scanned_pdf(1)
    )
    document = case_document_attach(case=application, actor=world.student1, kind=kind, file=upload(name, clean))
    hostile = make()
    Path(document.file.path).write_bytes(hostile)
    Document.objects.filter(pk=document.pk).update(size=len(hostile), sha256=hashlib.sha256(hostile).hexdigest())

    # when it is processed
    document = document_process(document_id=document.pk)

    # then it is rejected, and the reason is the one an upload would have been given
    assert document.status == DocumentStatus.REJECTED
    assert document.rejection_reason == reason
