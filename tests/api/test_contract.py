"""The OpenAPI schema is the API's contract: schemathesis (a pinned PyPI package) reads the schema a live test
server publishes and sends it generated requests, valid and invalid, as coordinator_ce of the demo-like world
(plus applications and agreements at several stages), bounded in examples and time. No answer
may be a server error, and every answer's status, content type and body must be the ones the schema documents.

The run takes KORPU_CONTRACT_SECONDS (default 60) of fuzzing; KORPU_CONTRACT_SEED picks another seed. The
schemathesis report (JSON) is kept at KORPU_CONTRACT_REPORT when set."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from tests.support.agreements import agreement_body
from tests.support.api import (
    AGREEMENTS_URL,
    agreement_task,
    agreement_url,
    api_create_ready,
    api_decide_agreement,
    api_submit,
    task_url,
)
from tests.support.files import pdf_upload

CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance"
HOOKS = Path(__file__).with_name("contract_hooks.py")
USERNAME = "coordinator_ce"
PASSWORD = "demo"


def _schemathesis() -> str:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
    if found is None:
        pytest.fail("schemathesis is not installed: pip install -r requirements.txt")
    return found


def _cases(world, clients) -> None:
    """Cases at every stage beside the world's open call, made through the API as clients would: a submitted
    application (a task in coordinator_ce's inbox), a draft one, a draft agreement and an active one."""
    submitted = api_create_ready(clients.student1, world)
    api_submit(clients.student1, submitted)
    api_create_ready(clients.student2, world, choices=[world.partners[1].pk])

    coordinator = clients.coordinator_ce
    draft = coordinator.post(AGREEMENTS_URL, agreement_body(world.partners[1].pk), format="json")
    assert draft.status_code == 201, draft.content
    active = coordinator.post(AGREEMENTS_URL, agreement_body(world.partners[0].pk), format="json").json()["id"]
    assert coordinator.post(agreement_url(active, "submit/")).status_code == 200
    api_decide_agreement(clients.head_ce, active)
    api_decide_agreement(clients.prorector, active)
    sent = coordinator.post(task_url(agreement_task(coordinator, active)["id"], "mark-sent/"), {"comment": "sent"})
    assert sent.status_code == 200, sent.content
    signed = coordinator.post(
        task_url(agreement_task(coordinator, active)["id"], "signed/"),
        {
            "our_signed_on": timezone.localdate().isoformat(),
            "partner_signed_on": timezone.localdate().isoformat(),
            "file": pdf_upload("signed.pdf"),
        },
        format="multipart",
    )
    assert signed.status_code == 200 and signed.json()["status"] == "active", signed.content


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_as_its_schema_promises(live_server, world, clients, settings, tmp_path):
    # given the demo world, with the limits a fuzzer would otherwise trip over raised: its wrong passwords
    # would lock the test's own address out of the token endpoint (the 429s are documented all the same)
    settings.AXES_FAILURE_LIMIT = 100_000
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {scope: "100000/minute" for scope in settings.API_THROTTLE_RATES},
    }
    _cases(world, clients)
    report_path = Path(os.environ.get("KORPU_CONTRACT_REPORT") or tmp_path / "schemathesis.json")
    seconds = int(os.environ.get("KORPU_CONTRACT_SECONDS", "60"))

    # when schemathesis runs every operation of the schema the server publishes
    command = [
        _schemathesis(),
        "run",
        f"{live_server.url}/api/schema/",
        "--url",
        live_server.url,
        "--checks",
        CHECKS,
        "--max-examples",
        "25",
        "--max-time",
        str(seconds),
        "--request-timeout",
        "30",
        "--workers",
        "2",
        "--seed",
        os.environ.get("KORPU_CONTRACT_SEED", "20261201"),
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report_path),
    ]
    environment = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": str(HOOKS),
        "KORPU_CONTRACT_TOKEN_URL": f"{live_server.url}/api/v1/auth/token/",
        "KORPU_CONTRACT_USERNAME": USERNAME,
        "KORPU_CONTRACT_PASSWORD": PASSWORD,
    }
    run = subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=seconds + 240)

    # then every operation was tried, and none answered a server error or anything the schema does not say
    assert report_path.exists(), run.stdout[-5000:] + run.stderr[-5000:]
    report = json.loads(report_path.read_text())
    figures = (
        f"{report['operations']['tested']} operations, {report['test_cases']['generated']} cases in "
        f"{report['running_time']:.0f} s, seed {report['seed']}"
    )
    print(f"schemathesis: {figures}; warnings: {report.get('warnings')}")
    failures = "\n".join(run.stdout.splitlines()[-400:])
    assert report["failures"] == [], f"{figures}\n{failures}"
    assert report["errors"] == [] and report["test_cases"]["errored"] == 0, f"{figures}\n{failures}"
    assert report["operations"]["tested"] == report["operations"]["total"] >= 39, figures
