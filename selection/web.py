"""What the shared task page, decision API and task list show of a selection result and of an appeal
(workflows.web)."""

from rest_framework.response import Response

from selection.selectors import access_appeal, access_selection
from selection.serializers import AppealSerializer, SelectionDetailSerializer, TaskSelectionSerializer
from selection.views import appeal_task, selection_task
from workflows.web import CaseWeb, register_web


def selection_response(request, selection) -> Response:
    selection = access_selection(user=request.user, selection_id=selection.pk)
    return Response(SelectionDetailSerializer(selection).data)


def appeal_response(request, appeal) -> Response:
    return Response(AppealSerializer(access_appeal(user=request.user, appeal_id=appeal.pk)).data)


def register_selection_web() -> None:
    register_web(
        "selection",
        CaseWeb(
            task_page=selection_task,
            case_response=selection_response,
            case_detail_serializer=SelectionDetailSerializer,
            task_case_serializer=TaskSelectionSerializer,
            task_case_help="The selection result, for a task of one; otherwise null.",
        ),
    )
    register_web(
        "appeal",
        CaseWeb(
            task_page=appeal_task,
            case_response=appeal_response,
            case_detail_serializer=AppealSerializer,
            task_case_serializer=AppealSerializer,
            task_case_help="The appeal against a selection result, for a task of one; otherwise null.",
        ),
    )
