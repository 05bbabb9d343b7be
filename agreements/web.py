"""What the shared task page, decision API and task list show of an agreement (workflows.web)."""

from agreements.api import agreement_detail_response
from agreements.serializers import AgreementDetailSerializer, TaskAgreementSerializer
from agreements.views import agreement_task
from workflows.web import CaseWeb, register_web


def register_agreement_web() -> None:
    register_web(
        "agreement",
        CaseWeb(
            task_page=agreement_task,
            case_response=lambda request, agreement: agreement_detail_response(request, agreement.pk),
            case_detail_serializer=AgreementDetailSerializer,
            task_case_serializer=TaskAgreementSerializer,
            task_case_help="The agreement, for a task of an agreement; otherwise null.",
        ),
    )
