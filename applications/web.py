"""What the shared task page, decision API and task list show of a mobility application (workflows.web)."""

from rest_framework.response import Response

from applications.selectors import access_application, application_documents
from applications.serializers import ApplicationDetailSerializer, TaskApplicationSerializer
from applications.views import application_task
from workflows.web import CaseWeb, register_web


def application_response(request, application) -> Response:
    application = access_application(user=request.user, application_id=application.pk)
    documents = list(application_documents(application=application))
    return Response(ApplicationDetailSerializer(application, context={"request": request, "documents": documents}).data)


def register_application_web() -> None:
    register_web(
        "application",
        CaseWeb(
            task_page=application_task,
            case_response=application_response,
            case_detail_serializer=ApplicationDetailSerializer,
            task_case_serializer=TaskApplicationSerializer,
            task_case_help="The application, for a task of a mobility application; otherwise null.",
        ),
    )
