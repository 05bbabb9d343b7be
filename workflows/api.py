"""REST endpoints for the task inbox (/api/v1/tasks/) and for deciding a review task of any kind of case; a kind's
own steps (an agreement's mark-sent and signed) have their endpoints in its app."""

from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.generics import GenericAPIView

from core.idempotency import idempotent
from core.serializers import FIELD_ERRORS, ErrorSerializer
from workflows.kinds import kind_of_case
from workflows.selectors import inbox_tasks
from workflows.serializers import DecisionSerializer, TaskSerializer
from workflows.services import task_decide
from workflows.web import registered_web, web_of

# The case after a decision, whatever its kind: each kind's web layer registers its serializer (workflows.web) in
# its app's ready(), before the URLconf imports this module.
CASE_DETAIL = PolymorphicProxySerializer(
    component_name="CaseDetail",
    serializers=[web.case_detail_serializer for web in registered_web().values()],
    resource_type_field_name=None,
)
TASKS = ["tasks"]


class TaskListView(GenericAPIView):
    serializer_class = TaskSerializer

    def get_queryset(self):
        return inbox_tasks(user=self.request.user)

    @extend_schema(
        tags=TASKS,
        operation_id="tasks_list",
        summary="My inbox",
        description="Open tasks the caller may act on, of mobility applications and of agreements, the earliest "
        "due first.",
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
        description="A comment is required to send back or reject. Returns the case after the decision: the "
        "application, or the agreement (see the task's `case_type`).",
        request=DecisionSerializer,
        responses={
            200: CASE_DETAIL,
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
    @idempotent
    def post(self, request, task_id: int):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = task_decide(user=request.user, task_id=task_id, **serializer.validated_data)
        return web_of(kind_of_case(case).key).case_response(request, case)
