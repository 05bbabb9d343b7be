"""Password sign-in (Django's model backend), which PASSWORD_LOGIN_ADMINS_ONLY limits to administrators once
everyone else signs in through the university's identity provider (single sign-on)."""

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from accounts.roles import Role, has_role


def password_login_allowed(user: Any) -> bool:
    """May this user sign in with a password (the login page, the admin's, the API's token endpoint)?"""
    if not settings.PASSWORD_LOGIN_ADMINS_ONLY:
        return True
    return bool(user.is_superuser or user.is_staff or has_role(user, Role.ADMIN))


class PasswordBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and password_login_allowed(user)
