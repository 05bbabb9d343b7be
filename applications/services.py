"""Writes to mobility applications: create, edit, attach documents, submit, and the status
changes the mobility flow makes. Each service owns its transaction and records its case event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role
from agreements.models import AgreementQuota
from agreements.services import quota_consume_rollback_unsafe, quota_release_rollback_unsafe
from applications import call_services
from applications.models import (
    Application,
    ApplicationStatus,
    Audience,
    Call,
    CallPlace,
    CaseEvent,
    CefrLevel,
    HostChoice,
    MobilityType,
)
from applications.notifications import case_event_notify
from core.changes import field_changes
from core.compiled import compiled_rows
from core.db import Statement, insert_statement, update_statement, update_values_statement, write_together
from core.errors import ApplicationAlreadySubmitted, ApplicationNotEditable, ErrorCode, NoPlaceLeft, field_error
from core.numbers import Number, check_ranges
from documents.models import Document, DocumentKind, DocumentStatus
from notifications.messages import user_name

EDITABLE_FIELDS = (
    "period_start",
    "period_end",
    "motivation",
    "gpa",
    "year_of_study",
    "language",
    "language_level",
    "teaching_hours",
    "host_contact_name",
    "host_contact_email",
)
# What only one audience's form asks: a student's academic record, a staff member's teaching and host contact.
STUDENT_FIELDS = ("gpa", "year_of_study", "language", "language_level")
STAFF_FIELDS = ("teaching_hours", "host_contact_name", "host_contact_email")


def application_fields_for(call: Call) -> tuple[str, ...]:
    """The fields an application to this call has: staff mobility has no GPA or year of study, students no hours."""
    other = STUDENT_FIELDS if call.audience == Audience.STAFF else STAFF_FIELDS
    if call.mobility_type == MobilityType.TRAINING:
        other = (*other, "teaching_hours")
    return tuple(name for name in EDITABLE_FIELDS if name not in other)


def application_number_ranges() -> dict[str, tuple[Number, Number]]:
    """The allowed range of each numeric field of an application (forms, API and services say the same); the GPA's
    is the office's scale (settings.GPA_SCALE: 100 or 4)."""
    return {"gpa": (Decimal(0), Decimal(settings.GPA_SCALE)), "year_of_study": (1, 10), "teaching_hours": (0, 60)}


def _check_fields_for_call(*, call: Call, fields: dict[str, Any]) -> None:
    asked = application_fields_for(call)
    foreign = [name for name, value in fields.items() if name not in asked and value not in (None, "")]
    if foreign:
        message = (
            _("Staff mobility does not ask for this.")
            if call.audience == Audience.STAFF
            else _("Students do not give this.")
        )
        raise ValidationError({f: ValidationError(message, code=ErrorCode.FIELD_NOT_SETTABLE) for f in foreign})


def _staff_mobility_problems(application: Application) -> list[tuple[str, str, ErrorCode]]:
    """Staff mobility's own rules: the host contact, and for teaching the minimum hours per week (Erasmus+: 8)."""
    problems = []
    if not application.host_contact_name.strip():
        problems.append(("host_contact_name", _("Give the name of your contact at the host."), ErrorCode.REQUIRED))
    if not application.host_contact_email:
        problems.append(("host_contact_email", _("Give your host contact's email."), ErrorCode.REQUIRED))
    if application.call.mobility_type == MobilityType.TEACHING:
        minimum = settings.STAFF_TEACHING_MIN_HOURS_PER_WEEK
        if application.teaching_hours is None:
            problems.append(("teaching_hours", _("Give your teaching hours per week."), ErrorCode.REQUIRED))
        elif application.teaching_hours < minimum:
            problems.append(
                (
                    "teaching_hours",
                    _("Teaching mobility needs at least %(hours)s teaching hours per week.") % {"hours": minimum},
                    ErrorCode.TEACHING_HOURS,
                )
            )
    return problems


