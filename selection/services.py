"""Writes of a call's competitive selection: its rules and criteria (until the deadline), the committee's scores and
the coordinator's bonus flags (after it), the ranking and allocation (re-run until the result is submitted), the
result case's domain part (submit, timeline, publish on the prorector's approval), and what follows: an applicant
accepts or declines the place offered, and a declined or unanswered place passes to the partner's reserve list.

Locks: a run locks the call; publishing locks the call's places (then their quotas) in primary-key order, then the
applications; declining or expiring an offer locks its place first, then the offer, then the reserve applicant it
promotes; accepting locks the offer only. So no two of them deadlock, and the places never go below zero or over
capacity (CallPlace's CHECK constraints are the last guard)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.roles import Role, has_role
from applications.models import (
    Application,
    ApplicationStatus,
    Call,
    CallPlace,
    CaseEvent,
    HostChoice,
    SelectionMode,
)
from applications.services import (
    call_place_release_rollback_unsafe,
    call_place_take_rollback_unsafe,
    call_places_lock,
    case_event_record,
)
from core.errors import (
    AppealWindowClosed,
    ErrorCode,
    OfferNotOpen,
    OfferWindowClosed,
    ScoringClosed,
    SelectionFrozen,
    SelectionPlacesChanged,
    SelectionRulesFrozen,
    field_error,
)
from notifications.messages import user_name
from selection import allocation
from selection.models import (
    Appeal,
    AppealEvent,
    AppealStatus,
    ApplicantBonus,
    Criterion,
    Offer,
    OfferStatus,
    ReserveEntry,
    RulesEvent,
    Score,
    Selection,
    SelectionEvent,
    SelectionSettings,
    SelectionStatus,
)
from selection.notifications import place_offered_notify, selection_result_notify
from selection.permissions import (
    can_answer_offer,
    can_configure_selection,
    can_record_bonus,
    is_committee_member,
)
from selection.results import build_result, result_sha256

POINTS = Decimal("0.01")
# Applications still being checked for eligibility: the ranking waits for them.
PENDING_STATUSES = (
    ApplicationStatus.COORDINATOR_REVIEW,
    ApplicationStatus.HEAD_REVIEW,
    ApplicationStatus.PRORECTOR_REVIEW,
    ApplicationStatus.CHANGES_REQUESTED,
)
# Who may sit on a committee: the university's staff, not its students.
COMMITTEE_ROLES = (Role.STAFF, Role.COORDINATOR, Role.HEAD, Role.PRORECTOR, Role.ADMIN)
RULE_FIELDS = (
    "department",
    "tie_break",
    "first_mobility_points",
    "fewer_opportunities_points",
    "minimum_score",
    "acceptance_days",
    "appeal_days",
)
CRITERION_FIELDS = ("name", "description", "weight", "max_score", "position")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Department):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- rules and criteria (until the deadline) ---------------------------------------------------------------


def _check_rules_editable(*, call: Call, actor: User) -> None:
    if call.selection_mode != SelectionMode.COMPETITIVE:
        raise field_error(
            "call", _("This call is not competitive: it has no selection."), ErrorCode.SELECTION_NOT_COMPETITIVE
        )
    if not can_configure_selection(actor, call):
        raise PermissionDenied(_("Only whoever manages this call can change its selection rules."))
    if timezone.now() >= call.closes_at:
        raise SelectionRulesFrozen()


@transaction.atomic
def selection_settings_save(
    *, call: Call, actor: User, committee: Iterable[User] | None = None, **fields: Any
) -> SelectionSettings:
    """Create or change a competitive call's selection rules and committee, until its deadline."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    _check_rules_editable(call=call, actor=actor)
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(
            {f: ValidationError(_("This field cannot be set."), code=ErrorCode.FIELD_NOT_SETTABLE) for f in unknown}
        )
    settings = SelectionSettings.objects.filter(call=call).first()
    created = settings is None
    if settings is None:
        settings = SelectionSettings(call=call)
    before = {name: _jsonable(getattr(settings, name, None)) for name in RULE_FIELDS} if not created else {}
    for name, value in fields.items():
        setattr(settings, name, value)
    department = fields.get("department") or (settings.department if settings.department_id else None)
    if department is None:
        raise field_error("department", _("Choose the department whose head reviews the result."), ErrorCode.REQUIRED)
    call_departments = {d.pk for d in call.departments.all()}
    if call_departments and department.pk not in call_departments:
        raise field_error(
            "department", _("Choose one of the departments that manage this call."), ErrorCode.SELECTION_DEPARTMENT
        )
    settings.full_clean(exclude=["call"])
    settings.save()
    members_changed: list[int] = []
    if committee is not None:
        members = list({u.pk: u for u in committee}.values())
        outsiders = [u for u in members if not has_role(u, *COMMITTEE_ROLES)]
        if outsiders:
            raise field_error(
                "committee",
                _("Only the university's staff can sit on a selection committee: %(names)s.")
                % {"names": ", ".join(user_name(u) for u in outsiders)},
                ErrorCode.SELECTION_NOT_COMMITTEE,
            )
        settings.committee.set(members)
        members_changed = sorted(u.pk for u in members)
    after = {name: _jsonable(getattr(settings, name)) for name in RULE_FIELDS}
    changes = {name: [before.get(name), after[name]] for name in RULE_FIELDS if before.get(name) != after[name]}
    RulesEvent.objects.create(
        call=call,
        actor=actor,
        action=RulesEvent.Action.RULES_CHANGED,
        step="rules",
        data={"changes": changes, **({"committee": members_changed} if committee is not None else {})},
    )
    return settings


