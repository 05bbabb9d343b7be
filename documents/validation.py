"""Decides whether a file may be stored, by reading it once in chunks (never whole into memory): its size,
SHA-256, type by its bytes (which must agree with its extension), signs of HTML smuggled into an image or
PDF, active content (documents.active_content: web page code in an image's bytes or text chunks; PDF
JavaScript, automatic actions, embedded files), the declared uncompressed size of DOCX/ODT archives, and a
name that is safe to show. The PNG text chunks and the PDF's objects are then read where they lie."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.errors import ErrorCode, field_error
from documents import active_content
from documents.active_content import Finding
from documents.models import DocumentKind

CHUNK_SIZE = 64 * 1024
HEAD_SIZE = 4096
TAIL_SIZE = 1024
MAX_DISPLAY_NAME = 120

# Markers of a page a browser would render and run, in a PDF. A PDF never needs them; finding one means a
# polyglot (a valid PDF header followed by a script) that must never reach a browser. The tag must end
# ("<svg" then a space, "/" or ">"): "<svg" alone turns up by chance in about one 10 MB scan in fifty.
# Images have a broader check of their own (documents.active_content.ImageScanner).
PDF_MARKUP = re.compile(rb"<(?:script|html|iframe|body|svg)(?=[\s/>])|<!doctype\s+html", re.IGNORECASE)
_MARKUP_OVERLAP = 64


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extensions: tuple[str, ...]
    is_zip: bool = False


PDF = FileType("application/pdf", "PDF", (".pdf",))
JPEG = FileType("image/jpeg", "JPEG", (".jpg", ".jpeg"))
PNG = FileType("image/png", "PNG", (".png",))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX", (".docx",), is_zip=True
)
ODT = FileType("application/vnd.oasis.opendocument.text", "ODT", (".odt",), is_zip=True)
ALL_TYPES = (PDF, JPEG, PNG, DOCX, ODT)

DEFAULT_TYPES = (PDF, JPEG, PNG)
KIND_TYPES: dict[str, tuple[FileType, ...]] = {
    DocumentKind.AGREEMENT_DRAFT: (PDF, DOCX, ODT),
    DocumentKind.DECISION_LETTER: (PDF,),
}

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def types_for_kind(kind: str) -> tuple[FileType, ...]:
    return KIND_TYPES.get(kind, DEFAULT_TYPES)


def max_size_for_kind(kind: str) -> int:
    """DOCUMENT_MAX_SIZES can set a kind's own limit; every other kind has DOCUMENT_MAX_SIZE."""
    return int(getattr(settings, "DOCUMENT_MAX_SIZES", {}).get(kind, settings.DOCUMENT_MAX_SIZE))


def largest_max_size() -> int:
    limits = getattr(settings, "DOCUMENT_MAX_SIZES", {})
    return max([settings.DOCUMENT_MAX_SIZE, *[int(v) for v in limits.values()]])


def accept_attribute(kind: str | None = None) -> str:
    """The file input's `accept` list for a kind (or for every kind an applicant may upload)."""
    kinds = types_for_kind(kind) if kind else DEFAULT_TYPES
    return ",".join(ext for t in kinds for ext in t.extensions)


