"""Writes to documents: store an upload as the next version of its kind, store a generated document once,
and process a stored document (checksum, type, virus scan) into ready or rejected.

Stored objects and rows live and die together: every store happens inside `atomic_storing()`, which
deletes the objects it stored when the transaction around them does not commit."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.effects import on_commit_delay
from core.errors import ErrorCode, field_error
from documents.models import (
    SCAN_GENERATED,
    SCAN_INFECTED_PREFIX,
    Document,
    DocumentKind,
    DocumentStatus,
    Letter,
    LetterCounter,
)
from documents.scanning import ScanFailed, scan_stream
from documents.validation import (
    PDF,
    InspectedFile,
    inspect_file,
    max_size_for_kind,
    types_for_kind,
)

logger = logging.getLogger(__name__)

# Kinds only Körpü writes; no upload may claim one.
GENERATED_KINDS = (
    DocumentKind.DECISION_LETTER,
    DocumentKind.SIGNED_LEARNING_AGREEMENT,
    DocumentKind.PERIOD_REPORT,
    DocumentKind.NOMINATION_LETTER,
    DocumentKind.ACCEPTANCE_LETTER,
    DocumentKind.VISA_INVITATION_LETTER,
)

_stored_names: contextvars.ContextVar[list[tuple[Storage, str]] | None] = contextvars.ContextVar(
    "documents_stored_names", default=None
)


@contextmanager
def atomic_storing() -> Iterator[None]:
    """`transaction.atomic()` that also deletes the objects stored inside it if it does not commit.

    Nested blocks hand their objects to the enclosing one, so the outermost block decides. Call document
    services in such a block (they open one themselves) rather than inside a bare `atomic()` whose later
    rollback nothing here could see."""
    outer = _stored_names.get()
    stored: list[tuple[Storage, str]] = []
    token = _stored_names.set(stored)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        _delete_stored(stored)
        raise
    finally:
        _stored_names.reset(token)
    if outer is not None:
        outer.extend(stored)


def _delete_stored(stored: Iterable[tuple[Storage, str]]) -> None:
    for storage, name in stored:
        try:
            storage.delete(name)
        except Exception:  # the original error matters more; a leftover object is logged for the operator
            logger.exception("Could not delete stored object %s after a failed transaction", name)


def _remember_stored(storage: Storage, name: str) -> None:
    stored = _stored_names.get()
    if stored is None:  # pragma: no cover - every caller is inside atomic_storing()
        raise RuntimeError("Store documents inside documents.services.atomic_storing().")
    stored.append((storage, name))


def _lock_case(case: models.Model) -> ContentType:
    """Lock the case row so two uploads of one kind cannot both become version n (the unique constraint
    is the last guard)."""
    type(case)._default_manager.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()
    return ContentType.objects.get_for_model(case)


def case_documents(case: models.Model) -> QuerySet[Document]:
    return Document.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk)


def document_store(
    *,
    case: models.Model,
    kind: str,
    file: File[bytes] | None,
    actor: User,
    allowed_kinds: Iterable[str] | None = None,
    max_size: int | None = None,
) -> Document:
    """Check an upload (see documents.validation) and store it as the next version of its kind, pending
    until `document_process_task` has checked it after commit.

    Raises ValidationError keyed "kind" or "file"; on any failure no row and no stored object remain."""
    allowed = (
        list(allowed_kinds)
        if allowed_kinds is not None
        else [k for k in DocumentKind.values if k not in GENERATED_KINDS]
    )
    if kind not in DocumentKind.values or kind not in allowed:
        raise field_error("kind", _("Choose a valid document kind."), ErrorCode.DOCUMENT_KIND)
    if file is None:
        raise field_error("file", _("Choose a file to upload."), ErrorCode.FILE_MISSING)
    inspected = inspect_file(
        file,
        name=getattr(file, "name", "") or "",
        allowed=types_for_kind(kind),
        max_size=max_size if max_size is not None else max_size_for_kind(kind),
    )
    with atomic_storing():
        case_type = _lock_case(case)
        last = (
            Document.objects.filter(case_type=case_type, case_id=case.pk, kind=kind).aggregate(v=Max("version"))["v"]
            or 0
        )
        document = Document(
            case_type=case_type,
            case_id=case.pk,
            kind=kind,
            version=last + 1,
            original_name=inspected.display_name,
            content_type=inspected.content_type,
            size=inspected.size,
            sha256=inspected.sha256,
            uploaded_by=actor,
            status=DocumentStatus.PENDING,
        )
        _save_with_file(document, file)
        from documents.tasks import document_process_task

        on_commit_delay(document_process_task, document.pk)
    return document


def document_store_generated(*, case: models.Model, kind: str, content: bytes, name: str) -> tuple[Document, bool]:
    """Store a document Körpü made (a decision letter) as version 1 of its kind, once: a second call returns
    the first one. Returns (document, created)."""
    if kind not in GENERATED_KINDS:
        raise ValueError(f"{kind} is not a generated kind")
    with atomic_storing():
        case_type = _lock_case(case)
        existing = Document.objects.filter(case_type=case_type, case_id=case.pk, kind=kind, version=1).first()
        if existing is not None:
            return existing, False
        inspected = inspect_file(ContentFile(content), name=name, allowed=(PDF,), max_size=len(content))
        document = Document(
            case_type=case_type,
            case_id=case.pk,
            kind=kind,
            version=1,
            original_name=inspected.display_name,
            content_type=inspected.content_type,
            size=inspected.size,
            sha256=inspected.sha256,
            uploaded_by=None,
            status=DocumentStatus.READY,
            scan_result=SCAN_GENERATED,
            processed_at=timezone.now(),
        )
        _save_with_file(document, ContentFile(content))
    return document, True


def _save_with_file(document: Document, file: File[bytes]) -> None:
    # The key comes from document_storage_key(); the name given here is ignored.
    document.file.save("upload", file, save=False)
    _remember_stored(document.file.storage, str(document.file.name))
    document.full_clean(exclude=["file"], validate_unique=False, validate_constraints=False)
    document.save()


def document_process(*, document_id: int) -> Document | None:
    """Check a stored document again from storage: SHA-256 and type must match what the upload recorded,
    then the virus-scan hook; mark it ready or rejected. Idempotent: a document that is no longer pending
    (or no longer exists) is left as it is.

    Raises documents.scanning.ScanUnavailable when clamd cannot be reached (the task retries)."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None or document.status != DocumentStatus.PENDING:
        return document
    reason = ""
    scan_result = ""
    try:
        with document.file.storage.open(str(document.file.name), "rb") as stored:
            inspected: InspectedFile = inspect_file(
                stored,
                name=document.original_name,
                allowed=types_for_kind(document.kind),
                max_size=max(document.size, 1),
            )
            if inspected.sha256 != document.sha256 or inspected.size != document.size:
                reason = _("The stored file differs from the upload (checksum mismatch).")
            elif inspected.content_type != document.content_type:
                reason = _("The stored file's type differs from the upload.")
            else:
                scan_result = scan_stream(stored)
                if scan_result.startswith(SCAN_INFECTED_PREFIX):
                    reason = _("The virus scan found %(signature)s.") % {
                        "signature": scan_result[len(SCAN_INFECTED_PREFIX) :]
                    }
    except FileNotFoundError:
        reason = _("The stored file is missing.")
    except ValidationError as error:
        reason = " ".join(error.messages)
    except ScanFailed as failure:
        reason = _("The virus scanner could not check the file: %(error)s") % {"error": str(failure)}
    return _document_mark_processed(document_id=document_id, reason=reason, scan_result=scan_result)


