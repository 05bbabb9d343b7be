"""The answer to a document download, once the caller's view has checked the case permission (access_*):
local disk streams the file as an attachment; S3 redirects to a short-lived presigned URL."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseBase, HttpResponseRedirect
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse

from documents.models import Document, DocumentStatus
from documents.validation import ALL_TYPES

# The schema's answers of a download endpoint besides its errors: the file, served as the type its bytes were
# found to be at upload (one of the types an upload may be; decision letters are PDF), or the S3 redirect.
DOWNLOAD_RESPONSES = {
    **{
        (200, file_type.content_type): OpenApiResponse(
            OpenApiTypes.BINARY, description="The file, as the type its content is."
        )
        for file_type in ALL_TYPES
    },
    302: OpenApiResponse(description="S3: redirect to a short-lived presigned URL."),
}


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback for old clients plus the exact name as RFC 5987 `filename*`."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\%;' else "_" for ch in filename) or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def uses_presigned_urls(storage) -> bool:
    return hasattr(storage, "bucket_name") and getattr(storage, "querystring_auth", False)


def _harden(response: HttpResponseBase) -> HttpResponseBase:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Even if a browser rendered it, a document could run nothing and reach nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Referrer-Policy"] = "no-referrer"
    return response


def document_response(document: Document) -> HttpResponseBase:
    """The file as an attachment, or a redirect to a presigned S3 URL that expires after AWS_QUERYSTRING_EXPIRE
    seconds. A rejected document (e.g. a virus found) is never handed out."""
    if document.status == DocumentStatus.REJECTED:
        raise PermissionDenied(
            _("This document was rejected and cannot be downloaded: %(reason)s") % {"reason": document.rejection_reason}
        )
    storage = document.file.storage
    name = str(document.file.name)
    disposition = content_disposition(document.original_name)
    if uses_presigned_urls(storage):
        url = storage.url(  # type: ignore[call-arg]  # S3Storage.url takes parameters and expire
            name,
            parameters={"ResponseContentDisposition": disposition, "ResponseContentType": document.content_type},
            expire=int(getattr(settings, "AWS_QUERYSTRING_EXPIRE", 300)),
        )
        return _harden(HttpResponseRedirect(url))
    response = FileResponse(storage.open(name, "rb"), content_type=document.content_type)
    response["Content-Disposition"] = disposition
    return _harden(response)
