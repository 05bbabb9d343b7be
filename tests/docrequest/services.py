"""The document request's own domain code: create, submit, enter a status, record a timeline line."""

from django.core.exceptions import PermissionDenied

from core.errors import StaleState
from tests.docrequest.models import DocumentRequest, DocumentRequestEvent


def document_request_create(*, requester, department, title: str) -> DocumentRequest:
    return DocumentRequest.objects.create(requester=requester, department=department, title=title)


def document_request_submit(*, request: DocumentRequest, actor) -> DocumentRequest:
    request = DocumentRequest.objects.select_for_update().get(pk=request.pk)
    if request.requester_id != actor.pk:
        raise PermissionDenied("Only the requester submits it.")
    if request.status not in (DocumentRequest.Status.DRAFT, DocumentRequest.Status.CHANGES_REQUESTED):
        raise StaleState("Already submitted.")
    return request


def document_request_event_record(*, case: DocumentRequest, status_after=None, **fields) -> DocumentRequestEvent:
    status_after = case.status if status_after is None else status_after
    return DocumentRequestEvent.objects.create(request=case, status_after=status_after, **fields)


def document_request_enter_status(*, request: DocumentRequest, status: str) -> None:
    request.status = status
    request.save(update_fields=["status"])


def document_request_attach_check(actor, request: DocumentRequest) -> None:
    if request.requester_id != actor.pk:
        raise PermissionDenied("Only the requester adds documents.")
    if request.status not in (DocumentRequest.Status.DRAFT, DocumentRequest.Status.CHANGES_REQUESTED):
        raise StaleState("The request is with its reviewers.")
