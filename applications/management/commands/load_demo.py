"""Demo data for `make run`: departments, a user for every role, partners and an open call.
Idempotent; refused unless DEBUG so it can never touch a production database."""

import io
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from accounts.roles import Role, setup_roles
from agreements import services as agreement_services
from agreements.models import Agreement
from applications import call_services
from applications.models import (
    Audience,
    Call,
    CallPlace,
    DocumentKind,
    MobilityType,
    Programme,
    SelectionMode,
    Term,
)
from applications.services import call_places_from_agreements
from incoming.demo import load_incoming_demo
from learning.demo import load_learning_demo
from migration.demo import load_migration_demo
from partners.models import PartnerInstitution
from reports.demo import load_plan_2025, load_register_2025
from selection.demo import load_selection_demo
from workflows import agreement as flow_steps
from workflows import services as flow_services
from workflows.selectors import open_task_for_agreement
from workflows.services import case_submit

PASSWORD = "demo"
DEMO_STAFF_CALL = "Erasmus+ 2026/27 spring — staff teaching"
DEMO_PLACES_REASON = "Places confirmed by the partner by email (no agreement recorded in Körpü yet)."
DEMO_AGREEMENT_NUMBER = "NDU-IIA-2026-001"

DEPARTMENTS = [("Computer Engineering", "ce"), ("Mathematics", "math")]

# username, first name, last name, roles, department codes, superuser
USERS = [
    ("student1", "Aysel", "Məmmədova", [Role.STUDENT], ["ce"], False),
    ("student2", "Murad", "Əliyev", [Role.STUDENT], ["ce"], False),
    ("student3", "Leyla", "Hüseynova", [Role.STUDENT], ["math"], False),
    ("staff1", "Rəşad", "Quliyev", [Role.STAFF], ["ce"], False),
    ("coordinator_ce", "Nigar", "Kərimova", [Role.COORDINATOR], ["ce"], False),
    ("head_ce", "Elçin", "Babayev", [Role.HEAD], ["ce"], False),
    ("coordinator_math", "Səbinə", "Rzayeva", [Role.COORDINATOR], ["math"], False),
    ("head_math", "Tural", "Nəsirov", [Role.HEAD], ["math"], False),
    ("prorector", "Kamran", "İsmayılov", [Role.PRORECTOR], [], False),
    ("auditor", "Günay", "Səfərova", [Role.AUDITOR], [], False),
    ("admin", "Admin", "Körpü", [Role.ADMIN], [], True),
]

PARTNERS = [
    ("Technische Universität Berlin", "DE", "Berlin", "D  BERLIN02", "https://www.tu.berlin", 3),
    ("Université de Strasbourg", "FR", "Strasbourg", "F  STRASBO48", "https://www.unistra.fr", 2),
    ("Ankara Üniversitesi", "TR", "Ankara", "TR ANKARA01", "https://www.ankara.edu.tr", 4),
]


# Each partner's SCHAC code: its hei-id on the Erasmus Without Paper network (agreements/ewp/).
PARTNER_SCHAC_CODES = {"D  BERLIN02": "tu-berlin.de", "F  STRASBO48": "unistra.fr", "TR ANKARA01": "ankara.edu.tr"}


