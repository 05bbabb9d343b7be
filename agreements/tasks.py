"""Celery tasks of the agreements app (thin: they call services)."""

from celery import shared_task

from agreements.services import agreements_expiry_sweep


@shared_task(name="agreements.expiry_sweep")
def agreements_expiry_sweep_task() -> dict[str, int]:
    """Daily: mark agreements expiring / expired and start renewals. Idempotent (see the service)."""
    return agreements_expiry_sweep()
