"""Writes of migration advice: the office's checklist (step templates), opening a case (from an accepted incoming
application or by hand), its dates and due dates, steps done with the document they produced, documents, and the
deletion of personal documents after the retention period. Each service owns its transaction and writes its
timeline line in it.

`advice_case_open` is what the incoming side calls on acceptance. It starts the case's flow through
`workflows.services.case_submit` (imported where used): opening a migration-advice case is always the end of
someone else's decision or of the office's own form, and nothing else would start it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from core.changes import field_changes
from core.errors import AdviceCaseClosed, AdviceStepDone, ErrorCode, PersonalDataDeleted, field_error
from documents.models import Document, DocumentKind
from documents.services import atomic_storing, case_documents, documents_delete
from migration.deadlines import step_due_date
from migration.defaults import DEFAULT_TEMPLATES
from migration.models import (
    AdviceCase,
    AdviceEvent,
    AdviceSource,
    AdviceStatus,
    AdviceStep,
    StepTemplate,
    StepTemplateEvent,
)
from migration.permissions import can_add_document, can_manage_migration

if TYPE_CHECKING:
    from django.core.files.base import File

# What a migration-advice case takes as documents (uploads by the foreigner or the office).
UPLOAD_KINDS: tuple[str, ...] = (
    DocumentKind.PASSPORT_COPY,
    DocumentKind.VISA,
    DocumentKind.STAY_REGISTRATION,
    DocumentKind.RESIDENCE_PERMIT,
    DocumentKind.OTHER,
)

TEMPLATE_FIELDS = ("code", "label_en", "label_az", "help_en", "help_az", "anchor", "offset_days", "document_kinds")
TEMPLATE_EDITABLE = (*TEMPLATE_FIELDS, "order", "active")
DATE_FIELDS = ("arrival_date", "permit_expiry_date", "departure_date")


def _require_office(actor: User) -> None:
    if not can_manage_migration(actor):
        raise PermissionDenied(_("Only the International Relations Office manages migration advice."))


# --- the checklist -------------------------------------------------------------------------------------------------


def _template_check(template: StepTemplate) -> None:
    kinds = template.document_kinds
    if not isinstance(kinds, list) or any(kind not in UPLOAD_KINDS for kind in kinds):
        raise field_error("document_kinds", _("Choose document kinds from the list."), ErrorCode.INVALID_CHOICE)
    template.document_kinds = list(dict.fromkeys(kinds))
    template.full_clean()


def _due_dates_refresh(steps: Iterable[AdviceStep]) -> int:
    """Recompute the due date of steps not done yet from their case's dates and their template; returns how many
    moved."""
    moved = []
    for step in steps:
        due = step_due_date(
            anchor=step.template.anchor, offset_days=step.template.offset_days, dates=step.case.anchor_dates()
        )
        if due != step.due_date:
            step.due_date = due
            moved.append(step)
    AdviceStep.objects.bulk_update(moved, ["due_date"])
    return len(moved)


@transaction.atomic
def step_template_create(*, actor: User, **fields: Any) -> StepTemplate:
    """Add a step to the checklist; new cases get it (open cases keep theirs)."""
    _require_office(actor)
    template = StepTemplate(**{name: value for name, value in fields.items() if name in TEMPLATE_EDITABLE})
    _template_check(template)
    template.save()
    StepTemplateEvent.objects.create(
        template=template,
        actor=actor,
        action=StepTemplateEvent.Action.CREATED,
        data={name: str(getattr(template, name)) for name in TEMPLATE_EDITABLE},
    )
    return template


@transaction.atomic
def step_template_update(*, actor: User, template_id: int | str, **fields: Any) -> StepTemplate:
    """Change a step of the checklist. A new anchor or offset moves the due dates of the open cases' steps of it
    that are not done yet."""
    _require_office(actor)
    template = StepTemplate.objects.select_for_update().filter(pk=template_id).first()
    if template is None:
        raise Http404(_("No such checklist step."))
    before = {name: getattr(template, name) for name in TEMPLATE_EDITABLE}
    for name, value in fields.items():
        if name in TEMPLATE_EDITABLE:
            setattr(template, name, value)
    _template_check(template)
    changes = field_changes(before, {name: getattr(template, name) for name in TEMPLATE_EDITABLE})
    if not changes:
        return template
    template.save(update_fields=[*changes, "updated_at"])
    StepTemplateEvent.objects.create(
        template=template, actor=actor, action=StepTemplateEvent.Action.UPDATED, data={"changes": changes}
    )
    if {"anchor", "offset_days"} & set(changes):
        _due_dates_refresh(
            AdviceStep.objects.filter(template=template, done_at__isnull=True, case__status=AdviceStatus.OPEN)
            .select_related("case", "template")
            .select_for_update(of=("self",))
        )
    return template


def step_templates_seed_defaults() -> int:
    """Write the default checklist's steps that do not exist yet (by code); returns how many were added."""
    added = 0
    for order, fields in enumerate(DEFAULT_TEMPLATES, start=1):
        _template, created = StepTemplate.objects.get_or_create(
            code=fields["code"], defaults={**fields, "order": order * 10}
        )
        added += created
    return added


