"""Celery tasks of documents: thin wrappers that load by id and call a service. Each is idempotent."""

from celery import shared_task

from documents import services
from documents.scanning import ScanUnavailable


@shared_task(
    acks_late=True,
    autoretry_for=(ScanUnavailable,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def document_process_task(document_id: int) -> str | None:
    """Checksum, type and virus scan of a stored upload after it committed; marks it ready or rejected."""
    document = services.document_process(document_id=document_id)
    return document.status if document is not None else None


@shared_task(acks_late=True)
def document_requeue_pending_task() -> int:
    """Periodic sweep (Celery beat): re-queue documents left pending by a broker or scanner outage."""
    return services.document_requeue_pending()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=10, max_retries=5)
def letter_generate_task(purpose: str, case_id: int) -> int | None:
    """Number, render and store a case's letter of one purpose (once, however often it runs)."""
    document = services.letter_generate(purpose=purpose, case_id=case_id)
    return document.pk if document is not None else None
