from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_migrate, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and departments")

    def ready(self) -> None:
        from accounts import listeners, schema  # noqa: F401 - schema registers the token scheme with drf-spectacular
        from accounts.roles import setup_roles

        # Permissions exist only after post_migrate, so the role groups are synced there.
        post_migrate.connect(setup_roles, dispatch_uid="accounts.setup_roles")
        user_model = self.get_model("User")
        pre_save.connect(listeners.note_credentials_change, sender=user_model, dispatch_uid="accounts.note_creds")
        post_save.connect(
            listeners.revoke_tokens_after_credentials_change, sender=user_model, dispatch_uid="accounts.revoke_tokens"
        )
        user_logged_in.connect(listeners.session_signed_in, dispatch_uid="accounts.session_signed_in")
        user_logged_out.connect(listeners.session_signed_out, dispatch_uid="accounts.session_signed_out")
