"""What an applicant is told by the selection: the published result (selected for a partner, on reserve lists, or
not selected, with the reasons), and a place passed to them from a reserve list. Written in the change's
transaction through the notifications outbox; each message is rendered in the recipient's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone

from notifications.models import Notification, NotificationKind
from notifications.services import notify
from selection.results import explanation_texts


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def selection_result_notify(
    *, application, entry: dict[str, Any], event, respond_by: datetime, result: dict[str, Any]
) -> list[Notification]:
    reserve = [place["partner"] for place in result["places"] if application.pk in place["reserve"]]

    def context() -> dict[str, Any]:
        return {
            "number": application.pk,
            "call": application.call.title,
            "outcome": entry["outcome"],
            "rank": entry["rank"],
            "score": entry["score"],
            "partner": entry["partner"],
            "choice": entry["choice"],
            "respond_by": _when(respond_by),
            "reserve": ", ".join(reserve),
            "reasons": explanation_texts(entry, minimum_score=result["rules"]["minimum_score"]),
        }

    return notify(
        recipients=[application.applicant],
        kind=NotificationKind.SELECTION_RESULT,
        event=f"case-event:{event.pk}",
        # the selected answer on their offers' page; the others read the reasons on their application's
        link=reverse("selection:offers") if entry["outcome"] == "selected" else application.get_absolute_url(),
        context=context,
    )


def place_offered_notify(*, offer, event) -> list[Notification]:
    application = offer.application

    def context() -> dict[str, Any]:
        return {
            "number": application.pk,
            "call": application.call.title,
            "partner": offer.place.partner.name,
            "respond_by": _when(offer.respond_by),
        }

    return notify(
        recipients=[application.applicant],
        kind=NotificationKind.PLACE_OFFERED,
        event=f"case-event:{event.pk}",
        link=reverse("selection:offer", args=[offer.pk]),
        context=context,
    )
