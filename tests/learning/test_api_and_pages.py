"""Learning agreements through the REST API and the pages: access by role (someone else's agreement is 404),
per-field errors by path, signing with the version's hash, Idempotency-Key, the EWP export, and the receiving
coordinator's page behind the emailed link."""

import pytest
from django.urls import reverse
from lxml import etree

from learning.models import LAStatus, LearningAgreement
from tests.support.learning import RECEIVING, approved_application, emailed_token, good_content, started_agreement

pytestmark = pytest.mark.django_db

BASE = "/api/v1/learning-agreements/"


def test_the_student_starts_fills_and_signs_through_the_api(world, clients, django_capture_on_commit_callbacks):
    application = approved_application(world)
    # a stranger cannot start it; the student can, once
    assert clients.student2.post(BASE, {"application": application.pk}, format="json").status_code == 404
    response = clients.student1.post(BASE, {"application": application.pk}, format="json")
    assert response.status_code == 201, response.content
    agreement_id = response.json()["id"]
    again = clients.student1.post(BASE, {"application": application.pk}, format="json")
    assert again.json()["id"] == agreement_id

    # bad content: each error on its path, with its code
    bad = good_content(isced_code="61")
    bad["components"][1]["ects"] = "abc"
    response = clients.student1.post(f"{BASE}{agreement_id}/versions/", {"content": bad}, format="json")
    assert response.status_code == 400
    assert set(response.json()["codes"]) == {"mobility.isced_code", "components.1.ects"}

    # a good version, retried with the same Idempotency-Key: one version
    headers = {"HTTP_IDEMPOTENCY_KEY": "la-save-1"}
    first = clients.student1.post(
        f"{BASE}{agreement_id}/versions/", {"content": good_content()}, format="json", **headers
    )
    second = clients.student1.post(
        f"{BASE}{agreement_id}/versions/", {"content": good_content()}, format="json", **headers
    )
    assert first.status_code == second.status_code == 201
    assert second.headers.get("Idempotent-Replayed") == "true"
    detail = first.json()
    assert detail["current_version"] == 1 and len(detail["versions"]) == 1

    # signing needs the receiving coordinator's address (per field), then works with the current hash only
    sha = detail["current_sha256"]
    response = clients.student1.post(f"{BASE}{agreement_id}/sign/", {"party": "student", "sha256": sha}, format="json")
    assert response.status_code == 400 and "receiving_contact_email" in response.json()["codes"]
    response = clients.student1.patch(
        f"{BASE}{agreement_id}/",
        {"receiving_contact_name": RECEIVING[0], "receiving_contact_email": RECEIVING[1]},
        format="json",
    )
    assert response.status_code == 200
    response = clients.student1.post(
        f"{BASE}{agreement_id}/sign/", {"party": "student", "sha256": "0" * 64}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "la_version_outdated"
    with django_capture_on_commit_callbacks(execute=True):
        response = clients.student1.post(
            f"{BASE}{agreement_id}/sign/", {"party": "student", "sha256": sha}, format="json"
        )
    assert response.status_code == 201, response.content

    # the sending coordinator: not one of another department, not the student
    assert (
        clients.coordinator_math.post(
            f"{BASE}{agreement_id}/sign/", {"party": "sending", "sha256": sha}, format="json"
        ).status_code
        == 404
    )
    assert (
        clients.student1.post(
            f"{BASE}{agreement_id}/sign/", {"party": "sending", "sha256": sha}, format="json"
        ).status_code
        == 403
    )
    assert (
        clients.coordinator_ce.post(
            f"{BASE}{agreement_id}/sign/", {"party": "sending", "sha256": sha}, format="json"
        ).status_code
        == 201
    )

    # the receiving coordinator's page: GET shows only this agreement; POST signs
    la_id, token = emailed_token()
    assert la_id == agreement_id
    page = world_client().get(reverse("learning:sign", args=[la_id, token]))
    assert page.status_code == 200 and sha.encode() in page.content
    done = world_client().post(
        reverse("learning:sign", args=[la_id, token]),
        {"sha256": sha, "decision": "signed", "signer_name": RECEIVING[0], "signer_role": "Erasmus coordinator"},
    )
    assert done.status_code == 200
    assert world_client().get(reverse("learning:sign", args=[la_id, token])).status_code == 404  # single use
    assert LearningAgreement.objects.get(pk=agreement_id).status == LAStatus.FINAL

    # the EWP export
    xml = clients.coordinator_ce.get(f"{BASE}{agreement_id}/ewp.xml")
    assert xml.status_code == 200
    root = etree.fromstring(xml.content)
    ns = {"las": root.nsmap[None]}
    assert root.find("las:la/las:first-version/las:receiving-hei-signature/las:signer-name", ns).text == RECEIVING[0]
    assert root.find("las:la/las:isced-f-code", ns).text == "0613"
    assert clients.student1.get(f"{BASE}{agreement_id}/ewp.json").json()["omobility-id"] == f"korpu-la-{agreement_id}"


def world_client():
    from django.test import Client

    return Client()


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("student1", 200),
        ("student2", 404),
        ("coordinator_ce", 200),
        ("head_ce", 200),
        ("coordinator_math", 404),
        ("head_math", 404),
        ("auditor", 200),
        ("prorector", 200),
    ],
)
def test_who_sees_an_agreement(world, clients, username, status):
    agreement = started_agreement(world)
    assert getattr(clients, username).get(f"{BASE}{agreement.pk}/").status_code == status
    assert getattr(clients, username).get(f"{BASE}{agreement.pk}/history/").status_code == status
    listed = {row["id"] for row in getattr(clients, username).get(BASE).json()["results"]}
    assert (agreement.pk in listed) == (status == 200)


