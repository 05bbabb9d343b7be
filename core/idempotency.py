"""Idempotency-Key for the API's state-changing calls: a client that lost the answer (a timeout, a 503 while
the database restarted) retries with the same key and gets the first outcome again, not a 409.

`@idempotent` on a DRF handler: without the header nothing changes. With it, one transaction takes the
(user, key) row — inserted if new, else locked, so concurrent retries wait for each other — and either replays
the stored answer (same request) or refuses a different request under that key (422), or runs the handler and,
when it answers 2xx, stores that answer before the transaction commits. The change and its stored answer
commit together or not at all: whenever the change happened, the retry can be told so. Other answers are not
stored (the client may fix the request and retry with the same key)."""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
INVALID_KEY_CODE = "invalid_idempotency_key"
KEY_REUSED_CODE = "idempotency_key_reused"


def idempotent(handler):
    """Decorate a DRF view's post/put/patch/delete. The schema (core.schema) documents the header for it."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if not is_valid_key(key):
            return Response(
                {
                    "detail": _("The Idempotency-Key header must be 1 to 255 printable ASCII characters."),
                    "code": INVALID_KEY_CODE,
                },
                status=400,
            )
        fingerprint = request_fingerprint(request)
        with transaction.atomic():
            record, fresh = _record_locked(
                user=request.user, key=key, method=request.method, path=request.path, fingerprint=fingerprint
            )
            if not fresh:
                if record.fingerprint != fingerprint:
                    return Response(
                        {
                            "detail": _("This Idempotency-Key was already used for a different request."),
                            "code": KEY_REUSED_CODE,
                        },
                        status=422,
                    )
                replay = HttpResponse(record.response_body, status=record.status_code, content_type=record.content_type)
                replay[REPLAYED_HEADER] = "true"
                return replay
            response = handler(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300 and isinstance(response, Response):
                record.status_code = response.status_code
                record.response_body = JSONRenderer().render(response.data).decode()
                record.content_type = "application/json"
                record.save(update_fields=["status_code", "response_body", "content_type"])
            else:
                record.delete()
            return response

    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper


def is_valid_key(key: str) -> bool:
    return 1 <= len(key) <= MAX_KEY_LENGTH and all(" " <= ch <= "~" for ch in key)


def request_fingerprint(request) -> str:
    """SHA-256 of the method, the full path and the body. A multipart body (an upload) is not kept in memory
    as bytes: its fields and each file's name and content stand in for it."""
    digest = hashlib.sha256()
    digest.update(f"{request.method}\n{request.get_full_path()}\n".encode())
    if (request.content_type or "").startswith("multipart/"):
        for name, values in sorted(request.data.lists()):
            digest.update(f"{name}\n".encode())
            for value in values:
                if isinstance(value, UploadedFile):
                    digest.update(f"file:{value.name}:{value.size}\n".encode())
                    for chunk in value.chunks():
                        digest.update(chunk)
                    value.seek(0)
                else:
                    digest.update(json.dumps(value, default=str).encode() + b"\n")
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _record_locked(*, user, key: str, method: str, path: str, fingerprint: str) -> tuple[IdempotencyRecord, bool]:
    """The (user, key) row, locked until the transaction ends, and whether this request is the first to use
    the key. A concurrent request holding the same key blocks the INSERT until it commits or rolls back."""
    now = timezone.now()
    IdempotencyRecord.objects.bulk_create(
        [IdempotencyRecord(user=user, key=key, method=method, path=path, fingerprint=fingerprint, created_at=now)],
        ignore_conflicts=True,
    )
    record = IdempotencyRecord.objects.select_for_update().get(user=user, key=key)
    if record.status_code is None:
        return record, True
    if record.created_at < now - _ttl():
        # Expired but not purged yet: the key starts afresh, as after the purge.
        record.method, record.path, record.fingerprint, record.created_at = method, path, fingerprint, now
        record.status_code, record.response_body, record.content_type = None, "", ""
        record.save()
        return record, True
    return record, False


def _ttl() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def idempotency_records_purge() -> int:
    """Delete the stored answers older than IDEMPOTENCY_KEY_TTL_HOURS; returns how many (Celery beat)."""
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - _ttl()).delete()
    return deleted