@transaction.atomic
def criterion_save(*, call: Call, actor: User, criterion: Criterion | None = None, **fields: Any) -> Criterion:
    """Add a criterion to a competitive call, or change one, until its deadline."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    _check_rules_editable(call=call, actor=actor)
    unknown = set(fields) - set(CRITERION_FIELDS)
    if unknown:
        raise ValidationError(
            {f: ValidationError(_("This field cannot be set."), code=ErrorCode.FIELD_NOT_SETTABLE) for f in unknown}
        )
    adding = criterion is None
    if criterion is None:
        criterion = Criterion(call=call)
    elif criterion.call_id != call.pk:
        raise PermissionDenied(_("This criterion belongs to another call."))
    before = {name: _jsonable(getattr(criterion, name)) for name in CRITERION_FIELDS}
    for name, value in fields.items():
        setattr(criterion, name, value)
    if Criterion.objects.filter(call=call, name=criterion.name).exclude(pk=criterion.pk).exists():
        raise field_error("name", _("This call already has a criterion of that name."), ErrorCode.UNIQUE)
    criterion.full_clean(exclude=["call"], validate_constraints=False)
    criterion.save()
    after = {name: _jsonable(getattr(criterion, name)) for name in CRITERION_FIELDS}
    RulesEvent.objects.create(
        call=call,
        actor=actor,
        action=RulesEvent.Action.CRITERION_ADDED if adding else RulesEvent.Action.CRITERION_CHANGED,
        step="rules",
        data={"criterion": criterion.pk, "values": after}
        if adding
        else {"criterion": criterion.pk, "changes": {k: [before[k], after[k]] for k in after if before[k] != after[k]}},
    )
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, actor: User) -> None:
    call = Call.objects.select_for_update().get(pk=criterion.call_id)
    _check_rules_editable(call=call, actor=actor)
    values = {name: _jsonable(getattr(criterion, name)) for name in CRITERION_FIELDS}
    RulesEvent.objects.create(
        call=call,
        actor=actor,
        action=RulesEvent.Action.CRITERION_REMOVED,
        step="rules",
        data={"criterion": criterion.pk, "values": values},
    )
    criterion.delete()


# --- the score sheet (after the deadline, until the result is submitted) ----------------------------------


def _check_sheet_open(*, call: Call) -> None:
    if timezone.now() < call.closes_at:
        raise ScoringClosed(_("Scores and bonuses are entered after the call's deadline."))
    frozen = Selection.objects.filter(call=call).exclude(
        status__in=[SelectionStatus.DRAFT, SelectionStatus.CHANGES_REQUESTED, SelectionStatus.REJECTED]
    )
    if frozen.exists():
        raise ScoringClosed(_("The selection result is under review or published: its scores cannot change."))


def _eligible_application(*, call: Call, application_id: int | str) -> Application:
    try:
        return Application.objects.select_for_update().get(
            pk=application_id, call=call, status=ApplicationStatus.ELIGIBLE
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise field_error(
            "application", _("Choose an eligible application of this call."), ErrorCode.DOES_NOT_EXIST
        ) from None


@transaction.atomic
def score_record(
    *, call: Call, member: User, application_id: int | str, criterion_id: int | str, value: Decimal | None
) -> Score | None:
    """A committee member's score of an eligible application on one criterion (None clears it). Saved as they type:
    the same value again writes nothing."""
    settings = SelectionSettings.objects.filter(call=call).prefetch_related("committee").first()
    if not is_committee_member(member, settings):
        raise PermissionDenied(_("Only the call's selection committee enters scores."))
    _check_sheet_open(call=call)
    application = _eligible_application(call=call, application_id=application_id)
    try:
        criterion = Criterion.objects.get(pk=criterion_id, call=call)
    except (Criterion.DoesNotExist, ValueError, TypeError):
        raise field_error("criterion", _("Choose a criterion of this call."), ErrorCode.DOES_NOT_EXIST) from None
    if value is not None and not (Decimal("0") <= value <= criterion.max_score):
        raise field_error(
            "value",
            _("Give a score from 0 to %(max)s.") % {"max": criterion.max_score},
            ErrorCode.SCORE_OUT_OF_RANGE,
        )
    existing = (
        Score.objects.select_for_update().filter(application=application, criterion=criterion, member=member).first()
    )
    before = existing.value if existing is not None else None
    if before == value:
        return existing
    if value is None:
        assert existing is not None
        existing.delete()
        score = None
    elif existing is None:
        score = Score.objects.create(application=application, criterion=criterion, member=member, value=value)
    else:
        existing.value = value
        existing.save(update_fields=["value", "updated_at"])
        score = existing
    RulesEvent.objects.create(
        call=call,
        application=application,
        actor=member,
        action=RulesEvent.Action.SCORED,
        step="score_sheet",
        data={
            "criterion": criterion.pk,
            "before": str(before) if before is not None else None,
            "after": str(value) if value is not None else None,
        },
    )
    return score


@transaction.atomic
def bonus_record(
    *, call: Call, actor: User, application_id: int | str, first_mobility: bool, fewer_opportunities: bool
) -> ApplicantBonus:
    """The coordinator records which Erasmus+ priorities an eligible applicant qualifies for."""
    if not can_record_bonus(actor, call):
        raise PermissionDenied(_("Only whoever manages this call records the applicants' bonuses."))
    _check_sheet_open(call=call)
    application = _eligible_application(call=call, application_id=application_id)
    bonus, _created = ApplicantBonus.objects.select_for_update().get_or_create(
        application=application, defaults={"recorded_by": actor}
    )
    before = [bonus.first_mobility, bonus.fewer_opportunities]
    bonus.first_mobility, bonus.fewer_opportunities = bool(first_mobility), bool(fewer_opportunities)
    bonus.recorded_by = actor
    bonus.save()
    if before != [bonus.first_mobility, bonus.fewer_opportunities] or _created:
        RulesEvent.objects.create(
            call=call,
            application=application,
            actor=actor,
            action=RulesEvent.Action.BONUS_RECORDED,
            step="score_sheet",
            data={"first_mobility": bonus.first_mobility, "fewer_opportunities": bonus.fewer_opportunities},
        )
    return bonus


# --- ranking and allocation ------------------------------------------------------------------------------


def applicant_totals(
    *, settings: SelectionSettings, criteria: Sequence[Criterion], applications: Sequence[Application]
) -> tuple[dict[int, dict[str, Any]], list[int]]:
    """Each application's total: for each criterion, the committee's mean score over its maximum times its weight,
    plus the bonus points of the priorities recorded. Returns (application id -> {total, means, bonus, bonus_points},
    ids of applications some criterion of which nobody scored yet)."""
    sums: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for application_id, criterion_id, value in Score.objects.filter(
        application__in=applications, criterion__in=criteria
    ).values_list("application_id", "criterion_id", "value"):
        sums[(application_id, criterion_id)].append(value)
    bonuses = {b.application_id: b for b in ApplicantBonus.objects.filter(application__in=applications)}
    totals: dict[int, dict[str, Any]] = {}
    missing = []
    for application in applications:
        means: dict[str, str] = {}
        total = Decimal("0")
        complete = True
        for criterion in criteria:
            values = sums.get((application.pk, criterion.pk))
            if not values:
                complete = False
                continue
            mean = sum(values, Decimal("0")) / len(values)
            means[criterion.name] = str(mean.quantize(POINTS, ROUND_HALF_UP))
            total += criterion.weight * mean / criterion.max_score
        if not complete:
            missing.append(application.pk)
        bonus = bonuses.get(application.pk)
        points = Decimal("0")
        if bonus is not None and bonus.first_mobility:
            points += settings.first_mobility_points
        if bonus is not None and bonus.fewer_opportunities:
            points += settings.fewer_opportunities_points
        totals[application.pk] = {
            "total": (total + points).quantize(POINTS, ROUND_HALF_UP),
            "means": means,
            "bonus_points": points,
            "bonus": bool(bonus and (bonus.first_mobility or bonus.fewer_opportunities)),
        }
    return totals, missing


def selection_compute(*, call: Call) -> dict[str, Any]:
    """The result the call's scores, bonuses, rules and places give now (raises a field error for what is missing)."""
    settings = SelectionSettings.objects.filter(call=call).first()
    criteria = list(Criterion.objects.filter(call=call).order_by("position", "pk"))
    if settings is None or not criteria:
        raise field_error(
            "criteria", _("Publish the call's selection rules and criteria first."), ErrorCode.SELECTION_NO_CRITERIA
        )
    pending = Application.objects.filter(call=call, status__in=PENDING_STATUSES).count()
    if pending:
        raise field_error(
            "applications",
            _("%(count)s application(s) are still being checked for eligibility; decide them first.")
            % {"count": pending},
            ErrorCode.APPLICATIONS_PENDING,
        )
    applications = list(
        Application.objects.filter(call=call, status=ApplicationStatus.ELIGIBLE)
        .select_related("applicant")
        .prefetch_related("choices")
        .order_by("pk")
    )
    totals, missing = applicant_totals(settings=settings, criteria=criteria, applications=applications)
    if missing:
        raise field_error(
            "scores",
            _("%(count)s application(s) miss a score on some criterion: #%(numbers)s.")
            % {"count": len(missing), "numbers": ", #".join(str(pk) for pk in missing[:20])},
            ErrorCode.SCORES_MISSING,
        )
    places = list(CallPlace.objects.filter(call=call).select_related("partner", "quota__agreement").order_by("pk"))
    capacity = {place.pk: place.places_left for place in places}
    candidates = [
        allocation.Candidate(
            id=a.pk,
            score=totals[a.pk]["total"],
            preferences=tuple(choice.place_id for choice in sorted(a.choices.all(), key=lambda c: c.rank)),
            gpa=a.gpa,
            submitted_at=a.submitted_at,
            bonus=totals[a.pk]["bonus"],
        )
        for a in applications
    ]
    outcome = allocation.allocate(
        candidates, capacity, tie_break=settings.tie_break, minimum_score=settings.minimum_score
    )
    return build_result(
        call_id=call.pk,
        allocation=outcome,
        rules={
            "criteria": [{"name": c.name, "weight": str(c.weight), "max_score": str(c.max_score)} for c in criteria],
            "tie_break": settings.tie_break,
            "minimum_score": str(settings.minimum_score),
            "first_mobility_points": str(settings.first_mobility_points),
            "fewer_opportunities_points": str(settings.fewer_opportunities_points),
            "acceptance_days": settings.acceptance_days,
        },
        applicants={
            a.pk: {
                "applicant": user_name(a.applicant),
                "criteria": totals[a.pk]["means"],
                "bonus": str(totals[a.pk]["bonus_points"]),
                "gpa": str(a.gpa) if a.gpa is not None else "",
            }
            for a in applications
        },
        places={p.pk: {"partner": p.partner.name, "capacity": capacity[p.pk]} for p in places},
    )


