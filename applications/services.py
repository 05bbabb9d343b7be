"""Writes to mobility applications: create, edit, attach documents, submit, and the status
changes the mobility flow makes. Each service owns its transaction and records its case event."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from applications.documents import sniff_upload
from applications.models import (
    Application,
    ApplicationStatus,
    Audience,
    Call,
    CallPlace,
    CaseEvent,
    CefrLevel,
    Document,
    DocumentKind,
    HostChoice,
)
from config.errors import NoPlaceLeft, StaleState

EDITABLE_FIELDS = (
    "period_start",
    "period_end",
    "motivation",
    "gpa",
    "year_of_study",
    "language",
    "language_level",
)


def case_event_record(
    *,
    application: Application,
    action: str,
    actor=None,
    step: str = "",
    comment: str = "",
    status_before: str = "",
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
        status_after=application.status,
        data=data or {},
    )


def _check_applicant_for_call(*, applicant, call: Call) -> None:
    if not has_role(applicant, Role.STUDENT, Role.STAFF):
        raise PermissionDenied(_("Only students and staff members can apply."))
    if call.audience == Audience.STUDENTS and not has_role(applicant, Role.STUDENT):
        raise ValidationError({"call": _("This call is for students.")})
    if call.audience == Audience.STAFF and not has_role(applicant, Role.STAFF):
        raise ValidationError({"call": _("This call is for staff members.")})
    if not call.is_open():
        raise ValidationError({"call": _("This call is not open for applications.")})


def _set_choices(*, application: Application, partner_ids: Sequence[int]) -> None:
    partner_ids = [int(p) for p in partner_ids]
    if not 1 <= len(partner_ids) <= 3:
        raise ValidationError({"choices": _("Choose between one and three host institutions.")})
    if len(set(partner_ids)) != len(partner_ids):
        raise ValidationError({"choices": _("Each host institution can be chosen only once.")})
    places = {p.partner_id: p for p in CallPlace.objects.filter(call=application.call, partner_id__in=partner_ids)}
    missing = [p for p in partner_ids if p not in places]
    if missing:
        raise ValidationError({"choices": _("Choose host institutions offered by this call.")})
    application.choices.all().delete()
    HostChoice.objects.bulk_create(
        [HostChoice(application=application, rank=rank, place=places[pid]) for rank, pid in enumerate(partner_ids, 1)]
    )


@transaction.atomic
def application_create(*, applicant, call: Call, choices: Sequence[int], **fields: Any) -> Application:
    _check_applicant_for_call(applicant=applicant, call=call)
    if Application.objects.filter(applicant=applicant, call=call).exclude(status=ApplicationStatus.REJECTED).exists():
        raise ValidationError({"call": _("You already have an application for this call.")})
    department = applicant.departments.order_by("pk").first()
    if department is None:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("Your account has no department; ask the International Relations Office.")}
        )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be set.") for f in unknown})
    application = Application(applicant=applicant, call=call, department=department, **fields)
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        if "application_one_live_per_call" not in str(exc):
            raise
        # A concurrent create for the same call won the race past the check above.
        raise ValidationError({"call": _("You already have an application for this call.")})
    _set_choices(application=application, partner_ids=choices)
    case_event_record(application=application, action=CaseEvent.Action.CREATED, actor=applicant, step="draft")
    return application


@transaction.atomic
def application_update(
    *, application: Application, actor, choices: Sequence[int] | None = None, **fields: Any
) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can change this application."))
    if not application.is_editable:
        raise StaleState(_("This application is under review and cannot be changed."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be changed.") for f in unknown})
    for name, value in fields.items():
        setattr(application, name, value)
    application.full_clean()
    application.save(update_fields=[*fields, "updated_at"])
    if choices is not None:
        _set_choices(application=application, partner_ids=choices)
    case_event_record(
        application=application,
        action=CaseEvent.Action.UPDATED,
        actor=actor,
        step=application.status,
        status_before=application.status,
        data={"fields": sorted([*fields, *(["choices"] if choices is not None else [])])},
    )
    return application


@transaction.atomic
def document_attach(*, application: Application, actor, kind: str, file: UploadedFile) -> Document:
    """Store an uploaded document as the next version of its kind."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can add documents to this application."))
    if not application.is_editable:
        raise StaleState(_("Documents can be added only while the application is a draft or sent back to you."))
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose a valid document kind.")})
    sniffed = sniff_upload(file, max_size=settings.DOCUMENT_MAX_SIZE)
    last = application.documents.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0
    document = Document(
        application=application,
        kind=kind,
        original_name=sniffed.display_name,
        content_type=sniffed.content_type,
        size=sniffed.size,
        version=last + 1,
        uploaded_by=actor,
    )
    document.file.save("upload", file, save=False)
    # If saving the row fails, the stored file must not outlive it.
    try:
        document.full_clean(exclude=["file"])
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    case_event_record(
        application=application,
        action=CaseEvent.Action.DOCUMENT_UPLOADED,
        actor=actor,
        step=application.status,
        status_before=application.status,
        data={"kind": kind, "version": document.version, "document_id": document.pk},
    )
    return document


