from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Mobility applications")

    def ready(self) -> None:
        # The pages and API bodies of the kind of case "application" (its flow registers the kind itself).
        from applications.web import register_application_web

        register_application_web()
        # Its letters (the decision letter) with the one letter pipeline of documents.
        from applications.letters import register_application_letters

        register_application_letters()
