from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        # Each flow module registers its kind of case (workflows/kinds.py). A kind that lives in another app
        # imports its flow module from that app's own ready(), the same way.
        from workflows import agreement, mobility  # noqa: F401

        # What the inbox rows copy stays true when it changes while a step is open (workflows/inbox.py).
        from workflows.inbox import refresh_after_save

        post_save.connect(refresh_after_save, dispatch_uid="workflows.inbox.refresh_after_save")
