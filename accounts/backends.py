"""Password sign-in (Django's model backend), which PASSWORD_LOGIN_ADMINS_ONLY limits to administrators once
everyone else signs in through the university's identity provider (single sign-on)."""

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.roles import Role, has_role, prime_user_rights_from, user_rights_columns
from accounts.selectors import deputyships_running
from core.compiled import compiled_rows


def password_login_allowed(user: Any) -> bool:
    """May this user sign in with a password (the login page, the admin's, the API's token endpoint)?"""
    if not settings.PASSWORD_LOGIN_ADMINS_ONLY:
        return True
    return bool(user.is_superuser or user.is_staff or has_role(user, Role.ADMIN))


def _user_by_pk(pk: Any) -> Any:
    return get_user_model()._default_manager.filter(pk=pk)


def _user_with_rights_by_pk(pk: Any, day: date) -> Any:
    """PostgreSQL: along with the user, their roles and departments and whether they stand in for anyone today —
    what every page asks about who is signing in (three queries a request, before)."""
    standing_in = deputyships_running(on=day).filter(deputy=OuterRef("pk"))
    return _user_by_pk(pk).annotate(**user_rights_columns(OuterRef("pk")), rights_standing_in=Exists(standing_in))


class CompiledUserLoad:
    """`get_user` (every signed-in request's user, by the id its session holds) through a statement compiled once
    per process (core.compiled) instead of a queryset built for each request; on PostgreSQL it reads along the
    user's roles and departments and whether they stand in for an approver today (the request's caches of
    accounts.roles and accounts.selectors.absent_principals). The user must still be allowed to
    sign in by the backend's own rule (`user_can_authenticate`; active, for a backend without one)."""

    def get_user(self, user_id: Any) -> Any:
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        if connection.vendor == "postgresql":
            rows = compiled_rows(
                "accounts.user_with_rights_by_pk", _user_with_rights_by_pk, pk=pk, day=timezone.localdate()
            )
        else:
            rows = compiled_rows("accounts.user_by_pk", _user_by_pk, pk=pk)
        if not rows:
            return None
        user = rows[0]
        if hasattr(user, "rights_roles"):
            prime_user_rights_from(
                user, {"rights_roles": user.rights_roles, "rights_departments": user.rights_departments}
            )
            if not user.rights_standing_in:
                user._korpu_principals = []  # nobody to stand in for today (accounts.selectors.absent_principals)
        allowed = self.user_can_authenticate(user) if hasattr(self, "user_can_authenticate") else user.is_active
        return user if allowed else None


class PasswordBackend(CompiledUserLoad, ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and password_login_allowed(user)
