"""Single sign-on: OpenID Connect (mozilla-django-oidc) and SAML 2.0 (djangosaml2 / pysaml2), each on when its
variables are set, and the mapping of the identity provider's claims or attributes to Körpü's roles and departments
(accounts/sso.py). Password sign-in stays; PASSWORD_LOGIN_ADMINS_ONLY keeps it for administrators only."""

import environ

env = environ.Env()

PASSWORD_LOGIN_ADMINS_ONLY = env.bool("PASSWORD_LOGIN_ADMINS_ONLY", default=False)

# --- OpenID Connect ---------------------------------------------------------------------------------------------
# On when OIDC_ISSUER and OIDC_CLIENT_ID are set. The endpoints come from the issuer's discovery document
# (<issuer>/.well-known/openid-configuration) unless set one by one below.
OIDC_ISSUER = env("OIDC_ISSUER", default="")
OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env("OIDC_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGO", default="RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_JWKS_ENDPOINT", default="")
# Where logging out of Körpü also ends the provider's session (RP-initiated logout); empty: discovered.
OIDC_OP_LOGOUT_ENDPOINT = env("OIDC_LOGOUT_ENDPOINT", default="")
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
OIDC_DISCOVERY_CACHE_SECONDS = env.int("OIDC_DISCOVERY_CACHE_SECONDS", default=3600)
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # for the provider's logout (id_token_hint)
OIDC_AUTHENTICATE_CLASS = "accounts.oidc.AuthenticateView"
OIDC_CALLBACK_CLASS = "accounts.oidc.CallbackView"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/sso/refused/"

# --- SAML 2.0 ---------------------------------------------------------------------------------------------------
# On when SAML_IDP_METADATA_URL or SAML_IDP_METADATA_FILE is set. The service provider's metadata is served at
# /saml2/metadata/ (give that URL to the identity provider or the federation).
SAML_IDP_METADATA_URL = env("SAML_IDP_METADATA_URL", default="")
SAML_IDP_METADATA_FILE = env("SAML_IDP_METADATA_FILE", default="")
# Default: <KORPU_SITE_URL>/saml2/metadata/
SAML_SP_ENTITY_ID = env("SAML_SP_ENTITY_ID", default="")
# The service provider's key and certificate (PEM files) for signing requests and decrypting assertions.
SAML_SP_KEY_FILE = env("SAML_SP_KEY_FILE", default="")
SAML_SP_CERT_FILE = env("SAML_SP_CERT_FILE", default="")
SAML_XMLSEC_BINARY = env("SAML_XMLSEC_BINARY", default="/usr/bin/xmlsec1")

# --- The mapping (both protocols): claim or attribute names, first present wins; roles and departments ----------
SSO_USERNAME_CLAIMS = env.list(
    "SSO_USERNAME_CLAIMS", default=["preferred_username", "uid", "eduPersonPrincipalName", "sub"]
)
SSO_EMAIL_CLAIMS = env.list("SSO_EMAIL_CLAIMS", default=["email", "mail"])
SSO_FIRST_NAME_CLAIMS = env.list("SSO_FIRST_NAME_CLAIMS", default=["given_name", "givenName"])
SSO_LAST_NAME_CLAIMS = env.list("SSO_LAST_NAME_CLAIMS", default=["family_name", "sn"])
# Every value of these claims is looked up in SSO_ROLE_MAP (value=role; roles: student, staff, coordinator, head,
# prorector, auditor, admin). The roles the map can give are set at each sign-in; others given in the admin stay.
SSO_ROLE_CLAIMS = env.list("SSO_ROLE_CLAIMS", default=["groups", "eduPersonAffiliation", "affiliation"])
SSO_ROLE_MAP = env.dict(
    "SSO_ROLE_MAP",
    default={
        "student": "student",
        "staff": "staff",
        "faculty": "staff",
        "employee": "staff",
        "iro-coordinator": "coordinator",
        "department-head": "head",
        "prorector": "prorector",
    },
)
# The department's value is a department code (accounts.Department.code), or a value SSO_DEPARTMENT_MAP maps to
# one (value=code).
SSO_DEPARTMENT_CLAIMS = env.list("SSO_DEPARTMENT_CLAIMS", default=["department", "ou"])
SSO_DEPARTMENT_MAP = env.dict("SSO_DEPARTMENT_MAP", default={})
# djangosaml2's own settings, from the above.
SAML_CONFIG_LOADER = "accounts.saml.config_loader"
SAML_ACS_FAILURE_RESPONSE_FUNCTION = "accounts.saml.acs_failure"
SAML_CREATE_UNKNOWN_USER = True
SAML_DJANGO_USER_MAIN_ATTRIBUTE = "username"
SAML_ATTRIBUTE_MAPPING = {"uid": ("username",)}
# The sign-in request goes by redirect: the POST binding's self-submitting form would need an inline script.
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
# The state of a sign-in in flight lives in a cookie of its own, sent back on the identity provider's cross-site
# POST: production sends it SameSite=None (which needs HTTPS); plain-HTTP `make run` and the tests keep Lax, fine
# while the identity provider runs on the same host.
SAML_SESSION_COOKIE_NAME = "korpu_saml_session"
SAML_SESSION_COOKIE_SAMESITE = env("SAML_SESSION_COOKIE_SAMESITE", default="Lax")
