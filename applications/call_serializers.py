"""API serializers of calls as the office manages them: the call with its departments, places (from a quota or set
by hand, with the reason) and the warnings of quotas it does not use; the input of creating and changing a call and
of setting places by hand; the call's audit trail. Output reads what the view fetched (no queries)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department
from applications.call_services import CALL_FIELDS
from applications.models import Call, CallEvent, CallPlace
from applications.serializers import (
    ApplicationDocumentKindField,
    CallSerializer,
    DepartmentRefSerializer,
    PersonSerializer,
)
from partners.models import PartnerInstitution


class ManagedPlaceSerializer(serializers.ModelSerializer):
    partner_id = serializers.IntegerField(read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    places_left = serializers.IntegerField(read_only=True)
    source = serializers.SerializerMethodField(help_text=_('"agreement" (an agreement\'s quota) or "by_hand".'))
    agreement_id = serializers.SerializerMethodField()

    class Meta:
        model = CallPlace
        fields = [
            "partner_id",
            "partner_name",
            "places",
            "places_taken",
            "places_left",
            "source",
            "agreement_id",
            "manual_reason",
        ]
        read_only_fields = fields

    def get_source(self, place) -> str:
        return "agreement" if place.quota_id is not None else "by_hand"

    def get_agreement_id(self, place) -> int | None:
        return place.quota.agreement_id if place.quota_id is not None else None


class UnusedQuotaSerializer(serializers.Serializer):
    partner_id = serializers.IntegerField(source="quota.agreement.partner_id", read_only=True)
    partner_name = serializers.CharField(source="quota.agreement.partner.name", read_only=True)
    agreement_id = serializers.IntegerField(source="quota.agreement_id", read_only=True)
    quota_places = serializers.IntegerField(source="quota.places", read_only=True)
    reason = serializers.SerializerMethodField(
        help_text=_('"set_by_hand": the call\'s places for the partner are set by hand; "not_offered": none yet.')
    )

    def get_reason(self, unused) -> str:
        return "set_by_hand" if unused.place is not None else "not_offered"


class ManagedCallSerializer(CallSerializer):
    """A call as the office sees it. `unused_quotas` (selectors.call_unused_quotas) comes in the context."""

    departments = DepartmentRefSerializer(many=True, read_only=True)
    places = ManagedPlaceSerializer(many=True, read_only=True)
    unused_quotas = serializers.SerializerMethodField(
        help_text=_("Agreement quotas that exist for this call but do not feed it: a warning to act on.")
    )

    class Meta(CallSerializer.Meta):
        fields = [f for f in CallSerializer.Meta.fields if f != "partners"] + [
            "departments",
            "places",
            "unused_quotas",
        ]
        read_only_fields = fields

    @extend_schema_field(UnusedQuotaSerializer(many=True))
    def get_unused_quotas(self, call):
        return UnusedQuotaSerializer(self.context.get("unused_quotas", []), many=True).data


class CallWriteSerializer(serializers.ModelSerializer):
    """A call's fields; `departments` are department ids (none: a university-wide call, the prorector's office)."""

    required_documents = serializers.ListField(child=ApplicationDocumentKindField(), required=False)
    departments = serializers.PrimaryKeyRelatedField(many=True, queryset=Department.objects.all(), required=False)

    class Meta:
        model = Call
        fields = [*CALL_FIELDS, "departments"]


class PlacesByHandSerializer(serializers.Serializer):
    partner = serializers.PrimaryKeyRelatedField(queryset=PartnerInstitution.objects.all(), help_text=_("Partner id."))
    places = serializers.IntegerField(min_value=0, max_value=999)
    reason = serializers.CharField(max_length=300, help_text=_("Why the places are set by hand; shown with them."))


class PlacesFeedSerializer(serializers.Serializer):
    summary = serializers.CharField(read_only=True, help_text=_("What happened, in the user's language."))
    quotas = serializers.IntegerField(read_only=True)
    created = serializers.ListField(child=serializers.CharField(), read_only=True)
    updated = serializers.ListField(child=serializers.CharField(), read_only=True)
    kept_by_hand = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        read_only=True,
        help_text=_("[partner, reason] of each partner whose places stay set by hand."),
    )


class CallEventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(read_only=True, allow_null=True)
    action = serializers.ChoiceField(choices=CallEvent.Action.choices, read_only=True)
    data = serializers.DictField(read_only=True, help_text=_("Details: the changes (field: [old, new]), partners."))

    class Meta:
        model = CallEvent
        fields = ["id", "created_at", "actor", "action", "comment", "data"]
        read_only_fields = fields
