"""Celery tasks of the agreements app (thin: they call services)."""

from celery import shared_task

from agreements.services.expiry import agreements_expiry_sweep
from agreements.services.letters import agreement_decision_letter_generate


@shared_task(name="agreements.expiry_sweep")
def agreements_expiry_sweep_task() -> dict[str, int]:
    """Daily: mark agreements expiring / expired and start renewals. Idempotent (see the service)."""
    return agreements_expiry_sweep()


@shared_task(
    name="agreements.decision_letter", acks_late=True, autoretry_for=(OSError,), retry_backoff=10, max_retries=5
)
def agreement_decision_letter_task(agreement_id: int) -> int | None:
    """Render and store the letter of the prorector's approval (once, however often it runs)."""
    document = agreement_decision_letter_generate(agreement_id=agreement_id)
    return document.pk if document is not None else None
