"""The activity register, the action plan (read and edited), period reports and the indicators in the API."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department
from applications.serializers import DepartmentRefSerializer, DocumentKindField, DocumentSerializer, PersonSerializer
from documents.models import Document
from reports.models import (
    ActionPlan,
    Activity,
    ActivityCategory,
    ActivityEvent,
    ActivityKind,
    Measure,
    Outcome,
    PeriodReport,
    PlanActivity,
    PlanEvent,
    PlanIndicator,
    ProjectRole,
    ReportEvent,
    ReportingCycle,
    ReportStatus,
)
from reports.services import ACTIVITY_FIELDS, PLAN_ACTIVITY_FIELDS, PLAN_FIELDS, PLAN_INDICATOR_FIELDS

_CHOICE_FIELDS: dict[str, type] = {}


def _choice_field(choices: type, component: str, **options):
    """A ChoiceField of a closed set, named in the OpenAPI schema (no clash with other apps' `kind` or `status`);
    one class per component, as the schema generator wants. With `allow_blank`, "" (not given) is in its enum."""
    field_class = _CHOICE_FIELDS.get(component)
    if field_class is None:
        enum = [*choices.values, *([""] if options.get("allow_blank") else [])]

        @extend_schema_field({"type": "string", "enum": enum}, component_name=component)
        class Field(serializers.ChoiceField):
            def __init__(self, **kwargs):
                super().__init__(choices=choices.choices, **kwargs)

        Field.__name__ = f"{component}Field"
        field_class = _CHOICE_FIELDS[component] = Field
    return field_class(**options)


class ActivitySerializer(serializers.ModelSerializer):
    """An entry of the register. `department` is written as an id and read as {id, code, name}."""

    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), allow_null=True, required=False)
    department_detail = DepartmentRefSerializer(source="department", read_only=True, allow_null=True)
    created_by = PersonSerializer(read_only=True)
    kind = _choice_field(ActivityKind, "ActivityKind")
    category = _choice_field(ActivityCategory, "ActivityCategory")
    role = _choice_field(ProjectRole, "ActivityRole", required=False, allow_blank=True)
    outcome = _choice_field(Outcome, "ActivityOutcome", required=False, allow_blank=True)

    class Meta:
        model = Activity
        fields = ["id", *ACTIVITY_FIELDS, "department_detail", "created_by", "created_at", "updated_at"]
        read_only_fields = ["id", "department_detail", "created_by", "created_at", "updated_at"]

    def get_validators(self):
        # The service validates the model (reports.services); the serializer only parses the input.
        return []


class ActivityUpdateSerializer(ActivitySerializer):
    kind = _choice_field(ActivityKind, "ActivityKind", read_only=True)
    category = _choice_field(ActivityCategory, "ActivityCategory", required=False)


class ActivityDocumentSerializer(DocumentSerializer):
    """A confirming document of an activity: a case document's fields, downloaded through the register's API."""

    def get_download_url(self, document: Document) -> str:
        url = reverse("api-activity-document-file", args=[document.case_id, document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ActivityDocumentUploadSerializer(serializers.Serializer):
    kind = DocumentKindField(help_text=_("One of the kinds the activity's kind takes."))
    file = serializers.FileField(help_text=_("A PDF, JPEG or PNG file; its content must match its extension."))


class ActivityEventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(read_only=True, allow_null=True)
    action = _choice_field(ActivityEvent.Action, "ActivityEventAction", read_only=True)

    class Meta:
        model = ActivityEvent
        fields = ["id", "created_at", "actor", "action", "comment", "data"]
        read_only_fields = fields


class PlanIndicatorSerializer(serializers.ModelSerializer):
    goal_code = serializers.CharField(source="activity.goal_code", read_only=True)
    activity_az = serializers.CharField(source="activity.name_az", read_only=True)
    activity_en = serializers.CharField(source="activity.name_en", read_only=True)
    value = serializers.SerializerMethodField(help_text=_("Counted from the data for the period; null: by hand."))
    reporting_cycle = _choice_field(ReportingCycle, "ReportingCycle", read_only=True)
    measure = _choice_field(Measure, "PlanMeasure", read_only=True)

    class Meta:
        model = PlanIndicator
        fields = [
            "id",
            "code",
            "goal_code",
            "activity_az",
            "activity_en",
            "quantitative_az",
            "quantitative_en",
            "qualitative_az",
            "qualitative_en",
            "baseline_az",
            "baseline_en",
            "target_az",
            "target_en",
            "baseline_value",
            "target_value",
            "responsible_az",
            "responsible_en",
            "controller_az",
            "controller_en",
            "documents_az",
            "documents_en",
            "reporting_cycle",
            "measure",
            "value",
        ]
        read_only_fields = fields

    def get_value(self, indicator: PlanIndicator) -> int | None:
        values = self.context.get("values", {})
        return values.get(indicator.pk)


class ActionPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionPlan
        fields = ["id", "year", "title_az", "title_en", "approved_by"]
        read_only_fields = fields


class ActionPlanDetailSerializer(ActionPlanSerializer):
    period_start = serializers.SerializerMethodField()
    period_end = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()

    class Meta(ActionPlanSerializer.Meta):
        fields = [*ActionPlanSerializer.Meta.fields, "period_start", "period_end", "indicators"]
        read_only_fields = fields

    def get_period_start(self, plan: ActionPlan) -> str:
        return self.context["period"].start.isoformat()

    def get_period_end(self, plan: ActionPlan) -> str:
        return self.context["period"].end.isoformat()

    @extend_schema_field(PlanIndicatorSerializer(many=True))
    def get_indicators(self, plan: ActionPlan) -> list[dict]:
        return PlanIndicatorSerializer(self.context["indicators"], many=True, context=self.context).data


class PeriodReportSerializer(serializers.ModelSerializer):
    status = _choice_field(ReportStatus, "ReportStatus", read_only=True)
    department = DepartmentRefSerializer(read_only=True)

    class Meta:
        model = PeriodReport
        fields = [
            "id",
            "title",
            "period_start",
            "period_end",
            "version",
            "status",
            "department",
            "content_sha256",
            "approved_at",
        ]
        read_only_fields = fields


class PeriodReportDetailSerializer(PeriodReportSerializer):
    """The report with what it says: frozen once approved, counted now before."""

    content = serializers.SerializerMethodField()

    class Meta(PeriodReportSerializer.Meta):
        fields = [*PeriodReportSerializer.Meta.fields, "content"]
        read_only_fields = fields

    def get_content(self, report: PeriodReport) -> dict:
        return self.context["content"]


class ReportEventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(read_only=True, allow_null=True)
    action = _choice_field(ReportEvent.Action, "ReportEventAction", read_only=True)

    class Meta:
        model = ReportEvent
        fields = ["id", "created_at", "actor", "action", "step", "comment", "status_before", "status_after", "data"]
        read_only_fields = fields


# --- editing the plan ---------------------------------------------------------------------------------------------


class _ParsedOnly(serializers.ModelSerializer):
    def get_validators(self):
        # The service validates the model (reports.services); the serializer only parses the input.
        return []


class ActionPlanWriteSerializer(_ParsedOnly):
    class Meta:
        model = ActionPlan
        fields = ["id", *PLAN_FIELDS]
        read_only_fields = ["id"]
        extra_kwargs = {"year": {"validators": []}}


class ActionPlanUpdateSerializer(ActionPlanWriteSerializer):
    class Meta(ActionPlanWriteSerializer.Meta):
        read_only_fields = ["id", "year"]


class PlanActivityWriteSerializer(_ParsedOnly):
    class Meta:
        model = PlanActivity
        fields = ["id", *PLAN_ACTIVITY_FIELDS]
        read_only_fields = ["id"]


class PlanIndicatorWriteSerializer(_ParsedOnly):
    """An indicator as the office writes it: `activity` is the id of one of the plan's activities."""

    activity = serializers.PrimaryKeyRelatedField(queryset=PlanActivity.objects.all())
    reporting_cycle = _choice_field(ReportingCycle, "ReportingCycle")
    measure = _choice_field(Measure, "PlanMeasure", required=False, allow_blank=True)
    document_kinds = serializers.ListField(
        child=DocumentKindField(), required=False, help_text=_("The kinds of confirming document.")
    )

    class Meta:
        model = PlanIndicator
        fields = ["id", *PLAN_INDICATOR_FIELDS]
        read_only_fields = ["id"]


class PlanEventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(read_only=True, allow_null=True)
    action = _choice_field(PlanEvent.Action, "PlanEventAction", read_only=True)

    class Meta:
        model = PlanEvent
        fields = ["id", "created_at", "actor", "action", "data"]
        read_only_fields = fields


# --- preparing a report ---------------------------------------------------------------------------------------------


class PeriodReportCreateSerializer(serializers.Serializer):
    plan = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("The plan's year."))
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    preset = serializers.ChoiceField(
        choices=["year", "h1", "h2", "custom"], default="h1", help_text=_("custom: give date_from and date_to.")
    )
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)


class ReportNoteSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(help_text=_("An indicator of the report's plan."))
    text = serializers.CharField(allow_blank=True)


class PeriodReportUpdateSerializer(serializers.Serializer):
    """The summary and the notes sent change; notes not sent stay."""

    summary = serializers.CharField(required=False, allow_blank=True)
    notes = ReportNoteSerializer(many=True, required=False)


# --- indicators and their records -------------------------------------------------------------------------------


class RecordListSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class IndicatorValueSerializer(serializers.Serializer):
    measure = _choice_field(Measure, "PlanMeasure")
    label = serializers.CharField()
    value = serializers.IntegerField()
    breakdown = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()), help_text=_("{group: {key: number}}")
    )
    by_stage = serializers.DictField(
        child=serializers.DictField(child=serializers.DictField(child=serializers.IntegerField())),
        help_text=_("Mobility: the breakdowns of those approved and of those nominated."),
    )
    lists = RecordListSerializer(many=True, help_text=_("The lists of records behind the number (`list`)."))


class IndicatorValuesSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    indicators = IndicatorValueSerializer(many=True)


class ConfirmingDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    version = serializers.IntegerField()
    original_name = serializers.CharField()
    sha256 = serializers.CharField()
    url = serializers.CharField(help_text=_("The page download (checks the record's own permission)."))


class IndicatorRecordSerializer(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.CharField()
    detail = serializers.CharField()
    documents = ConfirmingDocumentSerializer(many=True)
