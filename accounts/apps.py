from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and departments")

    def ready(self) -> None:
        from accounts.roles import setup_roles

        # Permissions exist only after post_migrate, so the role groups are synced there.
        post_migrate.connect(setup_roles, dispatch_uid="accounts.setup_roles")
