from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = _("Competitive selection")

    def ready(self) -> None:
        # The kind of case "selection" (its flow module registers it) and its pages and API bodies.
        from selection import flows  # noqa: F401 - registers the kind
        from selection.web import register_selection_web

        register_selection_web()
