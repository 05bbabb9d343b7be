"""The daily expiry sweep: expiring and expired agreements, and their renewal drafts."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementQuota,
    AgreementStatus,
    Direction,
)
from agreements.notifications import agreement_expiry_notify
from agreements.terms import clean_terms

if TYPE_CHECKING:
    pass
from agreements.services.drafts import _apply_terms, _current_terms, agreement_event_record

# --- expiry and renewal -------------------------------------------------------------------------


# A renewal's title marks it (so the list never shows two identical rows); a renewal of a renewal replaces the mark.
RENEWAL_MARK = re.compile(r"\s+\((?:renewal|yenilənmə)\b[^()]*\)$", re.IGNORECASE)


def renewal_title(title: str, *, start: date, end: date) -> str:
    base = RENEWAL_MARK.sub("", title)
    mark = _("(renewal %(start)s–%(end)s)") % {"start": start.year, "end": end.year}
    return f"{base[: 254 - len(mark)]} {mark}"


def agreement_start_renewal(*, agreement: Agreement) -> Agreement | None:
    """A new draft prefilled from `agreement` and linked to it; None if one already exists."""
    if Agreement.objects.filter(renewal_of=agreement).exists():
        return None
    old = _current_terms(agreement)
    length = agreement.end_date - agreement.start_date
    start = agreement.end_date + timedelta(days=1)
    shift = start.year - agreement.start_date.year
    conditions = []
    for c in old["conditions"]:
        first = int(c["first_academic_year"][:4]) + shift
        last = int(c["last_academic_year"][:4]) + shift
        conditions.append(
            {
                **c,
                "first_academic_year": f"{first}/{(first + 1) % 100:02d}",
                "last_academic_year": f"{last}/{(last + 1) % 100:02d}",
            }
        )
    terms = clean_terms(
        {
            **old,
            "title": renewal_title(old["title"], start=start, end=start + length),
            "start_date": start,
            "end_date": start + length,
            "conditions": conditions,
        }
    )
    renewal = Agreement(
        department_id=agreement.department_id,
        created_by=agreement.created_by,
        renewal_of=agreement,
        title=terms["title"],
        type=terms["type"],
        partner_id=terms["partner"],
        partner_unit_id=terms["partner_unit"],
        start_date=date.fromisoformat(terms["start_date"]),
        end_date=date.fromisoformat(terms["end_date"]),
        our_signatory_name=agreement.our_signatory_name,
        our_signatory_position=agreement.our_signatory_position,
        partner_signatory_name=agreement.partner_signatory_name,
        partner_signatory_position=agreement.partner_signatory_position,
        partner_signatory_email=agreement.partner_signatory_email,
    )
    try:
        with transaction.atomic():
            renewal.save()
    except IntegrityError:
        return None  # a concurrent sweep started it first (renewal_of is one-to-one)
    _apply_terms(agreement=renewal, terms=terms, actor=agreement.created_by)
    agreement_event_record(
        agreement=renewal, action=AgreementEvent.Action.CREATED, step="draft", data={"renewal_of": agreement.pk}
    )
    agreement_event_record(
        agreement=agreement,
        action=AgreementEvent.Action.RENEWAL_STARTED,
        status_before=agreement.status,
        data={"renewal": renewal.pk},
    )
    return renewal


def agreements_expiry_sweep(*, today: date | None = None, window_days: int | None = None) -> dict[str, int]:
    """Mark active agreements ending within the window as expiring (starting their renewal) and past
    ones as expired. Idempotent: each agreement is handled in its own locked transaction."""
    today = today or timezone.localdate()
    window = settings.AGREEMENT_EXPIRY_WINDOW_DAYS if window_days is None else window_days
    counts = {"expiring": 0, "renewals": 0, "expired": 0}
    candidates = Agreement.objects.filter(
        status__in=[AgreementStatus.ACTIVE, AgreementStatus.EXPIRING], end_date__lte=today + timedelta(days=window)
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            agreement = Agreement.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=pk)
            before = agreement.status
            if agreement.end_date < today:
                if before in (AgreementStatus.ACTIVE, AgreementStatus.EXPIRING):
                    agreement.status = AgreementStatus.EXPIRED
                    agreement.save(update_fields=["status", "updated_at"])
                    agreement_event_record(
                        agreement=agreement, action=AgreementEvent.Action.EXPIRED, status_before=before
                    )
                    agreement_expiry_notify(agreement=agreement, expired=True)
                    counts["expired"] += 1
                continue
            if before == AgreementStatus.ACTIVE:
                agreement.status = AgreementStatus.EXPIRING
                agreement.save(update_fields=["status", "updated_at"])
                agreement_event_record(
                    agreement=agreement,
                    action=AgreementEvent.Action.EXPIRING,
                    status_before=before,
                    data={"end_date": agreement.end_date.isoformat()},
                )
                agreement_expiry_notify(agreement=agreement, expired=False)
                counts["expiring"] += 1
            if agreement_start_renewal(agreement=agreement) is not None:
                counts["renewals"] += 1
    return counts


def outgoing_quota_for(*, partner_id: int, academic_year: str, category: str) -> AgreementQuota | None:
    """The outgoing quota a call's places at a partner come from: the place-offering agreement ending last."""
    return (
        AgreementQuota.objects.filter(
            agreement__partner_id=partner_id,
            agreement__status__in=[AgreementStatus.ACTIVE, AgreementStatus.EXPIRING],
            academic_year=academic_year,
            direction=Direction.OUTGOING,
            category=category,
        )
        .order_by("-agreement__end_date", "-pk")
        .first()
    )
