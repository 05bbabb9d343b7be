"""Password sign-in (Django's model backend), which PASSWORD_LOGIN_ADMINS_ONLY limits to administrators once
everyone else signs in through the university's identity provider (single sign-on)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from accounts.roles import Role, has_role
from core.compiled import compiled_rows


def password_login_allowed(user: Any) -> bool:
    """May this user sign in with a password (the login page, the admin's, the API's token endpoint)?"""
    if not settings.PASSWORD_LOGIN_ADMINS_ONLY:
        return True
    return bool(user.is_superuser or user.is_staff or has_role(user, Role.ADMIN))


def _user_by_pk(pk: Any) -> Any:
    return get_user_model()._default_manager.filter(pk=pk)


class CompiledUserLoad:
    """`get_user` (every signed-in request's user, by the id its session holds) through a statement compiled once
    per process (core.compiled) instead of a queryset built for each request. The user must still be allowed to
    sign in by the backend's own rule (`user_can_authenticate`; active, for a backend without one)."""

    def get_user(self, user_id: Any) -> Any:
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        rows = compiled_rows("accounts.user_by_pk", _user_by_pk, pk=pk)
        if not rows:
            return None
        user = rows[0]
        allowed = self.user_can_authenticate(user) if hasattr(self, "user_can_authenticate") else user.is_active
        return user if allowed else None


class PasswordBackend(CompiledUserLoad, ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and password_login_allowed(user)
