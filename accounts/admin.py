from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User


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