def _timeline_line(model: Any, link: str, *, case: Any, status_after: str | None, **fields: Any) -> Any:
    """One line of a case's timeline (`model`, linked to the case by `link`); status_after None: its status now."""
    fields["data"] = fields.get("data") or {}
    return model.objects.create(
        **{link: case}, status_after=case.status if status_after is None else status_after, **fields
    )


def selection_event_record(*, case: Selection, status_after: str | None = None, **fields: Any) -> SelectionEvent:
    """Append one line to a selection result's timeline (the caller is inside its transaction): action, actor,
    step, comment, status_before, data."""
    line: SelectionEvent = _timeline_line(SelectionEvent, "selection", case=case, status_after=status_after, **fields)
    return line


@transaction.atomic
def selection_run(*, call: Call, actor: User) -> Selection:
    """Rank and allocate after the deadline: the call's live result (created on the first run) takes what the
    scores give now. Re-runnable while the result is a draft or sent back."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not can_configure_selection(actor, call):
        raise PermissionDenied(_("Only whoever manages this call runs its selection."))
    if timezone.now() < call.closes_at:
        raise ScoringClosed(_("The selection runs after the call's deadline."))
    settings = SelectionSettings.objects.filter(call=call).first()
    selection = Selection.objects.select_for_update().filter(call=call).exclude(status=SelectionStatus.REJECTED).first()
    if selection is not None and not selection.is_editable:
        raise SelectionFrozen()
    result = selection_compute(call=call)
    assert settings is not None  # selection_compute refuses a call without rules
    created = selection is None
    if selection is None:
        selection = Selection(call=call, department=settings.department, created_by=actor)
    selection.department = settings.department
    selection.result = result
    selection.result_sha256 = result_sha256(result)
    selection.run_at = timezone.now()
    selection.save()
    if created:
        selection_event_record(case=selection, action=SelectionEvent.Action.CREATED, actor=actor, step="draft")
    counts: dict[str, int] = defaultdict(int)
    for entry in result["ranking"]:
        counts[entry["outcome"]] += 1
    selection_event_record(
        case=selection,
        action=SelectionEvent.Action.ALLOCATED,
        actor=actor,
        step=selection.status,
        status_before=selection.status,
        data={"sha256": selection.result_sha256, "outcomes": dict(counts)},
    )
    return selection


def selection_submit(*, selection: Selection, actor: User) -> Selection:
    """The domain part of submitting a result for approval (workflows.services.case_submit starts the flow or
    completes the revision step): whoever manages the call, a result that is current."""
    selection = Selection.objects.select_for_update().select_related("call").get(pk=selection.pk)
    if not can_configure_selection(actor, selection.call):
        raise PermissionDenied(_("Only whoever manages this call submits its selection result."))
    if not selection.is_editable:
        raise SelectionFrozen()
    if selection.run_at is None:
        raise field_error("result", _("Run the ranking and allocation first."), ErrorCode.SELECTION_NOT_RUN)
    if result_sha256(selection_compute(call=selection.call)) != selection.result_sha256:
        raise field_error(
            "result",
            _("Scores, bonuses, rules or places changed since the last run: run the allocation again."),
            ErrorCode.SELECTION_OUTDATED,
        )
    selection.submitted_by = actor
    selection.save(update_fields=["submitted_by", "updated_at"])
    return selection


def selection_submitted_record(
    *, selection: Selection, actor: User, status_before: str, resubmitted: bool
) -> SelectionEvent:
    return selection_event_record(
        case=selection,
        action=SelectionEvent.Action.RESUBMITTED if resubmitted else SelectionEvent.Action.SUBMITTED,
        actor=actor,
        step="coordinator",
        status_before=status_before,
        data={"sha256": selection.result_sha256},
    )


def selection_reject(*, selection: Selection) -> None:
    """The flow's end after a rejection: the result is closed; a new run starts a new one."""
    selection.status = SelectionStatus.REJECTED
    selection.save(update_fields=["status", "updated_at"])


