"""Single sign-on's shared part: who a person signed in through the university's identity provider (OpenID Connect
claims or SAML attributes) is in Körpü — username, name, email, roles and departments through the configured
mapping (settings SSO_*) — and the service that creates or updates their account at each sign-in. A mapping that
finds no role, or no known department where the role needs one, refuses the sign-in: logged, and the person is
shown why (accounts.views.sso_refused)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.roles import Role

logger = logging.getLogger(__name__)

# Roles that scope to a department: a person given one of them must come with a known department.
DEPARTMENT_ROLES = frozenset({Role.STUDENT, Role.STAFF, Role.COORDINATOR, Role.HEAD})
# Where the page explaining a refused sign-in finds its words.
REFUSAL_SESSION_KEY = "korpu_sso_refusal"


class SsoMappingError(PermissionDenied):
    """The identity provider's answer does not map to a Körpü account (no role, unknown department). Django's
    authenticate() treats PermissionDenied as "stop here": the sign-in fails instead of answering 500."""


@dataclass(frozen=True)
class SsoIdentity:
    username: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)
    department_codes: frozenset[str] = field(default_factory=frozenset)


def _values(claims: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    """Every value of the first of `names` present in `claims` (OIDC claims are strings or lists; SAML attributes
    are always lists)."""
    for name in names:
        value = claims.get(name)
        if value in (None, "", []):
            continue
        items = value if isinstance(value, list | tuple) else [value]
        return [str(item).strip() for item in items if str(item).strip()]
    return []


def _first(claims: Mapping[str, Any], names: Iterable[str]) -> str:
    values = _values(claims, names)
    return values[0] if values else ""


def _all_values(claims: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    """The values of every one of `names` present (roles may come from groups and affiliation together)."""
    found: list[str] = []
    for name in names:
        found += _values(claims, [name])
    return found


def identity_from_claims(claims: Mapping[str, Any], *, source: str) -> SsoIdentity:
    """The Körpü identity the claims (or attributes) describe, by the configured mapping; SsoMappingError, logged
    with what did not map, when they describe nobody Körpü can serve."""
    username = _first(claims, settings.SSO_USERNAME_CLAIMS)[:150]
    if not username:
        raise _miss(source, claims, "no username", _("Your identity provider did not tell Körpü your user name."))
    role_map = {key.lower(): value for key, value in settings.SSO_ROLE_MAP.items()}
    values = _all_values(claims, settings.SSO_ROLE_CLAIMS)
    roles = frozenset(
        role_map[v.lower()] for v in values if v.lower() in role_map and role_map[v.lower()] in Role.values
    )
    if not roles:
        raise _miss(
            source,
            claims,
            f"no role for {username!r} among {values!r}",
            _(
                "Your account at the university gives you no role in Körpü (student, staff member, coordinator, head "
                "or prorector)."
            ),
        )
    department_map = {key.lower(): value.lower() for key, value in settings.SSO_DEPARTMENT_MAP.items()}
    wanted = [department_map.get(v.lower(), v.lower()) for v in _all_values(claims, settings.SSO_DEPARTMENT_CLAIMS)]
    known = {code.lower(): code for code in Department.objects.values_list("code", flat=True)}
    codes = frozenset(known[code] for code in wanted if code in known)
    unknown = [code for code in wanted if code not in known]
    if unknown:
        logger.warning("SSO (%s): unknown department(s) %r for %r", source, unknown, username)
    if roles & DEPARTMENT_ROLES and not codes:
        raise _miss(
            source,
            claims,
            f"no known department for {username!r} among {wanted!r}",
            _("Your account at the university names no department that Körpü knows."),
        )
    return SsoIdentity(
        username=username,
        email=_first(claims, settings.SSO_EMAIL_CLAIMS)[:254],
        first_name=_first(claims, settings.SSO_FIRST_NAME_CLAIMS)[:150],
        last_name=_first(claims, settings.SSO_LAST_NAME_CLAIMS)[:150],
        roles=roles,
        department_codes=codes,
    )


def _miss(source: str, claims: Mapping[str, Any], what: str, message: str) -> SsoMappingError:
    logger.warning("SSO (%s) sign-in refused: %s; claims present: %s", source, what, sorted(claims))
    return SsoMappingError(message)


@transaction.atomic
def sso_user_sync(*, identity: SsoIdentity, source: str) -> User:
    """Create the account on the first sign-in, or bring it up to date: name, email, the roles the mapping manages
    (those it can give; others, such as administrator or auditor given in the admin, stay) and departments."""
    user = User.objects.select_for_update().filter(username__iexact=identity.username).first()
    created = user is None
    if user is None:
        user = User(username=identity.username)
        user.set_unusable_password()
    for name in ("email", "first_name", "last_name"):
        value = getattr(identity, name)
        if value:
            setattr(user, name, value)
    if created:
        user.full_clean(exclude=["password"])
    user.save()
    managed = set(settings.SSO_ROLE_MAP.values()) & set(Role.values)
    groups = {group.name: group for group in Group.objects.filter(name__in=managed | set(identity.roles))}
    user.groups.remove(*[groups[name] for name in managed - identity.roles if name in groups])
    user.groups.add(*[groups[name] for name in identity.roles if name in groups])
    user.departments.set(Department.objects.filter(code__in=identity.department_codes))
    for cache in ("_korpu_roles", "_korpu_department_ids", "_korpu_principals"):
        user.__dict__.pop(cache, None)
    logger.info(
        "SSO (%s): %s %s with roles %s, departments %s",
        source,
        "created" if created else "updated",
        user.username,
        sorted(identity.roles),
        sorted(identity.department_codes),
    )
    return user
