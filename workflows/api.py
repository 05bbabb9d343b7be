"""REST endpoints for the task inbox (/api/v1/tasks/) and for deciding a task."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from applications.api import FIELD_ERRORS
from applications.selectors import access_application
from applications.serializers import ApplicationDetailSerializer, ErrorSerializer
from workflows.selectors import inbox_tasks
from workflows.serializers import DecisionSerializer, TaskSerializer
from workflows.services import task_decide

TASKS = ["tasks"]


class TaskListView(GenericAPIView):
    serializer_class = TaskSerializer

    def get_queryset(self):
        return inbox_tasks(user=self.request.user)

    @extend_schema(
        tags=TASKS,
        operation_id="tasks_list",
        summary="My inbox",
        description="Open review tasks the caller may decide, the longest-waiting first.",
        responses={200: TaskSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class TaskDecisionView(GenericAPIView):
    serializer_class = DecisionSerializer

    @extend_schema(
        tags=TASKS,
        operation_id="tasks_decide",
        summary="Approve, send back for changes, or reject",
        description="A comment is required to send back or reject. Returns the application after the decision.",
        request=DecisionSerializer,
        responses={
            200: ApplicationDetailSerializer,
            400: FIELD_ERRORS,
            403: OpenApiResponse(ErrorSerializer, description="You may see this case but not decide this step."),
            404: OpenApiResponse(ErrorSerializer, description="No such task, or its case is not yours to see."),
            409: OpenApiResponse(
                ErrorSerializer,
                description="Already decided (`already_decided`), someone else is deciding it (`case_busy`), or "
                "no place is left at the chosen partners (`no_place_left`).",
            ),
        },
    )
    def post(self, request, task_id: int):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = task_decide(user=request.user, task_id=task_id, **serializer.validated_data)
        application = access_application(user=request.user, application_id=application.pk)
        return Response(ApplicationDetailSerializer(application, context={"request": request}).data)