# --- publishing (inside the prorector's approval) ---------------------------------------------------------


def _respond_by(*, call: Call, now: datetime) -> datetime:
    return now + timedelta(days=call.selection_settings.acceptance_days)


def selection_publish(*, selection: Selection) -> None:
    """Publish and freeze an approved result: applicants become selected (their place taken, an offer to answer
    by the acceptance window), reserve or not selected; each gets a line on their timeline and is told. Runs inside
    the prorector's decision transaction: a place no longer there rolls the whole decision back."""
    selection = (
        Selection.objects.select_for_update(of=("self",))
        .select_related("call__selection_settings")
        .get(pk=selection.pk)
    )
    result = selection.result
    if result_sha256(result) != selection.result_sha256:
        raise SelectionFrozen(_("The stored result does not match its hash; it cannot be published."))
    call = selection.call
    now = timezone.now()
    respond_by = _respond_by(call=call, now=now)
    locked = call_places_lock(place_ids=[p["place"] for p in result["places"]])
    entries = result["ranking"]
    applications = {
        a.pk: a
        for a in Application.objects.select_for_update(of=("self",))
        .select_related("applicant", "call")
        .filter(pk__in=[e["application"] for e in entries])
        .order_by("pk")
    }
    reserve_of: dict[int, list[tuple[int, int]]] = defaultdict(list)
    reserve_entries = []
    for place in result["places"]:
        for position, application_id in enumerate(place["reserve"], 1):
            reserve_of[application_id].append((place["place"], position))
            reserve_entries.append(
                ReserveEntry(
                    selection=selection, place_id=place["place"], application_id=application_id, position=position
                )
            )
    offers = []
    for entry in entries:
        application = applications.get(entry["application"])
        if application is None or application.status != ApplicationStatus.ELIGIBLE:
            raise SelectionPlacesChanged(
                _("Application #%(number)s is no longer eligible: send the result back to run it again.")
                % {"number": entry["application"]}
            )
        status_before = application.status
        outcome = entry["outcome"]
        data: dict[str, Any] = {"selection": selection.pk, "rank": entry["rank"], "score": entry["score"]}
        fields = ["status", "updated_at"]
        if outcome == allocation.Outcome.SELECTED:
            place = locked.get(entry["place"])
            if place is None or not call_place_take_rollback_unsafe(place=place):
                raise SelectionPlacesChanged()
            application.status = ApplicationStatus.SELECTED
            application.nominated_place = place
            fields.append("nominated_place")
            offers.append(
                Offer(selection=selection, application=application, place=place, offered_at=now, respond_by=respond_by)
            )
            action = CaseEvent.Action.SELECTED
            data.update(partner=entry["partner"], place_id=place.pk, choice_rank=entry["choice"])
            data["respond_by"] = respond_by.isoformat()
        elif outcome == allocation.Outcome.RESERVE:
            application.status = ApplicationStatus.RESERVE
            action = CaseEvent.Action.RESERVE_LISTED
            data["reserve"] = [
                {"place_id": place_id, "partner": locked[place_id].partner.name, "position": position}
                for place_id, position in reserve_of[application.pk]
            ]
        else:
            application.status = ApplicationStatus.NOT_SELECTED
            application.decided_at = now
            fields.append("decided_at")
            action = CaseEvent.Action.NOT_SELECTED
        data["reasons"] = entry["explanations"]
        application.save(update_fields=fields)
        event = case_event_record(
            application=application, action=action, step="selection", status_before=status_before, data=data
        )
        selection_result_notify(application=application, entry=entry, event=event, respond_by=respond_by, result=result)
    Offer.objects.bulk_create(offers)
    ReserveEntry.objects.bulk_create(reserve_entries)
    status_before = selection.status
    selection.status = SelectionStatus.PUBLISHED
    selection.published_at = now
    selection.save(update_fields=["status", "published_at", "updated_at"])
    selection_event_record(
        case=selection,
        action=SelectionEvent.Action.PUBLISHED,
        step="publish",
        status_before=status_before,
        data={"sha256": selection.result_sha256, "offers": len(offers), "reserve_entries": len(reserve_entries)},
    )


