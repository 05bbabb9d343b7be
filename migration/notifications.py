"""What migration advice tells the foreigner when their case opens (the reminders are in migration/reminders.py)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from migration.models import AdviceCase
from notifications.models import NotificationKind
from notifications.services import notify


def advice_case_opened_notify(*, case: AdviceCase) -> None:
    """In the caller's transaction: the person hears that their checklist is ready, with its first deadlines."""

    def context() -> dict:
        steps = [step for step in case.steps.select_related("template").order_by("due_date") if step.due_date]
        return {
            "case": case,
            "person": str(case.person),
            "steps": [
                (step.template.label, step.template.label_en, step.template.label_az, step.due_date)
                for step in steps[:3]
            ],
        }

    with translation.override(settings.LANGUAGE_CODE):
        link = case.get_absolute_url()
    notify(
        recipients=[case.person],
        kind=NotificationKind.MIGRATION_CASE_OPENED,
        event=f"migration:{case.pk}:opened",
        context=context,
        link=link,
    )