def application_submission_errors(*, application: Application, now=None) -> dict[str, list[str]]:
    """Every reason this application cannot be submitted now, by field."""
    errors: dict[str, list[str]] = {}
    call = application.call

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    now = now or timezone.now()
    if now >= call.closes_at:
        add("call", _("The deadline of this call has passed."))
    elif now < call.opens_at:
        add("call", _("This call is not open yet."))
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
            )
    if call.min_gpa is not None:
        if application.gpa is None:
            add("gpa", _("Give your GPA."))
        elif Decimal(application.gpa) < call.min_gpa:
            add("gpa", _("This call requires a GPA of at least %(gpa)s.") % {"gpa": call.min_gpa})
    if call.min_language_level:
        if not application.language_level:
            add("language_level", _("Give your language level."))
        elif CefrLevel.rank(application.language_level) < CefrLevel.rank(call.min_language_level):
            add(
                "language_level",
                _("This call requires language level %(level)s or higher.") % {"level": call.min_language_level},
            )
    if not application.choices.exists():
        add("choices", _("Choose at least one host institution."))
    present = set(application.documents.values_list("kind", flat=True))
    missing = [DocumentKind(k).label for k in call.required_documents if k in DocumentKind.values and k not in present]
    if missing:
        add("documents", _("Upload the required documents: %(kinds)s.") % {"kinds": ", ".join(str(m) for m in missing)})
    return errors


@transaction.atomic
def application_submit(*, application: Application, actor) -> Application:
    """Submit a draft (starts the approval flow) or resubmit a case sent back for changes."""
    from workflows.services import mobility_flow_resubmit, mobility_flow_start

    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can submit this application."))
    if not application.is_editable:
        raise StaleState(_("This application has already been submitted."))
    errors = application_submission_errors(application=application)
    if errors:
        raise ValidationError(errors)
    status_before = application.status
    if status_before == ApplicationStatus.DRAFT:
        application.submitted_at = timezone.now()
        application.save(update_fields=["submitted_at", "updated_at"])
        mobility_flow_start(application=application)
        action = CaseEvent.Action.SUBMITTED
    else:
        mobility_flow_resubmit(application=application, actor=actor)
        action = CaseEvent.Action.RESUBMITTED
    application.refresh_from_db()
    case_event_record(
        application=application, action=action, actor=actor, step="applicant", status_before=status_before
    )
    return application


def application_enter_status(*, application: Application, status: str, final: bool = False) -> None:
    """Called by the mobility flow when the case reaches a step; runs inside the flow's transaction."""
    application.status = status
    fields = ["status", "updated_at"]
    if final:
        application.decided_at = timezone.now()
        fields.append("decided_at")
    application.save(update_fields=fields)


def application_approve(*, application: Application) -> CallPlace:
    """Final approval: take one place at the highest-ranked choice that has one left.

    Runs inside the prorector's decision transaction. The chosen places are locked (in primary-key
    order, so two approvals never deadlock) before they are counted; the CHECK constraint on
    CallPlace is the last line of defence."""
    choices = list(application.choices.order_by("rank").values_list("place_id", flat=True))
    locked = {p.pk: p for p in CallPlace.objects.select_for_update().filter(pk__in=choices).order_by("pk")}
    for place_id in choices:
        place = locked[place_id]
        if place.places_taken < place.places:
            CallPlace.objects.filter(pk=place.pk).update(places_taken=F("places_taken") + 1)
            application.nominated_place = place
            application.status = ApplicationStatus.APPROVED
            application.decided_at = timezone.now()
            application.save(update_fields=["nominated_place", "status", "decided_at", "updated_at"])
            return place
    raise NoPlaceLeft()
