"""Celery tasks of the agreements app (thin: they call services)."""

from celery import shared_task

from agreements.ewp.tasks import ewp_fetch_task  # noqa: F401 (registered with the worker through this module)
from agreements.services.expiry import agreements_expiry_sweep


@shared_task(name="agreements.expiry_sweep")
def agreements_expiry_sweep_task() -> dict[str, int]:
    """Daily: mark agreements expiring / expired and start renewals. Idempotent (see the service)."""
    return agreements_expiry_sweep()
