"""Reads about people: a user's API tokens (never their keys: only knox's digest of each is stored), their
signed-in sessions, and deputies (who stands in for whom, when)."""

from collections.abc import Collection
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import F, Lookup, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Deputyship, User, UserSession
from accounts.roles import prime_department_ids


def api_token_list(*, user: User | AnonymousUser) -> QuerySet[ApiToken]:
    """The user's tokens that still work, the newest first (expired ones go when knox next meets them)."""
    # knox ships no types, so ApiToken's manager is Any to mypy.
    tokens: QuerySet[ApiToken] = ApiToken.objects.filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user
    ).order_by("-created", "-pk")
    return tokens


def access_api_token(*, user: User | AnonymousUser, token_id: int | str) -> ApiToken:
    """One of the user's tokens; the same 404 for a missing one and another's."""
    try:
        return api_token_list(user=user).get(pk=token_id)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such token."))


class _AnyOf(Lookup):
    """`lhs = ANY(ARRAY(subquery))` (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def users_with_roles(roles: Collection[str]) -> QuerySet[User]:
    """Active users holding any of these roles, looked up from the roles' members. Almost every user is a student,
    so a join of all users with their roles costs what the user table does, and PostgreSQL, which cannot know a
    role's size before it reads it, chose exactly that (a scan of every user, 5.9 ms at 32,000 users, to find
    one prorector). Given the members as an array, it looks each one up by key whatever its statistics say
    (0.13 ms). One row per user: no DISTINCT needed."""
    if not roles:
        return User.objects.none()
    members = User.groups.through.objects.filter(group__name__in=list(roles)).values("user_id")
    users = User.objects.filter(is_active=True)
    if connection.vendor == "postgresql":
        return users.filter(_AnyOf(F("pk"), ArraySubquery(members)))
    return users.filter(pk__in=members)


# --- signed-in sessions and deputies ------------------------------------------------------------------------


def user_session_list(*, user: User) -> QuerySet[UserSession]:
    """The user's browser sessions that still exist in the session store, the newest first."""
    from django.contrib.sessions.models import Session

    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=live).order_by("-created_at", "-pk")


def access_user_session(*, user: User, session_id: int | str) -> UserSession:
    """One of the user's sessions; the same 404 for a missing one and another's."""
    try:
        return UserSession.objects.get(pk=session_id, user=user)
    except (UserSession.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such session."))


def deputyships_running(*, on: date | None = None) -> QuerySet[Deputyship]:
    """Deputyships in force on a day (today by default): within their dates and not ended early."""
    day = on or timezone.localdate()
    return Deputyship.objects.filter(starts_on__lte=day, ends_on__gte=day, cancelled_at__isnull=True)


def absent_principals(*, deputy: User | AnonymousUser) -> list[User]:
    """The active approvers this user stands in for today, cached on the user object for the request (with their
    roles and departments loaded, so the predicates that check them run no further queries)."""
    if not deputy.is_authenticated:
        return []
    cached: list[User] | None = getattr(deputy, "_korpu_principals", None)
    if cached is None:
        ids = deputyships_running().filter(deputy=deputy).values("principal_id")
        cached = list(
            User.objects.filter(pk__in=ids, is_active=True).prefetch_related("groups", "departments").order_by("pk")
        )
        for principal in cached:
            prime_department_ids(principal, [department.pk for department in principal.departments.all()])
            # A deputy acts with the approver's own rights, never with those the approver holds as someone's
            # deputy: no chains, whichever predicate asks.
            principal._korpu_principals = []  # type: ignore[attr-defined]  # our own cache on the user object
        deputy._korpu_principals = cached  # type: ignore[attr-defined]  # our own cache on the user object
    return cached


def deputies_by_principal(*, principal_ids: Collection[int]) -> dict[int, list[User]]:
    """principal id -> their active deputies today (for the people told of a task while its approver is away)."""
    result: dict[int, list[User]] = {}
    rows = (
        deputyships_running()
        .filter(principal_id__in=list(principal_ids), deputy__is_active=True)
        .select_related("deputy")
        .order_by("pk")
    )
    for row in rows:
        result.setdefault(row.principal_id, []).append(row.deputy)
    return result


def deputyship_list(*, principal: User) -> QuerySet[Deputyship]:
    """The approver's deputies that have not ended yet, the soonest first."""
    return (
        Deputyship.objects.filter(principal=principal, ends_on__gte=timezone.localdate(), cancelled_at__isnull=True)
        .select_related("deputy", "principal", "created_by")
        .order_by("starts_on", "pk")
    )


def deputising_list(*, deputy: User) -> QuerySet[Deputyship]:
    """Whom this user stands in for, now or later."""
    return (
        Deputyship.objects.filter(deputy=deputy, ends_on__gte=timezone.localdate(), cancelled_at__isnull=True)
        .select_related("principal")
        .order_by("starts_on", "pk")
    )


def deputy_candidates(*, principal: User) -> QuerySet[User]:
    """Who may be named deputy: active approvers other than the approver."""
    from accounts.roles import APPROVER_ROLES

    return users_with_roles(APPROVER_ROLES).exclude(pk=principal.pk).order_by("last_name", "first_name", "username")


def deputyships_visible(*, user: User | AnonymousUser) -> QuerySet[Deputyship]:
    """Deputyships not yet ended that name the user (as the approver away or as the deputy); administrators see
    everyone's."""
    from accounts.roles import Role, has_role

    rows = Deputyship.objects.filter(ends_on__gte=timezone.localdate(), cancelled_at__isnull=True)
    if not (has_role(user, Role.ADMIN) or getattr(user, "is_superuser", False)):
        rows = rows.filter(Q(principal_id=user.pk) | Q(deputy_id=user.pk))
    return rows.select_related("principal", "deputy").order_by("starts_on", "pk")
