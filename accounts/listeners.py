"""Revoke a user's API tokens when their password changes or their account is deactivated, whichever way it
happens (the password change page, the admin, set_password and save): a token must not outlive the password
that got it. Compares the stored row before each save of a user."""

from accounts.services import api_tokens_revoke_all, user_session_forget, user_session_record

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


def session_signed_in(sender, request, user, **kwargs) -> None:
    """user_logged_in: list the session on the user's profile (the backend that let them in names the method)."""
    backend = getattr(user, "backend", "") or ""
    method = "oidc" if "oidc" in backend.lower() else "saml" if "saml" in backend.lower() else "password"
    if request is not None:
        user_session_record(user=user, request=request, method=method)


def session_signed_out(sender, request, user, **kwargs) -> None:
    """user_logged_out: the session leaves the list."""
    if request is not None and getattr(request, "session", None) is not None:
        user_session_forget(session_key=request.session.session_key)
