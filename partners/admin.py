"""The admin of the partner registry: partners are edited here, with their units and contacts inline."""

from django.contrib import admin

from partners.models import OrganisationalUnit, PartnerContact, PartnerInstitution


class OrganisationalUnitInline(admin.TabularInline):
    model = OrganisationalUnit
    extra = 0


class PartnerContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 0


@admin.register(PartnerInstitution)
class PartnerInstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_az", "country", "city", "erasmus_code", "schac_code", "website"]
    list_filter = ["country"]
    search_fields = ["name", "name_az", "city", "erasmus_code", "schac_code"]
    inlines = [OrganisationalUnitInline, PartnerContactInline]