def test_the_pages(world, client, django_capture_on_commit_callbacks):
    application = approved_application(world)
    client.force_login(world.student1)
    # the application's page offers to start it
    page = client.get(reverse("applications:detail", args=[application.pk]))
    assert reverse("learning:start", args=[application.pk]).encode() in page.content
    response = client.post(reverse("learning:start", args=[application.pk]))
    agreement = LearningAgreement.objects.get(application=application)
    assert response.url == reverse("learning:edit", args=[agreement.pk])
    # the form keeps what was typed and shows the error on its field
    form = client.get(response.url)
    assert form.status_code == 200
    data = {
        "mobility-start_date": "2027-02-01",
        "mobility-end_date": "2027-06-30",
        "mobility-eqf_level": "6",
        "mobility-isced_code": "0613",
        "mobility-language": "en",
        "mobility-language_level": "B2",
        "components-TOTAL_FORMS": "4",
        "components-INITIAL_FORMS": "0",
        "components-MIN_NUM_FORMS": "0",
        "components-MAX_NUM_FORMS": "60",
        "components-0-table": "A",
        "components-0-title": "Distributed Systems",
        "components-0-ects": "99",
        "components-0-term": "spring",
        "components-1-table": "A",
        "components-2-table": "A",
        "components-3-table": "A",
    }
    refused = client.post(response.url, data)
    assert refused.status_code == 200 and b"Distributed Systems" in refused.content and b"has-error" in refused.content
    data["components-0-ects"] = "30"
    saved = client.post(response.url, data)
    assert saved.status_code == 302
    detail = client.get(reverse("learning:detail", args=[agreement.pk]))
    assert detail.status_code == 200 and b"Distributed Systems" in detail.content
    # another student: 404
    client.force_login(world.student2)
    assert client.get(reverse("learning:detail", args=[agreement.pk])).status_code == 404
    # the coordinator's list
    client.force_login(world.coordinator_ce)
    assert client.get(reverse("learning:list")).status_code == 200


