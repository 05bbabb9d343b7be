"""The document request's pages and API body for the shared task page and decision API (workflows.web)."""

from django.http import HttpResponse
from rest_framework import serializers
from rest_framework.response import Response

from workflows.web import CaseWeb, register_web


class DocumentRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)


def task_page(request, task) -> HttpResponse:
    return HttpResponse(f"Document request task {task.pk}: {task.flow_task.name}")


register_web(
    "document_request",
    CaseWeb(
        task_page=task_page,
        case_response=lambda request, case: Response(DocumentRequestSerializer(case).data),
        case_detail_serializer=DocumentRequestSerializer,
        task_case_serializer=DocumentRequestSerializer,
        task_case_help="The document request, for a task of one; otherwise null.",
    ),
)
