"""Application services: validation with field-level errors, and nothing changed on failure."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services
from applications.models import Application, ApplicationStatus, Call, CaseEvent
from core.errors import ApplicationAlreadySubmitted, ApplicationNotEditable
from documents.models import Document
from tests.support.drivers import make_ready_application
from tests.support.factories import CallFactory, CallPlaceFactory, valid_application_fields
from tests.support.files import PNG_BYTES, pdf_upload
from workflows.services import case_document_attach, case_submit

pytestmark = pytest.mark.django_db


def field_errors(exc_info) -> dict:
    return exc_info.value.message_dict


def test_create_makes_a_draft_in_the_applicants_department_with_ranked_choices(world):
    p = world.partners
    app = services.application_create(
        applicant=world.student1, call=world.call, choices=[p[2].pk, p[0].pk], **valid_application_fields()
    )
    assert app.status == ApplicationStatus.DRAFT
    assert app.department == world.departments["ce"]
    assert [(c.rank, c.place.partner_id) for c in app.choices.all()] == [(1, p[2].pk), (2, p[0].pk)]
    assert app.events.get().action == CaseEvent.Action.CREATED


@pytest.mark.parametrize(
    "choices, message",
    [
        ([], "between one and three"),
        (["a", "b", "c", "d"], None),
        ("dup", "only once"),
        ("foreign", "offered by this call"),
    ],
)
def test_create_refuses_bad_choices(world, choices, message):
    p = world.partners
    if choices == "dup":
        choices = [p[0].pk, p[0].pk]
    elif choices == "foreign":
        choices = [CallPlaceFactory().partner_id]
    elif choices and choices[0] == "a":
        choices = [p[0].pk, p[1].pk, p[2].pk, CallPlaceFactory(call=world.call).partner_id]
        message = "between one and three"
    with pytest.raises(ValidationError) as exc:
        services.application_create(applicant=world.student1, call=world.call, choices=choices)
    assert message in " ".join(field_errors(exc)["choices"])
    assert not Application.objects.exists()


def test_create_refuses_closed_call_wrong_audience_and_non_applicants(world):
    closed = CallFactory(opens_at=timezone.now() - timedelta(days=10), closes_at=timezone.now() - timedelta(days=1))
    CallPlaceFactory(call=closed)
    with pytest.raises(ValidationError) as exc:
        services.application_create(applicant=world.student1, call=closed, choices=[closed.places.get().partner_id])
    assert "not open" in field_errors(exc)["call"][0]
    with pytest.raises(ValidationError) as exc:
        services.application_create(applicant=world.staff1, call=world.call, choices=[world.partners[0].pk])
    assert "for students" in field_errors(exc)["call"][0]
    with pytest.raises(PermissionDenied):
        services.application_create(applicant=world.coordinator_ce, call=world.call, choices=[world.partners[0].pk])
    assert not Application.objects.exists()


def test_create_refuses_invalid_fields(world):
    fields = valid_application_fields() | {"gpa": "250", "year_of_study": 0}
    with pytest.raises(ValidationError) as exc:
        services.application_create(applicant=world.student1, call=world.call, choices=[world.partners[0].pk], **fields)
    assert {"gpa", "year_of_study"} <= set(field_errors(exc))
    fields = valid_application_fields() | {"period_end": valid_application_fields()["period_start"] - timedelta(days=1)}
    with pytest.raises(ValidationError):
        services.application_create(applicant=world.student1, call=world.call, choices=[world.partners[0].pk], **fields)
    assert not Application.objects.exists()


def test_submit_lists_every_missing_item_by_field(world):
    app = services.application_create(applicant=world.student1, call=world.call, choices=[world.partners[0].pk])
    with pytest.raises(ValidationError) as exc:
        case_submit(case=app, actor=world.student1)
    errors = field_errors(exc)
    assert {"motivation", "period_start", "period_end", "year_of_study", "gpa", "language_level", "documents"} <= set(
        errors
    )
    assert "Transcript of records" in errors["documents"][0]
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT
    assert not hasattr(app, "process") or app.process is None


@pytest.mark.parametrize(
    "field, value, needle",
    [("gpa", "69.99", "GPA of at least 70"), ("year_of_study", 1, "at least year 2"), ("language_level", "A2", "B1")],
)
def test_submit_checks_eligibility(world, field, value, needle):
    app = make_ready_application(world)
    services.application_update(application=app, actor=world.student1, **{field: value})
    with pytest.raises(ValidationError) as exc:
        case_submit(case=app, actor=world.student1)
    assert list(field_errors(exc)) == [field]
    assert needle in field_errors(exc)[field][0]


def test_submit_after_the_deadline_is_refused(world):
    app = make_ready_application(world)
    Call.objects.filter(pk=world.call.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    app.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        case_submit(case=app, actor=world.student1)
    assert "deadline" in field_errors(exc)["call"][0]


def test_submitted_application_is_frozen_and_submit_twice_is_stale(world):
    app = make_ready_application(world)
    case_submit(case=app, actor=world.student1)
    with pytest.raises(ApplicationAlreadySubmitted):
        case_submit(case=app, actor=world.student1)
    with pytest.raises(ApplicationNotEditable):
        services.application_update(application=app, actor=world.student1, motivation="changed")
    with pytest.raises(ApplicationNotEditable):
        case_document_attach(case=app, actor=world.student1, kind="transcript", file=pdf_upload())
    app.refresh_from_db()
    assert app.motivation == valid_application_fields()["motivation"]
    assert app.events.filter(action=CaseEvent.Action.SUBMITTED).count() == 1


def test_only_the_applicant_changes_or_submits(world):
    app = make_ready_application(world)
    with pytest.raises(PermissionDenied):
        services.application_update(application=app, actor=world.student2, motivation="mine now")
    with pytest.raises(PermissionDenied):
        case_submit(case=app, actor=world.coordinator_ce)
    with pytest.raises(PermissionDenied):
        case_document_attach(case=app, actor=world.student2, kind="transcript", file=pdf_upload())


@pytest.mark.parametrize(
    "name, content, needle",
    [
        ("scan.pdf", PNG_BYTES, "does not match"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "PDF, JPEG or PNG"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_bad_uploads_are_refused_and_leave_nothing(world, name, content, needle):
    app = make_ready_application(world)
    before = Document.objects.count()
    with pytest.raises(ValidationError) as exc:
        case_document_attach(case=app, actor=world.student1, kind="transcript", file=SimpleUploadedFile(name, content))
    assert needle in field_errors(exc)["file"][0]
    assert Document.objects.count() == before


def test_oversized_upload_is_refused(world, settings):
    settings.DOCUMENT_MAX_SIZE = 100
    app = make_ready_application(world)
    with pytest.raises(ValidationError) as exc:
        case_document_attach(
            case=app,
            actor=world.student1,
            kind="transcript",
            file=SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 96),
        )
    assert "larger than" in field_errors(exc)["file"][0]


def test_new_upload_of_a_kind_is_the_next_version_with_a_safe_name(world):
    app = make_ready_application(world)
    doc = case_document_attach(
        case=app, actor=world.student1, kind="transcript", file=pdf_upload("../../etc/pass\u202ewd.pdf")
    )
    assert doc.version == 2
    assert doc.original_name == "passwd.pdf"
    assert "etc" not in doc.file.name and ".." not in doc.file.name
    assert doc.file.name.startswith(f"documents/applications.application/{app.pk}/")


def test_one_live_application_per_call(world):
    first = make_ready_application(world)
    with pytest.raises(ValidationError) as exc:
        services.application_create(applicant=world.student1, call=world.call, choices=[world.partners[1].pk])
    assert "already have an application" in field_errors(exc)["call"][0]
    Application.objects.filter(pk=first.pk).update(status=ApplicationStatus.REJECTED)
    again = services.application_create(applicant=world.student1, call=world.call, choices=[world.partners[1].pk])
    assert again.pk != first.pk
