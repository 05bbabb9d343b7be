"""The numbers of the action plan, computed from the data for any period: mobility from the applications (approved,
nominated and took place kept apart), agreements new and in force (by type and country), and the activity register.
Each measure gives its value, a breakdown and the records behind it (the drill-down), so that a controller can check
every number against its confirming records.

Definitions (for a period [start, end], both days included):
- approved: an application whose final approval (a timeline line whose status after is approved or selected) falls
  in the period; nominated: one nominated to the partner in the period; took place: one approved, accepted or
  nominated whose mobility (period_start..period_end) overlaps the period and has begun. The indicator's value is
  "took place"; the other two are its breakdown.
- a new agreement: one activated in the period (its `activated` timeline line); in force: active at some day of the
  period (activated, start_date ≤ end, end_date ≥ start).
- register: entries whose date falls in the period; a membership counts while it lasts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, AgreementEvent, AgreementType
from applications.models import Application, ApplicationStatus, Audience, CaseEvent, MobilityType, Programme
from reports.models import FAIRS, SCIENTIFIC_EVENTS, Activity, ActivityCategory, ActivityKind, Measure

MOBILE_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.ACCEPTED, ApplicationStatus.NOMINATED)
APPROVAL_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.SELECTED)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        return cls(date(year, 1, 1), date(year, 6, 30)) if half == 1 else cls(date(year, 7, 1), date(year, 12, 31))

    def __str__(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


@dataclass(frozen=True)
class Record:
    """One record behind a number: what it is, where to open it, and its group in the breakdown."""

    label: str
    url: str
    detail: str = ""


# The records a number lists (the drill-down and a report keep the first ones; the number counts them all).
RECORDS_SHOWN = 500


@dataclass
class Count:
    value: int
    records: list[Record]
    breakdown: dict[str, dict[str, int]] = field(default_factory=dict)
    # How many records are behind the number (None: as many as listed).
    total_records: int | None = None

    @property
    def records_hidden(self) -> int:
        """How many records behind the number are not listed (the list stops at RECORDS_SHOWN)."""
        return max(0, (self.total_records or 0) - len(self.records))


def _between(name: str, period: Period) -> Q:
    return Q(**{f"{name}__gte": period.start, f"{name}__lte": period.end})


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _moments(period: Period) -> Q:
    """created_at in the period's days, in the site's time zone (a range of moments, so the index serves it)."""
    return Q(created_at__gte=_day_start(period.start), created_at__lt=_day_start(period.end + timedelta(days=1)))


# The groups of a breakdown, named in the reader's language.
GROUPS = {
    "programme": _("Programme"),
    "audience": _("Students or staff"),
    "type": _("Type"),
    "direction": _("Direction"),
    "department": _("Department"),
    "partner": _("Partner"),
    "country": _("Country"),
    "stage": _("Stage"),
    "category": _("Category"),
    "status": _("Status"),
    "faculty": _("Faculty"),
    "students": _("Students"),
}


def group(name: str) -> str:
    return str(GROUPS[name])


# --- mobility ------------------------------------------------------------------------------------------------------


def _application_record(application: Application, detail: str = "") -> Record:
    place = application.nominated_place
    partner = place.partner if place is not None else None
    where = f"{partner.name} ({partner.country})" if partner is not None else ""
    return Record(
        label=f"#{application.pk} · {application.call.get_programme_display()} · {where}".rstrip(" ·"),
        url=application.get_absolute_url(),
        detail=detail or str(application.department),
    )


def _applications() -> QuerySet[Application]:
    return Application.objects.select_related("call", "department", "nominated_place__partner")


def mobility_took_place(period: Period, *, extra: Q | None = None) -> QuerySet[Application]:
    today = timezone.localdate()
    query = Q(status__in=MOBILE_STATUSES, period_start__lte=min(period.end, today), period_end__gte=period.start)
    return _applications().filter(query & (extra or Q())).order_by("period_start", "pk")


def mobility_approved(period: Period, *, extra: Q | None = None) -> QuerySet[Application]:
    approved = CaseEvent.objects.filter(_moments(period), status_after__in=APPROVAL_STATUSES).values("application_id")
    return _applications().filter(Q(pk__in=approved) & (extra or Q())).order_by("pk")


def mobility_nominated(period: Period, *, extra: Q | None = None) -> QuerySet[Application]:
    nominated = CaseEvent.objects.filter(_moments(period), status_after=ApplicationStatus.NOMINATED).values(
        "application_id"
    )
    return _applications().filter(Q(pk__in=nominated) & (extra or Q())).order_by("pk")


# What each breakdown of mobility groups by (a path from the application) and how a key reads.
MOBILITY_GROUPS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "programme": ("call__programme", lambda key: str(Programme(key).label)),
    "audience": ("call__audience", lambda key: str(Audience(key).label)),
    "type": ("call__mobility_type", lambda key: str(MobilityType(key).label)),
    "department": ("department__name", str),
    "partner": ("nominated_place__partner__name", str),
    "country": ("nominated_place__partner__country", str),
}


def _mobility_breakdown(applications: QuerySet[Application], total: int) -> dict[str, dict[str, int]]:
    """Counted by the database (one grouped query per breakdown), whatever the number of applications."""
    breakdown: dict[str, dict[str, int]] = {}
    for name, (path, label) in MOBILITY_GROUPS.items():
        rows = (
            applications.order_by()
            .values_list(path)
            .annotate(n=models.Count("pk"))
            .filter(**{f"{path}__isnull": False})
            .order_by("-n")
        )
        counts = {label(key): n for key, n in rows}
        if counts:
            breakdown[group(name)] = counts
    if total:
        breakdown[group("direction")] = {str(_("Outgoing")): total}
    return breakdown


def _mobility(period: Period, extra: Q | None = None) -> Count:
    took_place = mobility_took_place(period, extra=extra)
    total = took_place.count()
    approved = mobility_approved(period, extra=extra).count()
    nominated = mobility_nominated(period, extra=extra).count()
    breakdown = _mobility_breakdown(took_place, total)
    breakdown[group("stage")] = {
        str(_("approved")): approved,
        str(_("nominated")): nominated,
        str(_("took place")): total,
    }
    return Count(total, [_application_record(a) for a in took_place[:RECORDS_SHOWN]], breakdown, total)


# --- agreements ----------------------------------------------------------------------------------------------------


def _agreement_record(agreement: Agreement) -> Record:
    return Record(
        label=f"{agreement.title} · {agreement.partner.name} ({agreement.partner.country})",
        url=agreement.get_absolute_url(),
        detail=str(agreement.get_type_display()),
    )


def _agreement_breakdown(agreements: Iterable[Agreement]) -> dict[str, dict[str, int]]:
    by_type: Counter[str] = Counter()
    by_country: Counter[str] = Counter()
    for agreement in agreements:
        by_type[str(agreement.get_type_display())] += 1
        by_country[agreement.partner.country] += 1
    return {group("type"): dict(by_type.most_common()), group("country"): dict(by_country.most_common())}


def agreements_new(period: Period, *, types: tuple[str, ...] = ()) -> QuerySet[Agreement]:
    activated = AgreementEvent.objects.filter(_moments(period), action=AgreementEvent.Action.ACTIVATED)
    agreements = Agreement.objects.filter(pk__in=activated.values("agreement_id")).select_related("partner")
    if types:
        agreements = agreements.filter(type__in=types)
    return agreements.order_by("start_date", "pk")


def agreements_in_force(period: Period, *, types: tuple[str, ...] = ()) -> QuerySet[Agreement]:
    activated = AgreementEvent.objects.filter(
        action=AgreementEvent.Action.ACTIVATED, created_at__lt=_day_start(period.end + timedelta(days=1))
    )
    agreements = Agreement.objects.filter(
        pk__in=activated.values("agreement_id"), start_date__lte=period.end, end_date__gte=period.start
    ).select_related("partner")
    if types:
        agreements = agreements.filter(type__in=types)
    return agreements.order_by("start_date", "pk")


def _agreements(agreements: QuerySet[Agreement]) -> Count:
    rows = list(agreements)
    records = [_agreement_record(a) for a in rows[:RECORDS_SHOWN]]
    return Count(len(rows), records, _agreement_breakdown(rows), len(rows))


# --- the register --------------------------------------------------------------------------------------------------


def register_entries(period: Period, *, kind: str, categories: tuple[str, ...] = ()) -> QuerySet[Activity]:
    activities = Activity.objects.filter(kind=kind).select_related("department")
    if kind == ActivityKind.MEMBERSHIP:
        activities = activities.filter(
            Q(start_date__lte=period.end) & (Q(end_date__isnull=True) | Q(end_date__gte=period.start))
        )
    else:
        activities = activities.filter(_between("start_date", period))
    if categories:
        activities = activities.filter(category__in=categories)
    return activities.order_by("start_date", "pk")


def _activity_record(activity: Activity) -> Record:
    return Record(
        label=f"{activity.start_date.isoformat()} · {activity.title}",
        url=activity.get_absolute_url(),
        detail=str(activity.get_category_display()),
    )


def _register(activities: QuerySet[Activity], value: Callable[[list[Activity]], int] | None = None) -> Count:
    rows = list(activities)
    by_category: Counter[str] = Counter(str(a.get_category_display()) for a in rows)
    by_outcome: Counter[str] = Counter(str(a.get_outcome_display()) for a in rows if a.outcome)
    breakdown = {group("category"): dict(by_category.most_common())}
    if by_outcome:
        breakdown[group("status")] = dict(by_outcome.most_common())
    records = [_activity_record(a) for a in rows[:RECORDS_SHOWN]]
    return Count(value(rows) if value else len(rows), records, breakdown, len(rows))


def _faculties(period: Period) -> Count:
    meetings = register_entries(
        period,
        kind=ActivityKind.EVENT,
        categories=(ActivityCategory.FACULTY_MEETING, ActivityCategory.FACULTY_TRAINING),
    )
    count = _register(meetings, lambda rows: len({a.department_id for a in rows if a.department_id}))
    count.breakdown[group("faculty")] = dict(
        Counter(str(a.department) for a in meetings if a.department_id is not None).most_common()
    )
    return count


def _double_degrees(period: Period) -> Count:
    count = _agreements(agreements_in_force(period, types=(AgreementType.DOUBLE_DEGREE,)))
    students = mobility_took_place(period, extra=Q(call__programme=Programme.DOUBLE_DEGREE)).count()
    count.breakdown[group("students")] = {str(_("students")): students}
    return count


MEASURES: dict[str, Callable[[Period], Count]] = {
    Measure.MOBILITY: _mobility,
    Measure.INTERNSHIP_STUDENTS: lambda period: _mobility(
        period, Q(call__audience=Audience.STUDENTS, call__mobility_type=MobilityType.TRAINEESHIP)
    ),
    Measure.AGREEMENTS_NEW: lambda period: _agreements(agreements_new(period)),
    Measure.AGREEMENTS_ACTIVE: lambda period: _agreements(agreements_in_force(period)),
    Measure.INTERNSHIP_PROGRAMMES: lambda period: _agreements(
        agreements_new(period, types=(AgreementType.INTERNSHIP,))
    ),
    Measure.DOUBLE_DEGREES: _double_degrees,
    Measure.FACULTIES_REACHED: _faculties,
    Measure.FAIRS: lambda period: _register(register_entries(period, kind=ActivityKind.EVENT, categories=FAIRS)),
    Measure.SCIENTIFIC_EVENTS: lambda period: _register(
        register_entries(period, kind=ActivityKind.EVENT, categories=SCIENTIFIC_EVENTS)
    ),
    Measure.MEMBERSHIPS: lambda period: _register(register_entries(period, kind=ActivityKind.MEMBERSHIP)),
    Measure.GRANTS_SUBMITTED: lambda period: _register(register_entries(period, kind=ActivityKind.GRANT)),
    Measure.ONLINE_TRAINING: lambda period: _register(
        register_entries(period, kind=ActivityKind.ONLINE_TRAINING),
        lambda rows: sum(a.students_count + a.staff_count for a in rows),
    ),
    Measure.RANKINGS: lambda period: _register(register_entries(period, kind=ActivityKind.RANKING)),
    Measure.PROCEDURES: lambda period: _register(register_entries(period, kind=ActivityKind.PROCEDURE)),
}


def measure_count(measure: str, period: Period) -> Count | None:
    """The number of a measure in the period, with its breakdown and records; None for an indicator reported by
    hand."""
    compute = MEASURES.get(measure)
    return compute(period) if compute is not None else None


def plan_values(indicators: Iterable[Any], period: Period) -> list[tuple[Any, Count | None]]:
    return [(indicator, measure_count(indicator.measure, period)) for indicator in indicators]
