"""API serializers for agreements: their versions, quotas, documents and timeline (the partner registry's
are partners.serializers).

Input serializers only parse and type-check; agreements.terms.clean_terms and the services validate the
terms and the registry's rules. Output serializers read objects the selectors fetched."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.ewp.serializers import EwpStatusField, EwpSummarySerializer
from agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementQuota,
    AgreementStatus,
    AgreementType,
    AgreementVersion,
    Direction,
    MobilityCategory,
)
from agreements.services import AGREEMENT_UPLOAD_KINDS
from agreements.terms import CEFR_LEVELS, EQF_LEVELS
from applications.serializers import (
    DepartmentRefSerializer,
    DocumentSerializer,
    PersonSerializer,
)
from core.serializers import OptionalEmailField
from documents.models import DocumentKind
from partners.serializers import PartnerRefSerializer, UnitSerializer

# --- closed sets (one schema component each) ---------------------------------------------------


@extend_schema_field({"type": "string", "enum": AgreementStatus.values}, component_name="AgreementStatus")
class AgreementStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=AgreementStatus.choices, **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "enum": ["", *AgreementStatus.values],
        "description": "An agreement status; empty when the event did not concern one.",
    },
    component_name="AgreementStatusOrBlank",
)
class AgreementStatusOrBlankField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=AgreementStatus.choices, allow_blank=True, **kwargs)


@extend_schema_field({"type": "string", "enum": AgreementType.values}, component_name="AgreementType")
class AgreementTypeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=AgreementType.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": Direction.values}, component_name="MobilityDirection")
class DirectionField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Direction.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": MobilityCategory.values}, component_name="MobilityCategory")
class MobilityCategoryField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=MobilityCategory.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": list(AGREEMENT_UPLOAD_KINDS), "description": "A kind a coordinator may upload."},
    component_name="AgreementDocumentKind",
)
class AgreementDocumentKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=[(k, DocumentKind(k).label) for k in AGREEMENT_UPLOAD_KINDS], **kwargs)


# --- terms -------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "enum": list(CEFR_LEVELS)}, component_name="CefrLevelStrict")
class CefrField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=[(level, level) for level in CEFR_LEVELS], **kwargs)


class LanguageSerializer(serializers.Serializer):
    language = serializers.CharField(max_length=3, help_text=_("ISO 639 code, e.g. en."))
    cefr = CefrField()


class ConditionSerializer(serializers.Serializer):
    """One cooperation condition, shaped like an EWP IIA's mobility specification."""

    direction = DirectionField()
    category = MobilityCategoryField()
    first_academic_year = serializers.CharField(max_length=7, help_text=_("E.g. 2026/27."))
    last_academic_year = serializers.CharField(max_length=7, help_text=_("E.g. 2027/28."))
    mobilities_per_year = serializers.IntegerField(min_value=0)
    total_months_per_year = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        min_value=0,
        required=False,
        allow_null=True,
        help_text=_("Student categories only."),
    )
    total_days_per_year = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, help_text=_("Staff categories only.")
    )
    subject_areas = serializers.ListField(
        child=serializers.CharField(max_length=4), required=False, help_text=_("ISCED-F codes of four digits.")
    )
    eqf_levels = serializers.ListField(
        child=serializers.ChoiceField(choices=[(level, str(level)) for level in EQF_LEVELS]),
        required=False,
        help_text=_("Student categories only."),
    )
    languages = LanguageSerializer(many=True, required=False)


