"""The worker's EWP job: fetch a partner's IIA or approval from a URL and import it (thin: calls the service)."""

from celery import shared_task

from accounts.models import User
from agreements.ewp.services import partner_fetch, partner_fetch_check
from agreements.models import Agreement
from core.effects import on_commit_delay


@shared_task(name="agreements.ewp_fetch", acks_late=True)
def ewp_fetch_task(agreement_id: int, url: str, kind: str, actor_id: int) -> None:
    partner_fetch(agreement_id=agreement_id, url=url, kind=kind, actor_id=actor_id)


def ewp_fetch_queue(*, agreement: Agreement, actor: User, url: str, kind: str) -> None:
    """Ask the worker to fetch the partner's copy (`kind` "copy") or approval ("approval") from an https URL once
    this transaction commits, after the service's checks (the page and the API call this)."""
    partner_fetch_check(agreement=agreement, actor=actor, url=url)
    on_commit_delay(ewp_fetch_task, agreement.pk, url, kind, actor.pk)