# --- answers to offered places, and the reserve lists ----------------------------------------------------


def _open_offer_locked(*, offer_id: int | str) -> Offer:
    try:
        return (
            Offer.objects.select_for_update(of=("self",))
            .select_related("application__applicant", "application__call", "place__partner")
            .get(pk=offer_id)
        )
    except (Offer.DoesNotExist, ValueError, TypeError):
        raise field_error("offer", _("No such offer."), ErrorCode.DOES_NOT_EXIST) from None


@transaction.atomic
def offer_accept(*, offer_id: int | str, actor: User) -> Offer:
    """The applicant accepts the place offered, within the window."""
    offer = _open_offer_locked(offer_id=offer_id)
    if not can_answer_offer(actor, offer):
        raise PermissionDenied(_("Only the applicant answers this offer."))
    if offer.status != OfferStatus.OPEN:
        raise OfferNotOpen()
    now = timezone.now()
    if now >= offer.respond_by:
        raise OfferWindowClosed()
    offer.status, offer.answered_at = OfferStatus.ACCEPTED, now
    offer.save(update_fields=["status", "answered_at"])
    application = offer.application
    status_before = application.status
    application.status = ApplicationStatus.ACCEPTED
    application.decided_at = now
    application.save(update_fields=["status", "decided_at", "updated_at"])
    case_event_record(
        application=application,
        action=CaseEvent.Action.PLACE_ACCEPTED,
        actor=actor,
        step="offer",
        status_before=status_before,
        data={"offer": offer.pk, "place_id": offer.place_id, "partner": offer.place.partner.name},
    )
    return offer