def test_the_demo_has_student1s_draft_ready_to_sign(settings, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from accounts.models import User
    from learning import services

    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    agreement = LearningAgreement.objects.get(participant__username="student1")
    assert agreement.status == LAStatus.DRAFT and agreement.receiving_partner.name == "Technische Universität Berlin"
    # student1 signs it as it is (the rules hold, TU Berlin's catalogue included); coordinator_ce signs next
    with django_capture_on_commit_callbacks(execute=True):
        services.la_sign(
            agreement_id=agreement.pk,
            actor=agreement.participant,
            party="student",
            sha256=agreement.current_version.sha256,
        )
    services.la_sign(
        agreement_id=agreement.pk,
        actor=User.objects.get(username="coordinator_ce"),
        party="sending",
        sha256=agreement.current_version.sha256,
    )
    assert emailed_token("anna.weber@tu-berlin.example")[0] == agreement.pk


def test_the_change_and_results_pages(world, client, django_capture_on_commit_callbacks):
    from learning import services

    agreement = started_agreement(world)
    sha = agreement.current_version.sha256
    with django_capture_on_commit_callbacks(execute=True):
        services.la_sign(agreement_id=agreement.pk, actor=world.student1, party="student", sha256=sha)
    services.la_sign(agreement_id=agreement.pk, actor=world.coordinator_ce, party="sending", sha256=sha)
    la_id, token = emailed_token()
    services.la_sign_by_link(agreement_id=la_id, token=token, sha256=sha, decision="signed", signer_name="Anna")

    # the student proposes a change: a removal without its reason is refused on its row, nothing lost
    client.force_login(world.student1)
    change_url = reverse("learning:change", args=[agreement.pk])
    assert client.get(change_url).status_code == 200
    form = {
        "added-TOTAL_FORMS": "3",
        "added-INITIAL_FORMS": "0",
        "added-MIN_NUM_FORMS": "0",
        "added-MAX_NUM_FORMS": "20",
    }
    for index in range(3):
        form[f"added-{index}-table"] = "A"
    refused = client.post(change_url, {**form, "removed-1-remove": "on", "comment": "ML-2 cancelled"})
    assert refused.status_code == 200 and b"has-error" in refused.content and b"ML-2 cancelled" in refused.content
    done = client.post(
        change_url,
        {
            **form,
            "removed-1-remove": "on",
            "removed-1-reason_code": "NOT_AVAILABLE",
            "added-0-title": "Cloud Computing",
            "added-0-code": "CC-3",
            "added-0-ects": "12",
            "added-0-term": "spring",
            "added-0-reason_code": "SUBSTITUTING_DELETED",
        },
    )
    assert done.status_code == 302
    agreement.refresh_from_db()
    assert agreement.current_version.number == 2 and agreement.current_version.is_change
    detail = client.get(reverse("learning:detail", args=[agreement.pk]))
    assert b"Cloud Computing" in detail.content and b"NOT_AVAILABLE" in detail.content
    # only the home coordinator records results
    results_url = reverse("learning:results", args=[agreement.pk])
    assert client.get(results_url).status_code == 404
    client.force_login(world.coordinator_ce)
    page = client.get(results_url)
    assert page.status_code == 200
    component = agreement.final_version.components.get(code="CE401")
    saved = client.post(results_url, {f"c{component.pk}-recognised": "true", f"c{component.pk}-home_grade": "A"})
    assert saved.status_code == 302
    assert component.__class__.objects.get(pk=component.pk).result.recognised is True


def test_the_auditor_exports_the_history_through_the_kernel(world, clients):
    agreement = started_agreement(world)
    for suffix in ("history.csv", "history.pdf"):
        answer = clients.auditor.get(f"/api/v1/audit/cases/learning_agreement/{agreement.pk}/{suffix}")
        assert answer.status_code == 200, answer.content[:300]
    csv = clients.auditor.get(f"/api/v1/audit/cases/learning_agreement/{agreement.pk}/history.csv")
    body = b"".join(csv.streaming_content) if csv.streaming else csv.content
    assert b"version_created" in body or b"New version" in body
    assert clients.student2.get(f"/api/v1/audit/cases/learning_agreement/{agreement.pk}/history.csv").status_code in (
        403,
        404,
    )
