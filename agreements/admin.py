"""The admin of agreements: they, their versions, quotas and timeline are shown read-only, because they
change only through the services and the flow. Partners are edited in partners.admin."""

from django.contrib import admin

from agreements.ewp.models import AgreementExchange, PartnerIiaCopy
from agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementQuota,
    AgreementVersion,
)


class ReadOnlyMixin:
    """Shown to auditors and admins, never changed here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AgreementVersionInline(ReadOnlyMixin, admin.TabularInline):
    model = AgreementVersion
    fields = ["number", "sha256", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


class AgreementQuotaInline(ReadOnlyMixin, admin.TabularInline):
    model = AgreementQuota
    fields = ["academic_year", "direction", "category", "places", "used"]
    readonly_fields = fields
    extra = 0


class AgreementEventInline(ReadOnlyMixin, admin.TabularInline):
    model = AgreementEvent
    fields = ["created_at", "actor", "step", "action", "comment", "version", "status_before", "status_after"]
    readonly_fields = fields
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "number", "type", "partner", "department", "status", "start_date", "end_date"]
    list_filter = ["status", "type", "department", "partner__country"]
    search_fields = ["title", "number", "partner__name", "partner__erasmus_code"]
    list_select_related = ["partner", "department"]
    date_hierarchy = "end_date"
    inlines = [AgreementVersionInline, AgreementQuotaInline, AgreementEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["agreement", "number", "sha256", "created_by", "created_at"]
    list_select_related = ["agreement", "created_by"]
    search_fields = ["agreement__title", "sha256"]
    readonly_fields = ["agreement", "number", "terms", "sha256", "created_by", "created_at"]


@admin.register(AgreementEvent)
class AgreementEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "agreement", "action", "step", "actor", "version"]
    list_filter = ["action"]
    list_select_related = ["agreement", "actor", "version"]
    search_fields = ["agreement__title", "comment"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


# --- Erasmus Without Paper (agreements/ewp/): read-only like the rest ------------------------------------------


@admin.register(PartnerIiaCopy)
class PartnerIiaCopyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["imported_at", "agreement", "owner_hei_id", "owner_iia_id", "iia_hash", "source"]
    list_select_related = ["agreement"]
    search_fields = ["agreement__title", "owner_iia_id", "iia_hash"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(AgreementExchange)
class AgreementExchangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["agreement", "status", "our_iia_hash", "approved_iia_hash", "partner_approval_hash", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["agreement"]
    search_fields = ["agreement__title", "partner_iia_id"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