def case_event_record(
    *,
    application: Application,
    action: str,
    actor: User | None = None,
    step: str = "",
    comment: str = "",
    status_before: str = "",
    status_after: str | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append one line to the case timeline. Callers are inside their own transaction."""
    return CaseEvent.objects.create(
        application=application,
        actor=actor,
        action=action,
        step=step,
        comment=comment,
        status_before=status_before,
        status_after=application.status if status_after is None else status_after,
        data=data or {},
    )


def _check_applicant_for_call(*, applicant: User, call: Call) -> None:
    if not has_role(applicant, Role.STUDENT, Role.STAFF):
        raise PermissionDenied(_("Only students and staff members can apply."))
    if call.audience == Audience.STUDENTS and not has_role(applicant, Role.STUDENT):
        raise field_error("call", _("This call is for students."), ErrorCode.CALL_WRONG_AUDIENCE)
    if call.audience == Audience.STAFF and not has_role(applicant, Role.STAFF):
        raise field_error("call", _("This call is for staff members."), ErrorCode.CALL_WRONG_AUDIENCE)
    if not call.is_open():
        raise field_error("call", _("This call is not open for applications."), ErrorCode.CALL_CLOSED)


def _choice_names(application: Application) -> list[str]:
    return [c.place.partner.name for c in application.choices.select_related("place__partner").order_by("rank")]


def _set_choices(*, application: Application, partner_ids: Sequence[int]) -> None:
    partner_ids = [int(p) for p in partner_ids]
    if not 1 <= len(partner_ids) <= 3:
        raise field_error("choices", _("Choose between one and three host institutions."), ErrorCode.CHOICE_COUNT)
    if len(set(partner_ids)) != len(partner_ids):
        raise field_error("choices", _("Each host institution can be chosen only once."), ErrorCode.CHOICE_REPEATED)
    places = {p.partner_id: p for p in CallPlace.objects.filter(call=application.call, partner_id__in=partner_ids)}
    missing = [p for p in partner_ids if p not in places]
    if missing:
        raise field_error("choices", _("Choose host institutions offered by this call."), ErrorCode.CHOICE_NOT_OFFERED)
    application.choices.all().delete()
    HostChoice.objects.bulk_create(
        [HostChoice(application=application, rank=rank, place=places[pid]) for rank, pid in enumerate(partner_ids, 1)]
    )


@transaction.atomic
def application_create(*, applicant: User, call: Call, choices: Sequence[int], **fields: Any) -> Application:
    _check_applicant_for_call(applicant=applicant, call=call)
    if Application.objects.filter(applicant=applicant, call=call).exclude(status=ApplicationStatus.REJECTED).exists():
        raise field_error("call", _("You already have an application for this call."), ErrorCode.DUPLICATE_APPLICATION)
    department = applicant.departments.order_by("pk").first()
    if department is None:
        raise field_error(
            NON_FIELD_ERRORS,
            _("Your account has no department; ask the International Relations Office."),
            ErrorCode.NO_DEPARTMENT,
        )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {f: ValidationError(_("This field cannot be set."), code=ErrorCode.FIELD_NOT_SETTABLE) for f in unknown}
        )
    _check_fields_for_call(call=call, fields=fields)
    check_ranges(fields, application_number_ranges(), Application)
    application = Application(applicant=applicant, call=call, department=department, **fields)
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        if "application_one_live_per_call" not in str(exc):
            raise
        # A concurrent create for the same call won the race past the check above.
        raise field_error("call", _("You already have an application for this call."), ErrorCode.DUPLICATE_APPLICATION)
    _set_choices(application=application, partner_ids=choices)
    case_event_record(application=application, action=CaseEvent.Action.CREATED, actor=applicant, step="draft")
    return application


@transaction.atomic
def application_update(
    *, application: Application, actor: User, choices: Sequence[int] | None = None, **fields: Any
) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can change this application."))
    if not application.is_editable:
        raise ApplicationNotEditable()
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {f: ValidationError(_("This field cannot be changed."), code=ErrorCode.FIELD_NOT_EDITABLE) for f in unknown}
        )
    _check_fields_for_call(call=application.call, fields=fields)
    check_ranges(fields, application_number_ranges(), Application)
    before = {name: getattr(application, name) for name in fields}
    for name, value in fields.items():
        setattr(application, name, value)
    application.full_clean()
    application.save(update_fields=[*fields, "updated_at"])
    changes = field_changes(before, {name: getattr(application, name) for name in fields})
    if choices is not None:
        choices_before = _choice_names(application)
        _set_choices(application=application, partner_ids=choices)
        changes.update(field_changes({"choices": choices_before}, {"choices": _choice_names(application)}))
    case_event_record(
        application=application,
        action=CaseEvent.Action.UPDATED,
        actor=actor,
        step=application.status,
        status_before=application.status,
        # The changed fields with their old and new values: the timeline shows what changed.
        data={"fields": sorted([*fields, *(["choices"] if choices is not None else [])]), "changes": changes},
    )
    return application


def application_document_attach_check(actor: User, application: Application) -> None:
    """Who may add a document to an application, and when (the kind's `documents.attach_check`; the shared
    workflows.services.case_document_attach stores it): only the applicant, only while they may edit the case."""
    if application.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can add documents to this application."))
    if not application.is_editable:
        raise ApplicationNotEditable(
            _("Documents can be added only while the application is a draft or sent back to you.")
        )


def application_submission_errors(*, application: Application, now: datetime | None = None) -> dict[str, list[str]]:
    """Every reason this application cannot be submitted now, by field: the messages (pages show them)."""
    problems = application_submission_problems(application=application, now=now)
    return {field: [str(error.message) for error in errors] for field, errors in problems.items()}


def application_submission_problems(
    *, application: Application, now: datetime | None = None
) -> dict[str, list[ValidationError]]:
    """Every reason this application cannot be submitted now, by field, each with its code."""
    errors: dict[str, list[ValidationError]] = {}
    call = application.call

    def add(field: str, message: str, code: ErrorCode = ErrorCode.REQUIRED) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    now = now or timezone.now()
    if now >= call.closes_at:
        add("call", _("The deadline of this call has passed."), ErrorCode.CALL_CLOSED)
    elif now < call.opens_at:
        add("call", _("This call is not open yet."), ErrorCode.CALL_CLOSED)
    if not application.motivation.strip():
        add("motivation", _("Explain your motivation."))
    if application.period_start is None:
        add("period_start", _("Give the start of the mobility period."))
    if application.period_end is None:
        add("period_end", _("Give the end of the mobility period."))
    if call.min_year_of_study:
        if application.year_of_study is None:
            add("year_of_study", _("Give your year of study."))
        elif application.year_of_study < call.min_year_of_study:
            add(
                "year_of_study",
                _("This call requires at least year %(year)s of study.") % {"year": call.min_year_of_study},
                ErrorCode.NOT_ELIGIBLE,
            )
    if call.min_gpa is not None:
        if application.gpa is None:
            add("gpa", _("Give your GPA."))
        elif Decimal(application.gpa) < call.min_gpa:
            add(
                "gpa",
                _("This call requires a GPA of at least %(gpa)s.") % {"gpa": call.min_gpa},
                ErrorCode.NOT_ELIGIBLE,
            )
    if call.min_language_level:
        if not application.language_level:
            add("language_level", _("Give your language level."))
        elif CefrLevel.rank(application.language_level) < CefrLevel.rank(call.min_language_level):
            add(
                "language_level",
                _("This call requires language level %(level)s or higher.") % {"level": call.min_language_level},
                ErrorCode.NOT_ELIGIBLE,
            )
    if call.audience == Audience.STAFF:
        for name, message, code in _staff_mobility_problems(application):
            add(name, message, code)
    if not application.choices.exists():
        add("choices", _("Choose at least one host institution."))
    latest: dict[str, Document] = {}
    for document in application.documents.order_by("kind", "-version"):
        latest.setdefault(document.kind, document)
    required = call.required_document_kinds()
    missing = [DocumentKind(k).label for k in required if k not in latest]
    if missing:
        add(
            "documents",
            _("Upload the required documents: %(kinds)s.") % {"kinds": ", ".join(str(m) for m in missing)},
            ErrorCode.DOCUMENT_MISSING,
        )
    for kind in required:
        document = latest.get(kind)
        if document is not None and document.status == DocumentStatus.REJECTED:
            add(
                "documents",
                _("%(kind)s (version %(version)s) was rejected: %(reason)s Upload a new version.")
                % {"kind": DocumentKind(kind).label, "version": document.version, "reason": document.rejection_reason},
                ErrorCode.DOCUMENT_REJECTED,
            )
    return errors


def application_title(application: Application) -> str:
    """The application as notifications and lists name it, in the active language."""
    return _("Application #%(number)s of %(applicant)s") % {
        "number": application.pk,
        "applicant": user_name(application.applicant),
    }


def application_submit(*, application: Application, actor: User) -> Application:
    """The applicant's part of submitting a draft, or resubmitting a case sent back for changes: check it, mark it
    submitted and record it. Runs inside workflows.services.case_submit, which then starts the approval flow or
    completes the applicant's revision step (the application's status follows the flow)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can submit this application."))
    if not application.is_editable:
        raise ApplicationAlreadySubmitted()
    errors = application_submission_problems(application=application)
    if errors:
        raise ValidationError(errors)
    if application.status == ApplicationStatus.DRAFT:
        application.submitted_at = timezone.now()
        application.save(update_fields=["submitted_at", "updated_at"])
    return application


