from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        # The pages and API bodies of the kind of case "agreement" (its flow registers the kind itself).
        from agreements.web import register_agreement_web

        register_agreement_web()
        # Its letters (the prorector's approval) with the one letter pipeline of documents.
        from agreements.services.letters import register_agreement_letters

        register_agreement_letters()
