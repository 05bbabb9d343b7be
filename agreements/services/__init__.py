"""Writes to agreements, a module per topic: drafts and versions, submission and documents, what the flow's steps
do (activation, quotas, withdrawal, termination), the expiry/renewal sweep, the decision letter. The partner
registry's writes are partners.services."""

from agreements.services.drafts import (
    INFO_FIELDS,
    _apply_terms,
    _current_terms,
    _validate_partner_refs,
    agreement_create_draft,
    agreement_event_record,
    agreement_update,
)
from agreements.services.expiry import (
    agreement_start_renewal,
    agreements_expiry_sweep,
    outgoing_quota_for,
)
from agreements.services.letters import (
    AGREEMENT_APPROVAL,
    register_agreement_letters,
)
from agreements.services.lifecycle import (
    agreement_activate,
    agreement_quotas_materialise,
    agreement_terminate,
    agreement_withdraw,
    quota_consume_rollback_unsafe,
    quota_release_rollback_unsafe,
)
from agreements.services.signing import (
    agreement_approved_on,
    agreement_signing_dates_check,
)
from agreements.services.submission import (
    AGREEMENT_UPLOAD_KINDS,
    agreement_document_attach_check,
    agreement_signed_copy_store,
    agreement_submit,
    agreement_submitted_record,
)

__all__ = [
    "AGREEMENT_APPROVAL",
    "AGREEMENT_UPLOAD_KINDS",
    "INFO_FIELDS",
    "_apply_terms",
    "_current_terms",
    "_validate_partner_refs",
    "agreement_activate",
    "agreement_approved_on",
    "agreement_create_draft",
    "agreement_document_attach_check",
    "agreement_event_record",
    "agreement_quotas_materialise",
    "agreement_signed_copy_store",
    "agreement_signing_dates_check",
    "agreement_start_renewal",
    "agreement_submit",
    "agreement_submitted_record",
    "agreement_terminate",
    "agreement_update",
    "agreement_withdraw",
    "agreements_expiry_sweep",
    "outgoing_quota_for",
    "quota_consume_rollback_unsafe",
    "quota_release_rollback_unsafe",
    "register_agreement_letters",
]
