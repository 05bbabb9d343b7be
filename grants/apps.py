from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Nominations and grants")

    def ready(self) -> None:
        # The nomination letter, with the one letter pipeline (documents.letters).
        from grants.letters import register_grants_letters

        register_grants_letters()
