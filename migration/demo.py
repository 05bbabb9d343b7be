"""The demo's migration advice: a foreign student who came outside the agreements (Lukas Schmidt, Germany), his case
opened by the office two weeks after his arrival — the arrival confirmed with his visa on file, the visa invitation
overdue, the registration of his place of stay due tomorrow. Called by `load_demo`; loading it again changes
nothing."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Department, User
from migration.models import AdviceCase
from migration.services import advice_case_open_manual, advice_step_done, step_templates_seed_defaults

FOREIGNER = ("foreigner1", "Lukas", "Schmidt", "foreigner1@korpu.example")


def _visa_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(72, 770, "Republic of Azerbaijan — e-visa (demo copy)")
    pdf.drawString(72, 750, "Lukas Schmidt, Germany")
    pdf.save()
    return buffer.getvalue()


def load_migration_demo(*, department: Department, actor: User, password: str) -> AdviceCase:
    """foreigner1 (password as the other demo users) and his open case; returns it."""
    step_templates_seed_defaults()
    username, first, last, email = FOREIGNER
    person, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": email}
    )
    if created:
        person.set_password(password)
        person.save()
    existing = AdviceCase.objects.filter(person=person).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    case = advice_case_open_manual(
        actor=actor,
        email=email,
        first_name=first,
        last_name=last,
        nationality="Germany",
        passport_number="C4F7K2L9M",
        arrival_date=today - timedelta(days=14),
        permit_expiry_date=None,
        department=department,
    )
    arrival = case.steps.get(template__code="arrival-confirmed")
    advice_step_done(
        actor=actor,
        case_id=case.pk,
        step_id=arrival.pk,
        note="Arrived at GYD; e-visa checked.",
        document_kind="visa",
        file=SimpleUploadedFile("e-visa.pdf", _visa_pdf(), content_type="application/pdf"),
    )
    return case
