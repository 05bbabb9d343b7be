from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from accounts.models import AccessRefusal, ApiToken, Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["groups", "departments", "is_active", "is_staff"]
    filter_horizontal = ["groups", "user_permissions", "departments"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Körpü"), {"fields": ("departments", "preferred_language")}),
    )
    actions = ["unlock_logins"]

    @admin.action(description=_("Unlock logins (forget failed attempts)"), permissions=["change"])
    def unlock_logins(self, request, queryset):
        count = services.login_unlock(usernames=queryset.values_list("username", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d failed-login record removed.", "%(count)d failed-login records removed.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(_ReadOnly):
    """Tokens can be seen (never their keys, which are not stored; only the start of the digest) and revoked
    (deleted), not made or changed: a token is made by its owner, who sees the key once."""

    list_display = ["digest_start", "user", "client", "created", "expiry", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__username", "client"]
    list_filter = ["created", "expiry"]
    fields = ["digest_start", "user", "client", "created", "expiry", "last_used"]
    readonly_fields = fields

    @admin.display(description=_("digest (start)"))
    def digest_start(self, token: ApiToken) -> str:
        return f"{token.digest[:8]}…"


@admin.register(AccessRefusal)
class AccessRefusalAdmin(_ReadOnly):
    list_display = ["at", "username", "ip_address", "method", "path", "reason"]
    list_filter = ["at", "method"]
    search_fields = ["username", "ip_address", "path", "reason"]
    date_hierarchy = "at"
    readonly_fields = ["at", "user", "username", "ip_address", "method", "path", "reason"]

    def has_delete_permission(self, request, obj=None):
        return False