def _give_up(*, offer_id: int | str, actor: User | None, expired: bool, comment: str = "") -> Offer | None:
    """Decline (the applicant) or expire (the beat job) an open offer and pass its place on. The place is locked
    before the offer, as publishing and other declines lock places first. None when an expiry finds the offer
    answered meanwhile."""
    place_id = Offer.objects.filter(pk=offer_id).values_list("place_id", flat=True).first()
    if place_id is None:
        raise field_error("offer", _("No such offer."), ErrorCode.DOES_NOT_EXIST)
    place = call_places_lock(place_ids=[place_id])[place_id]
    offer = _open_offer_locked(offer_id=offer_id)
    now = timezone.now()
    if expired:
        if offer.status != OfferStatus.OPEN or offer.respond_by > now:
            return None
    else:
        assert actor is not None
        if not can_answer_offer(actor, offer):
            raise PermissionDenied(_("Only the applicant answers this offer."))
        if offer.status != OfferStatus.OPEN:
            raise OfferNotOpen()
    offer.status = OfferStatus.EXPIRED if expired else OfferStatus.DECLINED
    offer.answered_at = now
    offer.save(update_fields=["status", "answered_at"])
    application = offer.application
    status_before = application.status
    application.status = ApplicationStatus.DECLINED
    application.nominated_place = None
    application.decided_at = now
    application.save(update_fields=["status", "nominated_place", "decided_at", "updated_at"])
    case_event_record(
        application=application,
        action=CaseEvent.Action.OFFER_EXPIRED if expired else CaseEvent.Action.PLACE_DECLINED,
        actor=actor,
        step="offer",
        comment=comment,
        status_before=status_before,
        data={"offer": offer.pk, "place_id": place.pk, "partner": offer.place.partner.name},
    )
    _pass_place(offer=offer, place=place, now=now)
    return offer


def _pass_place(*, offer: Offer, place: CallPlace, now: datetime) -> Application | None:
    """The place of a declined or expired offer goes to the first applicant still waiting on the partner's reserve
    list (they get an offer with the same window); with nobody left it is given back."""
    entries = ReserveEntry.objects.filter(selection_id=offer.selection_id, place=place).order_by("position")
    for application_id, position in entries.values_list("application_id", "position"):
        # Locks the row only while the applicant is still waiting on a reserve list; one promoted meanwhile by
        # another partner's decline is skipped (PostgreSQL re-checks the condition after waiting for the lock).
        candidate = (
            Application.objects.select_for_update(of=("self",))
            .select_related("applicant", "call__selection_settings")
            .filter(pk=application_id, status=ApplicationStatus.RESERVE)
            .first()
        )
        if candidate is None:
            continue
        new_offer = Offer.objects.create(
            selection_id=offer.selection_id,
            application=candidate,
            place=place,
            from_reserve=True,
            offered_at=now,
            respond_by=_respond_by(call=candidate.call, now=now),
        )
        status_before = candidate.status
        candidate.status = ApplicationStatus.SELECTED
        candidate.nominated_place = place
        candidate.save(update_fields=["status", "nominated_place", "updated_at"])
        event = case_event_record(
            application=candidate,
            action=CaseEvent.Action.PROMOTED,
            step="reserve",
            status_before=status_before,
            data={
                "offer": new_offer.pk,
                "place_id": place.pk,
                "partner": place.partner.name,
                "position": position,
                "respond_by": new_offer.respond_by.isoformat(),
            },
        )
        place_offered_notify(offer=new_offer, event=event)
        return candidate
    call_place_release_rollback_unsafe(place=place)
    return None


