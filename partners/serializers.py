"""API serializers of the partner registry. Input serializers only parse and type-check;
partners.services validates. Output serializers read rows partners.selectors fetched."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.serializers import OptionalEmailField, OptionalURLField
from partners.models import OrganisationalUnit, PartnerContact, PartnerInstitution


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrganisationalUnit
        fields = ["id", "name"]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    email = OptionalEmailField(max_length=254, required=False, allow_blank=True)

    class Meta:
        model = PartnerContact
        fields = ["name", "role", "email", "phone"]


class PartnerSerializer(serializers.ModelSerializer):
    units = UnitSerializer(many=True, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)
    website = OptionalURLField(read_only=True)

    class Meta:
        model = PartnerInstitution
        fields = [
            "id",
            "name",
            "name_az",
            "country",
            "city",
            "erasmus_code",
            "schac_code",
            "website",
            "units",
            "contacts",
        ]
        read_only_fields = fields


class PartnerWriteSerializer(serializers.Serializer):
    """A partner's fields; `units` (names) and `contacts`, when given, replace the current ones."""

    name = serializers.CharField(max_length=255, help_text=_("The name in English."))
    name_az = serializers.CharField(max_length=255, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, help_text=_("ISO 3166-1 alpha-2 code, e.g. DE."))
    city = serializers.CharField(max_length=120)
    erasmus_code = serializers.CharField(
        max_length=20, required=False, allow_blank=True, allow_null=True, help_text=_("E.g. “D  BERLIN01”.")
    )
    schac_code = serializers.CharField(
        max_length=253, required=False, allow_blank=True, allow_null=True, help_text=_("E.g. “uni-example.edu”.")
    )
    website = OptionalURLField(required=False, allow_blank=True, max_length=200)
    units = serializers.ListField(
        child=serializers.CharField(max_length=255), required=False, help_text=_("Names of organisational units.")
    )
    contacts = ContactSerializer(many=True, required=False)


class PartnerRefSerializer(serializers.Serializer):
    """A partner as other objects (agreements, tasks) name it."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    erasmus_code = serializers.CharField(read_only=True, allow_null=True)


class PartnerFilterSerializer(serializers.Serializer):
    """The partner list's query parameters; an empty one filters nothing, as a form's empty field would."""

    search = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Part of the name (English or Azerbaijani).")
    )
    country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    city = serializers.CharField(required=False, allow_blank=True)
    erasmus_code = serializers.CharField(required=False, allow_blank=True)
