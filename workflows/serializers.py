"""API serializers for the task inbox and task decisions."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflows.kinds import case_kinds, case_of_task, kind_of_task, step_of_task
from workflows.models import Decision
from workflows.web import registered_web

# Every step of every kind of case, once (head_review and prorector_review exist in both flows).
TASK_STEPS = {name: step.label for kind in case_kinds() for name, step in kind.steps.items()}


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

    def get_fields(self):
        # One field per kind of case, named after it (`application`, `agreement`, ...): the case for a task of
        # that kind, otherwise null. Each kind's web layer registers its serializer (workflows.web).
        fields = super().get_fields()
        for kind in case_kinds():
            web = registered_web().get(kind.key)
            if web is not None:
                fields[kind.key] = web.task_case_serializer(
                    source=f"process.{kind.process_attr}.{kind.case_attr}",
                    read_only=True,
                    allow_null=True,
                    help_text=web.task_case_help,
                )
        return fields

    @extend_schema_field({"type": "string", "enum": [kind.key for kind in case_kinds()]})
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
                    {action for kind in case_kinds() for step in kind.steps.values() for action in step.actions}
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


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(
        allow_blank=True,
        default="",
        help_text=_("Required when sending back for changes or rejecting: the applicant reads it."),
    )


class InboxFilterSerializer(serializers.Serializer):
    """The inbox's filters as query parameters (workflows.selectors.InboxFilter)."""

    kind = serializers.CharField(required=False, allow_blank=True, help_text=_("A kind of case, e.g. application."))
    step = serializers.CharField(
        required=False, allow_blank=True, help_text=_("A step of a kind, e.g. application:head_review.")
    )
    department = serializers.IntegerField(required=False, min_value=1)
    call = serializers.IntegerField(required=False, min_value=1, help_text=_("A call's id (its applications)."))
    partner = serializers.IntegerField(
        required=False, min_value=1, help_text=_("A partner institution's id (its agreements).")
    )
    overdue = serializers.BooleanField(required=False, default=False)
    due_before = serializers.DateField(required=False)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text=_("Name, title or number."))


class BulkDecisionSerializer(DecisionSerializer):
    tasks = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        max_length=100,
        help_text=_("The tasks to decide (at most 100); each is decided on its own."),
    )


class BulkOutcomeSerializer(serializers.Serializer):
    task = serializers.IntegerField(source="task_id")
    result = serializers.CharField(
        help_text=_("done, or why not: not_found, permission_denied, already_decided, case_busy, no_place_left, ...")
    )
    message = serializers.CharField()
    case_id = serializers.SerializerMethodField()

    def get_case_id(self, outcome) -> int | None:
        return outcome.case.pk if outcome.case is not None else None


class BulkDecisionResultSerializer(serializers.Serializer):
    results = BulkOutcomeSerializer(many=True)