# --- the case --------------------------------------------------------------------------------------------------


def advice_event_record(
    *,
    case: AdviceCase,
    action: str,
    actor: User | None = None,
    step: str = "",
    comment: str = "",
    status_before: str = "",
    status_after: str | None = None,
    data: dict[str, Any] | None = None,
) -> AdviceEvent:
    """One line of the case's timeline (the kind's `record_event`); `status_after` None: the case's status now."""
    return AdviceEvent.objects.create(
        case=case,
        action=action,
        actor=actor,
        step=step,
        comment=comment,
        status_before=status_before,
        status_after=case.status if status_after is None else status_after,
        data=data or {},
    )


def advice_case_submit(*, case: AdviceCase, actor: User) -> AdviceCase:
    """The domain part of starting a case's flow (the kind's `submit`): it must be open."""
    case = AdviceCase.objects.select_for_update().get(pk=case.pk)
    if case.status != AdviceStatus.OPEN:
        raise AdviceCaseClosed()
    return case


def advice_case_submitted_record(
    *, case: AdviceCase, actor: User, status_before: str, resubmitted: bool
) -> AdviceEvent:
    """The case's first line, once its flow has taken it (the kind's `submitted`); the foreigner is told where
    their checklist is."""
    from migration.notifications import advice_case_opened_notify

    advice_case_opened_notify(case=case)
    return advice_event_record(
        case=case,
        action=AdviceEvent.Action.OPENED,
        actor=actor,
        status_before=status_before,
        data={
            "source": case.source,
            "source_ref": case.source_ref,
            "steps": case.steps.count(),
            "arrival_date": case.arrival_date.isoformat() if case.arrival_date else "",
        },
    )


def _steps_create(case: AdviceCase) -> list[AdviceStep]:
    dates = case.anchor_dates()
    steps = [
        AdviceStep(
            case=case,
            template=template,
            order=template.order,
            due_date=step_due_date(anchor=template.anchor, offset_days=template.offset_days, dates=dates),
        )
        for template in StepTemplate.objects.filter(active=True).order_by("order", "pk")
    ]
    return AdviceStep.objects.bulk_create(steps)


def advice_case_open(
    *,
    person: User,
    actor: User,
    arrival_date: date | None = None,
    source: str = AdviceSource.INCOMING,
    source_ref: str = "",
    nationality: str = "",
) -> AdviceCase:
    """Open a foreigner's migration-advice case: the checklist's active steps with their due dates, the first
    timeline line, and its flow (the office's "advise" step, open until the case closes). Called on acceptance by
    the incoming side (source "incoming", `source_ref` naming the accepted application, e.g.
    "incoming-application:12") and by the office's form (source "manual"). One case per (source, source_ref):
    opening again returns the case already there. The case takes the person's first department, if any.

    Runs in the caller's transaction when there is one (an acceptance rolled back opens nothing).
    Errors: ValidationError by field (a source not offered, dates out of order)."""
    return _case_open(
        person=person,
        actor=actor,
        arrival_date=arrival_date,
        source=source,
        source_ref=source_ref,
        nationality=nationality,
    )