def application_submitted_record(
    *, application: Application, actor: User, status_before: str, resubmitted: bool = False
) -> CaseEvent:
    """The timeline line of a submission, once the flow has taken the case (so it shows where it went)."""
    action = CaseEvent.Action.SUBMITTED if status_before == ApplicationStatus.DRAFT else CaseEvent.Action.RESUBMITTED
    event = case_event_record(
        application=application, action=action, actor=actor, step="applicant", status_before=status_before
    )
    case_event_notify(event=event)
    return event


def application_enter_status(*, application: Application, status: str, final: bool = False) -> None:
    """Called by the mobility flow when the case reaches a step; runs inside the flow's transaction."""
    application.status = status
    fields = ["status", "updated_at"]
    if final:
        application.decided_at = timezone.now()
        fields.append("decided_at")
    application.save(update_fields=fields)


def _places_chosen(application_id: int) -> Any:
    return (
        CallPlace.objects.filter(choices__application_id=application_id)
        .annotate(choice_rank=F("choices__rank"))
        .select_related("partner")
        .select_for_update(of=("self",))
        .order_by("pk")
    )


def _quotas(quota_ids: list[int]) -> Any:
    return AgreementQuota.objects.select_for_update().filter(pk__in=quota_ids).order_by("pk").values_list("pk")


