"""Schemathesis hooks for tests/api/test_contract.py, loaded by the `schemathesis run` it starts
(SCHEMATHESIS_HOOKS): every request carries a token of the user the test names, obtained from
POST /api/v1/auth/token/ like any client. The run also calls log out, log out everywhere and token revocation,
so a token can die under it: a 401 makes schemathesis fetch a new one and send the request again."""

import os

import requests
import schemathesis


@schemathesis.auth(refresh_interval=600)
class KorpuToken:
    def get(self, case, context):
        response = requests.post(
            os.environ["KORPU_CONTRACT_TOKEN_URL"],
            json={
                "username": os.environ["KORPU_CONTRACT_USERNAME"],
                "password": os.environ["KORPU_CONTRACT_PASSWORD"],
                "client": "schemathesis",
            },
            timeout=30,
        )
        response.raise_for_status()
        return response.json()["token"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Token {data}"
