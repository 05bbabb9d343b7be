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
  period (activated, start_date ≤ end, end_date ≥ start); effective: in force and with at least one mobility in the
  period (an application approved or nominated in the period on a place taken from one of its quotas). Each is broken
  down by type, country and ISCED-F field (the subject areas of its current terms; an agreement counts once under
  each of its fields).
- implementation of agreements: the places used over the places available, in per cent, of the quotas
  (agreements.AgreementQuota) of the agreements in force in the period, for the academic years the period touches;
  beside it the places of the calls of those academic years (applications.CallPlace: taken over offered).
- register: entries whose date falls in the period; a membership counts while it lasts.
- incoming mobility: the participants partners nominated to us (incoming/), not withdrawn, whose mobility overlaps
  the period (one without dates counts in any period), as incoming.selectors.incoming_counts counts them; the value
  is those nominated, the stage breakdown keeps those accepted apart."""

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

from agreements.models import Agreement, AgreementEvent, AgreementQuota, AgreementType
from applications.models import (
    Application,
    ApplicationStatus,
    Audience,
    CallPlace,
    CaseEvent,
    MobilityType,
    Programme,
)
from documents.models import DocumentKind
from documents.services import GENERATED_KINDS
from reports.models import FAIRS, SCIENTIFIC_EVENTS, Activity, ActivityCategory, ActivityKind, Measure

# What confirms a mobility in a drill-down: the letters Körpü issued about it (documents.services.GENERATED_KINDS).
LETTERS: tuple[str, ...] = tuple(GENERATED_KINDS)
# What confirms an agreement in a drill-down: its signed copy (not its drafts).
SIGNED: tuple[str, ...] = (DocumentKind.SIGNED_AGREEMENT,)
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


@dataclass(frozen=True)
class RecordList:
    """A list of the records behind a number (the drill-down pages through it): its rows as a query, ordered, and how
    a row reads as a Record. A number may have several (mobility: took place, approved, nominated)."""

    key: str
    label: str
    rows: QuerySet[Any]
    record: Callable[[Any], Record]
    # The record whose documents confirm a row (a quota: its agreement); None: the row itself.
    owner: str | None = None
    # The kinds of document that confirm it (None: every kind). An application's confirming documents are the
    # letters Körpü issued, not the applicant's own uploads (passport, transcript), which only its case page shows.
    document_kinds: tuple[str, ...] | None = None


# The records a number lists (the drill-down and a report keep the first ones; the number counts them all).
RECORDS_SHOWN = 500


@dataclass
class Count:
    value: int
    records: list[Record]
    breakdown: dict[str, dict[str, int]] = field(default_factory=dict)
    # How many records are behind the number (None: as many as listed).
    total_records: int | None = None
    # Every list of records behind the number, for the drill-down (the first is the number's own).
    lists: list[RecordList] = field(default_factory=list)
    # Breakdowns of the other stages (mobility: approved, nominated), apart from the number's own.
    by_stage: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)

    def record_list(self, key: str = "") -> RecordList | None:
        """The list named `key`, or the number's own (the first)."""
        for record_list in self.lists:
            if record_list.key == key:
                return record_list
        return self.lists[0] if self.lists else None

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
    "isced": _("ISCED-F field"),
    "effective": _("With a mobility in the period"),
    "places": _("Places of the agreements' quotas"),
    "call_places": _("Places of the calls"),
    "used_by_type": _("Places used by type of agreement, per cent"),
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
    """Nominated to the partner in the period: a grants.Nomination of the period (its Grant names the application), or
    a timeline line whose status after is nominated."""
    nominated = CaseEvent.objects.filter(_moments(period), status_after=ApplicationStatus.NOMINATED).values(
        "application_id"
    )
    start, end = _day_start(period.start), _day_start(period.end + timedelta(days=1))
    by_nomination = Q(grant__nomination__created_at__gte=start, grant__nomination__created_at__lt=end)
    return _applications().filter((Q(pk__in=nominated) | by_nomination) & (extra or Q())).order_by("pk")


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
    """Counted by the database in one grouped query over every breakdown's path together (the combinations are few:
    a partner has one country, a call one programme, audience and type), then summed per breakdown here."""
    paths = [path for path, _label in MOBILITY_GROUPS.values()]
    sums: dict[str, dict[Any, int]] = {name: {} for name in MOBILITY_GROUPS}
    for *keys, n in applications.order_by().values_list(*paths).annotate(n=models.Count("pk")):
        for name, key in zip(MOBILITY_GROUPS, keys, strict=True):
            if key is not None:
                sums[name][key] = sums[name].get(key, 0) + n
    breakdown: dict[str, dict[str, int]] = {}
    for name, (_path, label) in MOBILITY_GROUPS.items():
        ordered = sorted(sums[name].items(), key=lambda item: -item[1])
        counts = {label(key): n for key, n in ordered}
        if counts:
            breakdown[group(name)] = counts
    if total:
        breakdown[group("direction")] = {str(_("Outgoing")): total}
    return breakdown