def _case_open(
    *,
    person: User,
    actor: User,
    arrival_date: date | None,
    source: str,
    source_ref: str,
    nationality: str,
    department: Department | None = None,
    passport_number: str = "",
    permit_expiry_date: date | None = None,
) -> AdviceCase:
    from workflows.services import case_submit  # see the module's docstring

    if source not in AdviceSource.values:
        raise field_error("source", _("Choose incoming or manual."), ErrorCode.INVALID_CHOICE)
    source_ref = (source_ref or "").strip()
    existing = _existing_for_source(source, source_ref)
    if existing is not None:
        return existing
    case = AdviceCase(
        person=person,
        department=department or person.departments.order_by("pk").first(),
        nationality=(nationality or "").strip(),
        arrival_date=arrival_date,
        source=source,
        source_ref=source_ref,
        opened_by=actor,
        passport_number=(passport_number or "").strip(),
        permit_expiry_date=permit_expiry_date,
        created_at=timezone.now(),
    )
    _dates_check(case)
    case.full_clean(exclude=["person", "opened_by", "department"], validate_constraints=False)
    try:
        with transaction.atomic():
            case.save()
            _steps_create(case)
            opened: AdviceCase = case_submit(case=case, actor=actor)
            return opened
    except IntegrityError:
        # Opened at the same moment by a retried acceptance: the first one stands.
        existing = _existing_for_source(source, source_ref)
        if existing is None:
            raise
        return existing


def _existing_for_source(source: str, source_ref: str) -> AdviceCase | None:
    if not source_ref:
        return None
    return AdviceCase.objects.filter(source=source, source_ref=source_ref).first()


def _dates_check(case: AdviceCase) -> None:
    if case.arrival_date and case.departure_date and case.departure_date < case.arrival_date:
        raise field_error("departure_date", _("The departure cannot be before the arrival."), ErrorCode.PERIOD_ORDER)
    if case.arrival_date and case.permit_expiry_date and case.permit_expiry_date < case.arrival_date:
        raise field_error(
            "permit_expiry_date", _("The permit cannot expire before the arrival."), ErrorCode.PERIOD_ORDER
        )


def _person_for(*, email: str, first_name: str, last_name: str, language: str, department: Department | None) -> User:
    """The account of the person the office opens a case for: the one with this email, else a new one with no
    role (like a partner's nominee: a foreigner here does not apply for outgoing mobility) and no password (they
    sign in through the university's sign-in, or an administrator sets one)."""
    email = email.strip()
    person = User.objects.filter(email__iexact=email).order_by("pk").first()
    if person is not None:
        return person
    base = email.split("@")[0].lower()[:100] or "foreigner"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}{n}"
    person = User(
        username=username,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        preferred_language=language or User.Language.ENGLISH,
    )
    person.set_unusable_password()
    person.full_clean()
    person.save()
    if department is not None:
        person.departments.add(department)
    return person


def advice_case_open_manual(
    *,
    actor: User,
    email: str,
    first_name: str,
    last_name: str,
    preferred_language: str = "en",
    nationality: str = "",
    passport_number: str = "",
    arrival_date: date | None = None,
    permit_expiry_date: date | None = None,
    department: Department | None = None,
) -> AdviceCase:
    """The office opens a case for someone who came outside the agreements: links the account with this email,
    or creates it, then opens the case as `advice_case_open` does."""
    _require_office(actor)
    if not (email or "").strip():
        raise field_error("email", _("Give the person's email address."), ErrorCode.REQUIRED)
    with transaction.atomic():
        person = _person_for(
            email=email,
            first_name=first_name,
            last_name=last_name,
            language=preferred_language,
            department=department,
        )
        return _case_open(
            person=person,
            actor=actor,
            arrival_date=arrival_date,
            source=AdviceSource.MANUAL,
            source_ref="",
            nationality=nationality,
            department=department,
            passport_number=passport_number,
            permit_expiry_date=permit_expiry_date,
        )


def _locked_case(case_id: int | str) -> AdviceCase:
    case = AdviceCase.objects.select_for_update(of=("self",)).filter(pk=case_id).first()
    if case is None:
        raise Http404(_("No such case."))
    return case


