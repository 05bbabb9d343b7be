"""Thin Celery tasks of nominations: email the issued letter to the partner's contacts (idempotent: once each)."""

from __future__ import annotations

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def nomination_emails_send_task(nomination_id: int) -> int:
    from grants.services import nomination_emails_send

    return nomination_emails_send(nomination_id=nomination_id)
