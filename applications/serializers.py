"""API serializers for calls, applications, their documents and their case events.

Input serializers only parse and type-check what the client sent; the services validate the
business rules. Output serializers read objects the selectors fetched (related rows already joined
or prefetched, so a page of them costs a constant number of queries)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.models import (
    Application,
    ApplicationStatus,
    Call,
    CallPlace,
    CaseEvent,
    CefrLevel,
    HostChoice,
)
from applications.services import EDITABLE_FIELDS, application_number_ranges
from core.numbers import apply_serializer_ranges
from core.serializers import (
    ErrorSerializer,  # noqa: F401 (the API modules import it from here)
    OptionalEmailField,
    OptionalURLField,
)
from documents.models import APPLICATION_UPLOAD_KINDS, Document, DocumentKind, DocumentStatus

# --- closed sets shared by several fields --------------------------------------------------------
# Each is one named component in the schema, so clients get one enum per set whatever the field.


@extend_schema_field(
    {"type": "string", "enum": ["", *CefrLevel.values], "description": "A CEFR level; empty when not given."},
    component_name="CefrLevel",
)
class CefrLevelField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=CefrLevel.choices, allow_blank=True, **kwargs)


@extend_schema_field({"type": "string", "enum": DocumentKind.values}, component_name="DocumentKind")
class DocumentKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=DocumentKind.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": list(APPLICATION_UPLOAD_KINDS), "description": "A kind an applicant may upload."},
    component_name="ApplicationDocumentKind",
)
class ApplicationDocumentKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=[(k, DocumentKind(k).label) for k in APPLICATION_UPLOAD_KINDS], **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "enum": DocumentStatus.values,
        "description": "pending: being checked (checksum, type, virus scan); ready; rejected (see rejection_reason).",
    },
    component_name="DocumentStatus",
)
class DocumentStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=DocumentStatus.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": ApplicationStatus.values}, component_name="ApplicationStatus")
class ApplicationStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ApplicationStatus.choices, **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "enum": ["", *ApplicationStatus.values],
        "description": "An application status; empty when the event did not concern one.",
    },
    component_name="ApplicationStatusOrBlank",
)
class ApplicationStatusOrBlankField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ApplicationStatus.choices, allow_blank=True, **kwargs)


# --- people and places -------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(source="get_full_name", read_only=True)


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class CallRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class CallPartnerSerializer(serializers.ModelSerializer):
    """One partner of a call with the places it offers in that call."""

    id = serializers.IntegerField(
        source="partner.id", read_only=True, help_text=_("The partner's id (use it in choices).")
    )
    name = serializers.CharField(source="partner.name", read_only=True)
    country = serializers.CharField(source="partner.country", read_only=True)
    city = serializers.CharField(source="partner.city", read_only=True)
    erasmus_code = serializers.CharField(source="partner.erasmus_code", read_only=True, allow_null=True)
    website = OptionalURLField(source="partner.website", read_only=True)
    places_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = CallPlace
        fields = ["id", "name", "country", "city", "erasmus_code", "website", "places", "places_taken", "places_left"]
        read_only_fields = fields


class CallSerializer(serializers.ModelSerializer):
    partners = CallPartnerSerializer(source="places", many=True, read_only=True)
    required_documents = serializers.ListField(child=DocumentKindField(), read_only=True)
    min_language_level = CefrLevelField(read_only=True)
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id",
            "title",
            "programme",
            "mobility_type",
            "audience",
            "academic_year",
            "term",
            "opens_at",
            "closes_at",
            "is_open",
            "min_year_of_study",
            "min_gpa",
            "min_language_level",
            "eligibility_notes",
            "required_documents",
            "selection_mode",
            "partners",
        ]
        read_only_fields = fields

    def get_is_open(self, call) -> bool:
        return call.is_open()


# --- applications ------------------------------------------------------------------------------


class HostChoiceSerializer(serializers.ModelSerializer):
    partner_id = serializers.IntegerField(source="place.partner_id", read_only=True)
    partner_name = serializers.CharField(source="place.partner.name", read_only=True)

    class Meta:
        model = HostChoice
        fields = ["rank", "partner_id", "partner_name"]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    kind = DocumentKindField(read_only=True)
    status = DocumentStatusField(read_only=True)
    scan_result = serializers.CharField(
        read_only=True,
        help_text=_('"clean", "not scanned" (no virus scanner configured), "infected: <signature>", or "generated".'),
    )
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
            "processed_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, document) -> str:
        url = reverse("api-application-document-file", args=[document.case_id, document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ApplicationSerializer(serializers.ModelSerializer):
    """An application as lists show it."""

    status = ApplicationStatusField(read_only=True)
    language_level = CefrLevelField(read_only=True)
    host_contact_email = OptionalEmailField(read_only=True)
    is_editable = serializers.BooleanField(
        read_only=True, help_text=_("True while the applicant may still change it (draft or changes requested).")
    )
    applicant = PersonSerializer(read_only=True)
    call = CallRefSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)
    choices = HostChoiceSerializer(many=True, read_only=True)
    nominated_partner = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "status",
            "is_editable",
            "applicant",
            "call",
            "department",
            *EDITABLE_FIELDS,
            "choices",
            "nominated_partner",
            "created_at",
            "updated_at",
            "submitted_at",
            "decided_at",
        ]
        read_only_fields = fields

    def get_nominated_partner(self, application) -> str | None:
        place = application.nominated_place
        return place.partner.name if place is not None else None


class ApplicationDetailSerializer(ApplicationSerializer):
    """One application with every version of its documents."""

    documents = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "documents"]
        read_only_fields = fields

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, application):
        # Fetched by the caller (applications.selectors.application_documents) so serializing runs no query.
        return DocumentSerializer(self.context["documents"], many=True, context=self.context).data


class ApplicationWriteSerializer(serializers.ModelSerializer):
    """The fields an applicant may set; `choices` are partner ids, best first (1–3)."""

    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=3,
        help_text=_("Partner ids of the call, ranked: the first is the applicant's first choice."),
    )
    language_level = CefrLevelField(required=False)
    host_contact_email = OptionalEmailField(required=False, allow_blank=True, max_length=254)

    class Meta:
        model = Application
        fields = [*EDITABLE_FIELDS, "choices"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The same range messages as the pages ("GPA must be between 0 and 100").
        apply_serializer_ranges(self.fields, application_number_ranges(), Application)


class ApplicationCreateSerializer(ApplicationWriteSerializer):
    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.all(), help_text=_("An open call's id."))

    class Meta(ApplicationWriteSerializer.Meta):
        fields = ["call", *EDITABLE_FIELDS, "choices"]


class DocumentUploadSerializer(serializers.Serializer):
    kind = ApplicationDocumentKindField()
    file = serializers.FileField(
        help_text=_("A PDF, JPEG or PNG file; its content must match its extension. Up to DOCUMENT_MAX_SIZE bytes.")
    )


# --- history -----------------------------------------------------------------------------------


class CaseEventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(read_only=True, allow_null=True)
    action = serializers.ChoiceField(choices=CaseEvent.Action.choices, read_only=True)
    status_before = ApplicationStatusOrBlankField(read_only=True)
    status_after = ApplicationStatusOrBlankField(read_only=True)
    data = serializers.DictField(
        read_only=True, help_text=_("Details, e.g. the document kind or the nominated partner.")
    )

    class Meta:
        model = CaseEvent
        fields = ["id", "created_at", "actor", "step", "action", "comment", "status_before", "status_after", "data"]
        read_only_fields = fields


class TaskApplicationSerializer(serializers.Serializer):
    """The case a task is about, as the inbox shows it."""

    id = serializers.IntegerField(read_only=True)
    status = ApplicationStatusField(read_only=True)
    applicant = PersonSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)
    call = CallRefSerializer(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)


class CaseFilterSerializer(serializers.Serializer):
    """The case list's filters as query parameters (applications.selectors.CaseFilter)."""

    status = ApplicationStatusField(required=False)
    call = serializers.IntegerField(required=False, min_value=1)
    department = serializers.IntegerField(required=False, min_value=1)
    partner = serializers.IntegerField(required=False, min_value=1)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text=_("Applicant or number."))
