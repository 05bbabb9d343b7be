"""The API's shapes of incoming mobility. Personal data (passport number and dates, date of birth) is in an
application's body only when the view found `can_see_personal_data` true and said so in the context."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.models import MobilityCategory
from applications.serializers import (
    CefrLevelField,
    DepartmentRefSerializer,
    DocumentKindField,
    DocumentStatusField,
    PersonSerializer,
)
from documents.models import Document, DocumentKind
from incoming.models import (
    IncomingApplication,
    IncomingEvent,
    IncomingStatus,
    IncomingTerm,
    Level,
    Nomination,
    PartnerInvitation,
    PartnerInvitationEvent,
)
from incoming.services import UPLOAD_KINDS


@extend_schema_field({"type": "string", "enum": IncomingStatus.values}, component_name="IncomingStatus")
class IncomingStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=IncomingStatus.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": ["", *IncomingStatus.values], "description": "Empty when the line concerned none."},
    component_name="IncomingStatusOrBlank",
)
class IncomingStatusOrBlankField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=IncomingStatus.choices, allow_blank=True, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": list(UPLOAD_KINDS), "description": "A kind a nominee may upload."},
    component_name="IncomingDocumentKind",
)
class IncomingDocumentKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=[(k, DocumentKind(k).label) for k in UPLOAD_KINDS], **kwargs)


@extend_schema_field({"type": "string", "enum": IncomingTerm.values}, component_name="IncomingTerm")
class IncomingTermField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=IncomingTerm.choices, **kwargs)


class IncomingPartnerSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True)


class IncomingNominationSerializer(serializers.ModelSerializer):
    partner = IncomingPartnerSerializer(source="agreement.partner", read_only=True)
    agreement = serializers.IntegerField(source="agreement_id", read_only=True)
    level = serializers.ChoiceField(choices=Level.choices, read_only=True)
    category = serializers.ChoiceField(choices=MobilityCategory.choices, read_only=True)
    term = IncomingTermField(read_only=True)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "agreement",
            "partner",
            "academic_year",
            "first_name",
            "last_name",
            "email",
            "level",
            "category",
            "term",
            "created_at",
        ]
        read_only_fields = fields


class IncomingDocumentSerializer(serializers.ModelSerializer):
    kind = DocumentKindField(read_only=True)
    status = DocumentStatusField(read_only=True)
    uploaded_by = PersonSerializer(read_only=True, allow_null=True)
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
            "scan_result",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, document) -> str:
        url = reverse("api-incoming-document-file", args=[document.case_id, document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class IncomingUploadSerializer(serializers.Serializer):
    kind = IncomingDocumentKindField()
    file = serializers.FileField(help_text=_("A PDF, JPEG or PNG file; its content must match its extension."))


PERSONAL_FIELDS = ("date_of_birth", "passport_number", "passport_expires_on")


class IncomingApplicationSerializer(serializers.ModelSerializer):
    status = IncomingStatusField(read_only=True)
    nomination = IncomingNominationSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)
    applicant = PersonSerializer(read_only=True)

    class Meta:
        model = IncomingApplication
        fields = ["id", "status", "nomination", "applicant", "department", "submitted_at", "decided_at"]
        read_only_fields = fields


class IncomingDetailSerializer(IncomingApplicationSerializer):
    language_level = CefrLevelField(read_only=True)
    passport_number = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("Null unless you may see personal data.")
    )
    date_of_birth = serializers.DateField(read_only=True, allow_null=True)
    passport_expires_on = serializers.DateField(read_only=True, allow_null=True)
    personal_data_visible = serializers.SerializerMethodField()

    class Meta(IncomingApplicationSerializer.Meta):
        fields = [
            *IncomingApplicationSerializer.Meta.fields,
            "date_of_birth",
            "nationality",
            "passport_number",
            "passport_expires_on",
            "home_programme",
            "period_start",
            "period_end",
            "intended_courses",
            "language_level",
            "accommodation_needed",
            "arrival_date",
            "departure_date",
            "needs_visa",
            "personal_data_visible",
            "personal_data_erased_at",
        ]
        read_only_fields = fields

    def get_personal_data_visible(self, application) -> bool:
        return bool(self.context.get("personal"))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("personal"):
            for name in PERSONAL_FIELDS:
                data[name] = None
        return data


class IncomingWriteSerializer(serializers.ModelSerializer):
    language_level = CefrLevelField(required=False)
    # Checked by the service (ISO code) after it is upper-cased here.
    nationality = serializers.CharField(
        max_length=2, required=False, allow_blank=True, help_text=_("ISO code, e.g. DE")
    )

    def validate_nationality(self, value: str) -> str:
        return (value or "").strip().upper()

    class Meta:
        model = IncomingApplication
        fields = [
            "date_of_birth",
            "nationality",
            "passport_number",
            "passport_expires_on",
            "home_programme",
            "period_start",
            "period_end",
            "intended_courses",
            "language_level",
            "accommodation_needed",
            "arrival_date",
            "departure_date",
            "needs_visa",
        ]


class IncomingTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    status = IncomingStatusField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    department = serializers.CharField(source="department.name", read_only=True)


class IncomingEventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(read_only=True, allow_null=True)
    action = serializers.ChoiceField(choices=IncomingEvent.Action.choices, read_only=True)
    status_before = IncomingStatusOrBlankField(read_only=True)
    status_after = IncomingStatusOrBlankField(read_only=True)
    data = serializers.DictField(read_only=True)

    class Meta:
        model = IncomingEvent
        fields = ["id", "created_at", "actor", "step", "action", "comment", "status_before", "status_after", "data"]
        read_only_fields = fields


class InvitationEventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(read_only=True, allow_null=True)
    action = serializers.ChoiceField(choices=PartnerInvitationEvent.Action.choices, read_only=True)
    data = serializers.DictField(read_only=True)

    class Meta:
        model = PartnerInvitationEvent
        fields = ["id", "created_at", "actor", "action", "comment", "data"]
        read_only_fields = fields


class QuotaRowSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=MobilityCategory.choices, read_only=True)
    label = serializers.CharField(read_only=True)
    places = serializers.IntegerField(read_only=True)
    accepted = serializers.IntegerField(read_only=True)
    nominated = serializers.IntegerField(read_only=True)


class InvitationSerializer(serializers.ModelSerializer):
    agreement = serializers.IntegerField(source="agreement_id", read_only=True)
    partner = IncomingPartnerSerializer(source="agreement.partner", read_only=True)
    usable = serializers.BooleanField(source="is_usable", read_only=True)

    class Meta:
        model = PartnerInvitation
        fields = [
            "id",
            "agreement",
            "partner",
            "academic_year",
            "coordinator_name",
            "coordinator_email",
            "expires_at",
            "fall_deadline",
            "spring_deadline",
            "revoked_at",
            "usable",
            "created_at",
        ]
        read_only_fields = fields


class InvitationDetailSerializer(InvitationSerializer):
    quota = QuotaRowSerializer(many=True, read_only=True)
    nominations = IncomingNominationSerializer(many=True, read_only=True)
    events = InvitationEventSerializer(many=True, read_only=True)

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "quota", "nominations", "events"]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    agreement = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    academic_year = serializers.RegexField(r"^\d{4}/\d{2}$", max_length=7)
    coordinator_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    coordinator_email = serializers.EmailField()
    expires_on = serializers.DateField()
    fall_deadline = serializers.DateField()
    spring_deadline = serializers.DateField(required=False, allow_null=True, default=None)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CountRowSerializer(serializers.Serializer):
    value = serializers.CharField()
    nominated = serializers.IntegerField()
    accepted = serializers.IntegerField()


class CountsSerializer(serializers.Serializer):
    partner = CountRowSerializer(many=True)
    country = CountRowSerializer(many=True)
    department = CountRowSerializer(many=True)
    level = CountRowSerializer(many=True)
    term = CountRowSerializer(many=True)


class CountsQuerySerializer(serializers.Serializer):
    academic_year = serializers.RegexField(r"^\d{4}/\d{2}$", max_length=7, required=False)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    agreement = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    partner = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
