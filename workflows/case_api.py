"""The REST endpoints of a case's documents and timeline, for every kind of case: each kind's app mounts them under
its own URLs as thin subclasses carrying the kind's key, the URL's id name, its serializers and its OpenAPI text.
(Apart from workflows/api.py on purpose: the apps import this module while the registry of kinds is still being
filled, and nothing here reads the registry at import.)"""

from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.idempotency import idempotent
from documents.downloads import document_response
from workflows.kinds import kind_by_key
from workflows.selectors import access_case, access_case_document, case_documents, case_events
from workflows.services import case_document_attach


class _CaseEndpoint(GenericAPIView):
    kind_key: str = ""  # the kind of case (workflows.kinds)
    case_kwarg: str = ""  # the URL's name for the case's id

    def case(self, request):
        return access_case(user=request.user, kind=kind_by_key(self.kind_key), case_id=self.kwargs[self.case_kwarg])


class CaseDocumentsView(_CaseEndpoint):
    """GET: every version of the case's documents. POST (multipart): upload the next version of a kind, through
    workflows.services.case_document_attach (the kind says who may, when, which kinds)."""

    parser_classes = [MultiPartParser, FormParser]
    upload_serializer_class: type = serializers.Serializer

    def get(self, request, **kwargs):
        page = self.paginate_queryset(case_documents(case=self.case(request)))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @idempotent
    def post(self, request, **kwargs):
        case = self.case(request)
        upload = self.upload_serializer_class(data=request.data)
        upload.is_valid(raise_exception=True)
        document = case_document_attach(case=case, actor=request.user, **upload.validated_data)
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)


class CaseDocumentFileView(_CaseEndpoint):
    """GET: one document's file, after the case's permission (documents.downloads.document_response)."""

    document_kwarg = "document_id"

    def get(self, request, **kwargs):
        document = access_case_document(
            user=request.user,
            kind=kind_by_key(self.kind_key),
            case_id=self.kwargs[self.case_kwarg],
            document_id=self.kwargs[self.document_kwarg],
        )
        return document_response(document)


class CaseHistoryView(_CaseEndpoint):
    """GET: the case's timeline, oldest first."""

    def get(self, request, **kwargs):
        kind = kind_by_key(self.kind_key)
        page = self.paginate_queryset(case_events(kind=kind, case=self.case(request)))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
