"""API bodies of the EWP view of an agreement (its IIA, the partner's latest copy and the differences, the
approvals each way) and of the EWP actions' input."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.ewp.models import EwpStatus


@extend_schema_field({"type": "string", "enum": EwpStatus.values}, component_name="EwpStatus")
class EwpStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=EwpStatus.choices, **kwargs)


class EwpDifferenceSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text=_(
            "direction.category of the condition as seen from us (e.g. outgoing.student_studies), or an "
            "IIA-wide value (terminated, partners)."
        )
    )
    fields = serializers.ListField(child=serializers.CharField(), help_text=_("What differs."))
    ours = serializers.JSONField(allow_null=True, help_text=_("Our condition as served; null if we have none."))
    theirs = serializers.JSONField(allow_null=True, help_text=_("The partner's; null if they have none."))


class EwpPartnerCopySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    owner_hei_id = serializers.CharField()
    iia_id = serializers.CharField(source="owner_iia_id", help_text=_("The iia-id the copy's owner gives it."))
    partner_iia_id = serializers.CharField()
    partner_iia_code = serializers.CharField()
    iia_hash = serializers.CharField(help_text=_("Computed with the official stylesheet."))
    stated_hash = serializers.CharField(help_text=_("The iia-hash the copy states."))
    valid_for_approval = serializers.BooleanField()
    source = serializers.CharField()
    imported_at = serializers.DateTimeField()


class EwpOurApprovalSerializer(serializers.Serializer):
    iia_id = serializers.CharField(source="approved_iia_id")
    iia_hash = serializers.CharField(source="approved_iia_hash")
    approved_at = serializers.DateTimeField()
    outdated = serializers.BooleanField(source="approval_outdated")


class EwpPartnerApprovalSerializer(serializers.Serializer):
    iia_id = serializers.CharField(source="partner_approval_iia_id")
    iia_hash = serializers.CharField(source="partner_approval_hash")
    imported_at = serializers.DateTimeField(source="partner_approved_at")
    outdated = serializers.BooleanField(source="partner_approval_outdated")


class EwpViewSerializer(serializers.Serializer):
    """The EWP view of an Erasmus+ agreement (from agreements.ewp.selectors.ewp_view)."""

    status = EwpStatusField(read_only=True)
    problem = serializers.CharField(allow_null=True, help_text=_("Why it cannot be exchanged, if it cannot."))
    hei_id = serializers.CharField(help_text=_("Our SCHAC code."))
    partner_hei_id = serializers.CharField()
    iia_id = serializers.CharField(help_text=_("Our iia-id of this agreement (stable)."))
    iia_code = serializers.CharField()
    iia_hash = serializers.CharField(help_text=_("Our copy's official iia-hash; empty when it cannot be exchanged."))
    valid_for_approval = serializers.BooleanField()
    xml_url = serializers.SerializerMethodField(help_text=_("Our copy as an IIAs v7 get response (XML)."))
    partner_copy = serializers.SerializerMethodField()
    differences = EwpDifferenceSerializer(many=True)
    our_approval = serializers.SerializerMethodField(help_text=_("Our approval of the partner's copy."))
    partner_approval = serializers.SerializerMethodField(help_text=_("The partner's approval of our copy."))

    def get_xml_url(self, view) -> str:
        url = reverse("api-agreement-ewp-xml", args=[view["agreement_id"]])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(EwpPartnerCopySerializer(allow_null=True))
    def get_partner_copy(self, view):
        copy = view["latest_copy"]
        return EwpPartnerCopySerializer(copy).data if copy is not None else None

    @extend_schema_field(EwpOurApprovalSerializer(allow_null=True))
    def get_our_approval(self, view):
        exchange = view["exchange"]
        if exchange is None or not exchange.approved_iia_hash:
            return None
        return EwpOurApprovalSerializer(exchange).data

    @extend_schema_field(EwpPartnerApprovalSerializer(allow_null=True))
    def get_partner_approval(self, view):
        exchange = view["exchange"]
        if exchange is None or not exchange.partner_approval_hash:
            return None
        return EwpPartnerApprovalSerializer(exchange).data


class EwpSummarySerializer(serializers.Serializer):
    """What an agreement's detail says of EWP (Erasmus+ agreements only)."""

    status = EwpStatusField(read_only=True)
    iia_id = serializers.CharField()
    iia_hash = serializers.CharField()
    valid_for_approval = serializers.BooleanField()
    problem = serializers.CharField(allow_null=True)
    url = serializers.SerializerMethodField(help_text=_("The full EWP view: /api/v1/agreements/{id}/ewp/."))

    def get_url(self, view) -> str:
        url = reverse("api-agreement-ewp", args=[view["agreement_id"]])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class EwpFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The XML document."))


class EwpApproveSerializer(serializers.Serializer):
    iia_hash = serializers.RegexField(
        r"^[0-9a-f]{64}$",
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The iia-hash of the copy you compared (refused if a newer copy has arrived since)."),
    )


class EwpFetchSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=1000, help_text=_("An https URL serving the XML."))
    kind = serializers.ChoiceField(
        choices=[("copy", _("The partner's IIA (get response)")), ("approval", _("The partner's approval"))],
        default="copy",
    )
