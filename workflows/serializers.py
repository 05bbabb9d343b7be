"""API serializers for the task inbox and task decisions."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.serializers import AgreementStatusField, PartnerRefSerializer
from applications.serializers import (
    ApplicationStatusField,
    CallRefSerializer,
    DepartmentRefSerializer,
    PersonSerializer,
)
from workflows.cases import CASE_KINDS, case_of_task, kind_of_task, step_of_task
from workflows.models import Decision


class TaskApplicationSerializer(serializers.Serializer):
    """The case a task is about, as the inbox shows it."""

    id = serializers.IntegerField(read_only=True)
    status = ApplicationStatusField(read_only=True)
    applicant = PersonSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)
    call = CallRefSerializer(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)


class TaskAgreementSerializer(serializers.Serializer):
    """The agreement a task is about, as the inbox shows it."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = AgreementStatusField(read_only=True)
    partner = PartnerRefSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)


# Every step of every kind of case, once (head_review and prorector_review exist in both flows).
TASK_STEPS = {name: step.label for kind in CASE_KINDS for name, step in kind.steps.items()}


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    case_type = serializers.SerializerMethodField(help_text=_("The kind of case: application or agreement."))
    case_id = serializers.SerializerMethodField(help_text=_("The id of the application or agreement."))
    step = serializers.ChoiceField(choices=list(TASK_STEPS.items()), source="flow_task.name", read_only=True)
    step_label = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text=_(
            "What may be done at this step: approve / request_changes / reject (POST decision/), mark_sent "
            "(POST mark-sent/), record_signed (POST signed/), resubmit (POST /api/v1/agreements/{id}/submit/)."
        )
    )
    created = serializers.DateTimeField(read_only=True, help_text=_("When the case arrived at this step."))
    due_at = serializers.SerializerMethodField(help_text=_("When the step is due (working days after it arrived)."))
    overdue = serializers.SerializerMethodField(help_text=_("Whether the due date has passed."))
    application = TaskApplicationSerializer(
        source="process.mobilityprocess.application",
        read_only=True,
        allow_null=True,
        help_text=_("The application, for a task of a mobility application; otherwise null."),
    )
    agreement = TaskAgreementSerializer(
        source="process.agreementprocess.agreement",
        read_only=True,
        allow_null=True,
        help_text=_("The agreement, for a task of an agreement; otherwise null."),
    )

    @extend_schema_field({"type": "string", "enum": [kind.key for kind in CASE_KINDS]})
    def get_case_type(self, task) -> str:
        return kind_of_task(task).key

    def get_case_id(self, task) -> int:
        return case_of_task(task).pk

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "string",
                "enum": sorted(
                    {action for kind in CASE_KINDS for step in kind.steps.values() for action in step.actions}
                ),
            },
        }
    )
    def get_actions(self, task) -> list[str]:
        step = step_of_task(task)
        return sorted(step.actions) if step else []

    def get_due_at(self, task) -> datetime | None:
        deadline = getattr(task, "deadline", None)  # a task without a due date has no row
        return serializers.DateTimeField().to_representation(deadline.due_at) if deadline else None

    def get_overdue(self, task) -> bool:
        deadline = getattr(task, "deadline", None)
        return bool(deadline and deadline.is_overdue())

    def get_step_label(self, task) -> str:
        step = step_of_task(task)
        return str(step.label) if step else task.flow_task.name


class MarkSentSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, default="", help_text=_("E.g. how and to whom it was sent."))


class SignedCopySerializer(serializers.Serializer):
    our_signed_on = serializers.DateField(help_text=_("The date we signed."))
    partner_signed_on = serializers.DateField(help_text=_("The date the partner signed."))
    file = serializers.FileField(help_text=_("The copy signed by both sides: a PDF, JPEG or PNG file."))
    comment = serializers.CharField(allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(
        allow_blank=True,
        default="",
        help_text=_("Required when sending back for changes or rejecting: the applicant reads it."),
    )
