"""Errors services raise that are neither bad input (ValidationError) nor access (Http404 / PermissionDenied)."""

from django.utils.translation import gettext_lazy as _


class Conflict(Exception):
    """The request was valid but the case moved under it (HTTP 409)."""

    default_message = _("This case changed while you were working on it. Reload and try again.")
    code = "conflict"

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class TaskAlreadyDecided(Conflict):
    default_message = _("This task has already been decided.")
    code = "already_decided"


class CaseBusy(Conflict):
    default_message = _("Someone else is acting on this case right now. Try again in a moment.")
    code = "case_busy"


class NoPlaceLeft(Conflict):
    default_message = _("No place is left at any of the applicant's chosen partners.")
    code = "no_place_left"


class StaleState(Conflict):
    default_message = _("This application is no longer in a state that allows this. Reload the page.")
    code = "stale"
