"""Read-only admin views of incoming mobility (every write goes through incoming.services, which audits it). The
passport number is left out of the lists; token hashes are never shown."""

from django.contrib import admin

from applications.admin import ReadOnlyAdmin
from incoming.models import IncomingApplication, IncomingEvent, Nomination, PartnerInvitation, PartnerInvitationEvent


@admin.register(PartnerInvitation)
class PartnerInvitationAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "academic_year", "coordinator_email", "expires_at", "revoked_at")
    exclude = ("token_hash",)


@admin.register(PartnerInvitationEvent)
class PartnerInvitationEventAdmin(ReadOnlyAdmin):
    list_display = ("invitation", "action", "actor", "created_at")


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ("first_name", "last_name", "email", "agreement", "academic_year", "category")
    exclude = ("invite_token_hash",)


@admin.register(IncomingApplication)
class IncomingApplicationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "nomination", "department", "status", "submitted_at", "decided_at")
    list_filter = ("status", "department")
    exclude = ("passport_number", "date_of_birth", "passport_expires_on")


@admin.register(IncomingEvent)
class IncomingEventAdmin(ReadOnlyAdmin):
    list_display = ("application", "action", "actor", "created_at")