@transaction.atomic
def offer_decline(*, offer_id: int | str, actor: User, comment: str = "") -> Offer:
    """The applicant declines the place offered; it passes to the partner's reserve list."""
    offer = _give_up(offer_id=offer_id, actor=actor, expired=False, comment=comment)
    assert offer is not None
    return offer


def offer_expire(*, offer_id: int | str) -> Offer | None:
    """An offer not answered by its deadline is given up as a decline would be (None if answered meanwhile)."""
    try:
        with transaction.atomic():
            return _give_up(offer_id=offer_id, actor=None, expired=True)
    except IntegrityError:  # pragma: no cover - the constraints are the last guard; the next sweep retries
        return None


def offers_expire(*, now: datetime | None = None) -> int:
    """The beat job: every open offer past its deadline is given up, each in its own transaction. Idempotent."""
    now = now or timezone.now()
    due = list(
        Offer.objects.filter(status=OfferStatus.OPEN, respond_by__lte=now)
        .order_by("respond_by", "pk")
        .values_list("pk", flat=True)
    )
    return sum(1 for offer_id in due if offer_expire(offer_id=offer_id) is not None)


# --- appeals (a case of the kind "appeal", decided by the prorector) -------------------------------------

APPEALABLE_STATUSES = (ApplicationStatus.RESERVE, ApplicationStatus.NOT_SELECTED)


def appeal_event_record(*, case: Appeal, status_after: str | None = None, **fields: Any) -> AppealEvent:
    """Append one line to an appeal's timeline (the caller is inside its transaction)."""
    line: AppealEvent = _timeline_line(AppealEvent, "appeal", case=case, status_after=status_after, **fields)
    return line


def _check_appeal_window(*, application: Application) -> Selection:
    selection = (
        Selection.objects.filter(call_id=application.call_id, status=SelectionStatus.PUBLISHED)
        .select_related("call__selection_settings")
        .first()
    )
    if selection is None or selection.published_at is None:
        raise AppealWindowClosed(_("There is no published selection result to appeal against."))
    closes = selection.published_at + timedelta(days=selection.call.selection_settings.appeal_days)
    if timezone.now() >= closes:
        raise AppealWindowClosed()
    return selection


