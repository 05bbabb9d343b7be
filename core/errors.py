"""The error family: `ErrorCode`, every machine-readable code the API answers with, and the conflicts services
raise when a valid request meets a case that has moved on (HTTP 409), one class per situation.

Bad input is Django's `ValidationError` with a `code` from `ErrorCode` on each message; access is `Http404` /
`PermissionDenied`. core.api turns all of them into the API's bodies and the schema documents the codes."""

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ErrorCode(StrEnum):
    """Every `code` an API error body carries (`{"detail", "code"}`, or per field under `codes`)."""

    # --- the request as a whole (DRF's own codes, core.api adds them to every answer) ---------
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    PARSE_ERROR = "parse_error"
    THROTTLED = "throttled"
    TOO_MANY_WRONG_TOKENS = "too_many_wrong_tokens"
    LOCKED_OUT = "locked_out"
    SERVICE_UNAVAILABLE = "service_unavailable"
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    ERROR = "error"

    # --- a field's value (DRF's and Django's field codes) --------------------------------------
    INVALID = "invalid"
    REQUIRED = "required"
    NULL = "null"
    BLANK = "blank"
    EMPTY = "empty"
    MAX_LENGTH = "max_length"
    TOO_MANY = "too_many"
    MIN_LENGTH = "min_length"
    MAX_VALUE = "max_value"
    MIN_VALUE = "min_value"
    MAX_DIGITS = "max_digits"
    MAX_DECIMAL_PLACES = "max_decimal_places"
    MAX_WHOLE_DIGITS = "max_whole_digits"
    MAX_STRING_LENGTH = "max_string_length"
    INVALID_CHOICE = "invalid_choice"
    INVALID_DATE = "invalid_date"
    DATE = "date"
    DATETIME = "datetime"
    MAKE_AWARE = "make_aware"
    OVERFLOW = "overflow"
    NOT_A_LIST = "not_a_list"
    NOT_A_DICT = "not_a_dict"
    INCORRECT_TYPE = "incorrect_type"
    INCORRECT_MATCH = "incorrect_match"
    NO_MATCH = "no_match"
    DOES_NOT_EXIST = "does_not_exist"
    NO_NAME = "no_name"
    INVALID_IMAGE = "invalid_image"
    INVALID_UNICODE = "invalid_unicode"
    NULL_CHARACTERS_NOT_ALLOWED = "null_characters_not_allowed"
    SURROGATE_CHARACTERS_NOT_ALLOWED = "surrogate_characters_not_allowed"
    UNIQUE = "unique"
    UNIQUE_FOR_DATE = "unique_for_date"
    AUTHORIZATION = "authorization"

    # --- the office's rules (400) --------------------------------------------------------------
    FIELD_NOT_SETTABLE = "field_not_settable"
    FIELD_NOT_EDITABLE = "field_not_editable"
    CALL_WRONG_AUDIENCE = "call_wrong_audience"
    CALL_CLOSED = "call_closed"
    CHOICE_COUNT = "choice_count"
    CHOICE_REPEATED = "choice_repeated"
    CHOICE_NOT_OFFERED = "choice_not_offered"
    DUPLICATE_APPLICATION = "duplicate_application"
    PERIOD_ORDER = "period_order"
    NOT_ELIGIBLE = "not_eligible"
    DOCUMENT_MISSING = "document_missing"
    DOCUMENT_REJECTED = "document_rejected"
    DOCUMENT_KIND = "document_kind"
    FILE_MISSING = "file_missing"
    FILE_EMPTY = "file_empty"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE = "file_type"
    FILE_DAMAGED = "file_damaged"
    FILE_ACTIVE_CONTENT = "file_active_content"
    TERMS_INVALID = "terms_invalid"
    NO_CONDITIONS = "no_conditions"
    DUPLICATE_NUMBER = "duplicate_number"
    UNIT_NOT_OF_PARTNER = "unit_not_of_partner"
    UNIT_IN_USE = "unit_in_use"
    DEPARTMENT_REQUIRED = "department_required"
    NO_DEPARTMENT = "no_department"
    # calls managed in pages, staff mobility (applications.services)
    CALL_TYPE_AUDIENCE = "call_type_audience"
    CALL_FIELD_LOCKED = "call_field_locked"
    CALL_DEPARTMENT_NOT_YOURS = "call_department_not_yours"
    CALL_RULE_NOT_FOR_STAFF = "call_rule_not_for_staff"
    PLACES_BELOW_TAKEN = "places_below_taken"
    TEACHING_HOURS = "teaching_hours"
    REASON_REQUIRED = "reason_required"
    COMMENT_REQUIRED = "comment_required"
    SIGNING_DATE = "signing_date"
    SIGNED_BEFORE_APPROVAL = "signed_before_approval"
    OUT_OF_RANGE = "out_of_range"
    EWP_XML_INVALID = "ewp_xml_invalid"
    EWP_NOT_THIS_AGREEMENT = "ewp_not_this_agreement"
    EWP_NOT_EXCHANGEABLE = "ewp_not_exchangeable"
    EWP_APPROVAL_HASH_MISMATCH = "ewp_approval_hash_mismatch"
    EWP_FETCH_DISABLED = "ewp_fetch_disabled"
    SELECTION_NOT_COMPETITIVE = "selection_not_competitive"
    SELECTION_DEPARTMENT = "selection_department"
    SELECTION_NO_CRITERIA = "selection_no_criteria"
    SELECTION_NOT_COMMITTEE = "selection_not_committee"
    SCORE_OUT_OF_RANGE = "score_out_of_range"
    SCORES_MISSING = "scores_missing"
    APPLICATIONS_PENDING = "applications_pending"
    SELECTION_NOT_RUN = "selection_not_run"
    SELECTION_OUTDATED = "selection_outdated"
    APPEAL_NOT_ALLOWED = "appeal_not_allowed"
    DUPLICATE_APPEAL = "duplicate_appeal"
    # deputies (accounts.services)
    DEPUTY_NOT_APPROVER = "deputy_not_approver"
    DEPUTY_CHAIN = "deputy_chain"
    DEPUTY_OVERLAP = "deputy_overlap"
    DEPUTY_DATES = "deputy_dates"
    # the activity register (reports.services)
    ACTIVITY_CATEGORY = "activity_category"
    REPORT_NOT_APPROVED = "report_not_approved"
    REPORT_CORRECTED = "report_corrected"
    # nominations and grants (grants.services)
    NOMINATION_EMPTY = "nomination_empty"
    GRANT_NO_RATE = "grant_no_rate"
    GRANT_PERIOD_MISSING = "grant_period_missing"
    # learning agreements (learning.services)
    LA_CONTENT_INVALID = "la_content_invalid"
    LA_ECTS_OUT_OF_RANGE = "la_ects_out_of_range"
    LA_CREDITS_MISMATCH = "la_credits_mismatch"
    LA_NOT_IN_CATALOGUE = "la_not_in_catalogue"
    LA_LANGUAGE_LEVEL = "la_language_level"
    LA_NOT_STARTABLE = "la_not_startable"

    # --- conflicts (409): one per Conflict class below ------------------------------------------
    CONFLICT = "conflict"
    STALE = "stale"
    ALREADY_DECIDED = "already_decided"
    CASE_BUSY = "case_busy"
    NO_PLACE_LEFT = "no_place_left"
    APPLICATION_NOT_EDITABLE = "application_not_editable"
    APPLICATION_ALREADY_SUBMITTED = "application_already_submitted"
    AGREEMENT_NOT_DRAFT = "agreement_not_draft"
    AGREEMENT_ALREADY_SUBMITTED = "agreement_already_submitted"
    AGREEMENT_NOT_IN_FORCE = "agreement_not_in_force"
    NOT_WAITING_FOR_REVISION = "not_waiting_for_revision"
    EWP_NO_PARTNER_COPY = "ewp_no_partner_copy"
    EWP_COPIES_DIFFER = "ewp_copies_differ"
    EWP_NOT_APPROVABLE = "ewp_not_approvable"
    SELECTION_RULES_FROZEN = "selection_rules_frozen"
    SCORING_CLOSED = "scoring_closed"
    SELECTION_FROZEN = "selection_frozen"
    SELECTION_PLACES_CHANGED = "selection_places_changed"
    OFFER_NOT_OPEN = "offer_not_open"
    OFFER_WINDOW_CLOSED = "offer_window_closed"
    APPEAL_WINDOW_CLOSED = "appeal_window_closed"
    REPORT_NOT_EDITABLE = "report_not_editable"
    REPORT_ALREADY_SUBMITTED = "report_already_submitted"
    LA_NOT_EDITABLE = "la_not_editable"
    LA_VERSION_OUTDATED = "la_version_outdated"
    LA_ALREADY_SIGNED = "la_already_signed"
    LA_NOT_SIGNABLE = "la_not_signable"
    LA_CHANGE_WINDOW_CLOSED = "la_change_window_closed"
    ADVICE_CASE_CLOSED = "advice_case_closed"
    ADVICE_STEP_DONE = "advice_step_done"
    PERSONAL_DATA_DELETED = "personal_data_deleted"