def call_places_lock(
    *, place_ids: Sequence[int] | None = None, of_application: int | None = None
) -> dict[int, CallPlace]:
    """Lock these call places (by id, or those the application `of_application` chose, each with its rank among
    the choices as `choice_rank` and its partner: one statement compiled once, for every final approval), then the
    agreement quotas behind them, each in primary-key order (so two transactions taking places never deadlock);
    the caller is inside its transaction. Returns them by id."""
    if of_application is not None:
        places = compiled_rows("applications.places_chosen", _places_chosen, application_id=of_application)
    else:
        places = list(
            CallPlace.objects.filter(pk__in=list(place_ids or ())).select_for_update(of=("self",)).order_by("pk")
        )
    locked = {p.pk: p for p in places}
    quota_ids = sorted({p.quota_id for p in locked.values() if p.quota_id})
    if quota_ids:
        compiled_rows("applications.quotas_locked", _quotas, quota_ids=quota_ids)
    return locked


def call_place_take_rollback_unsafe(*, place: CallPlace) -> bool:
    """Take one place at a call place the caller locked (call_places_lock), and one of its agreement quota's;
    False when none is left. The CHECK constraints on CallPlace and AgreementQuota are the last guard."""
    statement = call_place_take_statement(place=place)
    if statement is None:
        return False
    write_together(statement)
    return True


def call_place_take_statement(*, place: CallPlace) -> Statement | None:
    """`call_place_take_rollback_unsafe` with the call place's own UPDATE left to the caller, to write with its
    other rows (core.db.write_together); the quota's place is taken now. None when no place is left."""
    if place.places_taken >= place.places:
        return None
    if place.quota_id is not None and not quota_consume_rollback_unsafe(quota_id=place.quota_id):
        return None
    place.places_taken += 1
    return update_values_statement(CallPlace.objects.filter(pk=place.pk), places_taken=F("places_taken") + 1)


def call_place_release_rollback_unsafe(*, place: CallPlace) -> None:
    """Give back one place taken at a call place the caller locked (call_places_lock), and its quota's."""
    CallPlace.objects.filter(pk=place.pk).update(places_taken=F("places_taken") - 1)
    place.places_taken -= 1
    if place.quota_id is not None:
        quota_release_rollback_unsafe(quota_id=place.quota_id)


def application_approve(*, application: Application) -> CallPlace:
    """Final approval: take one place at the highest-ranked choice that has one left.

    Runs inside the prorector's decision transaction. The chosen call places, then the agreement quotas
    behind them, are locked in primary-key order (so two approvals never deadlock) before they are
    counted; a place from an agreement also takes one of the agreement's yearly quota. The CHECK
    constraints on CallPlace and AgreementQuota are the last line of defence."""
    # The chosen places, locked, with their rank among the choices and their partner (one statement).
    locked = call_places_lock(of_application=application.pk)
    ranked = sorted(locked.values(), key=lambda place: place.choice_rank)  # type: ignore[attr-defined]
    for position, place in enumerate(ranked, 1):
        taken = call_place_take_statement(place=place)
        if taken is None:
            continue
        status_before = application.status
        application.nominated_place = place
        application.status = ApplicationStatus.APPROVED
        application.decided_at = timezone.now()
        # The place, the application and the line after the prorector's approval (which place the case took, at
        # which of its choices) written together.
        placed = CaseEvent(
            application=application,
            action=CaseEvent.Action.PLACE_ASSIGNED,
            step="approve",
            status_before=status_before,
            status_after=application.status,
            data={
                "place_id": place.pk,
                "partner": place.partner.name,
                "choice_rank": position,
                "from_agreement_quota": place.quota_id is not None,
            },
        )
        write_together(
            taken,
            update_statement(application, fields=["nominated_place", "status", "decided_at", "updated_at"]),
            insert_statement([placed]),
        )
        return place
    raise NoPlaceLeft()


# Calls as the office manages them (create, change, places) are applications.call_services; re-exported here for
# the callers of this module (the admin, load_demo).
call_places_from_agreements = call_services.call_places_from_agreements
