"""Admin of the rate tables and country groups (editable; each table's page saves through the rate table page's
service for an audit line, so the admin edits groups and countries only), and read-only views of nominations and
grants (frozen once computed)."""

from django.contrib import admin

from applications.admin import ReadOnlyAdmin
from grants.models import CountryGroup, CountryGroupMember, Grant, Nomination, NominationEvent, Rate, RateTable


class CountryGroupMemberInline(admin.TabularInline):
    model = CountryGroupMember
    extra = 1


@admin.register(CountryGroup)
class CountryGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_az")
    inlines = [CountryGroupMemberInline]


class RateInline(admin.TabularInline):
    model = Rate
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RateTable)
class RateTableAdmin(ReadOnlyAdmin):
    """Rate tables change on their page (/grants/rates/), whose service writes the audit line."""

    list_display = ("programme", "academic_year", "currency", "fewer_opportunities_monthly", "green_travel_amount")
    inlines = [RateInline]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ("call", "partner", "nominated_by", "created_at")


@admin.register(NominationEvent)
class NominationEventAdmin(ReadOnlyAdmin):
    list_display = ("nomination", "action", "created_at")


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ("application", "nomination", "country_group", "unit", "rate", "total", "currency")
