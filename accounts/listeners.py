"""Revoke a user's API tokens when their password changes or their account is deactivated, whichever way it
happens (the password change page, the admin, set_password and save): a token must not outlive the password
that got it. Compares the stored row before each save of a user."""

from accounts.services import api_tokens_revoke_all

_WATCHED = frozenset({"password", "is_active"})


def note_credentials_change(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save: remember on the instance whether this save changes the password or deactivates the user."""
    instance._korpu_revoke_tokens = False
    if raw or instance.pk is None or (update_fields is not None and not _WATCHED & set(update_fields)):
        return
    stored = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    # A hash the login rehashes with a newer hasher counts as a change too: tokens go, which is the safe side.
    instance._korpu_revoke_tokens = stored["password"] != instance.password or (
        stored["is_active"] and not instance.is_active
    )


def revoke_tokens_after_credentials_change(sender, instance, raw=False, **kwargs) -> None:
    """post_save: the revocation itself, in the transaction of the save."""
    if getattr(instance, "_korpu_revoke_tokens", False):
        instance._korpu_revoke_tokens = False
        api_tokens_revoke_all(user=instance)