def human_join(labels: list[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return _("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def display_name(name: str) -> str:
    """A name safe to show and to put in a download header: no directories, no control, format (bidi
    override, zero-width) or reserved characters, bounded length with its extension kept."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = name.translate({ord(ch): " " for ch in "\t\n\r\v\f"})
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '<>:"|?*')
    name = " ".join(name.split()).strip(" .")
    if not name:
        return "document"
    if len(name) > MAX_DISPLAY_NAME:
        stem, ext = os.path.splitext(name)
        ext = ext[:10]
        name = stem[: MAX_DISPLAY_NAME - len(ext)].rstrip(" .") + ext
    return name


@dataclass(frozen=True)
class InspectedFile:
    file_type: FileType
    size: int
    sha256: str
    display_name: str

    @property
    def content_type(self) -> str:
        return self.file_type.content_type


def _error(message: str, code: ErrorCode) -> ValidationError:
    return field_error("file", message, code)


def sniff(head: bytes) -> FileType | str | None:
    """The type the first bytes announce; "zip" when only the archive's contents can tell DOCX from ODT."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def _structure_ok(file_type: FileType, head: bytes, tail: bytes) -> bool:
    if file_type is PDF:
        return b"%%EOF" in tail
    if file_type is PNG:
        return head[12:16] == b"IHDR" and b"IEND" in tail
    # JPEG is not checked at its end: phones append data (e.g. a motion photo's video) after the image.
    return True


def _zip_type(file) -> FileType | None:
    """DOCX or ODT by the archive's table of contents, refusing archives that would unpack absurdly.
    Reads the central directory only: nothing is extracted (except ODT's tiny `mimetype` entry)."""
    max_total = int(getattr(settings, "DOCUMENT_ZIP_MAX_UNCOMPRESSED", 100 * 1024 * 1024))
    max_ratio = int(getattr(settings, "DOCUMENT_ZIP_MAX_RATIO", 100))
    max_entries = int(getattr(settings, "DOCUMENT_ZIP_MAX_ENTRIES", 10_000))
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > max_entries:
                raise _error(
                    _("The document holds too many parts (%(count)s).") % {"count": len(entries)},
                    ErrorCode.FILE_TOO_LARGE,
                )
            total = sum(e.file_size for e in entries)
            packed = sum(e.compress_size for e in entries)
            bomb = total > max_total or any(
                e.file_size > 1024 * 1024 and e.file_size > max_ratio * max(e.compress_size, 1) for e in entries
            )
            if bomb or (total > 1024 * 1024 and total > max_ratio * max(packed, 1)):
                raise _error(
                    _("The document would unpack to %(size)s, far more than a real one; it is refused.")
                    % {"size": filesizeformat(total)},
                    ErrorCode.FILE_TOO_LARGE,
                )
            names = {e.filename for e in entries}
            if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                return DOCX
            mimetype = next((e for e in entries if e.filename == "mimetype"), None)
            if mimetype is not None and mimetype.file_size <= 100 and archive.read(mimetype).strip() == ODT_MIMETYPE:
                return ODT
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError):
        raise _error(_("The document is damaged and cannot be read."), ErrorCode.FILE_DAMAGED)
    finally:
        file.seek(0)
    return None


def inspect_file(file, *, name: str, allowed: tuple[FileType, ...], max_size: int) -> InspectedFile:
    """Read `file` once, in chunks, and return what it is; ValidationError({"file": ...}) if it may not be stored.

    Stops reading as soon as the size limit is passed, so an oversized upload costs no more than the limit."""
    shown = display_name(name)
    extension = os.path.splitext(shown.lower())[1]
    allowed_labels = human_join([t.label for t in allowed])

    digest = hashlib.sha256()
    size = 0
    head = b""
    tail = b""
    checks = _ContentChecks()
    announced: FileType | str | None = None
    file.seek(0)
    while True:
        chunk = file.read(CHUNK_SIZE)
        if not chunk:
            break
        size += len(chunk)
        if size > max_size:
            raise _error(
                _("The file is larger than %(limit)s.") % {"limit": filesizeformat(max_size)}, ErrorCode.FILE_TOO_LARGE
            )
        digest.update(chunk)
        if len(head) < HEAD_SIZE:
            head += chunk[: HEAD_SIZE - len(head)]
            if announced is None:
                announced = sniff(head)
        tail = (tail + chunk)[-TAIL_SIZE:]
        checks.feed(chunk, announced=announced, decided=announced is not None or len(head) >= HEAD_SIZE)
    checks.close()
    file.seek(0)

    if size == 0:
        raise _error(_("The file is empty."), ErrorCode.FILE_EMPTY)
    file_type: FileType | str | None = announced
    if announced == "zip":
        # An archive is opened only where an archive type is allowed; elsewhere it is simply the wrong type.
        file_type = _zip_type(file) if any(t.is_zip for t in allowed) else None
    if not isinstance(file_type, FileType):
        raise _error(
            _("Upload a %(types)s file. This file’s content is not one (the content is checked, not the name).")
            % {"types": allowed_labels},
            ErrorCode.FILE_TYPE,
        )
    if file_type not in allowed:
        raise _error(
            _("A %(type)s file is not accepted for this kind of document; upload a %(types)s file.")
            % {"type": file_type.label, "types": allowed_labels},
            ErrorCode.FILE_TYPE,
        )
    if extension not in file_type.extensions:
        raise _error(
            _("The file's content (%(type)s) does not match its extension “%(ext)s”; name it %(expected)s.")
            % {"type": file_type.label, "ext": extension or "—", "expected": file_type.extensions[0]},
            ErrorCode.FILE_TYPE,
        )
    if file_type is PDF and checks.pdf_markup:
        raise _error(
            _("The file contains web page code (HTML or script) and is refused. Upload a plain %(type)s.")
            % {"type": file_type.label},
            ErrorCode.FILE_ACTIVE_CONTENT,
        )
    if checks.image is not None and checks.image.found:
        raise _error(_finding_message(checks.image.found), ErrorCode.FILE_ACTIVE_CONTENT)
    if not _structure_ok(file_type, head, tail):
        raise _error(
            _("The %(type)s file is damaged or incomplete.") % {"type": file_type.label}, ErrorCode.FILE_DAMAGED
        )
    if finding := _active_content(file, file_type, checks):
        raise _error(_finding_message(finding), ErrorCode.FILE_ACTIVE_CONTENT)
    return InspectedFile(file_type=file_type, size=size, sha256=digest.hexdigest(), display_name=shown)


class _ContentChecks:
    """What each type's bytes are checked for as they stream past: web page code in an image; in a PDF the
    markers of a web page and the names of active content. Chunks wait until the first bytes tell the type."""

    def __init__(self) -> None:
        self.image: active_content.ImageScanner | None = None
        self.pdf: active_content.PdfRawScanner | None = None
        self.pdf_markup = False
        self._carry = b""
        self._waiting: list[bytes] | None = []

    def feed(self, chunk: bytes, *, announced: FileType | str | None, decided: bool) -> None:
        if self._waiting is None:
            chunks = [chunk]
        else:
            self._waiting.append(chunk)
            if not decided:
                return
            chunks, self._waiting = self._waiting, None
            if announced is PDF:
                self.pdf = active_content.PdfRawScanner()
            elif announced is PNG or announced is JPEG:
                self.image = active_content.ImageScanner()
        for part in chunks:
            if self.image is not None:
                self.image.feed(part)
            if self.pdf is not None:
                self.pdf.feed(part)
                if not self.pdf_markup:
                    window = self._carry + part
                    self.pdf_markup = PDF_MARKUP.search(window) is not None
                    self._carry = window[-_MARKUP_OVERLAP:]

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _active_content(file, file_type: FileType, checks: _ContentChecks) -> Finding | None:
    """The checks that read a file where its parts lie: a PNG's compressed text chunks, a PDF's objects."""
    try:
        if file_type is PNG:
            return active_content.png_text_finding(file)
        if file_type is PDF and checks.pdf is not None:
            max_objects = int(getattr(settings, "DOCUMENT_PDF_MAX_OBJECTS", 100_000))
            if checks.pdf.found:
                return checks.pdf.found
            if checks.pdf.declared_objects > max_objects:
                return Finding.PDF_TOO_COMPLEX
            return active_content.pdf_object_finding(
                file,
                max_objects=max_objects,
                seconds=float(getattr(settings, "DOCUMENT_PDF_CHECK_SECONDS", 8)),
            )
        return None
    finally:
        file.seek(0)


def _finding_message(finding: Finding) -> str:
    if finding is Finding.IMAGE_MARKUP:
        return _(
            "This image contains web page code and cannot be accepted. Save it again as a plain image and upload that."
        )
    if finding is Finding.IMAGE_UNCHECKABLE:
        return _(
            "This image carries more hidden text than can be checked and cannot be accepted. Save it again as "
            "a plain image and upload that."
        )
    if finding is Finding.PDF_ENCRYPTED:
        return _(
            "This PDF is protected by a password, so it cannot be checked. Remove the password (or print it to "
            "a new PDF) and upload that."
        )
    if finding is Finding.PDF_TOO_COMPLEX:
        return _(
            "This PDF is too complex to check and cannot be accepted. Print it to a new PDF or scan it, and "
            "upload that."
        )
    return _(
        "This PDF contains active content (JavaScript, embedded files or automatic actions) and cannot be "
        "accepted. Print it to a new PDF or scan it, and upload that."
    )
