"""Read-only admin of documents: versions are never edited or deleted through the app."""

from django.contrib import admin

from documents.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "case_type",
        "case_id",
        "kind",
        "version",
        "original_name",
        "status",
        "scan_result",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
    list_filter = ["status", "kind", "case_type"]
    search_fields = ["original_name", "sha256"]
    list_select_related = ["case_type", "uploaded_by"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
