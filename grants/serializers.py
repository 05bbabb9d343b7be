"""The API bodies of nominations, grants and rate tables."""

from __future__ import annotations

from rest_framework import serializers

from grants.models import CountryGroup, Grant, Nomination, NominationEvent, Rate, RateTable


class GrantSerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(source="application_id", read_only=True)
    nomination = serializers.IntegerField(source="nomination_id", read_only=True)

    class Meta:
        model = Grant
        fields = [
            "application",
            "nomination",
            "currency",
            "country_group",
            "unit",
            "rate",
            "months",
            "days",
            "base_amount",
            "fewer_opportunities",
            "fewer_opportunities_amount",
            "green_travel",
            "green_travel_amount",
            "total",
            "rates_used",
            "computed_at",
        ]
        read_only_fields = fields


class NominationEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = NominationEvent
        fields = ["created_at", "action", "actor", "data"]
        read_only_fields = fields


class NominationSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="call_id", read_only=True)
    partner = serializers.IntegerField(source="partner_id", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    nominated_by = serializers.CharField(source="nominated_by.username", read_only=True)
    grants = GrantSerializer(many=True, read_only=True)
    events = NominationEventSerializer(many=True, read_only=True)

    class Meta:
        model = Nomination
        fields = ["id", "call", "partner", "partner_name", "nominated_by", "created_at", "grants", "events"]
        read_only_fields = fields


class CandidateSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="pk")
    applicant = serializers.CharField(source="applicant.username")
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)


class PartnerRowSerializer(serializers.Serializer):
    partner = serializers.IntegerField(source="place.partner_id")
    partner_name = serializers.CharField(source="place.partner.name")
    country = serializers.CharField(source="place.partner.country")
    candidates = CandidateSerializer(many=True)
    nominations = serializers.ListField(child=serializers.IntegerField(), source="nomination_ids")


class NominateSerializer(serializers.Serializer):
    partner = serializers.IntegerField()
    green_travel = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text="Applications travelling green."
    )


class RateSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="code", queryset=CountryGroup.objects.all())

    class Meta:
        model = Rate
        fields = ["group", "student_monthly", "staff_daily"]


class RateTableSerializer(serializers.ModelSerializer):
    rates = RateSerializer(many=True, required=False)

    class Meta:
        model = RateTable
        fields = [
            "id",
            "programme",
            "academic_year",
            "currency",
            "fewer_opportunities_monthly",
            "green_travel_amount",
            "rates",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]
        validators: list = []  # the service checks the table (one per programme and year)