class Command(BaseCommand):
    help = "Load demo departments, users (password 'demo'), partners, an open student call and a staff call."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo only runs with DEBUG on; it must never touch a production database.")
        with transaction.atomic():
            setup_roles()
            departments = {
                code: Department.objects.get_or_create(code=code, defaults={"name": name})[0]
                for name, code in DEPARTMENTS
            }
            for username, first, last, roles, dept_codes, superuser in USERS:
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "email": f"{username}@korpu.example",
                        "is_staff": superuser or Role.AUDITOR in roles,
                        "is_superuser": superuser,
                    },
                )
                if created:
                    user.set_password(PASSWORD)
                    user.save()
                user.groups.set(Group.objects.filter(name__in=roles))
                user.departments.set([departments[c] for c in dept_codes])
            partners = []
            for name, country, city, code, website, places in PARTNERS:
                partner, _ = PartnerInstitution.objects.get_or_create(
                    erasmus_code=code, defaults={"name": name, "country": country, "city": city, "website": website}
                )
                if not partner.schac_code:
                    partner.schac_code = PARTNER_SCHAC_CODES[code]
                    partner.save(update_fields=["schac_code"])
                partners.append((partner, places))
            now = timezone.now()
            call, created = Call.objects.get_or_create(
                title="Erasmus+ 2026/27 spring — student studies",
                defaults={
                    "programme": Programme.ERASMUS,
                    "mobility_type": MobilityType.STUDY,
                    "audience": Audience.STUDENTS,
                    "academic_year": "2026/27",
                    "term": Term.SPRING,
                    "opens_at": now - timedelta(days=7),
                    "closes_at": now + timedelta(days=60),
                    "min_year_of_study": 2,
                    "min_gpa": "70.00",
                    "min_language_level": "B1",
                    "required_documents": [
                        DocumentKind.TRANSCRIPT,
                        DocumentKind.LANGUAGE_CERTIFICATE,
                        DocumentKind.MOTIVATION_LETTER,
                        DocumentKind.PASSPORT_COPY,
                    ],
                },
            )
            if not created and call.closes_at <= now:
                # Keep the demo call open however long ago the demo was first loaded.
                Call.objects.filter(pk=call.pk).update(closes_at=now + timedelta(days=60))
            agreement = self._demo_agreement(partner=partners[0][0], department=departments["ce"])
            # TU Berlin's places come from the agreement's outgoing quota; the others are set by hand.
            call_places_from_agreements(call=call)
            for partner, places in partners:
                CallPlace.objects.get_or_create(
                    call=call, partner=partner, defaults={"places": places, "manual_reason": DEMO_PLACES_REASON}
                )
            staff_call = self._demo_staff_call(now=now, department=departments["ce"], partners=partners)
            # A competitive call past its deadline, ready to score, rank and allocate (selection/demo.py).
            load_selection_demo(now=now, department=departments["ce"], partners=[p for p, _places in partners])
            # student1's approved mobility to TU Berlin and its learning agreement draft (learning/demo.py).
            load_learning_demo(now=now, department=departments["ce"], partner=partners[0][0])
            # The International Relations Department's 2025 action plan, its 14 indicators (reports/demo.py).
            load_plan_2025()
            # TU Berlin's coordinator is invited to nominate for the agreement's incoming quota (incoming/demo.py).
            load_incoming_demo(agreement=agreement)
            load_register_2025(actor=User.objects.get(username="coordinator_ce"), departments=departments)
            # A foreign student outside the agreements, his migration-advice checklist with a step due tomorrow
            # (migration/demo.py).
            load_migration_demo(
                department=departments["ce"], actor=User.objects.get(username="coordinator_ce"), password=PASSWORD
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(USERS)} users (password '{PASSWORD}'), "
                f"{len(partners)} partners, calls “{call.title}” and “{staff_call.title}”, "
                f"agreement “{agreement.title}” ({agreement.status})."
            )
        )

    def _demo_staff_call(self, *, now, department, partners):
        """An open staff call for teaching (staff1 of Computer Engineering can apply), made as the office makes
        one: TU Berlin's place from the agreement's staff-teaching quota, Ankara's set by hand with a reason."""
        call = Call.objects.filter(title=DEMO_STAFF_CALL).first()
        if call is None:
            prorector = User.objects.get(username="prorector")
            call = call_services.call_create(
                actor=prorector,
                departments=[department],
                title=DEMO_STAFF_CALL,
                programme=Programme.ERASMUS,
                mobility_type=MobilityType.TEACHING,
                audience=Audience.STAFF,
                academic_year="2026/27",
                term=Term.SPRING,
                opens_at=now - timedelta(days=7),
                closes_at=now + timedelta(days=60),
                min_year_of_study=None,
                min_gpa=None,
                min_language_level="B2",
                eligibility_notes="Academic staff of the university with a teaching contract.",
                required_documents=[DocumentKind.PROGRAMME],
                selection_mode=SelectionMode.ROLLING,
            )
            call_services.call_places_take_from_agreements(call=call, actor=prorector)
            ankara = next(p for p, _places in partners if p.erasmus_code == "TR ANKARA01")
            call_services.call_place_set_by_hand(
                call=call, actor=prorector, partner=ankara, places=1, reason=DEMO_PLACES_REASON
            )
        elif call.closes_at <= now:
            Call.objects.filter(pk=call.pk).update(closes_at=now + timedelta(days=60))
        return call

    def _demo_agreement(self, *, partner, department):
        """An Erasmus+ IIA with the first partner, taken through the whole agreement flow by the demo users."""
        existing = Agreement.objects.filter(number=DEMO_AGREEMENT_NUMBER).first()
        if existing is not None:
            return existing
        users = {u.username: u for u in User.objects.filter(username__in=["coordinator_ce", "head_ce", "prorector"])}
        coordinator = users["coordinator_ce"]
        agreement = agreement_services.agreement_create_draft(
            actor=coordinator,
            department=department,
            number=DEMO_AGREEMENT_NUMBER,
            title=f"Erasmus+ inter-institutional agreement with {partner.name}",
            type="erasmus_iia",
            partner=partner.pk,
            partner_unit=None,
            start_date=date(2026, 9, 1),
            end_date=date(2029, 8, 31),
            text="The partners exchange students and staff in computer science under Erasmus+.",
            our_signatory_name="Kamran İsmayılov",
            our_signatory_position="Prorector for international relations",
            partner_signatory_name="Prof. Dr. Anna Weber",
            partner_signatory_position="Vice-president international",
            conditions=[
                {
                    "direction": "outgoing",
                    "category": "student_studies",
                    "first_academic_year": "2026/27",
                    "last_academic_year": "2028/29",
                    "mobilities_per_year": 3,
                    "total_months_per_year": 15,
                    "subject_areas": ["0613"],
                    "eqf_levels": [6, 7],
                    "languages": [{"language": "en", "cefr": "B2"}, {"language": "de", "cefr": "B1"}],
                },
                {
                    "direction": "incoming",
                    "category": "student_studies",
                    "first_academic_year": "2026/27",
                    "last_academic_year": "2028/29",
                    "mobilities_per_year": 2,
                    "total_months_per_year": 10,
                    "subject_areas": ["0613"],
                    "eqf_levels": [6],
                    "languages": [{"language": "en", "cefr": "B2"}],
                },
                {
                    "direction": "outgoing",
                    "category": "staff_teaching",
                    "first_academic_year": "2026/27",
                    "last_academic_year": "2028/29",
                    "mobilities_per_year": 1,
                    "total_days_per_year": 5,
                },
            ],
        )
        case_submit(case=agreement, actor=coordinator)
        for approver in ("head_ce", "prorector"):
            task = open_task_for_agreement(agreement=agreement)
            flow_services.task_decide(user=users[approver], task_id=task.pk, decision="approve", comment="Approved.")
        task = open_task_for_agreement(agreement=agreement)
        flow_steps.agreement_mark_sent(user=coordinator, task_id=task.pk, comment="Sent for signature.")
        task = open_task_for_agreement(agreement=agreement)
        return flow_steps.agreement_record_signed(
            user=coordinator,
            task_id=task.pk,
            # Signed once approved: a signing date before the prorector's approval is refused.
            our_signed_on=timezone.localdate(),
            partner_signed_on=timezone.localdate(),
            file=SimpleUploadedFile("signed-agreement.pdf", _signed_pdf(partner.name), content_type="application/pdf"),
        )


def _signed_pdf(partner_name: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(72, 770, f"Erasmus+ inter-institutional agreement — {partner_name}")
    pdf.drawString(72, 750, "Signed by both parties (demo copy).")
    pdf.save()
    return buffer.getvalue()