class Conflict(Exception):
    """The request was valid but the case moved under it (HTTP 409). Raise a subclass: one per situation, so
    that a client can tell them apart by `code`."""

    default_message = _("This case changed while you were working on it. Reload and try again.")
    code: ErrorCode = ErrorCode.CONFLICT

    def __init__(self, message: str | Promise | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(str(self.message))


class TaskAlreadyDecided(Conflict):
    default_message = _("This task has already been decided.")
    code = ErrorCode.ALREADY_DECIDED


class CaseBusy(Conflict):
    default_message = _("Someone else is acting on this case right now. Try again in a moment.")
    code = ErrorCode.CASE_BUSY


class NoPlaceLeft(Conflict):
    default_message = _("No place is left at any of the applicant's chosen partners.")
    code = ErrorCode.NO_PLACE_LEFT


class StaleState(Conflict):
    """Deprecated: the catch-all of before the classes below, kept until every raise names its situation.
    Its subclasses answer their own code; a bare StaleState still answers `stale`."""

    default_message = _("This case is no longer in a state that allows this. Reload the page.")
    code = ErrorCode.STALE


# The situations subclass StaleState so that code catching it keeps working while the raises move over.


class ApplicationNotEditable(StaleState):
    """A change (fields, choices, documents) to an application that is neither a draft nor sent back."""

    default_message = _("This application is under review and cannot be changed.")
    code = ErrorCode.APPLICATION_NOT_EDITABLE


class ApplicationAlreadySubmitted(StaleState):
    default_message = _("This application has already been submitted.")
    code = ErrorCode.APPLICATION_ALREADY_SUBMITTED


class AgreementNotDraft(StaleState):
    """Changed terms for an agreement that is no longer a draft (its terms are under review or in force)."""

    default_message = _("The terms can be changed only while the agreement is a draft.")
    code = ErrorCode.AGREEMENT_NOT_DRAFT


class AgreementAlreadySubmitted(StaleState):
    default_message = _("This agreement has already been submitted.")
    code = ErrorCode.AGREEMENT_ALREADY_SUBMITTED


class AgreementNotInForce(StaleState):
    """A termination of an agreement that is not active or expiring."""

    default_message = _("Only an active or expiring agreement can be terminated.")
    code = ErrorCode.AGREEMENT_NOT_IN_FORCE


class NotWaitingForRevision(StaleState):
    """A resubmission of a case (application or agreement) whose revise step is not open: nobody sent it back."""

    default_message = _("This case is not waiting for a revision.")
    code = ErrorCode.NOT_WAITING_FOR_REVISION


class EwpNoPartnerCopy(Conflict):
    """An approval of the partner's copy of an IIA before any copy was imported, or of another copy than the
    latest (its hash named in the request)."""

    default_message = _("There is no such copy of the partner's to approve: import the partner's latest copy first.")
    code = ErrorCode.EWP_NO_PARTNER_COPY


class EwpCopiesDiffer(Conflict):
    """An approval of the partner's copy of an IIA that differs from ours in substance."""

    default_message = _("The partner's copy differs from ours; approve it only once both say the same.")
    code = ErrorCode.EWP_COPIES_DIFFER


class EwpNotApprovable(Conflict):
    """An approval of a partner's copy whose stated iia-hash is not its own or which the official stylesheet
    says is not valid for approval (values not yet defined, v6 ISCED codes)."""

    default_message = _("The partner's copy cannot be approved as it is.")
    code = ErrorCode.EWP_NOT_APPROVABLE


class SelectionRulesFrozen(Conflict):
    """A change to a call's selection rules (criteria, bonuses, committee, windows) after its deadline."""

    default_message = _("The selection rules can be changed only until the call's deadline.")
    code = ErrorCode.SELECTION_RULES_FROZEN


class ScoringClosed(Conflict):
    """A score or bonus before the call's deadline, or once the selection result is under review or published."""

    default_message = _("Scores can be entered after the deadline and until the result is submitted.")
    code = ErrorCode.SCORING_CLOSED


class SelectionFrozen(Conflict):
    """A new run or submission of a selection result that is under review or published."""

    default_message = _("This selection result is under review or published and cannot change.")
    code = ErrorCode.SELECTION_FROZEN


class SelectionPlacesChanged(Conflict):
    """Publishing a result whose places are no longer there (a quota was used or ended meanwhile)."""

    default_message = _("The call's places changed since the result was computed: send it back to run it again.")
    code = ErrorCode.SELECTION_PLACES_CHANGED


class OfferNotOpen(Conflict):
    """An answer to an offered place that was already answered, declined or passed on."""

    default_message = _("This place is no longer waiting for your answer.")
    code = ErrorCode.OFFER_NOT_OPEN


class OfferWindowClosed(Conflict):
    """An acceptance after the answer window closed."""

    default_message = _("The time to answer this offer has passed.")
    code = ErrorCode.OFFER_WINDOW_CLOSED


class AppealWindowClosed(Conflict):
    """An appeal after the call's appeal window closed (or before the result was published)."""

    default_message = _("The time to appeal against this selection result has passed.")
    code = ErrorCode.APPEAL_WINDOW_CLOSED


class ReportNotEditable(StaleState):
    """A change to a period report (reports/) that is with its approvers or decided."""

    default_message = _("This report is under review or decided and cannot be changed.")
    code = ErrorCode.REPORT_NOT_EDITABLE


class ReportAlreadySubmitted(StaleState):
    default_message = _("This report has already been submitted.")
    code = ErrorCode.REPORT_ALREADY_SUBMITTED


class AdviceCaseClosed(Conflict):
    """A change to a migration-advice case (migration/) that is closed."""

    default_message = _("This migration-advice case is closed.")
    code = ErrorCode.ADVICE_CASE_CLOSED


class AdviceStepDone(Conflict):
    """Marking a checklist step done that someone (or a double click) marked done first."""

    default_message = _("This step has already been marked done.")
    code = ErrorCode.ADVICE_STEP_DONE


class PersonalDataDeleted(Conflict):
    """A document added to a migration-advice case whose personal documents were deleted after the retention
    period."""

    default_message = _("The personal documents of this case were deleted after the retention period.")
    code = ErrorCode.PERSONAL_DATA_DELETED


class LANotEditable(Conflict):
    """An edit of a learning agreement's content while it is being signed or once a version is final (a change
    is proposed instead), or by someone who may not edit it now."""

    default_message = _("This learning agreement cannot be edited now.")
    code = ErrorCode.LA_NOT_EDITABLE


class LAVersionOutdated(Conflict):
    """A signature of a version that is no longer the current one (someone edited it meanwhile)."""

    default_message = _("This version was replaced by a newer one: review the new version and sign that.")
    code = ErrorCode.LA_VERSION_OUTDATED


class LAAlreadySigned(Conflict):
    default_message = _("This party has already answered this version.")
    code = ErrorCode.LA_ALREADY_SIGNED


class LANotSignable(Conflict):
    """A coordinator's signature before the student signed, or of a rejected or final version."""

    default_message = _("This version is not waiting for this signature.")
    code = ErrorCode.LA_NOT_SIGNABLE


class LAChangeWindowClosed(Conflict):
    default_message = _("Changes to this learning agreement can no longer be proposed: the window has closed.")
    code = ErrorCode.LA_CHANGE_WINDOW_CLOSED


# Every code a Conflict can answer, for the schema's 409 bodies.
CONFLICT_CODES = [
    ErrorCode.CONFLICT,
    ErrorCode.STALE,
    ErrorCode.ALREADY_DECIDED,
    ErrorCode.CASE_BUSY,
    ErrorCode.NO_PLACE_LEFT,
    ErrorCode.APPLICATION_NOT_EDITABLE,
    ErrorCode.APPLICATION_ALREADY_SUBMITTED,
    ErrorCode.AGREEMENT_NOT_DRAFT,
    ErrorCode.AGREEMENT_ALREADY_SUBMITTED,
    ErrorCode.AGREEMENT_NOT_IN_FORCE,
    ErrorCode.NOT_WAITING_FOR_REVISION,
    ErrorCode.EWP_NO_PARTNER_COPY,
    ErrorCode.EWP_COPIES_DIFFER,
    ErrorCode.EWP_NOT_APPROVABLE,
    ErrorCode.SELECTION_RULES_FROZEN,
    ErrorCode.SCORING_CLOSED,
    ErrorCode.SELECTION_FROZEN,
    ErrorCode.SELECTION_PLACES_CHANGED,
    ErrorCode.OFFER_NOT_OPEN,
    ErrorCode.OFFER_WINDOW_CLOSED,
    ErrorCode.APPEAL_WINDOW_CLOSED,
    ErrorCode.REPORT_NOT_EDITABLE,
    ErrorCode.REPORT_ALREADY_SUBMITTED,
    ErrorCode.LA_NOT_EDITABLE,
    ErrorCode.LA_VERSION_OUTDATED,
    ErrorCode.LA_ALREADY_SIGNED,
    ErrorCode.LA_NOT_SIGNABLE,
    ErrorCode.LA_CHANGE_WINDOW_CLOSED,
    ErrorCode.ADVICE_CASE_CLOSED,
    ErrorCode.ADVICE_STEP_DONE,
    ErrorCode.PERSONAL_DATA_DELETED,
]


def field_error(field: str, message, code: ErrorCode) -> ValidationError:
    """A ValidationError for one field (NON_FIELD_ERRORS for the request as a whole) carrying its code."""
    return ValidationError({field: ValidationError(message, code=code)})


def error_code(code: object) -> ErrorCode:
    """The ErrorCode for a code DRF or Django attached to an error; `invalid` for none or one we do not list,
    so that an answer never carries a code the schema does not promise."""
    try:
        return ErrorCode(str(code))
    except ValueError:
        return ErrorCode.INVALID
