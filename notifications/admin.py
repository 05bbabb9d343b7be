"""Admin for notifications: read-only, filtered to find the failed emails, with a "retry" action."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications import services
from notifications.models import Notification, NotificationStatus


class StatusFilter(admin.SimpleListFilter):
    """Status, with the failed emails a click away (and counted) since those need an administrator."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return NotificationStatus.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "channel", "status", "attempts", "sent_at", "short_error"]
    list_filter = [StatusFilter, "channel", "kind"]
    search_fields = ["recipient__username", "recipient__email", "event", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    def has_retry_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("notifications.change_notification")

    @admin.action(description=_("Retry sending the selected failed emails"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        count = services.notification_retry(notification_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count) % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
