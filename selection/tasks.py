"""Celery beat job of the selection: offers not answered in time pass to the reserve list. Thin and idempotent."""

from celery import shared_task


@shared_task(acks_late=True)
def offers_expire_task() -> int:
    from selection.services import offers_expire

    return offers_expire()
