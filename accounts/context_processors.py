from accounts.roles import Role, user_roles


def roles(request):
    """Expose the user's roles to templates so the navigation shows what the user may use."""
    names = user_roles(getattr(request, "user", None))
    return {
        "user_roles": names,
        "is_applicant": bool(names & {Role.STUDENT, Role.STAFF}),
        "is_approver": bool(names & {Role.COORDINATOR, Role.HEAD, Role.PRORECTOR}),
        "is_auditor": Role.AUDITOR in names or Role.ADMIN in names,
        "is_admin": Role.ADMIN in names,
    }


def single_sign_on(request):
    """Which ways of signing in the login page offers (settings/sso.py)."""
    from django.conf import settings

    from accounts.oidc import oidc_enabled
    from accounts.saml import saml_enabled

    return {
        "sso_oidc": oidc_enabled(),
        "sso_saml": saml_enabled(),
        "password_login_admins_only": settings.PASSWORD_LOGIN_ADMINS_ONLY,
    }
