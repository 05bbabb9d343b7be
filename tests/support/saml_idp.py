"""A SAML 2.0 identity provider on loopback, built on pysaml2's own IdP server (signatures by xmlsec1): it answers
Körpü's sign-in request (HTTP-Redirect binding) with a page asking who signs in, then posts a signed assertion with
the person's attributes to Körpü's assertion consumer service (HTTP-POST binding), as a federation's IdP does."""

from __future__ import annotations

import html
import os
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs

import saml2
from saml2.config import IdPConfig, SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT, NAMEID_FORMAT_UNSPECIFIED
from saml2.server import Server
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

# The same people as tests/support/sso.py's provider, as SAML attributes (eduPerson and LDAP names).
SAML_PEOPLE = {
    "aysel.student": {
        "uid": ["aysel.student"],
        "mail": ["aysel@uni.example"],
        "givenName": ["Aysel"],
        "sn": ["Məmmədova"],
        "eduPersonAffiliation": ["student"],
        "ou": ["ce"],
    },
    "kamal.coord": {
        "uid": ["kamal.coord"],
        "mail": ["kamal@uni.example"],
        "givenName": ["Kamal"],
        "sn": ["Həsənov"],
        "eduPersonAffiliation": ["iro-coordinator"],
        "ou": ["ce"],
    },
    "guest.user": {"uid": ["guest.user"], "eduPersonAffiliation": ["alum"]},
}

ATTRIBUTE_MAPS = os.path.join(os.path.dirname(saml2.__file__), "attributemaps")


def make_key_pair(directory: Path, name: str) -> tuple[str, str]:
    """A self-signed RSA key and certificate (PEM) made with openssl."""
    key, cert = directory / f"{name}.key", directory / f"{name}.crt"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={name}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return str(key), str(cert)


class SamlIdp:
    def __init__(self, directory: Path, port: int):
        self.directory = directory
        self.base = f"http://localhost:{port}"
        self.key, self.cert = make_key_pair(directory, "idp")
        self.metadata_file = str(directory / "idp-metadata.xml")
        self.server: Server | None = None
        self.issued: list[str] = []
        self.logged_out: list[str] = []

    def config(self, sp_metadata: str | None) -> dict:
        return {
            "entityid": f"{self.base}/metadata",
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "attribute_map_dir": ATTRIBUTE_MAPS,
            "service": {
                "idp": {
                    "name": "Test university IdP",
                    "endpoints": {
                        "single_sign_on_service": [(f"{self.base}/sso/redirect", saml2.BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(f"{self.base}/slo/redirect", saml2.BINDING_HTTP_REDIRECT)],
                    },
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 15},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                    "name_id_format": [NAMEID_FORMAT_TRANSIENT, NAMEID_FORMAT_UNSPECIFIED],
                    "want_authn_requests_signed": False,
                }
            },
            "key_file": self.key,
            "cert_file": self.cert,
            "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
        }

    def write_metadata(self) -> str:
        config = IdPConfig().load(self.config(None))
        Path(self.metadata_file).write_text(str(entity_descriptor(config)), encoding="utf-8")
        return self.metadata_file

    def trust(self, sp_config: dict) -> None:
        """Learn the service provider from its metadata (as a federation would publish it)."""
        sp_metadata = str(entity_descriptor(SPConfig().load(sp_config)))
        self.server = Server(config=IdPConfig().load(self.config(sp_metadata)))

    def app(self, environ, start_response):
        request = Request(environ)
        if request.path == "/sso/redirect":
            response = self._login_form(request)
        elif request.path == "/sso/login" and request.method == "POST":
            response = self._answer(request)
        elif request.path == "/slo/redirect":
            response = self._logout(request)
        else:
            response = Response("not found", status=404)
        return response(environ, start_response)

    def _login_form(self, request: Request) -> Response:
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(request.args.get(name, ""))}">'
            for name in ("SAMLRequest", "RelayState")
        )
        page = (
            "<!doctype html><html lang=en><title>University sign-in</title><h1>University sign-in</h1>"
            f'<form method="post" action="/sso/login">{hidden}'
            '<label>User <input name="username" id="idp-username"></label>'
            '<button type="submit" id="idp-submit">Sign in</button></form></html>'
        )
        return Response(page, content_type="text/html; charset=utf-8")

    def _logout(self, request: Request) -> Response:
        """Single logout: end the person's session here and send Körpü the logout response, by redirect."""
        assert self.server is not None, "call trust() first"
        parsed = self.server.parse_logout_request(request.args["SAMLRequest"], saml2.BINDING_HTTP_REDIRECT)
        response = self.server.create_logout_response(parsed.message, [saml2.BINDING_HTTP_REDIRECT])
        self.logged_out.append(parsed.message.name_id.text)
        http_args = self.server.apply_binding(
            saml2.BINDING_HTTP_REDIRECT,
            str(response),
            response.destination,
            request.args.get("RelayState", ""),
            response=True,
        )
        return Response(status=303, headers={"Location": dict(http_args["headers"])["Location"]})

    def _answer(self, request: Request) -> Response:
        assert self.server is not None, "call trust() first"
        username = request.form["username"]
        if username not in SAML_PEOPLE:
            return Response("unknown user", status=403)
        parsed = self.server.parse_authn_request(request.form["SAMLRequest"], saml2.BINDING_HTTP_REDIRECT)
        args = self.server.response_args(parsed.message)
        response = self.server.create_authn_response(
            identity=SAML_PEOPLE[username],
            userid=username,
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
            sign_assertion=True,
            **args,
        )
        self.issued.append(username)
        http_args = self.server.apply_binding(
            saml2.BINDING_HTTP_POST,
            str(response),
            args["destination"],
            request.form.get("RelayState", ""),
            response=True,
        )
        return Response(http_args["data"], content_type="text/html; charset=utf-8")


@contextmanager
def saml_idp(directory: Path):
    """A SAML IdP on a free loopback port, served from a thread; yields the SamlIdp (metadata written)."""
    server = make_server("localhost", 0, lambda environ, start: idp.app(environ, start), threaded=True)
    idp = SamlIdp(directory, server.server_port)
    idp.write_metadata()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield idp
    finally:
        server.shutdown()
        thread.join(5)


def form_fields(page: str) -> tuple[str, dict[str, str]]:
    """The action and the hidden fields of the self-submitting form a SAML POST binding answers with."""
    import re

    action = html.unescape(re.search(r'action="([^"]+)"', page).group(1))
    fields = {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    }
    return action, fields


def parse_query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(url.split("?", 1)[1]).items()}


def saml_settings(settings, idp: SamlIdp, site: str) -> None:
    """Point Körpü at the IdP's metadata, and show the IdP Körpü's (for the site the requests come to)."""
    from accounts.saml import saml_config

    settings.SAML_IDP_METADATA_FILE = idp.metadata_file
    settings.KORPU_SITE_URL = site
    idp.trust(saml_config())


def saml_sign_in(client, idp: SamlIdp, username: str, *, next_url: str = "/"):
    """Sign in through the IdP as `username` with a Django test client; returns the answer of Körpü's assertion
    consumer service."""
    from urllib.parse import urlsplit

    import requests

    start = client.get("/saml2/login/", {"next": next_url})
    assert start.status_code == 302, start.content
    assert start["Location"].startswith(f"{idp.base}/sso/redirect?"), start["Location"]
    query = parse_query(start["Location"])
    answer = requests.post(f"{idp.base}/sso/login", data={**query, "username": username}, timeout=10)
    assert answer.status_code == 200, answer.text
    action, fields = form_fields(answer.text)
    return client.post(urlsplit(action).path, fields)
