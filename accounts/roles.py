"""The office's roles. A role is a Django group; what each role may do is granted by
`manage.py setup_roles` (run by migrations) and checked by the predicates in each app's permissions.py."""

from typing import Any

from django.db import connection, models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    STAFF = "staff", _("Staff member")
    COORDINATOR = "coordinator", _("IRO coordinator")
    HEAD = "head", _("Department head")
    PRORECTOR = "prorector", _("Prorector for international relations")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


APPLICANT_ROLES = frozenset({Role.STUDENT, Role.STAFF})
APPROVER_ROLES = frozenset({Role.COORDINATOR, Role.HEAD, Role.PRORECTOR})


def _known_roles(names) -> frozenset[str]:
    """The Role values among these group names (other groups are not roles)."""
    return frozenset(r for r in Role.values if r in names)


def user_roles(user) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_korpu_roles", None)
    if cached is None:
        names = {g.name for g in user.groups.all()}
        cached = _known_roles(names)
        user._korpu_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def user_department_ids(user) -> frozenset[int]:
    """Departments the user belongs to, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_korpu_department_ids", None)
    if cached is None:
        cached = frozenset(user.departments.values_list("pk", flat=True))
        user._korpu_department_ids = cached
    return cached


def prime_user_rights(user) -> None:
    """Load the user's roles and departments (what user_roles and user_department_ids cache) in one query, for a
    path that checks both (a decision)."""
    if user is None or not user.is_authenticated:
        return
    if hasattr(user, "_korpu_roles") and hasattr(user, "_korpu_department_ids"):
        return
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast

    roles = user.groups.order_by().values_list(Value("role", output_field=CharField()), "name")
    departments = user.departments.order_by().values_list(
        Value("department", output_field=CharField()), Cast("pk", output_field=CharField())
    )
    rows = list(roles.union(departments, all=True))
    names = {value for what, value in rows if what == "role"}
    user._korpu_roles = _known_roles(names)
    user._korpu_department_ids = frozenset(int(value) for what, value in rows if what == "department")


def user_rights_wanted(user) -> bool:
    """Whether another query should read the user's roles and departments along (`user_rights_columns`):
    on PostgreSQL, for a signed-in user whose rights are not known yet."""
    if user is None or not user.is_authenticated or connection.vendor != "postgresql":
        return False
    return not (hasattr(user, "_korpu_roles") and hasattr(user, "_korpu_department_ids"))


def user_rights_columns(user_id: Any) -> dict:
    """Columns that read a user's roles and departments along with another query (PostgreSQL arrays, when
    `user_rights_wanted`): give that query's values to `prime_user_rights_from`."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.postgres.expressions import ArraySubquery

    memberships = get_user_model().departments.through.objects.filter(user_id=user_id)
    return {
        "rights_roles": ArraySubquery(Group.objects.filter(user=user_id).values("name")),
        "rights_departments": ArraySubquery(memberships.values("department_id")),
    }


def prime_user_rights_from(user, values: dict) -> None:
    """Fill the caches `prime_user_rights` fills from the values of `user_rights_columns` (nothing when there were
    none)."""
    if "rights_roles" not in values:
        return
    user._korpu_roles = _known_roles(set(values["rights_roles"]))
    user._korpu_department_ids = frozenset(values["rights_departments"])


def prime_department_ids(user, department_ids) -> None:
    """Fill the cache user_department_ids reads, from departments already loaded (a prefetch), so that
    checking many users costs no query per user."""
    user._korpu_department_ids = frozenset(department_ids)


# What each role may do, as Django permissions on its group. `setup_roles()` makes the groups
# match this table after every migrate. Who acts on which step of a case is not a permission here: it is each kind's
# step table (workflows/kinds.py) and the one predicate workflows.permissions.can_act.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.STUDENT: ("applications.add_application", "applications.view_application"),
    Role.STAFF: ("applications.add_application", "applications.view_application"),
    Role.COORDINATOR: (
        "applications.view_application",
        "workflows.view_mobilityprocess",
        "agreements.add_agreement",
        "agreements.change_agreement",
        "agreements.view_agreement",
        "partners.add_partnerinstitution",
        "partners.change_partnerinstitution",
        "partners.view_partnerinstitution",
        "workflows.view_agreementprocess",
    ),
    Role.HEAD: (
        "applications.view_application",
        "workflows.view_mobilityprocess",
        "agreements.view_agreement",
        "partners.view_partnerinstitution",
        "workflows.view_agreementprocess",
    ),
    Role.PRORECTOR: (
        "applications.view_application",
        "workflows.view_mobilityprocess",
        "agreements.view_agreement",
        "partners.view_partnerinstitution",
        "workflows.view_agreementprocess",
    ),
    Role.AUDITOR: (
        "applications.view_application",
        "applications.view_caseevent",
        "applications.view_document",
        "applications.view_call",
        "applications.view_callplace",
        "partners.view_partnerinstitution",
        "agreements.view_agreement",
        "agreements.view_agreementversion",
        "agreements.view_agreementevent",
        "agreements.view_agreementquota",
        "accounts.view_department",
        "accounts.view_accessrefusal",
        "axes.view_accessfailurelog",
        "workflows.view_mobilityprocess",
        "workflows.view_agreementprocess",
    ),
    Role.ADMIN: (
        "accounts.add_department",
        "accounts.change_department",
        "accounts.view_department",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        # Tokens: seen (never their keys) and revoked; failed logins and refused requests: read; lockouts: lifted
        # by deleting the access attempts.
        "accounts.view_apitoken",
        "accounts.delete_apitoken",
        "accounts.view_accessrefusal",
        # Deputies: named for an approver who cannot (ill), ended early; never edited or deleted.
        "accounts.view_deputyship",
        "accounts.add_deputyship",
        "accounts.change_deputyship",
        "accounts.view_usersession",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
        "auth.view_group",
        "partners.add_partnerinstitution",
        "partners.change_partnerinstitution",
        "partners.view_partnerinstitution",
        "applications.add_call",
        "applications.change_call",
        "applications.view_call",
        "applications.add_callplace",
        "applications.change_callplace",
        "applications.view_callplace",
        "applications.view_application",
        "applications.view_caseevent",
        "applications.view_document",
        "notifications.view_notification",
        "notifications.change_notification",
    ),
}


def setup_roles(**kwargs) -> None:
    """Create the role groups and give each exactly the permissions of ROLE_PERMISSIONS (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)
