from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MigrationConfig(AppConfig):
    name = "migration"
    verbose_name = _("Migration advice")

    def ready(self) -> None:
        # The kind of case "migration" (its flow module registers it) and its task page and API bodies.
        from migration import flows  # noqa: F401 - registers the kind
        from migration.web import register_migration_web

        register_migration_web()