@transaction.atomic
def advice_case_update(*, actor: User, case_id: int | str, **fields: Any) -> AdviceCase:
    """Change a case's dates (arrival, permit expiry, departure), nationality, passport number or department. The
    due dates of the steps not done yet follow the dates. The timeline line keeps old → new for each field but the
    passport number, of which it says only that it changed (the timeline outlives the retention period).

    Errors: PermissionDenied (not the office), AdviceCaseClosed, ValidationError by field."""
    _require_office(actor)
    case = _locked_case(case_id)
    if case.status != AdviceStatus.OPEN:
        raise AdviceCaseClosed()
    names = (*DATE_FIELDS, "nationality", "passport_number", "department")
    before = {name: getattr(case, name) for name in names}
    for name, value in fields.items():
        if name not in names:
            raise TypeError(f"advice_case_update: unexpected {name}")
        setattr(case, name, value.strip() if isinstance(value, str) else value)
    if case.passport_number and case.personal_data_deleted_at:
        raise PersonalDataDeleted()
    _dates_check(case)
    case.full_clean(exclude=["person", "opened_by", "department"], validate_constraints=False)
    after = {name: getattr(case, name) for name in names}
    changes = field_changes(before, after)
    if not changes:
        return case
    if "passport_number" in changes:
        changes["passport_number"] = {"old": "", "new": str(_("changed"))}
    case.save(update_fields=[*changes, "updated_at"])
    moved = 0
    if set(DATE_FIELDS) & set(changes):
        moved = _due_dates_refresh(
            case.steps.filter(done_at__isnull=True).select_related("template").select_for_update(of=("self",))
        )
    advice_event_record(
        case=case,
        action=AdviceEvent.Action.DATES_CHANGED,
        actor=actor,
        status_before=case.status,
        data={"changes": changes, "due_dates_moved": moved},
    )
    return case


def advice_step_done(
    *,
    actor: User,
    case_id: int | str,
    step_id: int | str,
    note: str = "",
    document_kind: str = "",
    file: File[bytes] | None = None,
) -> AdviceStep:
    """Mark a step of the checklist done: who, when, the note, and the document it produced (uploaded here through
    the kind's documents, or already on the case). A step that needs documents is refused without one.

    Errors: PermissionDenied (not the office), Http404, AdviceCaseClosed, AdviceStepDone (done meanwhile: a
    double click, a colleague), ValidationError by field (the file, its kind, a missing document)."""
    from workflows.services import case_document_attach  # the kernel's upload: the kind says who may, which kinds

    _require_office(actor)
    with atomic_storing():
        case = _locked_case(case_id)
        step = case.steps.select_related("template").filter(pk=step_id).first()
        if step is None:
            raise Http404(_("No such step."))
        if case.status != AdviceStatus.OPEN:
            raise AdviceCaseClosed()
        if step.is_done:
            raise AdviceStepDone()
        document: Document | None = None
        needed = list(step.template.document_kinds)
        if file is not None:
            kind = document_kind or (needed[0] if needed else DocumentKind.OTHER)
            document = case_document_attach(case=case, actor=actor, kind=kind, file=file)
        elif needed:
            document = case_documents(case).filter(kind__in=needed).exclude(status="rejected").first()
            if document is None:
                labels = ", ".join(str(DocumentKind(kind).label) for kind in needed)
                raise field_error(
                    "file",
                    _("This step needs a document (%(kinds)s): upload it.") % {"kinds": labels},
                    ErrorCode.DOCUMENT_MISSING,
                )
        step.done_at = timezone.now()
        step.done_by = actor
        step.note = (note or "").strip()
        step.document = document
        step.save(update_fields=["done_at", "done_by", "note", "document"])
        today = timezone.localdate()
        advice_event_record(
            case=case,
            action=AdviceEvent.Action.STEP_DONE,
            actor=actor,
            step=step.template.code[:30],
            comment=step.note,
            status_before=case.status,
            data={
                "step_id": step.pk,
                "label_en": step.template.label_en,
                "label_az": step.template.label_az,
                "due_date": step.due_date.isoformat() if step.due_date else "",
                "late": bool(step.due_date and step.due_date < today),
                "document_id": document.pk if document else None,
            },
        )
    return step


