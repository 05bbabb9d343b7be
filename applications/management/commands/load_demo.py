"""Demo data for `make run`: departments, a user for every role, partners and an open call.
Idempotent; refused unless DEBUG so it can never touch a production database."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from accounts.roles import Role, setup_roles
from agreements.models import PartnerInstitution
from applications.models import Audience, Call, CallPlace, DocumentKind, MobilityType, Programme, Term

PASSWORD = "demo"

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


class Command(BaseCommand):
    help = "Load demo departments, users (password 'demo'), partners and an open Erasmus+ call."

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
            for partner, places in partners:
                CallPlace.objects.get_or_create(call=call, partner=partner, defaults={"places": places})
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(USERS)} users (password '{PASSWORD}'), "
                f"{len(partners)} partners, call “{call.title}”."
            )
        )