def _mobility(period: Period, extra: Q | None = None) -> Count:
    took_place = mobility_took_place(period, extra=extra)
    approved_rows = mobility_approved(period, extra=extra)
    nominated_rows = mobility_nominated(period, extra=extra)
    total = took_place.count()
    approved = approved_rows.count()
    nominated = nominated_rows.count()
    breakdown = _mobility_breakdown(took_place, total)
    breakdown[group("stage")] = {
        str(_("approved")): approved,
        str(_("nominated")): nominated,
        str(_("took place")): total,
    }
    count = Count(total, [_application_record(a) for a in took_place[:RECORDS_SHOWN]], breakdown, total)
    count.lists = [
        RecordList("took_place", str(_("took place")), took_place, _application_record, document_kinds=LETTERS),
        RecordList("approved", str(_("approved")), approved_rows, _application_record, document_kinds=LETTERS),
        RecordList("nominated", str(_("nominated")), nominated_rows, _application_record, document_kinds=LETTERS),
    ]
    count.by_stage = {
        str(_("approved")): _mobility_breakdown(approved_rows, approved),
        str(_("nominated")): _mobility_breakdown(nominated_rows, nominated),
    }
    return count


# --- agreements ----------------------------------------------------------------------------------------------------


def _agreement_record(agreement: Agreement) -> Record:
    return Record(
        label=f"{agreement.title} · {agreement.partner.name} ({agreement.partner.country})",
        url=agreement.get_absolute_url(),
        detail=str(agreement.get_type_display()),
    )


def agreement_isced_fields(agreement: Agreement) -> list[str]:
    """The ISCED-F codes of the agreement's current terms (every condition's subject areas), each once."""
    terms = agreement.current_version.terms if agreement.current_version_id else {}
    return sorted(
        {area for condition in terms.get("conditions") or [] for area in condition.get("subject_areas") or []}
    )


def _agreement_breakdown(agreements: Iterable[Agreement]) -> dict[str, dict[str, int]]:
    by_type: Counter[str] = Counter()
    by_country: Counter[str] = Counter()
    by_field: Counter[str] = Counter()
    for agreement in agreements:
        by_type[str(agreement.get_type_display())] += 1
        by_country[agreement.partner.country] += 1
        by_field.update(agreement_isced_fields(agreement) or [str(_("no field given"))])
    return {
        group("type"): dict(by_type.most_common()),
        group("country"): dict(by_country.most_common()),
        group("isced"): dict(sorted(by_field.items(), key=lambda item: (-item[1], item[0]))),
    }


def agreements_new(period: Period, *, types: tuple[str, ...] = ()) -> QuerySet[Agreement]:
    activated = AgreementEvent.objects.filter(_moments(period), action=AgreementEvent.Action.ACTIVATED)
    agreements = Agreement.objects.filter(pk__in=activated.values("agreement_id")).select_related(
        "partner", "current_version"
    )
    if types:
        agreements = agreements.filter(type__in=types)
    return agreements.order_by("start_date", "pk")


