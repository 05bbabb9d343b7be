"""The default checklist of migration advice, as data (the data migration 0002 and the demo write it)."""

from __future__ import annotations

from typing import Any

# The default checklist: an example the office adjusts in its pages (the migration rules change). Written by the
# data migration 0002 and by `step_templates_seed_defaults` (the demo), never over the office's own changes.
DEFAULT_TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "code": "visa-invitation",
        "label_en": "Visa or e-visa invitation",
        "label_az": "Viza və ya elektron viza dəvəti",
        "help_en": "Send the invitation the foreigner needs for the visa or e-visa application.",
        "help_az": "Əcnəbiyə viza və ya elektron viza müraciəti üçün lazım olan dəvəti göndərin.",
        "anchor": "arrival",
        "offset_days": -30,
        "document_kinds": ["passport_copy"],
    },
    {
        "code": "arrival-confirmed",
        "label_en": "Arrival confirmed",
        "label_az": "Gəlişin təsdiqi",
        "help_en": "Confirm the arrival and check the visa and the entry stamp.",
        "help_az": "Gəlişi təsdiq edin, vizanı və giriş möhürünü yoxlayın.",
        "anchor": "arrival",
        "offset_days": 1,
        "document_kinds": ["visa"],
    },
    {
        "code": "stay-registration",
        "label_en": "Registration of the place of stay",
        "label_az": "Yaşayış yeri üzrə qeydiyyat",
        "help_en": "Register the place of stay with the migration service.",
        "help_az": "Yaşayış yerini miqrasiya xidmətində qeydiyyata alın.",
        "anchor": "arrival",
        "offset_days": 15,
        "document_kinds": ["stay_registration"],
    },
    {
        "code": "residence-permit-application",
        "label_en": "Temporary residence permit application",
        "label_az": "Müvəqqəti yaşamaq icazəsi üçün müraciət",
        "help_en": "Apply for the temporary residence permit with the university's letter.",
        "help_az": "Universitetin məktubu ilə müvəqqəti yaşamaq icazəsi üçün müraciət edin.",
        "anchor": "arrival",
        "offset_days": 30,
        "document_kinds": [],
    },
    {
        "code": "residence-permit-decision",
        "label_en": "Decision on the temporary residence permit",
        "label_az": "Müvəqqəti yaşamaq icazəsi barədə qərar",
        "help_en": "Record the decision and keep a copy of the permit.",
        "help_az": "Qərarı qeyd edin və icazənin surətini saxlayın.",
        "anchor": "arrival",
        "offset_days": 60,
        "document_kinds": ["residence_permit"],
    },
    {
        "code": "residence-permit-renewal",
        "label_en": "Renewal before the permit expires",
        "label_az": "İcazənin müddəti bitməzdən əvvəl uzadılması",
        "help_en": "Apply for the renewal well before the permit expires.",
        "help_az": "İcazənin müddəti bitməzdən xeyli əvvəl uzadılması üçün müraciət edin.",
        "anchor": "expiry",
        "offset_days": -30,
        "document_kinds": ["residence_permit"],
    },
    {
        "code": "departure",
        "label_en": "Departure",
        "label_az": "Ölkədən çıxış",
        "help_en": "Confirm the departure; the case closes and its retention period starts.",
        "help_az": "Çıxışı təsdiq edin; iş bağlanır və saxlama müddəti başlayır.",
        "anchor": "departure",
        "offset_days": 0,
        "document_kinds": [],
    },
)
