"""Beat jobs of learning agreements (thin: each calls a service, and running twice does what running once does)."""

from celery import shared_task


@shared_task(name="learning.tasks.signature_reminders_task")
def signature_reminders_task() -> int:
    from learning.services import signature_reminders_send

    return signature_reminders_send()
