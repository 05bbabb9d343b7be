from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncomingConfig(AppConfig):
    name = "incoming"
    verbose_name = _("Incoming students and staff")

    def ready(self) -> None:
        # The kind of case "incoming" (its flow module registers it), its letters, and its pages and API bodies.
        from incoming import flows  # noqa: F401 - registers the kind
        from incoming.letters import register_incoming_letters
        from incoming.web import register_incoming_web

        register_incoming_letters()
        register_incoming_web()
