"""Upload rules: every bad input of the issue is refused (or its name neutralised) with a clear message
under its field, and leaves no row, no case event and no stored object behind."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import CaseEvent
from documents.models import Document, DocumentKind, DocumentStatus
from documents.services import atomic_storing, document_store
from tests.support.drivers import make_ready_application
from tests.support.files import (
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    docx_bytes,
    odt_bytes,
    pdf_of_size,
    stored_files,
    upload,
    zip_bomb_docx,
)
from workflows.services import case_document_attach

pytestmark = pytest.mark.django_db

LIMIT = 4096

# (id, file name, content, kind, a phrase of the message the applicant sees)
REFUSED = [
    ("png-renamed-pdf", "scan.pdf", PNG_BYTES, "transcript", "does not match its extension “.pdf”"),
    ("html-renamed-pdf", "cv.pdf", b"<!DOCTYPE html><html><body>hi</body></html>", "transcript", "Upload a PDF"),
    ("pdf-named-x.pdf.html", "x.pdf.html", PDF_BYTES, "transcript", "does not match its extension “.html”"),
    (
        "png-header-html-polyglot",
        "photo.png",
        PNG_BYTES[:33] + b"<html><script>alert(document.cookie)</script></html>" + PNG_BYTES[33:],
        "passport_copy",
        "web page code",
    ),
    (
        "pdf-with-script",
        "transcript.pdf",
        b"%PDF-1.4\n<SCRIPT>fetch('/x')</SCRIPT>\n%%EOF\n",
        "transcript",
        "web page code",
    ),
    ("oversized-limit-plus-one", "big.pdf", pdf_of_size(LIMIT + 1), "transcript", "larger than 4.0"),
    ("zero-bytes", "empty.pdf", b"", "transcript", "The file is empty."),
    ("path-traversal-no-extension", "../../etc/passwd", PDF_BYTES, "transcript", "extension “—”"),
    ("nul-byte-name", "transcript.pdf\x00.html", PDF_BYTES, "transcript", "extension “.html”"),
    ("rtl-override-name", "invoice\u202efdp.exe", PDF_BYTES, "transcript", "extension “.exe”"),
    ("zip-bomb-as-docx", "draft.docx", zip_bomb_docx(), "agreement_draft", "far more than a real one"),
    ("zip-bomb-as-pdf", "draft.pdf", zip_bomb_docx(), "other", "Upload a PDF, JPEG or PNG file"),
    ("docx-for-a-transcript", "t.docx", docx_bytes(), "transcript", "Upload a PDF, JPEG or PNG file"),
    ("png-for-an-agreement-draft", "d.png", PNG_BYTES, "agreement_draft", "not accepted for this kind"),
    ("truncated-pdf", "cut.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "transcript", "damaged or incomplete"),
    ("plain-zip-as-docx", "draft.docx", b"PK\x03\x04" + b"\0" * 40, "agreement_draft", "damaged"),
]


@pytest.mark.parametrize(("name", "content", "kind", "message"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_a_bad_file_is_refused_and_nothing_is_left(world, settings, name, content, kind, message):
    # given a draft (its required documents already stored) and a small limit
    settings.DOCUMENT_MAX_SIZE = LIMIT
    settings.DOCUMENT_MAX_SIZES = {"agreement_draft": 1024 * 1024, "other": 1024 * 1024}  # room for a zip bomb
    application = make_ready_application(world)
    files, rows, events = stored_files(), Document.objects.count(), CaseEvent.objects.count()
    allowed = [*DocumentKind.values]  # agreement kinds too: the rules are the document model's, not the case's

    # when the file is stored
    with pytest.raises(ValidationError) as error:
        with atomic_storing():
            document_store(
                case=application, kind=kind, file=upload(name, content), actor=world.student1, allowed_kinds=allowed
            )

    # then it is refused under "file" with a clear message, and nothing remains
    assert message in error.value.message_dict["file"][0]
    assert stored_files() == files
    assert Document.objects.count() == rows
    assert CaseEvent.objects.count() == events


def test_a_file_of_exactly_the_limit_is_accepted(world, settings):
    settings.DOCUMENT_MAX_SIZE = LIMIT
    application = make_ready_application(world)
    document = case_document_attach(
        case=application, actor=world.student1, kind="other", file=upload("limit.pdf", pdf_of_size(LIMIT))
    )
    assert document.size == LIMIT
    assert document.status == DocumentStatus.PENDING


def test_a_kind_can_have_its_own_limit(world, settings):
    settings.DOCUMENT_MAX_SIZE = LIMIT
    settings.DOCUMENT_MAX_SIZES = {"other": 2 * LIMIT}
    application = make_ready_application(world)
    document = case_document_attach(
        case=application, actor=world.student1, kind="other", file=upload("o.pdf", pdf_of_size(2 * LIMIT))
    )
    assert document.size == 2 * LIMIT
    with pytest.raises(ValidationError):
        case_document_attach(
            case=application,
            actor=world.student1,
            kind="transcript",
            file=upload("t.pdf", pdf_of_size(LIMIT + 1)),
        )


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\x.pdf", "x.pdf"),
        ("cv\x00.pdf", "cv.pdf"),
        ("invoice\u202egnp.pdf", "invoicegnp.pdf"),
        ("a\u200bb\tc\n.pdf", "ab c .pdf"),
        ("<script>.pdf", "script.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
        ("Şəhadətnamə ğ ı ö ü ç.pdf", "Şəhadətnamə ğ ı ö ü ç.pdf"),
        (".pdf", "pdf"),
    ],
)
def test_hostile_names_are_neutralised_for_display_and_never_choose_the_key(world, name, shown):
    application = make_ready_application(world)
    if shown == "pdf":  # a name that is only an extension loses it, and is then refused as extension-less
        with pytest.raises(ValidationError):
            case_document_attach(case=application, actor=world.student1, kind="other", file=upload(name, PDF_BYTES))
        return
    document = case_document_attach(case=application, actor=world.student1, kind="other", file=upload(name, PDF_BYTES))
    assert document.original_name == shown
    prefix = f"documents/applications.application/{application.pk}/"
    assert document.file.name.startswith(prefix)
    assert len(document.file.name) == len(prefix) + 32  # a uuid4 hex, nothing of the user's
    assert all(str(p).startswith(str(stored_files()[0].parents[3])) for p in stored_files())


@pytest.mark.parametrize(
    ("kind", "name", "content", "content_type"),
    [
        ("transcript", "t.pdf", PDF_BYTES, "application/pdf"),
        ("passport_copy", "p.png", PNG_BYTES, "image/png"),
        ("passport_copy", "p.jpeg", JPEG_BYTES, "image/jpeg"),
        ("passport_copy", "P.JPG", JPEG_BYTES, "image/jpeg"),
        (
            "agreement_draft",
            "d.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("agreement_draft", "d.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
        ("agreement_draft", "d.pdf", PDF_BYTES, "application/pdf"),
    ],
)
def test_good_files_are_stored_with_their_sniffed_type_and_checksum(world, kind, name, content, content_type):
    import hashlib

    application = make_ready_application(world)
    with atomic_storing():
        document = document_store(
            case=application,
            kind=kind,
            file=upload(name, content, "text/html"),
            actor=world.student1,
            allowed_kinds=DocumentKind.values,
        )
    assert document.content_type == content_type  # from the bytes, not the client's claim (text/html)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.file.read() == content


def test_an_applicant_cannot_upload_agreement_or_generated_kinds(world):
    application = make_ready_application(world)
    for kind in ("agreement_draft", "signed_agreement", "decision_letter", "diploma"):
        with pytest.raises(ValidationError) as error:
            case_document_attach(case=application, actor=world.student1, kind=kind, file=upload("x.pdf", PDF_BYTES))
        assert list(error.value.message_dict) == ["kind"]
    assert not application.documents.exclude(kind__in=world.call.required_documents).exists()


def test_a_rollback_after_the_store_deletes_the_stored_object(world):
    # given a store that succeeded inside a transaction that then fails
    application = make_ready_application(world)
    files, rows = stored_files(), Document.objects.count()
    with pytest.raises(RuntimeError):
        with atomic_storing():
            document = document_store(
                case=application, kind="other", file=upload("o.pdf", PDF_BYTES), actor=world.student1
            )
            assert document.file.storage.exists(document.file.name)
            raise RuntimeError("the caller failed after the store")
    # then neither the row nor the object survives
    assert Document.objects.count() == rows
    assert stored_files() == files


# --- through the pages and the API ----------------------------------------------------------------


def test_the_page_shows_the_reason_under_the_file_field_and_stores_nothing(client, world):
    client.force_login(world.student1)
    application = make_ready_application(world)
    files = stored_files()
    polyglot = PNG_BYTES[:33] + b"<script>alert(1)</script>" + PNG_BYTES[33:]
    response = client.post(
        reverse("applications:upload", args=[application.pk]),
        {"kind": "passport_copy", "file": upload("me.png", polyglot, "image/png")},
    )
    assert response.status_code == 400
    assert "This image contains web page code and cannot be accepted." in response.content.decode()
    assert stored_files() == files
    assert application.documents.count() == 2


def test_the_api_answers_400_under_file_and_stores_nothing(world):
    from tests.support.api import application_url, token_client

    client = token_client("student1")
    application = make_ready_application(world)
    files = stored_files()
    response = client.post(
        application_url(application.pk, "documents/"),
        {"kind": "transcript", "file": upload("x.pdf.html", PDF_BYTES)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "does not match its extension" in response.json()["file"][0]
    assert response.json()["codes"] == {"file": ["file_type"]}
    refused_kind = client.post(
        application_url(application.pk, "documents/"),
        {"kind": "decision_letter", "file": upload("x.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert refused_kind.status_code == 400
    assert refused_kind.json()["codes"] == {"kind": ["invalid_choice"]}
    assert stored_files() == files
    assert application.documents.count() == 2


def test_a_large_upload_over_the_limit_is_cut_while_streaming_and_refused(world, client, settings):
    # given a 1 MB limit and a 4 MB request (above FILE_UPLOAD_MAX_MEMORY_SIZE: streamed to a temporary file)
    settings.DOCUMENT_MAX_SIZE = 1024 * 1024
    application = make_ready_application(world)
    client.force_login(world.student1)
    files = stored_files()

    response = client.post(
        reverse("applications:upload", args=[application.pk]),
        {"kind": "other", "file": upload("big.pdf", pdf_of_size(4 * 1024 * 1024), "application/pdf")},
    )

    assert response.status_code == 400
    assert "The file is larger than 1.0" in response.content.decode()
    assert stored_files() == files


def test_the_upload_handler_keeps_at_most_the_limit_plus_one_byte(settings):
    from documents.uploadhandlers import LimitedTemporaryFileUploadHandler

    settings.DOCUMENT_MAX_SIZE = 10
    handler = LimitedTemporaryFileUploadHandler()
    handler.new_file("file", "big.pdf", "application/pdf", 100)
    for start in range(0, 100, 7):
        assert handler.receive_data_chunk(b"x" * 7, start) is None
    uploaded = handler.file_complete(100)
    assert uploaded.size == 11
    assert len(uploaded.read()) == 11
    uploaded.close()
