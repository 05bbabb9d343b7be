"""Checks an uploaded document before it is stored: size, type decided by its bytes, and a
filename that is safe to display. (Documents get their own hardening issue; this is the gate.)"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# content type -> (magic prefix, accepted extensions)
ALLOWED_TYPES = {
    "application/pdf": (b"%PDF-", {".pdf"}),
    "image/png": (b"\x89PNG\r\n\x1a\n", {".png"}),
    "image/jpeg": (b"\xff\xd8\xff", {".jpg", ".jpeg"}),
}


@dataclass(frozen=True)
class SniffedUpload:
    content_type: str
    size: int
    display_name: str


def display_name(name: str) -> str:
    """A name safe to show: no directories, control or bidi-override characters, bounded length."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip(" .") or "document"
    if len(name) > 120:
        stem, ext = os.path.splitext(name)
        name = stem[: 120 - len(ext[:10])] + ext[:10]
    return name


def sniff_upload(file, *, max_size: int) -> SniffedUpload:
    size = file.size
    if not size:
        raise ValidationError({"file": _("The file is empty.")})
    if size > max_size:
        raise ValidationError({"file": _("The file is larger than %(limit)s.") % {"limit": filesizeformat(max_size)}})
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    ext = os.path.splitext((file.name or "").lower())[1]
    for content_type, (magic, extensions) in ALLOWED_TYPES.items():
        if head.startswith(magic):
            if ext not in extensions:
                raise ValidationError(
                    {"file": _("The file's content does not match its extension “%(ext)s”.") % {"ext": ext or "—"}}
                )
            return SniffedUpload(content_type=content_type, size=size, display_name=display_name(file.name or ""))
    raise ValidationError({"file": _("Upload a PDF, JPEG or PNG file.")})
