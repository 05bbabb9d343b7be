"""Writes of incoming mobility: partner invitations (made, emailed with a fresh link, revoked; every use on their
timeline), nominations against an agreement's incoming quota (with the nominee's account and application), the
nominee's invitation and first sign-in, the application's edits, submission checks and timeline, acceptance (one
place of the incoming quota, the letters, the migration-advice case), rejection, the emails with their send-once
rows, and the retention sweep that erases personal data after departure.

Links carry a random token; only its SHA-256 is stored, and a token is made in the transaction that sends its
email (so it exists nowhere else, and a new email makes the previous link stop working)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agreements.models import PLACE_OFFERING_STATUSES, Agreement, AgreementQuota, Direction, MobilityCategory
from core.effects import on_commit_call, on_commit_delay
from core.errors import (
    ApplicationAlreadySubmitted,
    ApplicationNotEditable,
    ErrorCode,
    NoPlaceLeft,
    field_error,
)
from documents.models import Document, DocumentKind, DocumentStatus, Letter
from documents.services import case_documents, letter_schedule
from incoming.models import (
    ACCEPTANCE_LETTER,
    EDITABLE_STATUSES,
    LIVE_STATUSES,
    VISA_INVITATION_LETTER,
    IncomingApplication,
    IncomingEmail,
    IncomingEvent,
    IncomingStatus,
    Level,
    Nomination,
    PartnerInvitation,
    PartnerInvitationEvent,
)
from incoming.permissions import PERSONAL_DOCUMENT_KINDS, can_edit_incoming, can_manage_invitations
from notifications.models import NotificationKind
from notifications.services import notify

logger = logging.getLogger(__name__)


# What the nominee uploads: students all four, staff the passport and photo (and may add the others).
UPLOAD_KINDS = (
    DocumentKind.PASSPORT_COPY,
    DocumentKind.TRANSCRIPT,
    DocumentKind.LANGUAGE_CERTIFICATE,
    DocumentKind.PHOTO,
    DocumentKind.OTHER,
)
REQUIRED_STUDENT_DOCUMENTS = (
    DocumentKind.PASSPORT_COPY,
    DocumentKind.TRANSCRIPT,
    DocumentKind.LANGUAGE_CERTIFICATE,
    DocumentKind.PHOTO,
)
REQUIRED_STAFF_DOCUMENTS = (DocumentKind.PASSPORT_COPY, DocumentKind.PHOTO)
# The fields a nominee fills in; the personal ones are never written to the timeline (only their names).
APPLICATION_FIELDS = (
    "date_of_birth",
    "nationality",
    "passport_number",
    "passport_expires_on",
    "home_programme",
    "period_start",
    "period_end",
    "intended_courses",
    "language_level",
    "accommodation_needed",
    "arrival_date",
    "departure_date",
    "needs_visa",
)
PERSONAL_FIELDS = ("date_of_birth", "passport_number", "passport_expires_on")
REQUIRED_FIELDS = (
    "date_of_birth",
    "nationality",
    "passport_number",
    "passport_expires_on",
    "home_programme",
    "period_start",
    "period_end",
    "arrival_date",
    "departure_date",
)


# --- tokens ---------------------------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


# --- timelines --------------------------------------------------------------------------------------------------


def invitation_event_record(
    *,
    invitation: PartnerInvitation,
    action: str,
    actor: User | None = None,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> PartnerInvitationEvent:
    return PartnerInvitationEvent.objects.create(
        invitation=invitation, action=action, actor=actor, comment=comment, data=data or {}
    )


def incoming_event_record(
    *,
    case: IncomingApplication,
    action: str,
    actor: User | None = None,
    step: str = "",
    comment: str = "",
    status_before: str = "",
    status_after: str | None = None,
    data: dict[str, Any] | None = None,
) -> IncomingEvent:
    """Append one line to an incoming application's timeline (the caller is inside its transaction)."""
    return IncomingEvent.objects.create(
        application=case,
        action=action,
        actor=actor,
        step=step,
        comment=comment,
        status_before=status_before,
        status_after=case.status if status_after is None else status_after,
        data=data or {},
    )


# --- partner invitations ----------------------------------------------------------------------------------------


def incoming_quota(*, agreement_id: int, academic_year: str, category: str) -> AgreementQuota | None:
    return AgreementQuota.objects.filter(
        agreement_id=agreement_id, academic_year=academic_year, direction=Direction.INCOMING, category=category
    ).first()