class AgreementWriteSerializer(serializers.Serializer):
    """Terms (a new version when they change; only while a draft) and general information (any time)."""

    title = serializers.CharField(max_length=255)
    type = AgreementTypeField()
    partner = serializers.IntegerField(help_text=_("A partner institution's id."))
    partner_unit = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("One of the partner's organisational units, or null.")
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    text = serializers.CharField(required=False, allow_blank=True)
    conditions = ConditionSerializer(many=True, required=False)
    number = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True)
    our_signatory_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    our_signatory_position = serializers.CharField(max_length=200, required=False, allow_blank=True)
    partner_signatory_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    partner_signatory_position = serializers.CharField(max_length=200, required=False, allow_blank=True)
    partner_signatory_email = OptionalEmailField(required=False, allow_blank=True, max_length=254)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        for condition in values.get("conditions", []):
            condition.setdefault("total_months_per_year", None)
            condition.setdefault("total_days_per_year", None)
        return values


class AgreementCreateSerializer(AgreementWriteSerializer):
    department = serializers.IntegerField(
        required=False,
        help_text=_("The owning department's id; may be left out by a coordinator of a single department."),
    )


class AgreementFilterSerializer(serializers.Serializer):
    """The agreements list's query parameters."""

    status = AgreementStatusField(required=False)
    type = AgreementTypeField(required=False)
    partner = serializers.IntegerField(required=False, help_text=_("A partner's id."))
    country = serializers.CharField(required=False, max_length=2, help_text=_("The partner's country, e.g. DE."))
    department = serializers.IntegerField(required=False, help_text=_("A department's id."))
    expiring_within_days = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=3650,
        help_text=_("Active or expiring agreements that end within this many days from today."),
    )
    ewp_status = EwpStatusField(
        required=False, help_text=_("Erasmus+ agreements whose Erasmus Without Paper exchange is at this status.")
    )

    def filters(self) -> dict:
        data = self.validated_data
        return {
            "status": data.get("status", ""),
            "type": data.get("type", ""),
            "partner_id": data.get("partner"),
            "country": data.get("country", ""),
            "department_id": data.get("department"),
            "expiring_within_days": data.get("expiring_within_days"),
            "ewp_status": data.get("ewp_status", ""),
        }


# --- agreements --------------------------------------------------------------------------------


class VersionRefSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    sha256 = serializers.CharField(read_only=True)


class AgreementSerializer(serializers.ModelSerializer):
    """An agreement as lists show it."""

    type = AgreementTypeField(read_only=True)
    status = AgreementStatusField(read_only=True)
    partner = PartnerRefSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)
    current_version = VersionRefSerializer(read_only=True, allow_null=True)
    renewal_of = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "number",
            "title",
            "type",
            "status",
            "partner",
            "partner_unit",
            "department",
            "start_date",
            "end_date",
            "current_version",
            "renewal_of",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class QuotaSerializer(serializers.ModelSerializer):
    direction = DirectionField(read_only=True)
    category = MobilityCategoryField(read_only=True)
    approved = serializers.IntegerField(source="used", read_only=True, help_text=_("Mobilities approved under it."))
    remaining = serializers.IntegerField(read_only=True)

    class Meta:
        model = AgreementQuota
        fields = ["academic_year", "direction", "category", "places", "approved", "remaining"]
        read_only_fields = fields


