"""The demo's 2025 action plan: the International Relations Department's plan for 2025 as its source document has
it (/work/shared/seeds, "2025-ci il üçün fəaliyyət planı"), its 14 activities and indicators in Azerbaijani and
English. Called once by `load_demo`; loading it again changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from reports.models import ActionPlan, Measure, PlanActivity, PlanIndicator, ReportingCycle

OFFICE = ("Beynəlxalq əlaqələr şöbəsi", "International Relations Department")
PRORECTOR = ("Beynəlxalq əlaqələr üzrə prorektor", "Prorector for International Relations")
ALL_YEAR = ("İlboyu 2025", "Throughout 2025")
JAN_SEP = ("Yanvar–Sentyabr 2025", "January–September 2025")
PARTICIPANTS = ("İştirakçı siyahısı", "List of participants")
YEARLY, HALF = ReportingCycle.YEARLY, ReportingCycle.HALF_YEARLY

# (goal and target, activity, quantitative, qualitative, baseline, target, target value, when, responsible,
#  controller, confirming documents, reporting cycle, what Körpü counts)
PLAN_2025: list[tuple[Any, ...]] = [
    (
        "Məqsəd 3, hədəf 1-1.3",
        (
            "Universitetdə beynəlmiləlləşmə fəaliyyətlərini keçirmək və bütün fakültələrin təcrübəni mənimsəməsinə "
            "nail olmaq",
            "Hold internationalisation activities at the university and have every faculty adopt the practice",
        ),
        ("Görüş və təlimlər keçirilən fakültələrin sayı", "Number of faculties reached by meetings and trainings"),
        (
            "Fakültələrdə keçirilən görüş və təlimlər vasitəsilə məlumatlılığı artırmaq, problemləri müzakirə edərək "
            "həll yolları tapmaq",
            "Raise awareness through meetings and trainings at the faculties, discussing problems to find solutions",
        ),
        (
            "Fakültə nümayəndələrinin beynəlmiləlləşmə fəaliyyətinə dair məlumatlı olmaları",
            "Faculty representatives informed about internationalisation",
        ),
        ("Bütün fakültələr", "All faculties"),
        None,
        JAN_SEP,
        OFFICE,
        PRORECTOR,
        PARTICIPANTS,
        YEARLY,
        Measure.FACULTIES_REACHED,
    ),
    (
        "Məqsəd 1, hədəf 1-1.5",
        (
            "Təcrübələrin təşkilinin təkmilləşdirilməsi və tələbələrə xaricdə təcrübə keçmək imkanlarını artırmaq",
            "Improve how internships are organised and give students more chances of an internship abroad",
        ),
        ("Xaricdə təcrübədə iştirak edən tələbələrin sayı", "Number of students in internships abroad"),
        ("Təcrübə imkanlarından məmnunluq", "Satisfaction with the internship opportunities"),
        ("Praktiki bacarıqların təkmilləşdirilməsi", "Practical skills improved"),
        ("", ""),
        None,
        ALL_YEAR,
        OFFICE,
        PRORECTOR,
        ("İştirakçı siyahısı, press-reliz", "List of participants, press release"),
        YEARLY,
        Measure.INTERNSHIP_STUDENTS,
    ),
    (
        "Məqsəd 1, hədəf 3-3.1",
        (
            "Ölkə daxilində və xaricdə təşkil edilən təhsil sərgilərində iştirak edərək universitetin təbliğatını "
            "aparmaq",
            "Promote the university by taking part in education fairs in the country and abroad",
        ),
        ("İştirak edilən sərgilərin sayı", "Number of education fairs attended"),
        ("Yüksək göstəricili tələbələrin cəlb edilməsi", "Attracting high-achieving students"),
        ("", ""),
        (
            "İl ərzində 3 təhsil sərgisində iştirak edərək universitetin təbliğatını aparmaq",
            "Promote the university at 3 education fairs during the year",
        ),
        Decimal(3),
        ALL_YEAR,
        OFFICE,
        PRORECTOR,
        ("Dəvət məktubları, səfər sənədləri, hesabatlar", "Invitation letters, travel documents, reports"),
        YEARLY,
        Measure.FAIRS,
    ),
    (
        "Məqsəd 3, hədəf 2-2.1",
        (
            "Beynəlxalq təhsil təşkilatlarına üzvlük",
            "Membership of international education organisations",
        ),
        ("Üzv olunan təşkilatların sayı", "Number of organisations the university is a member of"),
        (
            "Əməkdaşlıq sahələrinə dair fəaliyyətin genişləndirilməsi",
            "Wider activity in the fields of cooperation",
        ),
        ("", ""),
        ("", ""),
        None,
        ALL_YEAR,
        OFFICE,
        PRORECTOR,
        ("Hesabatlar, press-reliz", "Reports, press release"),
        YEARLY,
        Measure.MEMBERSHIPS,
    ),
    (
        "Məqsəd 3, hədəf 2-1.1",
        (
            "Mövcud əlaqələrin effektivliyini artırmaq və yeni əlaqələrin qurulmasını təmin etmək",
            "Make existing relations more effective and establish new ones",
        ),
        ("Yeni əməkdaşlıqların sayı", "Number of new cooperation agreements"),
        ("Əməkdaşlıqların əhəmiyyəti", "Significance of the cooperations"),
        ("", ""),
        (
            "Yeni əlaqələrin sayını artırmaq və aktiv fəaliyyəti təmin etmək",
            "More new relations, and active ones",
        ),
        None,
        ALL_YEAR,
        OFFICE,
        PRORECTOR,
        ("Müqavilələr", "Agreements"),
        YEARLY,
        Measure.AGREEMENTS_NEW,
    ),
    (
        "Məqsəd 3, hədəf 3-3.5",
        (
            "Beynəlxalq reytinqlərdə NDU-nun iştirakının təmin edilməsi",
            "Ensure Nakhchivan State University takes part in international rankings",
        ),
        ("QS və THE reytinq sıralamalarında yer almaq", "Being listed in the QS and THE rankings"),
        (
            "Beynəlxalq əməkdaşlıq imkanlarından istifadə edərək beynəlxalq reytinqlərdə təmsil olunma prosesinə "
            "dəstək göstərilməsi",
            "Support for being represented in international rankings, using international cooperation",
        ),
        ("", ""),
        ("", ""),
        None,
        ALL_YEAR,
        OFFICE,
        PRORECTOR,
        ("Yazışmalar", "Correspondence"),
        YEARLY,
        Measure.RANKINGS,
    ),
    (
        "Məqsəd 3, hədəf 1-1.4",
        (
            "Xaricdə mübadilə və təcrübələrdə iştirak prosedurlarını təkmilləşdirmək",
            "Improve the procedures for exchanges and internships abroad",
        ),
        ("Prosedur və sənədlərin sayı", "Number of procedures and regulations adopted"),
        (
            "Tələbələrin mobilliyinin təmin olunması və ikili diplom proqramlarının icrasını asanlaşdırmaq",
            "Student mobility ensured, double-degree programmes easier to run",
        ),
        ("", ""),
        (
            "İl ərzində mübadilə və təcrübələrin sayını artırmaq",
            "More exchanges and internships during the year",
        ),
        None,
        JAN_SEP,
        OFFICE,
        PRORECTOR,
        ("EATDA ilə yazışmalar və yekun sənəd", "Correspondence with EATDA and the final document"),
        HALF,
        Measure.PROCEDURES,
    ),
    (
        "Məqsəd 3, hədəf 2-1.2",
        (
            "Müxtəlif beynəlxalq proqramlar və ikitərəfli razılaşmalar əsasında tələbə və müəllim heyətinin "
            "mobilliyini təmin etmək",
            "Ensure student and staff mobility under international programmes and bilateral agreements",
        ),
        (
            "Mobillikdə iştirak edən tələbə və müəllimlərin sayı",
            "Number of students and staff taking part in mobility",
        ),
        (
            "Ali təhsilin keyfiyyət göstəricilərinin yüksəldilməsi, beynəlxalq təcrübənin öyrənilməsi və imzalanmış "
            "müqavilələrin icrası",
            "Higher quality of education, international practice learnt, signed agreements implemented",
        ),
        ("", ""),
        ("Tələbə və müəllim mobilliyini təkmilləşdirmək", "Better student and staff mobility"),
        None,
        JAN_SEP,
        (
            "Beynəlxalq əlaqələr şöbəsinin mobillik üzrə məsul koordinatoru",
            "The department's mobility coordinator",
        ),
        (
            "Beynəlxalq əlaqələr üzrə prorektor, Beynəlxalq əlaqələr şöbəsinin müdiri",
            "Prorector for International Relations, Head of the International Relations Department",
        ),
        (
            "ERASMUS və ikitərəfli mübadilə sənədləri, məktublar, press-reliz",
            "Erasmus+ and bilateral exchange documents, letters, press release",
        ),
        HALF,
        Measure.MOBILITY,
    ),
    (
        "Məqsəd 3, hədəf 2-1.4",
        (
            "Spesifik sahələr müəyyən etməklə xarici tərəfdaşlarla əməkdaşlığın effektivliyini artırmaq",
            "Make cooperation with foreign partners more effective by choosing specific fields",
        ),
        (
            "Spesifik sahələr üzrə xarici tərəfdaşlarla əməkdaşlıqların sayı",
            "Number of cooperations with foreign partners in specific fields",
        ),
        (
            "Spesifik sahələr üzrə xarici tərəfdaşlarla əməkdaşlıqların effektivliyi",
            "Effectiveness of the cooperations with foreign partners in specific fields",
        ),
        ("", ""),
        (
            "Spesifik sahələr müəyyən etməklə qarşılıqlı əlaqələrin qurulması və təkmilləşdirilməsi",
            "Relations established and improved in chosen fields",
        ),
        None,
        ("İlboyu", "Throughout the year"),
        OFFICE,
        PRORECTOR,
        ("Müqavilələr", "Agreements"),
        YEARLY,
        Measure.AGREEMENTS_ACTIVE,
    ),
    (
        "Məqsəd 3, hədəf 2-1.3",
        (
            "Beynəlxalq qrant proqramlarına layihələr təqdim etmək və universitetin beynəlxalq qrant layihələrində "
            "tərəfdaş olaraq iştirakını təmin etmək",
            "Submit projects to international grant programmes and take part in international grant projects as "
            "a partner",
        ),
        ("Təqdim olunan layihələrin sayı", "Number of projects submitted"),
        (
            "Qazanılan və tərəfdaş olunan qrant layihələrindən əldə olunan nəticələr",
            "Results of the grant projects won or joined as a partner",
        ),
        ("", ""),
        ("", ""),
        None,
        ("2025", "2025"),
        ("Beynəlxalq əlaqələr şöbəsi, aidiyyəti fakültələr", "International Relations Department, the faculties"),
        (
            "Beynəlxalq əlaqələr üzrə prorektor, strateji inkişaf üzrə rektor müşaviri",
            "Prorector for International Relations, Rector's adviser for strategic development",
        ),
        (
            "Yazılan və tərəfdaş olaraq iştirak olunan layihələrin sənədləri, press-reliz",
            "The documents of the projects written or joined, press release",
        ),
        YEARLY,
        Measure.GRANTS_SUBMITTED,
    ),
    (
        "Məqsəd 3, hədəf 2-1.5",
        (
            "Tələbə və müəllim heyətinin beynəlxalq onlayn təlimlərdə iştirakını təmin etmək və bacarıqlarının "
            "inkişafına nail olmaq",
            "Have students and staff take part in international online trainings and develop their skills",
        ),
        (
            "Beynəlxalq onlayn təlimlərdə iştirak etmiş tələbə və müəllim heyətinin sayı",
            "Number of students and staff who took part in international online trainings",
        ),
        ("Təlimlərdən məmnunluq", "Satisfaction with the trainings"),
        ("", ""),
        (
            "Onlayn təlimlər təşkil etməklə bacarıqların inkişaf etdirilməsi",
            "Skills developed through online trainings",
        ),
        None,
        ALL_YEAR,
        OFFICE,
        PRORECTOR,
        PARTICIPANTS,
        YEARLY,
        Measure.ONLINE_TRAINING,
    ),
    (
        "Məqsəd 3, hədəf 3-1.3",
        (
            "Tələbələrin beynəlxalq təhsil təcrübəsi əldə etməsi üçün müxtəlif ölkələrin təhsil müəssisələri ilə "
            "tərəfdaşlıq edərək təcrübə proqramları təşkil etmək",
            "Organise internship programmes with institutions of other countries so that students gain "
            "international experience",
        ),
        ("Təcrübə proqramlarının sayı", "Number of internship programmes"),
        (
            "Mübadilə və təqaüd proqramlarının sayının artırılması və əlçatanlığının təmin olunması",
            "More exchange and scholarship programmes, open to more students",
        ),
        ("", ""),
        (
            "Müxtəlif ölkələrin təhsil müəssisələri ilə onlayn təcrübə proqramlarının inkişaf etdirilməsi",
            "Online internship programmes developed with institutions of other countries",
        ),
        None,
        ALL_YEAR,
        OFFICE,
        PRORECTOR,
        ("Yeni anlaşma memorandumları (MOU) və müqavilələr", "New memoranda of understanding and agreements"),
        YEARLY,
        Measure.INTERNSHIP_PROGRAMMES,
    ),
    (
        "Məqsəd 3, hədəf 3-1.4",
        (
            "Müxtəlif ölkələrdə bakalavr və magistr ixtisasları üzrə ikili diplom proqramları təşkil edərək "
            "tələbələrin dünyada tanınan diplomlar almasına kömək etmək",
            "Organise bachelor's and master's double-degree programmes in other countries, helping students "
            "earn internationally recognised degrees",
        ),
        (
            "İkili diplom proqramlarının və iştirak edən tələbələrin sayı",
            "Number of double-degree programmes and of their students",
        ),
        (
            "Tələbələrin beynəlxalq əmək bazarında rəqabətqabiliyyətliliyi, universitetin beynəlxalq nüfuzunun "
            "artırılması",
            "Graduates competitive on the international labour market, a stronger international reputation",
        ),
        ("", ""),
        ("İkili diplom proqramlarının sayının artırılması", "More double-degree programmes"),
        None,
        ALL_YEAR,
        OFFICE,
        PRORECTOR,
        ("İkili diplom proqramları", "Double-degree programmes"),
        YEARLY,
        Measure.DOUBLE_DEGREES,
    ),
    (
        "Məqsəd 2, hədəf 3-3.3",
        (
            "Dünyanın qabaqcıl universitetlərinin nümayəndələrini dəvət etməklə beynəlxalq səviyyəli elmi tədbirlər "
            "(konfrans, konqres, simpozium, forum) təşkil etmək",
            "Organise international scientific events (conferences, congresses, symposia, forums) inviting "
            "representatives of leading universities",
        ),
        ("Beynəlxalq səviyyəli elmi tədbirlərin sayı", "Number of international scientific events organised"),
        ("Tədbirlərdən məmnunluq", "Satisfaction with the events"),
        ("", ""),
        ("", ""),
        None,
        ALL_YEAR,
        OFFICE,
        PRORECTOR,
        PARTICIPANTS,
        YEARLY,
        Measure.SCIENTIFIC_EVENTS,
    ),
]


# The kinds of confirming document a controller checks each counted indicator on (documents.models.DocumentKind).
DOCUMENT_KINDS: dict[str, list[str]] = {
    Measure.FACULTIES_REACHED: ["minutes", "participant_list"],
    Measure.INTERNSHIP_STUDENTS: ["decision_letter", "nomination_letter"],
    Measure.FAIRS: ["order", "participant_list"],
    Measure.MEMBERSHIPS: ["certificate", "payment"],
    Measure.AGREEMENTS_NEW: ["signed_agreement"],
    Measure.RANKINGS: ["ranking_submission"],
    Measure.PROCEDURES: ["order", "regulation"],
    Measure.MOBILITY: ["decision_letter", "nomination_letter"],
    Measure.AGREEMENTS_ACTIVE: ["signed_agreement"],
    Measure.GRANTS_SUBMITTED: ["award_letter", "grant_application"],
    Measure.ONLINE_TRAINING: ["certificate", "participant_list"],
    Measure.INTERNSHIP_PROGRAMMES: ["signed_agreement"],
    Measure.DOUBLE_DEGREES: ["signed_agreement"],
    Measure.SCIENTIFIC_EVENTS: ["participant_list", "programme"],
}


@transaction.atomic
def load_plan_2025() -> ActionPlan:
    """The 2025 plan, made once (a plan of that year already there is left as it is)."""
    plan, created = ActionPlan.objects.get_or_create(
        year=2025,
        defaults={
            "title_az": "Beynəlxalq əlaqələr şöbəsinin 2025-ci il üçün fəaliyyət planı",
            "title_en": "Action plan of the International Relations Department for 2025",
            "approved_by": "Rektor, dos. E. S. İsayev",
        },
    )
    if not created:
        return plan
    for position, row in enumerate(PLAN_2025, start=1):
        (goal, name, quantitative, qualitative, baseline, target, target_value, timing, responsible, controller,
         documents, cycle, measure) = row  # fmt: skip
        activity = PlanActivity.objects.create(
            plan=plan,
            position=position,
            goal_code=goal,
            name_az=name[0],
            name_en=name[1],
            timing_az=timing[0],
            timing_en=timing[1],
        )
        PlanIndicator.objects.create(
            activity=activity,
            code=f"{position}.1",
            quantitative_az=quantitative[0],
            quantitative_en=quantitative[1],
            qualitative_az=qualitative[0],
            qualitative_en=qualitative[1],
            baseline_az=baseline[0],
            baseline_en=baseline[1],
            target_az=target[0],
            target_en=target[1],
            target_value=target_value,
            responsible_az=responsible[0],
            responsible_en=responsible[1],
            controller_az=controller[0],
            controller_en=controller[1],
            documents_az=documents[0],
            documents_en=documents[1],
            reporting_cycle=cycle,
            measure=measure,
            document_kinds=DOCUMENT_KINDS.get(measure, []),
        )
    return plan


# The register's entries of 2025 the demo starts with (the office records more on the register's pages):
# (kind, category, title, first day, last day, department code, extra fields).
REGISTER_2025: list[tuple[Any, ...]] = [
    ("event", "faculty_meeting", "Erasmus+ information day at Computer Engineering", date(2025, 2, 20), None, "ce",
     {"participants_count": 64, "organisation": "International Relations Department"}),
    ("event", "fair_abroad", "Study in Azerbaijan, Istanbul education fair", date(2025, 3, 14), date(2025, 3, 16),
     None, {"country": "TR", "location": "Istanbul", "participants_count": 3}),
    ("procedure", "exchange", "Regulation on student exchanges", date(2025, 4, 10), None, None, {}),
    ("online_training", "online_course", "Virtual exchange: sustainable cities", date(2025, 5, 5), None, None,
     {"students_count": 25, "staff_count": 4, "organisation": "Erasmus+ Virtual Exchange"}),
    ("membership", "organisation", "European Association for International Education (EAIE)", date(2024, 1, 15),
     None, None, {"outcome": "active", "amount": Decimal("1200.00"), "country": "NL"}),
    ("event", "conference", "International conference on engineering education", date(2025, 10, 15),
     date(2025, 10, 16), "ce", {"participants_count": 120, "partners": "TU Berlin\nUniversité de Strasbourg"}),
]  # fmt: skip


def load_register_2025(*, actor: Any, departments: dict[str, Any]) -> list[Any]:
    """The register's 2025 entries (each once, found by its title), recorded through the register's service so
    each has its timeline line."""
    from reports.models import Activity
    from reports.services import activity_create

    entries = []
    for kind, category, title, start, end, department, extra in REGISTER_2025:
        entry = Activity.objects.filter(title=title).first()
        if entry is None:
            entry = activity_create(
                actor=actor,
                kind=kind,
                category=category,
                title=title,
                start_date=start,
                end_date=end,
                department=departments.get(department) if department else None,
                **extra,
            )
        entries.append(entry)
    return entries