def invitation_create(
    *,
    actor: User,
    agreement: Agreement,
    academic_year: str,
    coordinator_email: str,
    coordinator_name: str = "",
    expires_on: date,
    fall_deadline: date,
    spring_deadline: date | None = None,
) -> PartnerInvitation:
    """Invite a partner's coordinator to nominate for one agreement and academic year; the link is emailed after
    commit. Errors: PermissionDenied; ValidationError by field (agreement not in force, no incoming quota that
    year, dates)."""
    if not can_manage_invitations(actor, agreement):
        raise PermissionDenied(_("Only the office or the agreement's department's coordinators invite its partner."))
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.status not in PLACE_OFFERING_STATUSES:
            raise field_error("agreement", _("The agreement is not in force."), ErrorCode.AGREEMENT_NOT_IN_FORCE)
        if not AgreementQuota.objects.filter(
            agreement=agreement, academic_year=academic_year, direction=Direction.INCOMING, places__gt=0
        ).exists():
            raise field_error(
                "academic_year",
                _("The agreement has no incoming places in %(year)s.") % {"year": academic_year},
                ErrorCode.INVALID_CHOICE,
            )
        today = timezone.localdate()
        if expires_on <= today:
            raise field_error("expires_on", _("Choose a day after today."), ErrorCode.OUT_OF_RANGE)
        if fall_deadline < today:
            raise field_error("fall_deadline", _("The deadline cannot be in the past."), ErrorCode.OUT_OF_RANGE)
        invitation = PartnerInvitation(
            agreement=agreement,
            academic_year=academic_year,
            coordinator_email=(coordinator_email or "").strip().lower(),
            coordinator_name=(coordinator_name or "").strip(),
            expires_at=timezone.make_aware(datetime.combine(expires_on, time(23, 59, 59))),
            fall_deadline=fall_deadline,
            spring_deadline=spring_deadline,
            created_by=actor,
        )
        invitation.full_clean()
        invitation.save()
        invitation_event_record(
            invitation=invitation,
            action=PartnerInvitationEvent.Action.CREATED,
            actor=actor,
            data={"email": invitation.coordinator_email, "expires_on": expires_on.isoformat()},
        )
        _email_queue(
            purpose=IncomingEmail.Purpose.PARTNER_INVITATION,
            subject_key=f"invitation:{invitation.pk}",
            email=invitation.coordinator_email,
        )
    return invitation


def invitation_resend(*, actor: User, invitation: PartnerInvitation) -> PartnerInvitation:
    """Email the partner's coordinator a new link (the old one stops working when it is sent)."""
    if not can_manage_invitations(actor, invitation.agreement):
        raise PermissionDenied(_("Only the office or the agreement's department's coordinators invite its partner."))
    with transaction.atomic():
        invitation = PartnerInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.revoked_at is not None or invitation.expires_at <= timezone.now():
            raise field_error("invitation", _("This invitation is revoked or expired."), ErrorCode.INVALID)
        _email_queue(
            purpose=IncomingEmail.Purpose.PARTNER_INVITATION,
            subject_key=f"invitation:{invitation.pk}",
            email=invitation.coordinator_email,
        )
    return invitation


def invitation_revoke(*, actor: User, invitation: PartnerInvitation, reason: str = "") -> PartnerInvitation:
    """The link stops working at once (its page answers 404); the nominations made through it stay."""
    if not can_manage_invitations(actor, invitation.agreement):
        raise PermissionDenied(_("Only the office or the agreement's department's coordinators invite its partner."))
    with transaction.atomic():
        invitation = PartnerInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.revoked_by = actor
            invitation.save(update_fields=["revoked_at", "revoked_by"])
            invitation_event_record(
                invitation=invitation, action=PartnerInvitationEvent.Action.REVOKED, actor=actor, comment=reason
            )
    return invitation


def invitation_by_token(token: str) -> PartnerInvitation:
    """The invitation a link opens: usable (not expired, not revoked) or Http404, the same for every other case."""
    if not token:
        raise Http404(_("This link does not work (any more)."))
    invitation = (
        PartnerInvitation.objects.select_related("agreement__partner", "agreement__department")
        .filter(token_hash=token_digest(token))
        .first()
    )
    if invitation is None or not invitation.is_usable:
        raise Http404(_("This link does not work (any more)."))
    return invitation


def invitation_opened(*, invitation: PartnerInvitation, via: str = "page") -> None:
    """Every use of a link goes on its timeline."""
    invitation_event_record(invitation=invitation, action=PartnerInvitationEvent.Action.OPENED, data={"via": via})


