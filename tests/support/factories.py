"""factory_boy factories for the domain; the `world` fixture in tests/conftest.py builds on them."""

from datetime import date, timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Department, User
from accounts.roles import Role
from applications.models import Audience, Call, CallPlace, DocumentKind, MobilityType, Programme, Term
from partners.models import PartnerInstitution


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Department {n}")
    code = factory.Sequence(lambda n: f"dept{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("demo")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        if extracted:
            self.departments.set(extracted)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerInstitution

    name = factory.Sequence(lambda n: f"Partner University {n}")
    country = "DE"
    city = "Berlin"
    erasmus_code = factory.Sequence(lambda n: f"D  BERLIN{n % 1000:02d}")
    # A SCHAC code (EWP's hei-id) so that every agreement the factories make can be exchanged over EWP.
    schac_code = factory.Sequence(lambda n: f"partner{n}.example.edu")


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    title = factory.Sequence(lambda n: f"Erasmus+ call {n}")
    programme = Programme.ERASMUS
    mobility_type = MobilityType.STUDY
    audience = Audience.STUDENTS
    academic_year = "2026/27"
    term = Term.SPRING
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    min_year_of_study = 2
    min_gpa = "70.00"
    min_language_level = "B1"
    required_documents = factory.LazyFunction(lambda: [DocumentKind.TRANSCRIPT, DocumentKind.PASSPORT_COPY])


class CallPlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallPlace

    call = factory.SubFactory(CallFactory)
    partner = factory.SubFactory(PartnerFactory)
    places = 2


def valid_application_fields() -> dict:
    return {
        "motivation": "I want to study distributed systems.",
        "gpa": "85.00",
        "year_of_study": 3,
        "language": "English",
        "language_level": "B2",
        "period_start": date(2027, 2, 1),
        "period_end": date(2027, 6, 30),
    }


ROLE_USERS = {
    "student1": ([Role.STUDENT], ["ce"]),
    "student2": ([Role.STUDENT], ["ce"]),
    "student3": ([Role.STUDENT], ["math"]),
    "staff1": ([Role.STAFF], ["ce"]),
    "coordinator_ce": ([Role.COORDINATOR], ["ce"]),
    "head_ce": ([Role.HEAD], ["ce"]),
    "coordinator_math": ([Role.COORDINATOR], ["math"]),
    "head_math": ([Role.HEAD], ["math"]),
    "prorector": ([Role.PRORECTOR], []),
    "auditor": ([Role.AUDITOR], []),
    "admin": ([Role.ADMIN], []),
}