def agreements_in_force(period: Period, *, types: tuple[str, ...] = ()) -> QuerySet[Agreement]:
    activated = AgreementEvent.objects.filter(
        action=AgreementEvent.Action.ACTIVATED, created_at__lt=_day_start(period.end + timedelta(days=1))
    )
    agreements = Agreement.objects.filter(
        pk__in=activated.values("agreement_id"), start_date__lte=period.end, end_date__gte=period.start
    ).select_related("partner", "current_version")
    if types:
        agreements = agreements.filter(type__in=types)
    return agreements.order_by("start_date", "pk")


def agreements_effective(period: Period, *, types: tuple[str, ...] = ()) -> QuerySet[Agreement]:
    """In force in the period and with at least one mobility in it: an application approved or nominated in the
    period on a call's place taken from one of the agreement's quotas."""
    mobile = (mobility_approved(period) | mobility_nominated(period)).order_by()
    return agreements_in_force(period, types=types).filter(
        pk__in=mobile.filter(nominated_place__quota__isnull=False).values("nominated_place__quota__agreement_id")
    )


def _agreements(agreements: QuerySet[Agreement], *, effective: QuerySet[Agreement] | None = None) -> Count:
    rows = list(agreements)
    records = [_agreement_record(a) for a in rows[:RECORDS_SHOWN]]
    count = Count(len(rows), records, _agreement_breakdown(rows), len(rows))
    count.lists = [RecordList("agreements", str(_("agreements")), agreements, _agreement_record, document_kinds=SIGNED)]
    if effective is not None:
        count.breakdown[group("effective")] = {str(_("effective")): effective.count()}
        count.lists.append(
            RecordList("effective", str(_("effective")), effective, _agreement_record, document_kinds=SIGNED)
        )
    return count


def _effective(period: Period) -> Count:
    return _agreements(agreements_effective(period))


def academic_years(period: Period) -> list[str]:
    """The academic years (1 September – 31 August, written 2025/26) the period touches."""
    first = period.start.year if period.start >= date(period.start.year, 9, 1) else period.start.year - 1
    last = period.end.year if period.end >= date(period.end.year, 9, 1) else period.end.year - 1
    return [f"{year}/{(year + 1) % 100:02d}" for year in range(first, last + 1)]


def agreement_quotas(period: Period) -> QuerySet[AgreementQuota]:
    """The quotas of the agreements in force in the period, for the academic years it touches."""
    return (
        AgreementQuota.objects.filter(
            agreement__in=agreements_in_force(period).order_by().values("pk"), academic_year__in=academic_years(period)
        )
        .select_related("agreement__partner")
        .order_by("agreement_id", "academic_year", "direction", "category", "pk")
    )


def _quota_record(quota: AgreementQuota) -> Record:
    agreement = quota.agreement
    return Record(
        label=f"{agreement.title} · {agreement.partner.name} ({agreement.partner.country}) · {quota.academic_year} · "
        f"{quota.get_direction_display()} · {quota.get_category_display()}",
        url=agreement.get_absolute_url(),
        detail=str(_("%(used)s of %(places)s places used") % {"used": quota.used, "places": quota.places}),
    )