# --- nominations ------------------------------------------------------------------------------------------------


def _nominee_account(*, email: str, first_name: str, last_name: str) -> User:
    """The account the nominee signs in with later: the one with this email, or a new one without a password
    (they set it through their invitation link)."""
    existing = User.objects.filter(email__iexact=email).order_by("pk").first()
    if existing is not None:
        return existing
    username = email[:150]
    if User.objects.filter(username__iexact=username).exists():
        username = f"{email[:140]}-{secrets.token_hex(3)}"
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.save()
    return user


def _live_nominations(*, agreement_id: int, academic_year: str, category: str) -> int:
    return Nomination.objects.filter(
        agreement_id=agreement_id,
        academic_year=academic_year,
        category=category,
        application__status__in=LIVE_STATUSES,
    ).count()


def nomination_create(
    *,
    invitation: PartnerInvitation,
    first_name: str,
    last_name: str,
    email: str,
    level: str,
    category: str,
    term: str,
) -> Nomination:
    """A partner's coordinator nominates someone through their link: against the incoming quota of the agreement,
    year and category (no more live nominees than places), once per email and year. Makes (or links) the nominee's
    account and their draft application, and emails them their invitation after commit.

    Errors: Http404 (the link expired or was revoked meanwhile); ValidationError by field."""
    email = (email or "").strip().lower()
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    for name, value in (("first_name", first_name), ("last_name", last_name), ("email", email)):
        if not value:
            errors.setdefault(name, []).append(ValidationError(_("This field is required."), code=ErrorCode.REQUIRED))
    if category not in MobilityCategory.values:
        errors.setdefault("category", []).append(
            ValidationError(_("Choose a category."), code=ErrorCode.INVALID_CHOICE)
        )
    if level not in Level.values:
        errors.setdefault("level", []).append(ValidationError(_("Choose a level."), code=ErrorCode.INVALID_CHOICE))
    elif category in MobilityCategory.values and (level == Level.STAFF) == MobilityCategory.for_students(category):
        errors.setdefault("level", []).append(
            ValidationError(_("The level does not match the category (student or staff)."), code=ErrorCode.INVALID)
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        invitation = PartnerInvitation.objects.select_for_update().select_related("agreement").get(pk=invitation.pk)
        if not invitation.is_usable:
            raise Http404(_("This link does not work (any more)."))
        agreement = invitation.agreement
        # The quota row is the lock every nomination and acceptance of this year and category takes, so the count
        # of live nominees below cannot be overtaken by a concurrent nomination.
        quota = (
            AgreementQuota.objects.select_for_update()
            .filter(
                agreement=agreement,
                academic_year=invitation.academic_year,
                direction=Direction.INCOMING,
                category=category,
            )
            .first()
        )
        if quota is None or quota.places == 0:
            raise field_error(
                "category", _("The agreement has no incoming places for this category."), ErrorCode.INVALID_CHOICE
            )
        if _live_nominations(agreement_id=agreement.pk, academic_year=invitation.academic_year, category=category) >= (
            quota.places
        ):
            raise field_error(
                "category",
                _("All %(places)s places of this category are nominated.") % {"places": quota.places},
                ErrorCode.TOO_MANY,
            )
        if Nomination.objects.filter(agreement=agreement, academic_year=invitation.academic_year, email=email).exists():
            raise field_error(
                "email", _("This person is already nominated for this year."), ErrorCode.DUPLICATE_APPLICATION
            )
        nominee = _nominee_account(email=email, first_name=first_name, last_name=last_name)
        nomination = Nomination(
            invitation=invitation,
            agreement=agreement,
            academic_year=invitation.academic_year,
            first_name=first_name,
            last_name=last_name,
            email=email,
            level=level,
            category=category,
            term=term,
            nominee=nominee,
        )
        nomination.full_clean(exclude=["invite_token_hash"])
        nomination.save()
        application = IncomingApplication.objects.create(
            nomination=nomination, applicant=nominee, department=agreement.department
        )
        incoming_event_record(
            case=application,
            action=IncomingEvent.Action.NOMINATED,
            step="partner",
            data={"invitation": invitation.pk, "by": invitation.coordinator_email},
        )
        invitation_event_record(
            invitation=invitation,
            action=PartnerInvitationEvent.Action.NOMINATED,
            data={"nomination": nomination.pk, "email": email, "category": category},
        )
        _email_queue(
            purpose=IncomingEmail.Purpose.NOMINEE_INVITATION, subject_key=f"nomination:{nomination.pk}", email=email
        )
    return nomination


def nominee_invite_again(*, actor: User, application: IncomingApplication) -> None:
    """The office sends the nominee a new invitation link (the previous one stops working)."""
    if not can_manage_invitations(actor, application.nomination.agreement):
        raise PermissionDenied(_("Only the office or the department's coordinators invite nominees."))
    with transaction.atomic():
        _email_queue(
            purpose=IncomingEmail.Purpose.NOMINEE_INVITATION,
            subject_key=f"nomination:{application.nomination_id}",
            email=application.nomination.email,
        )


def nomination_withdraw(*, actor: User, application: IncomingApplication, reason: str) -> IncomingApplication:
    """The office withdraws a nomination that was never submitted (a mistake, the nominee does not come): its place
    in the count of nominations is free again, the nominee's link stops working. Errors: PermissionDenied,
    ApplicationAlreadySubmitted (409), ValidationError (no reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Give the reason for the withdrawal."), ErrorCode.REASON_REQUIRED)
    if not can_manage_invitations(actor, application.nomination.agreement):
        raise PermissionDenied(_("Only the office or the department's coordinators withdraw nominations."))
    with transaction.atomic():
        application = IncomingApplication.objects.select_for_update().get(pk=application.pk)
        if application.status != IncomingStatus.DRAFT:
            raise ApplicationAlreadySubmitted()
        status_before = application.status
        application.status = IncomingStatus.WITHDRAWN
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at", "updated_at"])
        Nomination.objects.filter(pk=application.nomination_id).update(invite_token_hash="")
        incoming_event_record(
            case=application,
            action=IncomingEvent.Action.WITHDRAWN,
            actor=actor,
            step=status_before,
            comment=reason,
            status_before=status_before,
        )
    return application


def nomination_by_invite_token(token: str) -> Nomination:
    """The nomination a nominee's link opens, while it works; Http404 otherwise."""
    nomination = (
        Nomination.objects.select_related("nominee", "application")
        .filter(invite_token_hash=token_digest(token))
        .first()
        if token
        else None
    )
    if nomination is None or nomination.invite_expires_at is None or nomination.invite_expires_at <= timezone.now():
        raise Http404(_("This link does not work (any more)."))
    return nomination


@transaction.atomic
def nominee_activate(*, token: str, password: str) -> User:
    """The nominee sets their password through their link (once: the link stops working); returns the account."""
    nomination = nomination_by_invite_token(token)
    nomination = Nomination.objects.select_for_update().select_related("nominee").get(pk=nomination.pk)
    if nomination.invite_token_hash != token_digest(token):
        raise Http404(_("This link does not work (any more)."))
    user = nomination.nominee
    user.set_password(password)
    user.save(update_fields=["password"])
    nomination.invite_token_hash = ""
    nomination.save(update_fields=["invite_token_hash"])
    application = nomination.application
    incoming_event_record(case=application, action=IncomingEvent.Action.ACCOUNT_ACTIVATED, actor=user, step="draft")
    return user


# --- the application --------------------------------------------------------------------------------------------


def incoming_update(*, application: IncomingApplication, actor: User, **fields: Any) -> IncomingApplication:
    """The nominee changes their draft (or an application sent back to them). Errors: PermissionDenied,
    ApplicationNotEditable (409), ValidationError by field."""
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise field_error(sorted(unknown)[0], _("This field cannot be set here."), ErrorCode.FIELD_NOT_SETTABLE)
    with transaction.atomic():
        application = (
            IncomingApplication.objects.select_for_update().select_related("nomination").get(pk=application.pk)
        )
        if application.applicant_id != actor.pk:
            raise PermissionDenied(_("Only the nominee completes their application."))
        if not can_edit_incoming(actor, application):
            raise ApplicationNotEditable()
        changed = []
        for name, value in fields.items():
            if name == "nationality" and isinstance(value, str):
                value = value.strip().upper()
            if getattr(application, name) != value:
                setattr(application, name, value)
                changed.append(name)
        if not changed:
            return application
        _check_dates(application)
        application.full_clean(exclude=["nomination", "applicant", "department", "quota"])
        application.save(update_fields=[*changed, "updated_at"])
        incoming_event_record(
            case=application,
            action=IncomingEvent.Action.UPDATED,
            actor=actor,
            step=application.status,
            status_before=application.status,
            # Field names only: the timeline never holds the passport number or other personal values.
            data={"fields": changed},
        )
    return application


def _check_dates(application: IncomingApplication) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if application.period_start and application.period_end and application.period_end < application.period_start:
        errors["period_end"] = [ValidationError(_("The mobility cannot end before it starts."), ErrorCode.PERIOD_ORDER)]
    if (
        application.arrival_date
        and application.departure_date
        and application.departure_date < application.arrival_date
    ):
        errors["departure_date"] = [ValidationError(_("Departure cannot come before arrival."), ErrorCode.PERIOD_ORDER)]
    if errors:
        raise ValidationError(errors)


def incoming_attach_check(actor: User, application: IncomingApplication) -> None:
    """Documents: only the nominee, only while it is theirs to change (the kernel's upload service asks this)."""
    if application.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the nominee adds documents to their application."))
    if application.status not in EDITABLE_STATUSES:
        raise ApplicationNotEditable()


def incoming_deadline(application: IncomingApplication) -> date:
    nomination = application.nomination
    deadline: date = nomination.invitation.deadline_for(nomination.term)
    return deadline


def incoming_submit(*, application: IncomingApplication, actor: User) -> IncomingApplication:
    """The domain part of submitting (workflows.services.case_submit starts the flow): the nominee's own, in time
    (the partner's deadline for the term), complete (fields and documents), each failure under its field."""
    application = (
        IncomingApplication.objects.select_for_update(of=("self",))
        .select_related("nomination__invitation")
        .get(pk=application.pk)
    )
    if application.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the nominee submits their application."))
    if application.status not in EDITABLE_STATUSES:
        raise ApplicationAlreadySubmitted()
    errors: dict[str, list[ValidationError]] = {}
    deadline = incoming_deadline(application)
    if timezone.localdate() > deadline:
        errors["deadline"] = [
            ValidationError(
                _("Applications closed on %(day)s.") % {"day": deadline.isoformat()}, code=ErrorCode.CALL_CLOSED
            )
        ]
    for name in REQUIRED_FIELDS:
        if getattr(application, name) in (None, ""):
            errors.setdefault(name, []).append(ValidationError(_("This field is required."), code=ErrorCode.REQUIRED))
    nomination = application.nomination
    if nomination.is_student and not application.language_level:
        errors["language_level"] = [ValidationError(_("This field is required."), code=ErrorCode.REQUIRED)]
    if (
        application.passport_expires_on
        and application.departure_date
        and application.passport_expires_on < application.departure_date
    ):
        errors["passport_expires_on"] = [
            ValidationError(_("The passport must be valid until your departure."), code=ErrorCode.INVALID)
        ]
    required = REQUIRED_STUDENT_DOCUMENTS if nomination.is_student else REQUIRED_STAFF_DOCUMENTS
    present = {d.kind: d for d in case_documents(application).order_by("kind", "-version")}
    for kind in required:
        document = present.get(kind)
        if document is None:
            errors.setdefault("documents", []).append(
                ValidationError(
                    _("Upload your %(kind)s.") % {"kind": DocumentKind(kind).label.lower()},
                    code=ErrorCode.DOCUMENT_MISSING,
                )
            )
        elif document.status == DocumentStatus.REJECTED:
            errors.setdefault("documents", []).append(
                ValidationError(
                    _("Your %(kind)s was rejected; upload it again.") % {"kind": DocumentKind(kind).label.lower()},
                    code=ErrorCode.DOCUMENT_REJECTED,
                )
            )
    if errors:
        raise ValidationError(errors)
    application.submitted_at = timezone.now()
    application.save(update_fields=["submitted_at", "updated_at"])
    return application


def _title(application: IncomingApplication) -> str:
    nomination = application.nomination
    return f"{nomination.agreement.partner.name} — {nomination.academic_year}"


def incoming_submitted_record(
    *, case: IncomingApplication, actor: User, status_before: str, resubmitted: bool
) -> IncomingEvent:
    action = IncomingEvent.Action.RESUBMITTED if resubmitted else IncomingEvent.Action.SUBMITTED
    event = incoming_event_record(case=case, action=action, actor=actor, step="applicant", status_before=status_before)
    incoming_event_notify(event=event)
    return event


def incoming_event_notify(*, event: IncomingEvent) -> None:
    """Tell the nominee what happened to their application (through the notifications outbox)."""
    application = event.application
    kinds: dict[str, str] = {
        IncomingEvent.Action.SUBMITTED: NotificationKind.APPLICATION_SUBMITTED,
        IncomingEvent.Action.RESUBMITTED: NotificationKind.APPLICATION_SUBMITTED,
        IncomingEvent.Action.CHANGES_REQUESTED: NotificationKind.CHANGES_REQUESTED,
        IncomingEvent.Action.REJECTED: NotificationKind.REJECTED,
    }
    kind = kinds.get(event.action)
    if event.action == IncomingEvent.Action.APPROVED and application.status == IncomingStatus.ACCEPTED:
        kind = NotificationKind.APPROVED
    if kind is None:
        return

    def context() -> dict[str, Any]:
        return {
            "number": application.pk,
            "call": _title(application),
            "resubmitted": event.action == IncomingEvent.Action.RESUBMITTED,
            "step": str(IncomingStatus(event.step).label) if event.step in IncomingStatus.values else "",
            "comment": event.comment,
            "partner": "",
            "status": str(IncomingStatus(application.status).label),
        }

    notify(
        recipients=[application.applicant],
        kind=kind,
        event=f"incoming-event:{event.pk}",
        link=application.get_absolute_url(),
        context=context,
    )


# --- acceptance and rejection (the flow's final nodes, inside the deciding transaction) -------------------------


def incoming_quota_take_rollback_unsafe(*, application: IncomingApplication) -> AgreementQuota:
    """Take one place of the application's incoming quota inside the caller's transaction: the quota row is locked
    (SELECT … FOR UPDATE), so two acceptances at once queue and the second sees the first's place taken; none left
    (or the agreement no longer in force) → NoPlaceLeft and the caller's whole decision rolls back. The CHECK
    constraint used <= places is the last guard."""
    nomination = application.nomination
    quota = (
        AgreementQuota.objects.select_for_update()
        .select_related("agreement")
        .filter(
            agreement_id=nomination.agreement_id,
            academic_year=nomination.academic_year,
            direction=Direction.INCOMING,
            category=nomination.category,
        )
        .first()
    )
    if quota is None or quota.agreement.status not in PLACE_OFFERING_STATUSES or quota.used >= quota.places:
        raise NoPlaceLeft(_("No place is left in the agreement's incoming quota for this year and category."))
    AgreementQuota.objects.filter(pk=quota.pk, used__lt=F("places")).update(used=F("used") + 1)
    quota.used += 1
    return quota


def incoming_accept(*, application: IncomingApplication) -> None:
    """The IRO's approval: a place of the incoming quota, status accepted, the letters scheduled (acceptance, and
    the visa invitation when a visa is needed) and the migration-advice case opened. Runs inside the decision's
    transaction; NoPlaceLeft rolls all of it back."""
    # `application` is the flow's own object (the kernel reads its status afterwards): change it, not a copy.
    quota = incoming_quota_take_rollback_unsafe(application=application)
    status_before = application.status
    application.status = IncomingStatus.ACCEPTED
    application.quota = quota
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "quota", "decided_at", "updated_at"])
    incoming_event_record(
        case=application,
        action=IncomingEvent.Action.PLACE_TAKEN,
        step=status_before,
        status_before=status_before,
        data={"quota": quota.pk, "used": quota.used, "places": quota.places},
    )
    letter_schedule(case=application, purpose=ACCEPTANCE_LETTER)
    if application.needs_visa:
        letter_schedule(case=application, purpose=VISA_INVITATION_LETTER)
    _migration_advice_open(application=application)


