"""API serializers of migration advice. They read only what the view hands them (no queries): a case comes with
its person, department, steps, their templates and who did them (migration.selectors). Personal data (the passport
number, the documents) are in the body only when the context says the caller may see them (`show_personal`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department, User
from documents.models import Document
from migration.models import AdviceCase, AdviceEvent, AdviceStep, Anchor, StepTemplate
from migration.services import UPLOAD_KINDS

KIND_CHOICES = list(UPLOAD_KINDS)


class AdvicePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    email = serializers.EmailField(read_only=True)


class AdviceDepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class StepTemplateSerializer(serializers.ModelSerializer):
    anchor = serializers.ChoiceField(choices=Anchor.choices)
    document_kinds = serializers.ListField(child=serializers.ChoiceField(choices=KIND_CHOICES), required=False)

    class Meta:
        model = StepTemplate
        fields = [
            "id",
            "code",
            "label_en",
            "label_az",
            "help_en",
            "help_az",
            "anchor",
            "offset_days",
            "document_kinds",
            "order",
            "active",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]
        extra_kwargs = {"offset_days": {"min_value": -3650, "max_value": 3650}}


class AdviceStepSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="template.code", read_only=True)
    label_en = serializers.CharField(source="template.label_en", read_only=True)
    label_az = serializers.CharField(source="template.label_az", read_only=True)
    anchor = serializers.CharField(source="template.anchor", read_only=True)
    offset_days = serializers.IntegerField(source="template.offset_days", read_only=True)
    document_kinds = serializers.ListField(
        source="template.document_kinds", child=serializers.CharField(), read_only=True
    )
    done_by = AdvicePersonSerializer(read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField(
        help_text="The id of the document the step produced; null when there is none or it is not yours to see."
    )

    class Meta:
        model = AdviceStep
        fields = [
            "id",
            "code",
            "label_en",
            "label_az",
            "anchor",
            "offset_days",
            "document_kinds",
            "due_date",
            "overdue",
            "done_at",
            "done_by",
            "note",
            "document",
        ]
        read_only_fields = fields

    def get_overdue(self, step: AdviceStep) -> bool:
        return step.is_overdue(timezone.localdate())

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_document(self, step: AdviceStep) -> int | None:
        return step.document_id if self.context.get("show_personal") else None


class AdviceCaseSerializer(serializers.ModelSerializer):
    """A case with its checklist. `passport_number` is empty for those who may not see personal data."""

    person = AdvicePersonSerializer(read_only=True)
    department = AdviceDepartmentRefSerializer(read_only=True, allow_null=True)
    steps = AdviceStepSerializer(many=True, read_only=True)
    passport_number = serializers.SerializerMethodField()

    class Meta:
        model = AdviceCase
        fields = [
            "id",
            "person",
            "department",
            "nationality",
            "passport_number",
            "arrival_date",
            "permit_expiry_date",
            "departure_date",
            "source",
            "source_ref",
            "status",
            "created_at",
            "updated_at",
            "closed_at",
            "personal_data_deleted_at",
            "steps",
        ]
        read_only_fields = fields

    def get_passport_number(self, case: AdviceCase) -> str:
        return case.passport_number if self.context.get("show_personal") else ""


class AdviceCaseListSerializer(serializers.ModelSerializer):
    person = AdvicePersonSerializer(read_only=True)
    department = AdviceDepartmentRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AdviceCase
        fields = ["id", "person", "department", "nationality", "arrival_date", "departure_date", "source", "status"]
        read_only_fields = fields


class TaskAdviceCaseSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.__str__", read_only=True)

    class Meta:
        model = AdviceCase
        fields = ["id", "person", "nationality", "status"]
        read_only_fields = fields


class AdviceCaseOpenSerializer(serializers.Serializer):
    email = serializers.EmailField()
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    preferred_language = serializers.ChoiceField(choices=User.Language.choices, default=User.Language.ENGLISH)
    nationality = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    passport_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True, default=None
    )
    arrival_date = serializers.DateField(required=False, allow_null=True, default=None)
    permit_expiry_date = serializers.DateField(required=False, allow_null=True, default=None)


class AdviceCaseUpdateSerializer(serializers.Serializer):
    nationality = serializers.CharField(max_length=100, required=False, allow_blank=True)
    passport_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)
    arrival_date = serializers.DateField(required=False, allow_null=True)
    permit_expiry_date = serializers.DateField(required=False, allow_null=True)
    departure_date = serializers.DateField(required=False, allow_null=True)


class StepDoneSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    document_kind = serializers.ChoiceField(choices=KIND_CHOICES, required=False, allow_blank=True, default="")
    file = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The document the step produced (PDF, JPEG or PNG); a step that needs a document takes one already "
        "on the case otherwise.",
    )


class StepReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the step is open again (kept in the timeline).")


class CloseSerializer(serializers.Serializer):
    departure_date = serializers.DateField(required=False, allow_null=True, default=None)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AdviceEventSerializer(serializers.ModelSerializer):
    actor = AdvicePersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AdviceEvent
        fields = ["id", "created_at", "actor", "action", "step", "comment", "status_before", "status_after", "data"]
        read_only_fields = fields


class AdviceDocumentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=KIND_CHOICES, read_only=True)
    uploaded_by = AdvicePersonSerializer(read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "version",
            "original_name",
            "size",
            "content_type",
            "sha256",
            "status",
            "rejection_reason",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, document: Document) -> str:
        url = reverse("api-migration-document-file", args=[document.case_id, document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class AdviceDocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    file = serializers.FileField(help_text="A PDF, JPEG or PNG file; its content must match its extension.")


class OverdueStepSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    person = AdvicePersonSerializer(source="case.person", read_only=True)
    code = serializers.CharField(source="template.code", read_only=True)
    label_en = serializers.CharField(source="template.label_en", read_only=True)
    label_az = serializers.CharField(source="template.label_az", read_only=True)
    department = AdviceDepartmentRefSerializer(source="case.department", read_only=True, allow_null=True)

    class Meta:
        model = AdviceStep
        fields = ["id", "case", "person", "code", "label_en", "label_az", "due_date", "department"]
        read_only_fields = fields
