"""Demo data of the competitive selection (called by `load_demo`): a competitive student call past its deadline,
with its rules, criteria and committee (coordinator_ce and staff1), six eligible applicants (demo_applicant1..6,
password 'demo') and the coordinator's scores, so a new user can score as staff1, rank and allocate as
coordinator_ce, approve as head_ce and prorector, and answer an offer as an applicant; then the grant rates
(`load_grant_rates_demo`) with which the accepted students are nominated and get their grants. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group

from accounts.models import Department, User
from accounts.roles import Role
from applications import call_services
from applications.models import (
    Application,
    ApplicationStatus,
    Audience,
    Call,
    CallPlace,
    HostChoice,
    MobilityType,
    Programme,
    SelectionMode,
    Term,
)
from selection import services
from selection.models import Criterion

DEMO_COMPETITIVE_CALL = "Erasmus+ 2027/28 fall — student studies (competitive)"
REASON = "Demo places, agreed with the partner by email."
CRITERIA = (
    ("GPA", "Grade point average, scaled to 10", "10", "40"),
    ("Motivation", "Motivation letter and study plan", "10", "30"),
    ("Language", "Language level for the courses chosen", "10", "20"),
    ("Interview", "Interview with the committee", "10", "10"),
)
# name, GPA, choice indexes among the call's partners, the coordinator's marks per criterion, first mobility
APPLICANTS = (
    ("Aynur Rəhimova", "91.00", (0, 1), ("9", "8", "9", "8"), True),
    ("Kamran Əhmədov", "88.50", (0, 2), ("9", "7", "8", "7"), False),
    ("Günel Səfərova", "84.00", (0, 1, 2), ("8", "9", "7", "9"), False),
    ("Tural Nəsibov", "79.00", (1, 0), ("7", "7", "8", "6"), True),
    ("Səbinə Qasımova", "76.50", (0, 2), ("7", "6", "6", "7"), False),
    ("Orxan Məlikov", "72.00", (2, 1), ("6", "6", "7", "5"), False),
)


# Grant rates of the demo (grants/): illustrative figures, not the programme's. Students per month, staff per day.
GRANT_GROUPS = (
    (
        "G1",
        "Group 1: higher living costs",
        "1-ci qrup: yüksək yaşayış xərcləri",
        "DK FI IE IS LI LU NO SE",
        "800",
        "180",
    ),
    (
        "G2",
        "Group 2: medium living costs",
        "2-ci qrup: orta yaşayış xərcləri",
        "AT BE CY DE ES FR GR IT MT NL PT",
        "750",
        "160",
    ),
    (
        "G3",
        "Group 3: lower living costs",
        "3-cü qrup: aşağı yaşayış xərcləri",
        "BG CZ EE HR HU LT LV MK PL RO RS SI SK TR",
        "700",
        "140",
    ),
)


def load_grant_rates_demo(*, partners) -> None:
    """Country groups, an Erasmus+ rate table for 2026/27 and 2027/28 (fewer opportunities +250 a month, green
    travel +50 once), and an incoming-mobility contact with an email for each demo partner, so the demo's accepted
    students can be nominated and the letter emailed. Idempotent."""
    from grants.models import CountryGroup, CountryGroupMember, RateTable
    from grants.services import rate_table_save
    from partners.models import PartnerContact

    rates = {}
    for code, name, name_az, countries, monthly, daily in GRANT_GROUPS:
        group, _ = CountryGroup.objects.get_or_create(code=code, defaults={"name": name, "name_az": name_az})
        for country in countries.split():
            CountryGroupMember.objects.get_or_create(country=country, defaults={"group": group})
        rates[group.pk] = (Decimal(monthly), Decimal(daily))
    prorector = User.objects.get(username="prorector")
    for year in ("2026/27", "2027/28"):
        if not RateTable.objects.filter(programme=Programme.ERASMUS, academic_year=year).exists():
            rate_table_save(
                actor=prorector,
                values={
                    "programme": Programme.ERASMUS,
                    "academic_year": year,
                    "currency": "EUR",
                    "fewer_opportunities_monthly": Decimal("250"),
                    "green_travel_amount": Decimal("50"),
                },
                rates=rates,
            )
    for partner in partners:
        if not PartnerContact.objects.filter(partner=partner).exclude(email="").exists():
            slug = (partner.erasmus_code or str(partner.pk)).replace(" ", "").lower()
            PartnerContact.objects.create(
                partner=partner,
                name="Incoming Mobility Office",
                role="Incoming mobility",
                email=f"incoming.{slug}@partners.example",
            )


def load_selection_demo(*, now, department: Department, partners) -> Call:
    """`partners`: the demo's PartnerInstitutions. Returns the competitive call."""
    load_grant_rates_demo(partners=partners)
    call = Call.objects.filter(title=DEMO_COMPETITIVE_CALL).first()
    if call is not None:
        return call
    prorector = User.objects.get(username="prorector")
    coordinator = User.objects.get(username="coordinator_ce")
    call = call_services.call_create(
        actor=prorector,
        departments=[department],
        title=DEMO_COMPETITIVE_CALL,
        programme=Programme.ERASMUS,
        mobility_type=MobilityType.STUDY,
        audience=Audience.STUDENTS,
        academic_year="2027/28",
        term=Term.FALL,
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=1),
        min_year_of_study=2,
        min_gpa=Decimal("70.00"),
        min_language_level="B1",
        eligibility_notes="Students of Computer Engineering in their second year or later.",
        required_documents=[],
        selection_mode=SelectionMode.COMPETITIVE,
    )
    places = []
    for partner, count in zip(partners, (2, 1, 1), strict=False):
        call_services.call_place_set_by_hand(call=call, actor=prorector, partner=partner, places=count, reason=REASON)
        places.append(CallPlace.objects.get(call=call, partner=partner))
    services.selection_settings_save(
        call=call,
        actor=coordinator,
        committee=[coordinator, User.objects.get(username="staff1")],
        department=department,
        first_mobility_points=Decimal("3"),
        fewer_opportunities_points=Decimal("5"),
        acceptance_days=7,
        appeal_days=7,
    )
    for position, (name, description, max_score, weight) in enumerate(CRITERIA):
        services.criterion_save(
            call=call,
            actor=coordinator,
            name=name,
            description=description,
            max_score=Decimal(max_score),
            weight=Decimal(weight),
            position=position,
        )
    students = Group.objects.get(name=Role.STUDENT)
    applications = []
    for number, (full_name, gpa, choice_indexes, _marks, _first) in enumerate(APPLICANTS, 1):
        first_name, last_name = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=f"demo_applicant{number}",
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"demo_applicant{number}@korpu.example",
            },
        )
        if created:
            user.set_password("demo")
            user.save()
        user.groups.add(students)
        user.departments.add(department)
        # Found eligible by the coordinator before the deadline (the demo skips their documents and review).
        application = Application.objects.create(
            applicant=user,
            call=call,
            department=department,
            status=ApplicationStatus.ELIGIBLE,
            motivation="I want to study software engineering abroad.",
            gpa=Decimal(gpa),
            year_of_study=3,
            language="English",
            language_level="B2",
            period_start=now.date().replace(month=9, day=15) + timedelta(days=365),
            period_end=now.date().replace(month=9, day=15) + timedelta(days=365 + 120),
            submitted_at=now - timedelta(days=20, minutes=-number),
        )
        for rank, index in enumerate(choice_indexes, 1):
            if index < len(places):
                HostChoice.objects.create(application=application, rank=rank, place=places[index])
        applications.append(application)
    # The deadline passes: scoring starts. The coordinator (on the committee) has scored; staff1 may too.
    Call.objects.filter(pk=call.pk).update(closes_at=now - timedelta(hours=1))
    call.refresh_from_db()
    criteria = list(Criterion.objects.filter(call=call).order_by("position"))
    for application, (_name, _gpa, _choices, marks, first_mobility) in zip(applications, APPLICANTS, strict=True):
        for criterion, mark in zip(criteria, marks, strict=True):
            services.score_record(
                call=call,
                member=coordinator,
                application_id=application.pk,
                criterion_id=criterion.pk,
                value=Decimal(mark),
            )
        if first_mobility:
            services.bonus_record(
                call=call,
                actor=coordinator,
                application_id=application.pk,
                first_mobility=True,
                fewer_opportunities=False,
            )
    return call
