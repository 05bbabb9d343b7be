"""Identity providers on loopback for the single sign-on tests: an OpenID Connect provider made for testing
(oidc-provider-mock, in a thread) and a SAML 2.0 identity provider built on pysaml2 (tests/support/saml_idp.py),
with the people each knows and the claims or attributes it tells about them."""

from __future__ import annotations

import re
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import requests
from oidc_provider_mock import User as OidcUser
from oidc_provider_mock import run_server_in_thread

# People of the university, as its identity provider describes them (claims; SAML sends the same as attributes).
PEOPLE = {
    "aysel.student": {
        "preferred_username": "aysel.student",
        "email": "aysel@uni.example",
        "given_name": "Aysel",
        "family_name": "Məmmədova",
        "groups": ["student"],
        "department": "ce",
    },
    "kamal.coord": {
        "preferred_username": "kamal.coord",
        "email": "kamal@uni.example",
        "given_name": "Kamal",
        "family_name": "Həsənov",
        "groups": ["iro-coordinator", "employee"],
        "department": "ce",
    },
    # no group Körpü knows: the sign-in is refused with a page saying why
    "guest.user": {"preferred_username": "guest.user", "email": "guest@uni.example", "groups": ["alumni"]},
    # a student of a department Körpü does not have
    "lost.student": {"preferred_username": "lost.student", "groups": ["student"], "department": "history"},
}

CLIENT_ID = "korpu-test"
CLIENT_SECRET = "korpu-test-secret"


@contextmanager
def oidc_provider():
    """An OpenID Connect provider on loopback knowing PEOPLE; yields its issuer URL."""
    users = [OidcUser(sub=sub, claims=claims) for sub, claims in PEOPLE.items()]
    with run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def oidc_settings(settings, issuer: str) -> None:
    settings.OIDC_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET


def oidc_sign_in(client, sub: str, *, next_url: str = "/"):
    """Sign in through the provider as `sub` with a Django test client (the provider's form posted with requests);
    returns the answer of Körpü's callback."""
    start = client.get("/oidc/authenticate/", {"next": next_url})
    assert start.status_code == 302, start.content
    authorize_url = start["Location"]
    form = requests.get(authorize_url, timeout=10)
    assert form.status_code == 200, form.text
    answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code in (302, 303), answer.text
    callback = urlsplit(answer.headers["Location"])
    assert callback.path == "/oidc/callback/", callback
    return client.get(callback.path, {k: v[0] for k, v in parse_qs(callback.query).items()})


def field_names(html: str) -> set[str]:
    return set(re.findall(r'name="([^"]+)"', html))