@transaction.atomic
def advice_step_reopen(*, actor: User, case_id: int | str, step_id: int | str, reason: str) -> AdviceStep:
    """Undo a step marked done by mistake: it is open again (its due date from the case's dates), the document it
    produced stays on the case, and the timeline keeps both lines with the reason.

    Errors: PermissionDenied (not the office), Http404, AdviceCaseClosed, ValidationError (no reason; a step not
    done)."""
    _require_office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Say why the step is open again."), ErrorCode.REASON_REQUIRED)
    case = _locked_case(case_id)
    step = case.steps.select_related("template").filter(pk=step_id).first()
    if step is None:
        raise Http404(_("No such step."))
    if case.status != AdviceStatus.OPEN:
        raise AdviceCaseClosed()
    if not step.is_done:
        raise field_error("reason", _("This step is not done."), ErrorCode.INVALID)
    done_at, done_by_id = step.done_at, step.done_by_id
    step.done_at, step.done_by, step.document, step.note = None, None, None, ""
    step.case = case
    step.due_date = step_due_date(
        anchor=step.template.anchor, offset_days=step.template.offset_days, dates=case.anchor_dates()
    )
    step.save(update_fields=["done_at", "done_by", "document", "note", "due_date"])
    advice_event_record(
        case=case,
        action=AdviceEvent.Action.STEP_REOPENED,
        actor=actor,
        step=step.template.code[:30],
        comment=reason,
        status_before=case.status,
        data={
            "step_id": step.pk,
            "label_en": step.template.label_en,
            "label_az": step.template.label_az,
            "was_done_at": done_at.isoformat() if done_at else "",
            "was_done_by": done_by_id,
        },
    )
    return step


def advice_document_attach_check(actor: User, case: AdviceCase) -> None:
    """Who may add a document to a case, when (the kind's `CaseDocuments.attach_check`; the case is locked)."""
    if not can_add_document(actor, case):
        raise PermissionDenied(_("Only the person and the office add documents to this case."))
    if case.status != AdviceStatus.OPEN:
        raise AdviceCaseClosed()
    if case.personal_data_deleted_at is not None:
        raise PersonalDataDeleted()


def advice_case_closed_record(*, case: AdviceCase, actor: User, departure_date: date | None, comment: str) -> None:
    """Before the flow closes the case (inside the close step's lock): the departure date it closes with and the
    timeline line. The departure date defaults to today; the retention period counts from it."""
    case.departure_date = departure_date or case.departure_date or timezone.localdate()
    _dates_check(case)
    case.save(update_fields=["departure_date", "updated_at"])
    advice_event_record(
        case=case,
        action=AdviceEvent.Action.CLOSED,
        actor=actor,
        step="advise",
        comment=(comment or "").strip(),
        status_before=case.status,
        status_after=AdviceStatus.CLOSED,
        data={"departure_date": case.departure_date.isoformat()},
    )


def advice_case_close_finish(*, case: AdviceCase) -> None:
    """The flow's final node: the case is closed (its status and when)."""
    case.status = AdviceStatus.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at", "updated_at"])


# --- retention -----------------------------------------------------------------------------------------------


def retention_due_cases(*, today: date | None = None) -> Any:
    """Cases whose departure is more than MIGRATION_RETENTION_DAYS ago and whose personal data are still kept."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=int(settings.MIGRATION_RETENTION_DAYS))
    return AdviceCase.objects.filter(departure_date__lt=cutoff, personal_data_deleted_at__isnull=True)


def advice_personal_data_delete(*, case_id: int, today: date | None = None) -> AdviceEvent | None:
    """Delete one case's personal documents (rows and stored files) and its passport number once its retention
    period has run out, and say so in its timeline; the case, its steps (done, by whom, when) and its timeline
    stay. Idempotent: a case already cleared, or not yet due, is left alone (None)."""
    with transaction.atomic():
        case = (
            retention_due_cases(today=today)
            .select_for_update(of=("self",), skip_locked=True)
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            return None
        deleted = documents_delete(documents=case_documents(case))
        had_passport = bool(case.passport_number)
        case.passport_number = ""
        case.personal_data_deleted_at = timezone.now()
        case.save(update_fields=["passport_number", "personal_data_deleted_at", "updated_at"])
        return advice_event_record(
            case=case,
            action=AdviceEvent.Action.PERSONAL_DOCUMENTS_DELETED,
            actor=None,
            status_before=case.status,
            data={
                "documents": deleted,
                "passport_number_cleared": had_passport,
                "retention_days": int(settings.MIGRATION_RETENTION_DAYS),
                "departure_date": case.departure_date.isoformat() if case.departure_date else "",
            },
        )


def advice_retention_sweep(*, today: date | None = None) -> int:
    """Delete the personal data of every case past its retention period, one case per transaction; returns how many
    cases were cleared."""
    ids = list(retention_due_cases(today=today).values_list("pk", flat=True)[:500])
    return sum(advice_personal_data_delete(case_id=case_id, today=today) is not None for case_id in ids)
