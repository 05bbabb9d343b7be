"""What the shared views show of a learning agreement (workflows.web). It has no kernel tasks (see flows.py), so
the task page only points to the agreement's own page."""

from django.shortcuts import redirect
from rest_framework.response import Response

from learning.selectors import access_la
from learning.serializers import LearningAgreementSerializer, TaskLearningAgreementSerializer
from workflows.web import CaseWeb, register_web


def _task_page(request, task):
    from workflows.kinds import case_of_task

    return redirect("learning:detail", agreement_id=case_of_task(task).pk)


def _case_response(request, agreement) -> Response:
    return Response(LearningAgreementSerializer(access_la(user=request.user, agreement_id=agreement.pk)).data)


def register_learning_web() -> None:
    register_web(
        "learning_agreement",
        CaseWeb(
            task_page=_task_page,
            case_response=_case_response,
            case_detail_serializer=LearningAgreementSerializer,
            task_case_serializer=TaskLearningAgreementSerializer,
            task_case_help="The learning agreement, for a task of one; otherwise null (learning agreements have no "
            "kernel tasks).",
        ),
    )