def _per_cent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _implementation(period: Period) -> Count:
    """Places used over places available (per cent) of the agreements' quotas; the calls' places beside it."""
    quotas = agreement_quotas(period)
    totals = quotas.aggregate(places=models.Sum("places"), used=models.Sum("used"))
    places, used = totals["places"] or 0, totals["used"] or 0
    by_type = (
        quotas.order_by()
        .values_list("agreement__type")
        .annotate(n=models.Sum("used"), of=models.Sum("places"))
        .order_by("agreement__type")
    )
    calls = CallPlace.objects.filter(
        call__academic_year__in=academic_years(period), quota__agreement__in=quotas.order_by().values("agreement_id")
    ).aggregate(places=models.Sum("places"), taken=models.Sum("places_taken"))
    breakdown = {
        group("places"): {str(_("used")): used, str(_("available")): places},
        group("call_places"): {str(_("taken")): calls["taken"] or 0, str(_("offered")): calls["places"] or 0},
        group("used_by_type"): {str(AgreementType(key).label): _per_cent(n, of) for key, n, of in by_type},
    }
    records = [_quota_record(q) for q in quotas[:RECORDS_SHOWN]]
    count = Count(_per_cent(used, places), records, breakdown, quotas.count())
    count.lists = [
        RecordList("quotas", str(_("quotas")), quotas, _quota_record, owner="agreement", document_kinds=SIGNED)
    ]
    return count


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
    count = Count(value(rows) if value else len(rows), records, breakdown, len(rows))
    count.lists = [RecordList("activities", str(_("activities")), activities, _activity_record)]
    return count


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
    students = mobility_took_place(period, extra=Q(call__programme=Programme.DOUBLE_DEGREE))
    count.breakdown[group("students")] = {str(_("students")): students.count()}
    count.lists.append(
        RecordList("students", str(_("students")), students, _application_record, document_kinds=LETTERS)
    )
    return count


# --- incoming mobility (incoming/) ---------------------------------------------------------------------------------


def incoming_in_period(period: Period) -> QuerySet[Any]:
    """The incoming participants behind incoming_counts for the period (the drill-down's rows): the same rule."""
    from incoming.models import IncomingApplication, IncomingStatus

    return (
        IncomingApplication.objects.exclude(status=IncomingStatus.WITHDRAWN)
        .filter(Q(period_end__gte=period.start) | Q(period_end__isnull=True))
        .filter(Q(period_start__lte=period.end) | Q(period_start__isnull=True))
        .select_related("nomination__agreement__partner", "department")
        .order_by("period_start", "pk")
    )


def _incoming_record(application: Any) -> Record:
    nomination = application.nomination
    partner = nomination.agreement.partner
    name = f"{nomination.first_name} {nomination.last_name}"
    return Record(
        label=f"#{application.pk} · {name} · {partner.name} ({partner.country})",
        url=application.get_absolute_url(),
        detail=f"{application.get_status_display()} · {application.department}",
    )


def _incoming(period: Period) -> Count:
    from incoming.selectors import incoming_counts

    counts = incoming_counts(period_start=period.start, period_end=period.end)
    nominated = sum(row["nominated"] for row in counts.get("partner", []))
    accepted = sum(row["accepted"] for row in counts.get("partner", []))
    breakdown = {
        str(INCOMING_GROUPS.get(name, name)): {row["value"] or "—": row["nominated"] for row in rows}
        for name, rows in counts.items()
        if rows
    }
    breakdown[group("stage")] = {str(_("nominated")): nominated, str(_("accepted")): accepted}
    breakdown[group("direction")] = {str(_("Incoming")): nominated}
    rows = incoming_in_period(period)
    count = Count(nominated, [_incoming_record(a) for a in rows[:RECORDS_SHOWN]], breakdown, nominated)
    count.lists = [RecordList("incoming", str(_("incoming")), rows, _incoming_record, document_kinds=LETTERS)]
    return count


INCOMING_GROUPS = {
    "partner": _("Partner"),
    "country": _("Country"),
    "department": _("Department"),
    "level": _("Level"),
    "term": _("Term"),
}


MEASURES: dict[str, Callable[[Period], Count]] = {
    Measure.MOBILITY: _mobility,
    Measure.INTERNSHIP_STUDENTS: lambda period: _mobility(
        period, Q(call__audience=Audience.STUDENTS, call__mobility_type=MobilityType.TRAINEESHIP)
    ),
    Measure.AGREEMENTS_NEW: lambda period: _agreements(
        agreements_new(period),
        effective=agreements_new(period).filter(pk__in=agreements_effective(period).values("pk")),
    ),
    Measure.AGREEMENTS_ACTIVE: lambda period: _agreements(
        agreements_in_force(period), effective=agreements_effective(period)
    ),
    Measure.AGREEMENTS_EFFECTIVE: _effective,
    Measure.AGREEMENTS_IMPLEMENTATION: _implementation,
    Measure.INCOMING_MOBILITY: _incoming,
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
