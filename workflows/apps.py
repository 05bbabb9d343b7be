from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self) -> None:
        # Each flow module registers its kind of case (workflows/kinds.py). A kind that lives in another app
        # imports its flow module from that app's own ready(), the same way.
        from workflows import agreement, mobility  # noqa: F401
