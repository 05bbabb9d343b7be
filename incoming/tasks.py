"""Thin Celery tasks of incoming mobility: send one queued email (once), and the daily retention sweep."""

from __future__ import annotations

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def incoming_email_send_task(email_id: int) -> bool:
    from incoming.services import incoming_email_send

    return incoming_email_send(email_id=email_id)


@shared_task
def incoming_retention_task() -> int:
    from incoming.services import incoming_retention_sweep

    return incoming_retention_sweep()