@transaction.atomic
def appeal_create(*, application: Application, actor: User, reason: str) -> Appeal:
    """The applicant's appeal against the published result (a draft; workflows.services.case_submit sends it)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can appeal."))
    if application.status not in APPEALABLE_STATUSES:
        raise field_error(
            "application",
            _("Only an application on the reserve list or not selected can be appealed."),
            ErrorCode.APPEAL_NOT_ALLOWED,
        )
    selection = _check_appeal_window(application=application)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Give the reason for your appeal."), ErrorCode.REASON_REQUIRED)
    if Appeal.objects.filter(application=application).exists():
        raise field_error("application", _("This application has been appealed already."), ErrorCode.DUPLICATE_APPEAL)
    return Appeal.objects.create(
        selection=selection, application=application, applicant=actor, department=application.department, reason=reason
    )


def appeal_submit(*, appeal: Appeal, actor: User) -> Appeal:
    """The domain part of submitting an appeal (or resubmitting it after the prorector asked for more)."""
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("application").get(pk=appeal.pk)
    if appeal.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can submit this appeal."))
    if appeal.status not in (AppealStatus.DRAFT, AppealStatus.CHANGES_REQUESTED):
        raise SelectionFrozen(_("This appeal has been submitted already."))
    _check_appeal_window(application=appeal.application)
    return appeal


def appeal_submitted_record(*, appeal: Appeal, actor: User, status_before: str, resubmitted: bool) -> AppealEvent:
    event = appeal_event_record(
        case=appeal,
        action=AppealEvent.Action.RESUBMITTED if resubmitted else AppealEvent.Action.SUBMITTED,
        actor=actor,
        step="applicant",
        comment=appeal.reason,
        status_before=status_before,
    )
    if not resubmitted:
        application = appeal.application
        case_event_record(
            application=application,
            action=CaseEvent.Action.APPEALED,
            actor=actor,
            step="appeal",
            comment=appeal.reason,
            status_before=application.status,
            data={"appeal": appeal.pk},
        )
    return event


def appeal_uphold(*, appeal: Appeal) -> None:
    """The prorector upholds an appeal (inside the decision's transaction): the allocation runs again for the
    places still free — the appellant gets their highest choice with a free place (never one held or accepted);
    with none free they join the end of their choices' reserve lists."""
    appeal = Appeal.objects.select_for_update(of=("self",)).get(pk=appeal.pk)
    choices = list(
        HostChoice.objects.filter(application_id=appeal.application_id)
        .order_by("rank")
        .values_list("place_id", flat=True)
    )
    locked = call_places_lock(place_ids=choices)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant", "call__selection_settings")
        .get(pk=appeal.application_id)
    )
    now = timezone.now()
    appeal.status, appeal.decided_at = AppealStatus.UPHELD, now
    appeal.save(update_fields=["status", "decided_at", "updated_at"])
    status_before = application.status
    if status_before not in APPEALABLE_STATUSES:
        # Promoted from a reserve list meanwhile: it holds a place already.
        case_event_record(
            application=application,
            action=CaseEvent.Action.APPEAL_UPHELD,
            step="appeal",
            status_before=status_before,
            data={"appeal": appeal.pk, "place_id": application.nominated_place_id},
        )
        return
    for rank, place_id in enumerate(choices, 1):
        place = locked[place_id]
        if not call_place_take_rollback_unsafe(place=place):
            continue
        offer = Offer.objects.create(
            selection_id=appeal.selection_id,
            application=application,
            place=place,
            offered_at=now,
            respond_by=_respond_by(call=application.call, now=now),
        )
        application.status, application.nominated_place = ApplicationStatus.SELECTED, place
        application.save(update_fields=["status", "nominated_place", "updated_at"])
        event = case_event_record(
            application=application,
            action=CaseEvent.Action.APPEAL_UPHELD,
            step="appeal",
            status_before=status_before,
            data={
                "appeal": appeal.pk,
                "offer": offer.pk,
                "place_id": place.pk,
                "partner": place.partner.name,
                "choice_rank": rank,
                "respond_by": offer.respond_by.isoformat(),
            },
        )
        appeal_event_record(
            case=appeal,
            action=AppealEvent.Action.PLACE_OFFERED,
            step="uphold",
            status_before=AppealStatus.UPHELD,
            data={"place_id": place.pk, "partner": place.partner.name, "offer": offer.pk},
        )
        place_offered_notify(offer=offer, event=event)
        return
    # No place free among the choices: the end of each choice's reserve list.
    positions = []
    for place_id in choices:
        last = (
            ReserveEntry.objects.filter(selection_id=appeal.selection_id, place_id=place_id)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        entry, _created = ReserveEntry.objects.get_or_create(
            selection_id=appeal.selection_id,
            place_id=place_id,
            application=application,
            defaults={"position": (last or 0) + 1},
        )
        positions.append({"place_id": place_id, "partner": locked[place_id].partner.name, "position": entry.position})
    application.status = ApplicationStatus.RESERVE
    application.save(update_fields=["status", "updated_at"])
    case_event_record(
        application=application,
        action=CaseEvent.Action.APPEAL_UPHELD,
        step="appeal",
        status_before=status_before,
        data={"appeal": appeal.pk, "reserve": positions},
    )
    appeal_event_record(
        case=appeal,
        action=AppealEvent.Action.RESERVE_LISTED,
        step="uphold",
        status_before=AppealStatus.UPHELD,
        data={"reserve": positions},
    )


def appeal_dismiss(*, appeal: Appeal) -> None:
    """The prorector dismisses an appeal: the published result stands."""
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("application").get(pk=appeal.pk)
    appeal.status, appeal.decided_at = AppealStatus.DISMISSED, timezone.now()
    appeal.save(update_fields=["status", "decided_at", "updated_at"])
    application = appeal.application
    case_event_record(
        application=application,
        action=CaseEvent.Action.APPEAL_DISMISSED,
        step="appeal",
        status_before=application.status,
        data={"appeal": appeal.pk},
    )


@transaction.atomic
def appeal_revise(*, appeal: Appeal, actor: User, reason: str) -> Appeal:
    """The applicant says more on an appeal the prorector sent back (then submits it again)."""
    appeal = Appeal.objects.select_for_update(of=("self",)).get(pk=appeal.pk)
    if appeal.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can change this appeal."))
    if appeal.status != AppealStatus.CHANGES_REQUESTED:
        raise SelectionFrozen(_("This appeal is not waiting for changes."))
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Give the reason for your appeal."), ErrorCode.REASON_REQUIRED)
    appeal.reason = reason
    appeal.save(update_fields=["reason", "updated_at"])
    return appeal
