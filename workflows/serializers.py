"""API serializers for the task inbox and task decisions."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from applications.models import ApplicationStatus
from applications.serializers import (
    ApplicationStatusField,
    CallRefSerializer,
    DepartmentRefSerializer,
    PersonSerializer,
)
from workflows.mobility import STEP_STATUS
from workflows.models import Decision
from workflows.permissions import REVIEW_STEPS


class TaskApplicationSerializer(serializers.Serializer):
    """The case a task is about, as the inbox shows it."""

    id = serializers.IntegerField(read_only=True)
    status = ApplicationStatusField(read_only=True)
    applicant = PersonSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)
    call = CallRefSerializer(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    step = serializers.ChoiceField(
        choices=[(step, ApplicationStatus(STEP_STATUS[step]).label) for step in REVIEW_STEPS],
        source="flow_task.name",
        read_only=True,
    )
    step_label = serializers.SerializerMethodField()
    created = serializers.DateTimeField(read_only=True, help_text=_("When the case arrived at this step."))
    application = TaskApplicationSerializer(source="process.mobilityprocess.application", read_only=True)

    def get_step_label(self, task) -> str:
        return str(ApplicationStatus(STEP_STATUS[task.flow_task.name]).label)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(
        allow_blank=True,
        default="",
        help_text=_("Required when sending back for changes or rejecting: the applicant reads it."),
    )
