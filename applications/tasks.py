"""Celery tasks of mobility applications: thin, by id, idempotent."""

from celery import shared_task

from applications import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=10, max_retries=5)
def decision_letter_task(application_id: int) -> int | None:
    """Render and store the decision letter of a finally decided application (once, however often it runs)."""
    document = services.decision_letter_generate(application_id=application_id)
    return document.pk if document is not None else None
