"""REST endpoints for the task inbox (/api/v1/tasks/) and for deciding a review task of any kind of case, and the
shared endpoints of a case's documents and timeline (each kind's app mounts them under its URLs); a kind's own steps
(an agreement's mark-sent and signed) have their endpoints in its app."""

from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core.idempotency import idempotent
from core.pagination import CappedPagination
from core.serializers import FIELD_ERRORS, ErrorSerializer
from workflows.kinds import kind_of_case
from workflows.selectors import (
    InboxFilter,
    inbox_entries,
    inbox_ids,
    tasks_for_rows,
)
from workflows.serializers import (
    BulkDecisionResultSerializer,
    BulkDecisionSerializer,
    DecisionSerializer,
    InboxFilterSerializer,
    TaskSerializer,
)
from workflows.services import task_decide, tasks_decide_bulk
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
    pagination_class = CappedPagination

    def get_queryset(self):
        return inbox_entries(user=self.request.user)

    @extend_schema(
        tags=TASKS,
        operation_id="tasks_list",
        summary="My inbox",
        description="Open tasks the caller may act on, of every kind of case, the earliest due first; narrowed by "
        "kind, step, department, call, partner, overdue, due date and a search, as the inbox page is.",
        parameters=[InboxFilterSerializer],
        responses={200: TaskSerializer(many=True), 400: FIELD_ERRORS},
    )
    def get(self, request):
        query = InboxFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        ids = inbox_ids(user=request.user, filters=InboxFilter(**query.validated_data))
        # The page on the inbox table alone (capped count, each step's rows through its index), then its tasks with
        # their cases.
        page = tasks_for_rows(task_ids=list(self.paginate_queryset(ids)))
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


class BulkDecisionView(GenericAPIView):
    serializer_class = BulkDecisionSerializer

    @extend_schema(
        tags=TASKS,
        operation_id="tasks_decide_bulk",
        summary="One decision on many tasks",
        description="Each task is decided on its own (its own permission check, timeline line, notifications; "
        "all or nothing per case), and the answer says what became of each: `done`, or why not.",
        request=BulkDecisionSerializer,
        responses={200: BulkDecisionResultSerializer, 400: FIELD_ERRORS},
    )
    @idempotent
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcomes = tasks_decide_bulk(
            user=request.user,
            task_ids=serializer.validated_data["tasks"],
            decision=serializer.validated_data["decision"],
            comment=serializer.validated_data["comment"],
        )
        return Response(BulkDecisionResultSerializer({"results": outcomes}).data)
