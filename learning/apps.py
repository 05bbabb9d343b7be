from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Learning agreements")

    def ready(self) -> None:
        # The kind of case "learning_agreement" (its flow module registers it), its pages' and API bodies for the
        # shared views, and the signed PDF's builder in the one letter pipeline (documents.letters).
        from learning import flows  # noqa: F401 - registers the kind
        from learning.letters import register_learning_letters
        from learning.web import register_learning_web

        register_learning_web()
        register_learning_letters()
