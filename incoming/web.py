"""What the shared task page, decision API and task list show of an incoming application (workflows.web)."""

from rest_framework.response import Response

from incoming.permissions import can_see_personal_data
from incoming.selectors import access_incoming
from incoming.serializers import IncomingDetailSerializer, IncomingTaskSerializer
from incoming.views import incoming_task
from workflows.web import CaseWeb, register_web


def incoming_response(request, application) -> Response:
    application = access_incoming(user=request.user, application_id=application.pk)
    personal = can_see_personal_data(request.user, application)
    return Response(IncomingDetailSerializer(application, context={"request": request, "personal": personal}).data)


def register_incoming_web() -> None:
    register_web(
        "incoming",
        CaseWeb(
            task_page=incoming_task,
            case_response=incoming_response,
            case_detail_serializer=IncomingDetailSerializer,
            task_case_serializer=IncomingTaskSerializer,
            task_case_help="The incoming application, for a task of one; otherwise null.",
        ),
    )
