"""A staff mobility agreement: the same model (`kind` staff), its teaching programme, hours and expected outcomes
instead of components, the same three signatures; the receiving coordinator is the application's host contact."""

import pytest
from django.core.exceptions import ValidationError

from learning import services
from learning.letters import signed_pdf_content
from learning.models import LAKind, LAStatus
from tests.support.calls import make_staff_application, staff_call
from tests.support.drivers import approve_all
from tests.support.learning import emailed_token

pytestmark = pytest.mark.django_db


def staff_content(**staff):
    return {
        "mobility": {
            "start_date": "2027-03-01",
            "end_date": "2027-03-07",
            "eqf_level": 7,
            "isced_code": "0613",
            "language": "en",
            "language_level": "C1",
        },
        "components": [],
        "staff": {
            "activity": "teaching",
            "hours": 8,
            "programme": "A block course on compilers.",
            "outcomes": "Students write a small compiler.",
            **staff,
        },
    }


def test_a_staff_mobility_agreement_is_signed_by_three(world, django_capture_on_commit_callbacks):
    application = approve_all(world, make_staff_application(world, staff_call(world), submit=True))
    agreement = services.la_start(application_id=application.pk, actor=world.staff1)
    assert agreement.kind == LAKind.STAFF
    assert agreement.receiving_contact_email == "weber@partner.example.edu"  # the host contact of the application
    with pytest.raises(ValidationError) as refused:
        services.la_save(agreement_id=agreement.pk, actor=world.staff1, content=staff_content(programme="", hours=0))
    assert set(refused.value.error_dict) == {"staff.programme", "staff.hours"}
    version = services.la_save(agreement_id=agreement.pk, actor=world.staff1, content=staff_content())
    with django_capture_on_commit_callbacks(execute=True):
        services.la_sign(agreement_id=agreement.pk, actor=world.staff1, party="student", sha256=version.sha256)
    services.la_sign(agreement_id=agreement.pk, actor=world.coordinator_ce, party="sending", sha256=version.sha256)
    agreement_id, token = emailed_token("weber@partner.example.edu")
    services.la_sign_by_link(
        agreement_id=agreement_id, token=token, sha256=version.sha256, decision="signed", signer_name="Anna Weber"
    )
    agreement.refresh_from_db()
    assert agreement.status == LAStatus.FINAL
    content = signed_pdf_content(agreement.final_version)
    assert content.title[1] == "Staff mobility agreement"
    assert any("A block course on compilers." in en for _az, en in content.paragraphs)