class AgreementDocumentSerializer(DocumentSerializer):
    def get_download_url(self, document) -> str:
        url = reverse("api-agreement-document-file", args=[document.case_id, document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class OpenTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    step = serializers.CharField(source="flow_task.name", read_only=True)


class AgreementDetailSerializer(AgreementSerializer):
    """One agreement with its current terms, general information, quotas and documents."""

    partner_unit = UnitSerializer(read_only=True, allow_null=True)
    partner_signatory_email = OptionalEmailField(read_only=True)
    text = serializers.SerializerMethodField()
    conditions = serializers.SerializerMethodField()
    created_by = PersonSerializer(read_only=True)
    renewal = serializers.SerializerMethodField(help_text=_("The agreement that renews this one, if any."))
    open_task = serializers.SerializerMethodField(
        help_text=_("The step the agreement waits at, with the task's id (act on it under /api/v1/tasks/).")
    )
    quotas = QuotaSerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField()
    ewp = serializers.SerializerMethodField(
        help_text=_("Erasmus Without Paper: our iia-id and iia-hash, the exchange status (Erasmus+ agreements only).")
    )

    class Meta(AgreementSerializer.Meta):
        fields = [
            *AgreementSerializer.Meta.fields,
            "text",
            "conditions",
            "our_signatory_name",
            "our_signatory_position",
            "partner_signatory_name",
            "partner_signatory_position",
            "partner_signatory_email",
            "sent_to_partner_at",
            "our_signed_on",
            "partner_signed_on",
            "created_by",
            "renewal",
            "open_task",
            "quotas",
            "documents",
            "ewp",
        ]
        read_only_fields = fields

    def _terms(self, agreement) -> dict:
        return agreement.current_version.terms if agreement.current_version else {}

    def get_text(self, agreement) -> str:
        return self._terms(agreement).get("text", "")

    @extend_schema_field(ConditionSerializer(many=True))
    def get_conditions(self, agreement):
        return ConditionSerializer(self._terms(agreement).get("conditions", []), many=True).data

    # What the detail shows beyond the row comes ready from the caller (agreements.selectors.agreement_detail and
    # the open task in the context), so serializing runs no query.
    def get_renewal(self, agreement) -> int | None:
        return agreement.detail_renewal_id

    @extend_schema_field(OpenTaskSerializer(allow_null=True))
    def get_open_task(self, agreement):
        task = self.context.get("open_task")
        return OpenTaskSerializer(task).data if task is not None else None

    @extend_schema_field(AgreementDocumentSerializer(many=True))
    def get_documents(self, agreement):
        return AgreementDocumentSerializer(agreement.detail_documents, many=True, context=self.context).data

    @extend_schema_field(EwpSummarySerializer(allow_null=True))
    def get_ewp(self, agreement):
        view = getattr(agreement, "detail_ewp", None)
        return EwpSummarySerializer(view, context=self.context).data if view is not None else None


class AgreementVersionSerializer(serializers.ModelSerializer):
    created_by = PersonSerializer(read_only=True)
    terms = serializers.SerializerMethodField()

    class Meta:
        model = AgreementVersion
        fields = ["number", "sha256", "created_by", "created_at", "terms"]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "description": "The canonical terms (title, type, partner, partner_unit, start_date, end_date, text, "
            "conditions) whose SHA-256 is `sha256`.",
            "additionalProperties": True,
        }
    )
    def get_terms(self, version):
        return version.terms


class AgreementEventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(read_only=True, allow_null=True)
    action = serializers.ChoiceField(choices=AgreementEvent.Action.choices, read_only=True)
    version = serializers.IntegerField(
        source="version.number", read_only=True, allow_null=True, help_text=_("The version of the terms it concerned.")
    )
    status_before = AgreementStatusOrBlankField(read_only=True)
    status_after = AgreementStatusOrBlankField(read_only=True)
    data = serializers.DictField(read_only=True)

    class Meta:
        model = AgreementEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "step",
            "action",
            "comment",
            "version",
            "version_sha256",
            "status_before",
            "status_after",
            "data",
        ]
        read_only_fields = fields


class AgreementDocumentUploadSerializer(serializers.Serializer):
    kind = AgreementDocumentKindField()
    file = serializers.FileField(help_text=_("A PDF, JPEG or PNG file; its content must match its extension."))


class MarkSentSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, default="", help_text=_("E.g. how and to whom it was sent."))


class SignedCopySerializer(serializers.Serializer):
    our_signed_on = serializers.DateField(help_text=_("The date we signed."))
    partner_signed_on = serializers.DateField(help_text=_("The date the partner signed."))
    file = serializers.FileField(help_text=_("The copy signed by both sides: a PDF, JPEG or PNG file."))
    comment = serializers.CharField(allow_blank=True, default="")


class TaskAgreementSerializer(serializers.Serializer):
    """The agreement a task is about, as the inbox shows it."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = AgreementStatusField(read_only=True)
    partner = PartnerRefSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)