def _migration_advice_open(*, application: IncomingApplication) -> None:
    """Open the foreigner's migration-advice case (migration/, when installed) in the same transaction."""
    if not django_apps.is_installed("migration"):
        return
    from migration import services as migration_services

    actor = _decider(application) or application.applicant
    case = migration_services.advice_case_open(
        person=application.applicant,
        actor=actor,
        arrival_date=application.arrival_date,
        source="incoming",
        source_ref=str(application.pk),
        nationality=application.nationality,
    )
    incoming_event_record(
        case=application,
        action=IncomingEvent.Action.MIGRATION_OPENED,
        step=application.status,
        status_before=application.status,
        data={"advice_case": getattr(case, "pk", None)},
    )


def _decider(application: IncomingApplication) -> User | None:
    event = (
        application.events.filter(action=IncomingEvent.Action.APPROVED).select_related("actor").order_by("-pk").first()
    )
    return event.actor if event else None


def incoming_reject(*, application: IncomingApplication) -> None:
    application.status = IncomingStatus.REJECTED
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at", "updated_at"])


def incoming_after_decision(*, case: IncomingApplication, step: str, decision: str, event: IncomingEvent) -> None:
    incoming_event_notify(event=event)


# --- letters and emails -----------------------------------------------------------------------------------------


