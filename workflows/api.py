"""REST endpoints for the task inbox (/api/v1/tasks/) and for deciding a task."""

from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from agreements.api import agreement_detail_response
from agreements.models import Agreement
from agreements.serializers import AgreementDetailSerializer
from applications.api import FIELD_ERRORS
from applications.selectors import access_application
from applications.serializers import ApplicationDetailSerializer, ErrorSerializer
from core.idempotency import idempotent
from workflows.selectors import inbox_tasks
from workflows.serializers import DecisionSerializer, MarkSentSerializer, SignedCopySerializer, TaskSerializer
from workflows.services import agreement_mark_sent, agreement_record_signed, task_decide

CASE_DETAIL = PolymorphicProxySerializer(
    component_name="CaseDetail",
    serializers=[ApplicationDetailSerializer, AgreementDetailSerializer],
    resource_type_field_name=None,
)
TASK_FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this case but not act on this step.")
TASK_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such task, or its case is not yours to see.")
TASK_CONFLICT = OpenApiResponse(
    ErrorSerializer, description="Already done (`already_decided`) or someone else is acting on it (`case_busy`)."
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
        if isinstance(case, Agreement):
            return agreement_detail_response(request, case.pk)
        application = access_application(user=request.user, application_id=case.pk)
        return Response(ApplicationDetailSerializer(application, context={"request": request}).data)


class TaskMarkSentView(GenericAPIView):
    serializer_class = MarkSentSerializer

    @extend_schema(
        tags=TASKS,
        operation_id="tasks_mark_sent",
        summary="Record that the approved agreement was sent to the partner",
        description="The agreement's `send_to_partner` step, by a coordinator of its department. To send it back to "
        "the draft instead, POST decision/ with `request_changes`. Returns the agreement.",
        request=MarkSentSerializer,
        responses={
            200: AgreementDetailSerializer,
            400: FIELD_ERRORS,
            403: TASK_FORBIDDEN,
            404: TASK_NOT_FOUND,
            409: TASK_CONFLICT,
        },
    )
    @idempotent
    def post(self, request, task_id: int):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agreement = agreement_mark_sent(user=request.user, task_id=task_id, **serializer.validated_data)
        return agreement_detail_response(request, agreement.pk)


class TaskSignedView(GenericAPIView):
    serializer_class = SignedCopySerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=TASKS,
        operation_id="tasks_signed",
        summary="Upload the copy signed by both sides",
        description="The agreement's `upload_signed` step, by a coordinator of its department: the signing dates "
        "(not in the future) and the signed file. The agreement becomes active and its quotas are set. Returns "
        "the agreement.",
        request={"multipart/form-data": SignedCopySerializer},
        responses={
            200: AgreementDetailSerializer,
            400: FIELD_ERRORS,
            403: TASK_FORBIDDEN,
            404: TASK_NOT_FOUND,
            409: TASK_CONFLICT,
        },
    )
    @idempotent
    def post(self, request, task_id: int):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agreement = agreement_record_signed(user=request.user, task_id=task_id, **serializer.validated_data)
        return agreement_detail_response(request, agreement.pk)
