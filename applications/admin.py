"""Admin for calls (editable by admins) and read-only views of cases: applications change only
through the flow, and case events can never be edited."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from applications.call_services import call_places_take_from_agreements
from applications.models import Application, Call, CallEvent, CallPlace, CaseEvent, HostChoice


class CallPlaceInline(admin.TabularInline):
    model = CallPlace
    extra = 1
    readonly_fields = ["places_taken", "quota"]
    autocomplete_fields = ["partner"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "mobility_type", "audience", "academic_year", "term", "opens_at", "closes_at"]
    list_filter = ["programme", "mobility_type", "audience", "academic_year"]
    search_fields = ["title"]
    inlines = [CallPlaceInline]
    actions = ["take_places_from_agreements"]

    @admin.action(description=_("Take places from the active agreements' quotas"))
    def take_places_from_agreements(self, request, queryset):
        # The office's pages do this too (/calls/<id>/); the same service checks who asks, audits and explains.
        for call in queryset:
            feed = call_places_take_from_agreements(call=call, actor=request.user)
            self.message_user(request, f"{call}: {feed.summary()}")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HostChoiceInline(admin.TabularInline):
    model = HostChoice
    extra = 0
    can_delete = False
    readonly_fields = ["rank", "place"]

    def has_add_permission(self, request, obj=None):
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "step", "action", "comment", "status_before", "status_after"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "applicant", "call", "department", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "department", "call"]
    search_fields = ["applicant__username", "applicant__last_name"]
    list_select_related = ["applicant", "call", "department"]
    inlines = [HostChoiceInline, CaseEventInline]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "application", "actor", "step", "action", "status_before", "status_after"]
    list_filter = ["action", "step"]
    list_select_related = ["application__call", "actor"]


@admin.register(CallEvent)
class CallEventAdmin(ReadOnlyAdmin):
    """A call's audit trail (written by applications.call_services): read-only, as every audit table."""

    list_display = ["created_at", "call", "actor", "action"]
    list_filter = ["action"]
    list_select_related = ["call", "actor"]