def incoming_letter_issued(application: IncomingApplication, letter: Letter) -> None:
    """A letter was stored: its line on the timeline, and the letters' email once every expected letter exists."""
    document = letter.document
    incoming_event_record(
        case=application,
        action=IncomingEvent.Action.LETTER_ISSUED,
        step=application.status,
        status_before=application.status,
        data={
            "kind": document.kind,
            "document_id": document.pk,
            "sha256": document.sha256,
            "letter_number": letter.number,
        },
    )
    if _letters_ready(application) is not None:
        nomination = application.nomination
        for address in dict.fromkeys([nomination.email, nomination.invitation.coordinator_email]):
            _email_queue(
                purpose=IncomingEmail.Purpose.LETTERS, subject_key=f"nomination:{nomination.pk}", email=address
            )


def _letters_ready(application: IncomingApplication) -> list[Letter] | None:
    """The acceptance letter and (when a visa is needed) the visa invitation, once both exist; else None."""
    purposes = [ACCEPTANCE_LETTER] + ([VISA_INVITATION_LETTER] if application.needs_visa else [])
    letters = list(
        Letter.objects.filter(
            case_type=ContentType.objects.get_for_model(IncomingApplication),
            case_id=application.pk,
            purpose__in=purposes,
        ).select_related("document")
    )
    if len(letters) < len(purposes):
        return None
    return sorted(letters, key=lambda letter: purposes.index(letter.purpose))


