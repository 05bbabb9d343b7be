"""Beat jobs of migration advice: reminders before each step's deadline and the deletion of personal documents after
the retention period. Thin and idempotent: running either twice has the effect of running it once."""

from celery import shared_task


@shared_task(acks_late=True)
def advice_reminders_task() -> int:
    from migration.reminders import advice_reminders_send

    return advice_reminders_send()


@shared_task(acks_late=True)
def advice_retention_task() -> int:
    from migration.services import advice_retention_sweep

    return advice_retention_sweep()
