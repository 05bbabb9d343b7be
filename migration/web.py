"""What the shared task page, decision API and task list show of a migration-advice case (workflows.web): its task
page is the case's own page, where the office marks steps and closes the case."""

from django.shortcuts import redirect
from rest_framework.response import Response

from migration.serializers import AdviceCaseSerializer, TaskAdviceCaseSerializer
from workflows.web import CaseWeb, register_web


def task_page(request, task):
    case = task.process.adviceprocess.case
    return redirect("migration:case", case_id=case.pk)


def case_response(request, case) -> Response:
    return Response(AdviceCaseSerializer(case, context={"request": request}).data)


def register_migration_web() -> None:
    register_web(
        "migration",
        CaseWeb(
            task_page=task_page,
            case_response=case_response,
            case_detail_serializer=AdviceCaseSerializer,
            task_case_serializer=TaskAdviceCaseSerializer,
            task_case_help="The migration-advice case, for a task of one; otherwise null.",
        ),
    )