def _email_queue(*, purpose: str, subject_key: str, email: str) -> IncomingEmail:
    """A send-once row for this email; the worker sends it after commit. Invitations may be sent again (a new
    round, a new link); the letters go once per address."""
    if purpose == IncomingEmail.Purpose.LETTERS:
        row, _created = IncomingEmail.objects.get_or_create(
            purpose=purpose, subject_key=subject_key, email=email, round=1
        )
    else:
        last = (
            IncomingEmail.objects.filter(purpose=purpose, subject_key=subject_key)
            .order_by("-round")
            .values_list("round", flat=True)
            .first()
        )
        row = IncomingEmail.objects.create(purpose=purpose, subject_key=subject_key, email=email, round=(last or 0) + 1)
    from incoming.tasks import incoming_email_send_task

    on_commit_delay(incoming_email_send_task, row.pk)
    return row


def _link(name: str, token: str) -> str:
    return f"{settings.KORPU_SITE_URL}{reverse(name, args=[token])}"


def incoming_email_send(*, email_id: int) -> bool:
    """Send one queued email, once: the row is locked (SKIP LOCKED) and marked sent in the transaction that sends
    (a second run, a duplicate message, sends nothing). A link's token is made here, so it exists only in the email.
    Returns whether it was sent now."""
    from incoming import emails

    with transaction.atomic():
        row = (
            IncomingEmail.objects.select_for_update(skip_locked=True).filter(pk=email_id, sent_at__isnull=True).first()
        )
        if row is None:
            return False
        kind, _sep, pk = row.subject_key.partition(":")
        if row.purpose == IncomingEmail.Purpose.PARTNER_INVITATION:
            invitation = PartnerInvitation.objects.select_for_update().select_related("agreement__partner").get(pk=pk)
            if invitation.revoked_at is not None or invitation.expires_at <= timezone.now():
                return False
            token, digest = _new_token()
            invitation.token_hash = digest
            invitation.save(update_fields=["token_hash"])
            subject, body = emails.partner_invitation_text(invitation=invitation, link=_link("incoming:partner", token))
            EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.email]).send()
            invitation_event_record(
                invitation=invitation,
                action=PartnerInvitationEvent.Action.EMAILED,
                data={"email": row.email, "round": row.round},
            )
        elif row.purpose == IncomingEmail.Purpose.NOMINEE_INVITATION:
            nomination = (
                Nomination.objects.select_for_update().select_related("agreement__partner", "nominee").get(pk=pk)
            )
            token, digest = _new_token()
            nomination.invite_token_hash = digest
            nomination.invite_expires_at = timezone.now() + timedelta(days=settings.INCOMING_NOMINEE_LINK_DAYS)
            nomination.save(update_fields=["invite_token_hash", "invite_expires_at"])
            application = IncomingApplication.objects.get(nomination=nomination)
            subject, body = emails.nominee_invitation_text(
                nomination=nomination,
                link=_link("incoming:welcome", token),
                deadline=incoming_deadline(application),
                has_password=nomination.nominee.has_usable_password(),
            )
            EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.email]).send()
            incoming_event_record(
                case=application,
                action=IncomingEvent.Action.INVITED,
                step=application.status,
                status_before=application.status,
                data={"email": row.email, "round": row.round},
            )
        else:
            application = IncomingApplication.objects.select_related(
                "nomination__agreement__partner", "nomination__invitation"
            ).get(nomination_id=pk)
            letters = _letters_ready(application)
            if letters is None:
                return False
            subject, body = emails.letters_text(application=application, letters=letters)
            message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.email])
            for letter in letters:
                document = letter.document
                document.file.open("rb")
                try:
                    message.attach(
                        f"{document.kind.replace('_', '-')}-{letter.number.replace('/', '-')}.pdf",
                        document.file.read(),
                        "application/pdf",
                    )
                finally:
                    document.file.close()
            message.send()
            incoming_event_record(
                case=application,
                action=IncomingEvent.Action.LETTERS_EMAILED,
                step=application.status,
                status_before=application.status,
                data={"email": row.email, "letters": [letter.number for letter in letters]},
            )
        row.sent_at = timezone.now()
        row.save(update_fields=["sent_at"])
    return True


