"""Writes of nominations and grants: nominating a partner's participants (their grants computed and frozen, the
letter scheduled, each application's line and status), sending the letter to the partner's contacts once each, and
keeping the rate tables (each change an audit line)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Application, ApplicationStatus, Audience, Call, CallPlace, CaseEvent
from applications.services import case_event_record
from core.changes import field_changes
from core.effects import on_commit_delay
from core.errors import ErrorCode, field_error
from documents.services import letter_schedule
from grants import computation
from grants.emails import nomination_email_text
from grants.models import (
    CountryGroupMember,
    Grant,
    Nomination,
    NominationEmail,
    NominationEvent,
    Rate,
    RateTable,
    RateTableEvent,
)
from grants.permissions import can_manage_rates, can_nominate
from grants.selectors import candidates_by_place
from partners.models import PartnerContact

NOMINATION_LETTER = "nomination_letter"  # the purpose of the nomination letter (grants/letters.py builds it)


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


# --- grants ---------------------------------------------------------------------------------------------------


def grant_compute(*, application: Application, place: CallPlace, green_travel: bool = False) -> Grant | None:
    """The grant of an application about to be nominated (unsaved), from the rate table of its call's programme and
    year; None when that programme has no table that year. A table without the partner's country group, or an
    application without its period, is an error: the office fixes it before nominating."""
    call = application.call
    table = RateTable.objects.filter(programme=call.programme, academic_year=call.academic_year).first()
    if table is None:
        return None
    if application.period_start is None or application.period_end is None:
        raise field_error(
            "applications",
            _("Application #%(id)s has no mobility period, so its grant cannot be computed.") % {"id": application.pk},
            ErrorCode.GRANT_PERIOD_MISSING,
        )
    country = place.partner.country
    member = CountryGroupMember.objects.select_related("group").filter(country=country).first()
    rate = Rate.objects.filter(table=table, group=member.group).first() if member else None
    if rate is None:
        raise field_error(
            "partner",
            _("The rate table %(table)s has no rate for %(country)s.") % {"table": table, "country": country},
            ErrorCode.GRANT_NO_RATE,
        )
    assert member is not None
    bonus = getattr(application, "selection_bonus", None)
    fewer_opportunities = bool(bonus and bonus.fewer_opportunities)
    if call.audience == Audience.STAFF:
        figures = computation.staff_grant(
            start=application.period_start,
            end=application.period_end,
            daily=rate.staff_daily,
            green_travel_amount=table.green_travel_amount,
            green_travel=green_travel,
        )
        fewer_opportunities = False
    else:
        figures = computation.student_grant(
            start=application.period_start,
            end=application.period_end,
            monthly=rate.student_monthly,
            fewer_opportunities_monthly=table.fewer_opportunities_monthly,
            green_travel_amount=table.green_travel_amount,
            fewer_opportunities=fewer_opportunities,
            green_travel=green_travel,
        )
    return Grant(
        application=application,
        rate_table=table,
        currency=table.currency,
        country_group=member.group.code,
        unit=figures.unit,
        rate=figures.rate,
        months=figures.months,
        days=figures.days,
        base_amount=figures.base_amount,
        fewer_opportunities=fewer_opportunities,
        fewer_opportunities_amount=figures.fewer_opportunities_amount,
        green_travel=green_travel,
        green_travel_amount=figures.green_travel_amount,
        total=figures.total,
        rates_used={
            "table": table.pk,
            "programme": table.programme,
            "academic_year": table.academic_year,
            "country": country,
            "group": member.group.code,
            "student_monthly": str(rate.student_monthly),
            "staff_daily": str(rate.staff_daily),
            "fewer_opportunities_monthly": str(table.fewer_opportunities_monthly),
            "green_travel_amount": str(table.green_travel_amount),
            "currency": table.currency,
        },
    )


# --- nominations ----------------------------------------------------------------------------------------------


@transaction.atomic
def nomination_create(
    *, call: Call, partner_id: int | str, actor: User, green_travel: Iterable[int] = ()
) -> tuple[Nomination, bool]:
    """Nominate the call's participants ready for this partner: their grants computed and frozen, each application
    NOMINATED with its line, the nomination's line, and its letter scheduled (which, once issued, is emailed to the
    partner's contacts). A nominated application is no longer ready, so nominating again with nobody new returns
    the partner's last nomination unchanged; someone who accepted since is nominated in a new one. Returns
    (nomination, created)."""
    if not can_nominate(actor, call):
        raise PermissionDenied(_("Only whoever manages the call nominates its participants."))
    try:
        place = CallPlace.objects.select_related("partner").filter(call=call, partner_id=int(partner_id)).first()
    except (TypeError, ValueError):
        place = None
    if place is None:
        raise field_error("partner", _("This partner offers no place in the call."), ErrorCode.DOES_NOT_EXIST)
    # The call's row lock makes two nominations of one call at once wait for each other; the second then finds
    # the applications nominated by the first no longer ready.
    Call.objects.select_for_update().filter(pk=call.pk).first()
    ids = [a.pk for a in candidates_by_place(call=call).get(place.pk, [])]
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant", "call")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if not applications:
        existing = Nomination.objects.filter(call=call, partner_id=place.partner_id).order_by("-pk").first()
        if existing is not None:
            return existing, False
        raise field_error(
            "partner", _("Nobody is ready to be nominated to this partner yet."), ErrorCode.NOMINATION_EMPTY
        )
    green = set(green_travel)
    nomination = Nomination.objects.create(call=call, partner=place.partner, nominated_by=actor)
    participants = []
    for application in applications:
        grant = grant_compute(application=application, place=place, green_travel=application.pk in green)
        if grant is not None:
            grant.nomination = nomination
            grant.save()
        status_before = application.status
        application.status = ApplicationStatus.NOMINATED
        application.save(update_fields=["status", "updated_at"])
        data: dict[str, Any] = {"nomination": nomination.pk, "partner": place.partner.name, "place_id": place.pk}
        if grant is not None:
            data["grant"] = {"total": str(grant.total), "currency": grant.currency}
        case_event_record(
            application=application,
            action=CaseEvent.Action.NOMINATED,
            actor=actor,
            step="nomination",
            status_before=status_before,
            data=data,
        )
        participants.append({"application": application.pk, "name": _name(application.applicant)})
    NominationEvent.objects.create(
        nomination=nomination,
        actor=actor,
        action=NominationEvent.Action.NOMINATED,
        data={"participants": participants},
    )
    letter_schedule(case=nomination, purpose=NOMINATION_LETTER)
    return nomination, True


def nomination_letter_recorded(*, nomination: Nomination, letter: Any) -> None:
    """The letter is issued (inside the transaction storing it): the line, then the emails after commit."""
    from grants.tasks import nomination_emails_send_task

    document = letter.document
    NominationEvent.objects.create(
        nomination=nomination,
        action=NominationEvent.Action.LETTER_ISSUED,
        data={"document_id": document.pk, "sha256": document.sha256, "letter_number": letter.number},
    )
    on_commit_delay(nomination_emails_send_task, nomination.pk)


def _letter_document(nomination: Nomination) -> Any:
    from documents.models import Letter

    letter = (
        Letter.objects.select_related("document")
        .filter(case_id=nomination.pk, purpose=NOMINATION_LETTER, case_type__model="nomination")
        .first()
    )
    return letter


def nomination_emails_send(*, nomination_id: int) -> int:
    """Email the nomination letter to each contact of the partner with an address, once per contact: a row is
    taken per address and marked sent in the transaction that sends, so a second run (a retry, a duplicate
    message) sends nothing again. Returns how many were sent now."""
    nomination = Nomination.objects.select_related("partner", "call").filter(pk=nomination_id).first()
    if nomination is None:
        return 0
    letter = _letter_document(nomination)
    if letter is None:
        return 0
    contacts = PartnerContact.objects.filter(partner=nomination.partner).exclude(email="").order_by("pk")
    NominationEmail.objects.bulk_create(
        [NominationEmail(nomination=nomination, contact=c, email=c.email.lower()) for c in contacts],
        ignore_conflicts=True,
    )
    sent = 0
    pending = NominationEmail.objects.filter(nomination=nomination, sent_at__isnull=True).values_list("pk", flat=True)
    for email_id in list(pending):
        with transaction.atomic():
            row = (
                NominationEmail.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=email_id, sent_at__isnull=True)
                .select_related("contact")
                .first()
            )
            if row is None:
                continue  # sent meanwhile, or another worker is sending it
            _send_letter(nomination=nomination, letter=letter, to=row.email, contact=row.contact)
            row.sent_at = timezone.now()
            row.save(update_fields=["sent_at"])
            NominationEvent.objects.create(
                nomination=nomination,
                action=NominationEvent.Action.EMAILED,
                data={"email": row.email, "contact": row.contact.name if row.contact else "", "letter": letter.number},
            )
            sent += 1
    return sent


def _send_letter(*, nomination: Nomination, letter: Any, to: str, contact: PartnerContact | None) -> None:
    subject, body = nomination_email_text(nomination=nomination, letter=letter, contact=contact)
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    document = letter.document
    document.file.open("rb")
    try:
        message.attach(
            f"nomination-letter-{letter.number.replace('/', '-')}.pdf", document.file.read(), "application/pdf"
        )
    finally:
        document.file.close()
    message.send()


# --- rate tables ----------------------------------------------------------------------------------------------

TABLE_FIELDS = ("programme", "academic_year", "currency", "fewer_opportunities_monthly", "green_travel_amount")


def _table_snapshot(table: RateTable) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(table, name) for name in TABLE_FIELDS}
    for rate in table.rates.select_related("group").order_by("group__code"):
        values[f"{rate.group.code}: student_monthly"] = rate.student_monthly
        values[f"{rate.group.code}: staff_daily"] = rate.staff_daily
    return values


@transaction.atomic
def rate_table_save(
    *,
    actor: User,
    table: RateTable | None = None,
    values: Mapping[str, Any],
    rates: Mapping[int, tuple[Decimal, Decimal]],
) -> RateTable:
    """Create or change a rate table and its rows ({group id: (students per month, staff per day)}); a group left
    out keeps its row. Grants already computed keep the values they were computed with."""
    if not can_manage_rates(actor):
        raise PermissionDenied(_("Only the prorector's office manages the grant rates."))
    created = table is None
    if table is None:
        table = RateTable()
        before: dict[str, Any] = {}
    else:
        table = RateTable.objects.select_for_update().get(pk=table.pk)
        before = _table_snapshot(table)
    for name in TABLE_FIELDS:
        if name in values:
            setattr(table, name, values[name])
    table.full_clean()
    table.save()
    for group_id, (monthly, daily) in rates.items():
        rate = Rate.objects.filter(table=table, group_id=group_id).first() or Rate(table=table, group_id=group_id)
        rate.student_monthly, rate.staff_daily = monthly, daily
        rate.full_clean()
        rate.save()
    after = _table_snapshot(table)
    changes = field_changes(before, after) if not created else {}
    if created or changes:
        RateTableEvent.objects.create(
            table=table,
            actor=actor,
            action=RateTableEvent.Action.CREATED if created else RateTableEvent.Action.UPDATED,
            data={"changes": changes} if changes else {k: str(v) for k, v in after.items()},
        )
    return table
