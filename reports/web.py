"""What the shared task page, decision API and task list show of a period report (workflows.web)."""

from rest_framework.response import Response

from reports.serializers import PeriodReportSerializer
from reports.views import report_task
from workflows.web import CaseWeb, register_web


def register_report_web() -> None:
    register_web(
        "report",
        CaseWeb(
            task_page=report_task,
            case_response=lambda request, case: Response(PeriodReportSerializer(case).data),
            case_detail_serializer=PeriodReportSerializer,
            task_case_serializer=PeriodReportSerializer,
            task_case_help="The period report, for a task of one; otherwise null.",
        ),
    )
