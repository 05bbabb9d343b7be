"""Celery tasks of core: thin wrappers that call a service."""

from celery import shared_task

from core.idempotency import idempotency_records_purge


@shared_task(acks_late=True)
def idempotency_records_purge_task() -> int:
    """Periodic (Celery beat): forget the answers stored for Idempotency-Keys older than their TTL."""
    return idempotency_records_purge()
