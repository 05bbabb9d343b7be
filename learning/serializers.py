"""The API's shapes of learning agreements. Serializers run no queries: what a detail shows beyond its row comes
ready from learning.selectors (versions, links, results) in the context."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from applications.serializers import DocumentSerializer, PersonSerializer
from learning.models import (
    ComponentResult,
    LAComponent,
    LAEvent,
    LASignature,
    LearningAgreement,
    Party,
    SignatureDecision,
    SigningLink,
)


class SignatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = LASignature
        fields = [
            "party",
            "decision",
            "signer_name",
            "signer_email",
            "signer_role",
            "signed_at",
            "sha256",
            "method",
            "reason",
        ]


class ComponentSerializer(serializers.ModelSerializer):
    ects = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=True)

    class Meta:
        model = LAComponent
        fields = ["id", "position", "table", "code", "title", "ects", "term", "status", "reason_code", "reason_text"]


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="version.number")
    sha256 = serializers.CharField(source="version.sha256")
    is_change = serializers.BooleanField(source="version.is_change")
    comment = serializers.CharField(source="version.comment")
    created_at = serializers.DateTimeField(source="version.created_at")
    content = serializers.JSONField(source="version.content")
    components = ComponentSerializer(many=True)
    signatures = SignatureSerializer(many=True)
    diff = serializers.JSONField(allow_null=True, help_text="What changed from the previous version (null for v1).")
    signed_pdf = serializers.SerializerMethodField()

    def get_signed_pdf(self, view) -> str | None:
        if view.signed_pdf is None:
            return None
        return f"/api/v1/learning-agreements/{view.version.agreement_id}/versions/{view.version.number}/pdf/"


class LinkSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number")

    class Meta:
        model = SigningLink
        fields = ["id", "version", "name", "email", "created_at", "expires_at", "sent_at", "used_at", "revoked_at"]


class ResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComponentResult
        fields = [
            "component",
            "grade",
            "credits_obtained",
            "recognised",
            "recognised_credits",
            "home_grade",
            "note",
            "updated_at",
        ]


class LearningAgreementSerializer(serializers.ModelSerializer):
    participant = serializers.CharField(source="participant.get_full_name")
    department = serializers.CharField(source="department.code")
    receiving_partner = serializers.CharField(source="receiving_partner.name")
    current_version = serializers.IntegerField(source="current_version.number", allow_null=True, default=None)
    current_sha256 = serializers.CharField(source="current_version.sha256", allow_null=True, default=None)
    final_version = serializers.IntegerField(source="final_version.number", allow_null=True, default=None)

    class Meta:
        model = LearningAgreement
        fields = [
            "id",
            "kind",
            "status",
            "participant",
            "department",
            "application",
            "receiving_partner",
            "academic_year",
            "receiving_contact_name",
            "receiving_contact_email",
            "current_version",
            "current_sha256",
            "final_version",
            "created_at",
            "updated_at",
        ]


class LearningAgreementDetailSerializer(LearningAgreementSerializer):
    versions = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()

    class Meta(LearningAgreementSerializer.Meta):
        fields = [*LearningAgreementSerializer.Meta.fields, "versions", "links", "results"]

    def get_versions(self, agreement) -> list[dict]:
        return VersionSerializer(self.context.get("versions", []), many=True).data

    def get_links(self, agreement) -> list[dict]:
        return LinkSerializer(self.context.get("links", []), many=True).data

    def get_results(self, agreement) -> list[dict]:
        return ResultSerializer([r for _c, r in self.context.get("results", []) if r is not None], many=True).data


class StartSerializer(serializers.Serializer):
    application = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The approved mobility application the agreement is for."
    )


class ContactSerializer(serializers.Serializer):
    receiving_contact_name = serializers.CharField(max_length=200)
    receiving_contact_email = serializers.EmailField()


class VersionInputSerializer(serializers.Serializer):
    content = serializers.JSONField(
        help_text="{mobility: {start_date, end_date, eqf_level, isced_code, isced_clarification, language, "
        "language_level, receiving_unit}, components: [{table: A|B|virtual|blended, code, title, ects, term, status, "
        "reason_code, reason_text}], staff: {activity, hours, programme, outcomes} (staff agreements)}"
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SignInputSerializer(serializers.Serializer):
    party = serializers.ChoiceField(
        choices=Party.choices, help_text="student or sending (the receiving coordinator signs through the link)."
    )
    sha256 = serializers.CharField(max_length=64, help_text="The hash of the version you reviewed.")
    decision = serializers.ChoiceField(choices=SignatureDecision.choices, default=SignatureDecision.SIGNED)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ChangeInputSerializer(serializers.Serializer):
    added = serializers.ListField(child=serializers.JSONField(), required=False, default=list)
    removed = serializers.ListField(child=serializers.JSONField(), required=False, default=list)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ResultsInputSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.JSONField(),
        help_text="[{component, grade, credits_obtained, recognised, recognised_credits, home_grade, note}]",
    )


class TaskLearningAgreementSerializer(LearningAgreementSerializer):
    pass


class LAEventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(read_only=True, allow_null=True)
    data = serializers.DictField(read_only=True)

    class Meta:
        model = LAEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "step",
            "action",
            "comment",
            "version_number",
            "status_before",
            "status_after",
            "data",
        ]


class LADocumentSerializer(DocumentSerializer):
    def get_download_url(self, document) -> str:
        url = reverse("api-la-document-file", args=[document.case_id, document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class LADocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("transcript", "transcript"), ("other", "other")])
    file = serializers.FileField(help_text="A PDF, JPEG or PNG file (e.g. the host's transcript of records).")