@transaction.atomic
def _document_mark_processed(*, document_id: int, reason: str, scan_result: str) -> Document | None:
    document = Document.objects.select_for_update().filter(pk=document_id).first()
    if document is None or document.status != DocumentStatus.PENDING:
        return document
    document.status = DocumentStatus.REJECTED if reason else DocumentStatus.READY
    document.rejection_reason = reason
    document.scan_result = scan_result[:200]
    document.processed_at = timezone.now()
    document.save(update_fields=["status", "rejection_reason", "scan_result", "processed_at"])
    return document


def document_requeue_pending(*, older_than_seconds: int = 600) -> int:
    """Queue processing again for documents still pending after a while (a broker outage at commit time,
    or clamd down longer than the task's retries). Safe to run often: processing is idempotent."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    from documents.tasks import document_process_task

    ids = list(
        Document.objects.filter(status=DocumentStatus.PENDING, uploaded_at__lt=cutoff).values_list("pk", flat=True)
    )
    for document_id in ids:
        document_process_task.delay(document_id)
    return len(ids)


def documents_delete(*, documents: QuerySet[Document]) -> list[dict[str, object]]:
    """Delete documents for good — the rows now, their stored objects once the caller's transaction commits (a
    rollback keeps both) — when the law says they may no longer be kept (a retention period ran out). The only
    deletion of documents: no user deletes a version. Returns what was deleted (id, kind, version, SHA-256, size)
    for the caller's timeline line; the file's name and content are not in it."""
    rows = list(documents.select_for_update())
    deleted = [{"id": d.pk, "kind": d.kind, "version": d.version, "sha256": d.sha256, "size": d.size} for d in rows]
    stored = [(d.file.storage, str(d.file.name)) for d in rows if d.file]
    Document.objects.filter(pk__in=[d.pk for d in rows]).delete()
    if stored:
        transaction.on_commit(lambda: _delete_stored(stored))
    return deleted


# --- official letters ---------------------------------------------------------------------------------------------
# One pipeline for every letter Körpü issues: the flow schedules it after its decision commits, a worker generates
# it once per (case, purpose) with the next number of the year, and the purpose's builder (documents.letters
# registry) supplies what it says and records it on the case's timeline.


def letter_schedule(*, case: models.Model, purpose: str) -> None:
    """Have a worker generate the case's letter of this purpose once the caller's transaction commits (a
    rolled-back decision gets none)."""
    from documents.letters import letter_builder
    from documents.tasks import letter_generate_task

    letter_builder(purpose)  # an unknown purpose fails in the caller's transaction, not later in a worker
    on_commit_delay(letter_generate_task, purpose, case.pk)


def letter_number_next(*, year: int) -> tuple[int, str]:
    """Take the next letter number of a year: (sequence, e.g. "IRO-2026/0042").

    The year's counter row stays locked until the caller's transaction ends, so letters generated at once take
    consecutive numbers, and a letter whose transaction rolls back gives its number back: every issued number is
    used exactly once, in order. Call it inside the transaction that stores the letter."""
    LetterCounter.objects.bulk_create([LetterCounter(year=year)], ignore_conflicts=True)
    counter = LetterCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, f"{settings.KORPU_LETTER_NUMBER_PREFIX}-{year}/{counter.last_number:04d}"


def letter_generate(*, purpose: str, case_id: int) -> Document | None:
    """Number, render and store the case's letter of this purpose, once: running it again (a retry, a duplicate
    message) returns the letter already stored. None while the case is not ready for one (its builder says so)."""
    from documents.letters import Letterhead, letter_builder, render_letter

    builder = letter_builder(purpose)
    case = builder.load(case_id) if builder.load else builder.model._default_manager.filter(pk=case_id).first()
    if case is None:
        return None
    case_type = ContentType.objects.get_for_model(case)
    issued = Letter.objects.filter(case_type=case_type, case_id=case.pk, purpose=purpose).select_related("document")
    existing = issued.first()
    if existing is not None:
        return existing.document
    content = builder.build(case)
    if content is None:
        return None
    with atomic_storing():
        _lock_case(case)  # a second worker on the same case waits here, then finds the letter below
        existing = issued.first()
        if existing is not None:
            return existing.document
        earlier: Document | None = case_documents(case).filter(kind=builder.document_kind, version=1).first()
        if earlier is not None:
            return earlier  # a letter stored before letters were numbered: it stays as it was issued
        today = timezone.localdate()
        # The counter is locked from here to commit: rendering inside keeps the number on the page and the
        # numbering gapless; letters are few, so making them wait for each other costs nothing.
        sequence, number = letter_number_next(year=today.year)
        pdf = render_letter(content, number=number, issued_on=today, letterhead=Letterhead.from_settings())
        document, _created = document_store_generated(
            case=case, kind=builder.document_kind, content=pdf, name=f"{builder.filename}-{case.pk}.pdf"
        )
        letter = Letter.objects.create(
            case_type=case_type,
            case_id=case.pk,
            purpose=purpose,
            year=today.year,
            sequence=sequence,
            number=number,
            document=document,
        )
        builder.issued(case, letter)
    return document
