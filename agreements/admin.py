from django.contrib import admin

from agreements.models import PartnerInstitution


@admin.register(PartnerInstitution)
class PartnerInstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "city", "erasmus_code", "website"]
    list_filter = ["country"]
    search_fields = ["name", "city", "erasmus_code"]
