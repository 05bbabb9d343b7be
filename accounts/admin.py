from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from accounts.models import AccessRefusal, ApiToken, Department, Deputyship, User, UserSession


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


class DeputyshipAdminForm(forms.ModelForm):
    class Meta:
        model = Deputyship
        fields = ["principal", "deputy", "starts_on", "ends_on"]

    def clean(self):
        data = super().clean()
        if all(data.get(name) for name in self.Meta.fields):
            try:
                services.deputyship_check(**{name: data[name] for name in self.Meta.fields})
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return data


@admin.register(Deputyship)
class DeputyshipAdmin(admin.ModelAdmin):
    """Administrators name a deputy for an approver who cannot (ill, away without notice) and end one early; a
    deputyship is never edited or deleted (it records who stood in for whom)."""

    form = DeputyshipAdminForm
    list_display = ["principal", "deputy", "starts_on", "ends_on", "cancelled_at", "created_by", "summary_sent_at"]
    list_select_related = ["principal", "deputy", "created_by"]
    list_filter = ["starts_on", "ends_on"]
    search_fields = ["principal__username", "deputy__username", "principal__last_name", "deputy__last_name"]
    actions = ["end_now"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in Deputyship._meta.fields if f.name != "id"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = services.deputyship_create(
            actor=request.user, principal=obj.principal, deputy=obj.deputy, starts_on=obj.starts_on, ends_on=obj.ends_on
        )
        obj.pk = created.pk

    @admin.action(description=_("End now (the deputy no longer stands in)"), permissions=["change"])
    def end_now(self, request, queryset):
        for deputyship in queryset:
            services.deputyship_cancel(actor=request.user, deputyship_id=deputyship.pk)
        self.message_user(request, _("The selected deputyships are ended."), messages.SUCCESS)


@admin.register(UserSession)
class UserSessionAdmin(_ReadOnly):
    list_display = ["user", "created_at", "ip_address", "method", "user_agent"]
    list_select_related = ["user"]
    search_fields = ["user__username", "ip_address"]
    readonly_fields = ["user", "session_key", "created_at", "ip_address", "method", "user_agent"]