# --- retention --------------------------------------------------------------------------------------------------


def _retention_due_q(today: date) -> Q:
    cutoff = today - timedelta(days=settings.INCOMING_RETENTION_DAYS)
    accepted_gone = Q(status=IncomingStatus.ACCEPTED) & (
        Q(departure_date__lt=cutoff) | Q(departure_date__isnull=True, period_end__lt=cutoff)
    )
    closed = Q(status__in=[IncomingStatus.REJECTED, IncomingStatus.WITHDRAWN], decided_at__date__lt=cutoff)
    return (accepted_gone | closed) & Q(personal_data_erased_at__isnull=True)


@dataclass(frozen=True)
class Erased:
    application_id: int
    documents: int


def incoming_personal_data_erase(*, application_id: int, today: date | None = None) -> Erased | None:
    """Erase one application's personal data once its retention period is over: the uploaded documents (every
    version, files too) and the visa invitation letter, the passport number and dates, the date of birth. The case,
    its decisions and the acceptance letter stay; the timeline records what was erased (kinds, versions,
    checksums, letter numbers — never the data). Idempotent: an erased or not yet due application is left."""
    today = today or timezone.localdate()
    with transaction.atomic():
        application = (
            IncomingApplication.objects.select_for_update().filter(_retention_due_q(today), pk=application_id).first()
        )
        if application is None:
            return None
        documents = list(case_documents(application).exclude(kind=DocumentKind.ACCEPTANCE_LETTER).order_by("pk"))
        letters = list(Letter.objects.filter(document__in=documents))
        erased = [
            {"kind": d.kind, "version": d.version, "sha256": d.sha256, "personal": d.kind in PERSONAL_DOCUMENT_KINDS}
            for d in documents
        ]
        files = [(d.file.storage, d.file.name) for d in documents if d.file.name]
        Letter.objects.filter(pk__in=[letter.pk for letter in letters]).delete()
        Document.objects.filter(pk__in=[d.pk for d in documents]).delete()
        fields = [name for name in PERSONAL_FIELDS if getattr(application, name) not in (None, "")]
        application.passport_number = ""
        application.passport_expires_on = None
        application.date_of_birth = None
        application.personal_data_erased_at = timezone.now()
        application.save(
            update_fields=["passport_number", "passport_expires_on", "date_of_birth", "personal_data_erased_at"]
        )
        incoming_event_record(
            case=application,
            action=IncomingEvent.Action.PERSONAL_DATA_ERASED,
            step=application.status,
            status_before=application.status,
            data={
                "documents": erased,
                "letters": [letter.number for letter in letters],
                "fields": fields,
                "retention_days": settings.INCOMING_RETENTION_DAYS,
            },
        )
        # The stored files go once the rows' deletion has committed (a rollback keeps both).
        on_commit_call(_delete_files, files)
    return Erased(application_id=application.pk, documents=len(documents))


def _delete_files(files: list[tuple[Any, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:  # the rows are gone; a leftover object is logged for the operator
            logger.exception("Could not delete the stored object %s after erasing personal data", name)


def incoming_retention_sweep(*, today: date | None = None) -> int:
    """Erase the personal data of every application past its retention period; returns how many."""
    today = today or timezone.localdate()
    ids = list(IncomingApplication.objects.filter(_retention_due_q(today)).values_list("pk", flat=True))
    return sum(1 for pk in ids if incoming_personal_data_erase(application_id=pk, today=today) is not None)
