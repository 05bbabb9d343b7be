"""A learning agreement's whole life through its services: started from an approved mobility, signed by the three
parties (the receiving coordinator through the emailed link), the signed PDF stored, a change during the mobility
signed again, results and recognition recorded — and editing after a signature, which makes a new version."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from core.errors import LAAlreadySigned, LAChangeWindowClosed, LANotSignable, LAVersionOutdated
from documents.services import letter_generate
from learning import services
from learning.models import LAEvent, LASignature, LAStatus, LAVersion, PartnerCourse, SigningLink
from tests.support.learning import RECEIVING, emailed_token, good_content, started_agreement

pytestmark = pytest.mark.django_db


def sign_all(world, agreement, django_capture_on_commit_callbacks):
    version = agreement.current_version
    with django_capture_on_commit_callbacks(execute=True):
        services.la_sign(agreement_id=agreement.pk, actor=agreement.participant, party="student", sha256=version.sha256)
    services.la_sign(agreement_id=agreement.pk, actor=world.coordinator_ce, party="sending", sha256=version.sha256)
    agreement_id, token = emailed_token()
    with django_capture_on_commit_callbacks(execute=True):
        services.la_sign_by_link(
            agreement_id=agreement_id, token=token, sha256=version.sha256, decision="signed", signer_name=RECEIVING[0]
        )
    agreement.refresh_from_db()
    return token


def test_the_full_cycle(world, django_capture_on_commit_callbacks):
    # given a started agreement whose first version meets the rules
    agreement = started_agreement(world)
    assert agreement.status == LAStatus.DRAFT and agreement.current_version.number == 1

    # when the three parties sign it
    token = sign_all(world, agreement, django_capture_on_commit_callbacks)

    # then it is final, each signature bound to the version's hash, the link used once
    assert agreement.status == LAStatus.FINAL and agreement.final_version.number == 1
    signatures = {s.party: s for s in LASignature.objects.filter(version=agreement.final_version)}
    assert set(signatures) == {"student", "sending", "receiving"}
    assert {s.sha256 for s in signatures.values()} == {agreement.final_version.sha256}
    assert signatures["receiving"].method == "link" and signatures["receiving"].signer_name == RECEIVING[0]
    assert signatures["sending"].signer == world.coordinator_ce
    with pytest.raises(Http404):
        services.signing_link_access(agreement_id=agreement.pk, token=token)

    # and the signed PDF is stored for the final version
    document = letter_generate(purpose=services.SIGNED_PDF, case_id=agreement.final_version.pk)
    assert document is not None and document.original_name.endswith(".pdf")
    assert LAEvent.objects.filter(agreement=agreement, action="pdf_stored", version_number=1).exists()

    # when a component is not available on arrival: a change proposal, signed again by all three
    with django_capture_on_commit_callbacks(execute=True):
        change = services.la_change_propose(
            agreement_id=agreement.pk,
            actor=agreement.participant,
            removed=[{"position": 1, "reason_code": "NOT_AVAILABLE"}],
            added=[
                {
                    "table": "A",
                    "code": "CC-3",
                    "title": "Cloud Computing",
                    "ects": "12",
                    "term": "spring",
                    "reason_code": "SUBSTITUTING_DELETED",
                }
            ],
            comment="ML-2 is not offered this spring.",
        )
    agreement.refresh_from_db()
    assert change.number == 2 and change.is_change and agreement.status == LAStatus.DRAFT
    assert agreement.final_version.number == 1  # still the signed one until the change is signed
    event = LAEvent.objects.get(agreement=agreement, action="change_proposed")
    assert [c["code"] for c in event.data["diff"]["added"]] == ["CC-3"]
    assert [(c["code"], c["reason_code"]) for c in event.data["diff"]["removed"]] == [("ML-2", "NOT_AVAILABLE")]
    sign_all(world, agreement, django_capture_on_commit_callbacks)
    assert agreement.status == LAStatus.FINAL and agreement.final_version.number == 2

    # and the PDF of version 2 shows both versions
    from learning.letters import signed_pdf_content

    content = signed_pdf_content(agreement.final_version)
    history = [en for _az, en in content.paragraphs if en.startswith("Version ")]
    assert history[0].startswith("Version 1: the first version")
    assert "Cloud Computing" in history[1] and "NOT_AVAILABLE" in history[1]

    # after the mobility: the host's transcript, then the recognition; the student sees it
    components = {c.code: c for c in agreement.final_version.components.all()}
    services.la_results_record(
        agreement_id=agreement.pk,
        actor=world.coordinator_ce,
        rows=[
            {"component": components[code].pk, "grade": "1.7", "credits_obtained": "12"} for code in ("DS-1", "CC-3")
        ],
    )
    services.la_results_record(
        agreement_id=agreement.pk,
        actor=world.coordinator_ce,
        rows=[{"component": components[code].pk, "recognised": True, "home_grade": "A"} for code in ("CE401", "CE402")],
    )
    agreement.refresh_from_db()
    assert agreement.status == LAStatus.RECOGNISED
    recognised = {r.component.code: r.recognised_credits for r in agreement.results.select_related("component")}
    assert str(recognised["CE401"]) == "18.0" and str(recognised["CE402"]) == "12.0"
    # the recognised credits feed the office's figures
    from learning.selectors import recognised_credits

    (row,) = recognised_credits()
    assert (row["agreement__department__code"], str(row["credits"]), row["agreements"]) == ("ce", "30.0", 1)


def test_editing_after_a_signature_makes_a_new_version_and_keeps_the_old_signatures(
    world, django_capture_on_commit_callbacks
):
    agreement = started_agreement(world)
    v1 = agreement.current_version
    with django_capture_on_commit_callbacks(execute=True):
        services.la_sign(agreement_id=agreement.pk, actor=world.student1, party="student", sha256=v1.sha256)
    services.la_sign(agreement_id=agreement.pk, actor=world.coordinator_ce, party="sending", sha256=v1.sha256)
    _id, old_token = emailed_token()

    # when the student edits the signed version
    content = good_content(end_date="2027-07-15")
    v2 = services.la_save(agreement_id=agreement.pk, actor=world.student1, content=content, comment="Longer stay")

    # then it is a new version; the old one keeps its two signatures; the agreement waits for signatures again
    agreement.refresh_from_db()
    assert v2.number == 2 and v2.sha256 != v1.sha256
    assert agreement.status == LAStatus.DRAFT and agreement.current_version == v2
    assert set(LASignature.objects.filter(version=v1).values_list("party", flat=True)) == {"student", "sending"}
    assert not LASignature.objects.filter(version=v2).exists()
    assert LAVersion.objects.get(pk=v1.pk).content == v1.content  # immutable
    # the link to version 1 no longer opens
    with pytest.raises(Http404):
        services.signing_link_access(agreement_id=agreement.pk, token=old_token)
    assert SigningLink.objects.get(version=v1).revoked_at is not None
    # a signature of the old hash is refused
    with pytest.raises(LAVersionOutdated):
        services.la_sign(agreement_id=agreement.pk, actor=world.student1, party="student", sha256=v1.sha256)
    # the coordinator cannot sign before the student signed the new version
    with pytest.raises(LANotSignable):
        services.la_sign(agreement_id=agreement.pk, actor=world.coordinator_ce, party="sending", sha256=v2.sha256)
    # saving the same content again makes no version
    assert services.la_save(agreement_id=agreement.pk, actor=world.student1, content=content).pk == v2.pk
    # the timeline shows the edit of a signed version with its difference
    event = LAEvent.objects.filter(agreement=agreement, action="version_created").last()
    assert event.data["replaces_signed"] is True
    assert event.data["diff"]["mobility"] == [{"field": "end_date", "old": "2027-06-30", "new": "2027-07-15"}]


def test_rules_are_checked_with_a_message_per_field_before_the_student_signs(world, settings):
    settings.LA_MIN_ECTS_PER_SEMESTER = 20
    content = good_content(language_level="A2")
    content["components"][0]["ects"] = "2"  # Table A: 20 ECTS; Table B: 30
    agreement = started_agreement(world, content=content)
    PartnerCourse.objects.create(partner=agreement.receiving_partner, code="DS-1", title="Distributed Systems", ects=12)
    with pytest.raises(ValidationError) as refused:
        services.la_sign(
            agreement_id=agreement.pk, actor=world.student1, party="student", sha256=agreement.current_version.sha256
        )
    errors = refused.value.error_dict
    codes = {path: [e.code for e in items] for path, items in errors.items()}
    assert "la_credits_mismatch" in codes["components"]
    assert codes["mobility.language_level"] == ["la_language_level"]  # the call asks for B1
    assert codes["components.1.code"] == ["la_not_in_catalogue"]  # ML-2 is not in the catalogue
    assert codes["components.0.ects"] == ["la_not_in_catalogue"]  # the catalogue gives 12 ECTS
    # a bad field when saving is refused on its path
    bad = good_content(start_date="2027-13-01")
    bad["components"][2]["ects"] = "-1"
    with pytest.raises(ValidationError) as refused:
        services.la_save(agreement_id=agreement.pk, actor=world.student1, content=bad)
    assert set(refused.value.error_dict) == {"mobility.start_date", "components.2.ects"}


def test_ects_per_semester_outside_the_range_is_refused(world):
    content = good_content()
    content["components"] = [
        {"table": "A", "code": "X", "title": "Only course", "ects": "10", "term": "spring"},
        {"table": "B", "code": "Y", "title": "Recognised", "ects": "10", "term": "spring"},
    ]
    agreement = started_agreement(world, content=content)
    with pytest.raises(ValidationError) as refused:
        services.la_sign(
            agreement_id=agreement.pk, actor=world.student1, party="student", sha256=agreement.current_version.sha256
        )
    message = refused.value.error_dict["components"][0]
    assert message.code == "la_ects_out_of_range"
    assert "between 20 and 35" in message.message % (message.params or {})


def test_a_rejection_needs_a_reason_and_waits_for_a_new_version(world, django_capture_on_commit_callbacks):
    agreement = started_agreement(world)
    version = agreement.current_version
    with django_capture_on_commit_callbacks(execute=True):
        services.la_sign(agreement_id=agreement.pk, actor=world.student1, party="student", sha256=version.sha256)
    agreement_id, token = emailed_token()
    with pytest.raises(ValidationError):
        services.la_sign_by_link(
            agreement_id=agreement_id, token=token, sha256=version.sha256, decision="rejected", signer_name="Anna"
        )
    services.la_sign_by_link(
        agreement_id=agreement_id,
        token=token,
        sha256=version.sha256,
        decision="rejected",
        signer_name="Anna",
        reason="DS-1 is a master's course.",
    )
    agreement.refresh_from_db()
    assert agreement.status == LAStatus.REJECTED
    with pytest.raises(LANotSignable):
        services.la_sign(agreement_id=agreement.pk, actor=world.coordinator_ce, party="sending", sha256=version.sha256)
    event = LAEvent.objects.get(agreement=agreement, action="rejected")
    assert event.comment == "DS-1 is a master's course." and event.data["method"] == "link"


def test_links_expire_are_revoked_and_open_only_their_own_agreement(world, django_capture_on_commit_callbacks):
    agreement = started_agreement(world)
    other = started_agreement(world, world.student2)
    for la in (agreement, other):
        with django_capture_on_commit_callbacks(execute=True):
            services.la_sign(
                agreement_id=la.pk, actor=la.participant, party="student", sha256=la.current_version.sha256
            )
    links = {la.pk: SigningLink.objects.get(agreement=la) for la in (agreement, other)}
    tokens = {}
    for message in mail.outbox:
        for la_id in links:
            marker = f"/learning/{la_id}/sign/"
            if marker in message.body:
                tokens[la_id] = message.body.split(marker)[1].split("/")[0]
    assert set(tokens) == {agreement.pk, other.pk}
    assert all(link.token_sha256 != tokens[la_id] for la_id, link in links.items())  # only the hash is stored

    # someone else's link: 404 on this agreement
    with pytest.raises(Http404):
        services.signing_link_access(agreement_id=agreement.pk, token=tokens[other.pk])
    # a made-up token: 404
    with pytest.raises(Http404):
        services.signing_link_access(agreement_id=agreement.pk, token="not-a-token")
    # the own link opens (and the opening is in the timeline)
    assert (
        services.signing_link_access(agreement_id=agreement.pk, token=tokens[agreement.pk]).pk == links[agreement.pk].pk
    )
    assert LAEvent.objects.filter(agreement=agreement, action="link_opened").count() == 1

    # expired: 404, and the attempt is in the timeline
    SigningLink.objects.filter(pk=links[agreement.pk].pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Http404):
        services.signing_link_access(agreement_id=agreement.pk, token=tokens[agreement.pk])
    assert LAEvent.objects.get(agreement=agreement, action="link_refused").comment == "expired"

    # a fresh link replaces it; the coordinator revokes it: 404
    with django_capture_on_commit_callbacks(execute=True):
        fresh = services.signing_link_reissue(agreement_id=agreement.pk, actor=world.coordinator_ce)
    _id, fresh_token = emailed_token()
    assert services.signing_link_access(agreement_id=agreement.pk, token=fresh_token).pk == fresh.pk
    services.signing_link_revoke(agreement_id=agreement.pk, link_id=fresh.pk, actor=world.coordinator_ce)
    with pytest.raises(Http404):
        services.signing_link_access(agreement_id=agreement.pk, token=fresh_token)
    with pytest.raises(Http404):
        services.la_sign_by_link(
            agreement_id=agreement.pk,
            token=fresh_token,
            sha256=agreement.current_version.sha256,
            decision="signed",
            signer_name="Anna",
        )
    actions = list(LAEvent.objects.filter(agreement=agreement).values_list("action", flat=True))
    assert actions.count("link_sent") == 2 and "link_revoked" in actions and actions.count("link_refused") >= 2


def test_who_may_sign(world, django_capture_on_commit_callbacks):
    agreement = started_agreement(world)
    sha = agreement.current_version.sha256
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.la_sign(agreement_id=agreement.pk, actor=world.student2, party="student", sha256=sha)
    with django_capture_on_commit_callbacks(execute=True):
        services.la_sign(agreement_id=agreement.pk, actor=world.student1, party="student", sha256=sha)
    # a coordinator of another department, a head: not the sending coordinator
    for user in (world.coordinator_math, world.head_ce, world.student1):
        with pytest.raises(PermissionDenied):
            services.la_sign(agreement_id=agreement.pk, actor=user, party="sending", sha256=sha)
    services.la_sign(agreement_id=agreement.pk, actor=world.coordinator_ce, party="sending", sha256=sha)
    with pytest.raises(LAAlreadySigned):
        services.la_sign(agreement_id=agreement.pk, actor=world.coordinator_ce, party="sending", sha256=sha)


def test_changes_close_after_the_window(world, settings, django_capture_on_commit_callbacks):
    start = timezone.localdate() - timedelta(days=10)
    content = good_content(start_date=start.isoformat(), end_date=(start + timedelta(days=120)).isoformat())
    agreement = started_agreement(world, content=content)
    sign_all(world, agreement, django_capture_on_commit_callbacks)
    settings.LA_CHANGE_WINDOW_DAYS = 9
    with pytest.raises(LAChangeWindowClosed):
        services.la_change_propose(
            agreement_id=agreement.pk,
            actor=world.student1,
            removed=[{"position": 0, "reason_code": "OTHER", "reason_text": "x"}],
            added=[],
        )
    # a change without reasons is refused per field
    settings.LA_CHANGE_WINDOW_DAYS = 100000
    with pytest.raises(ValidationError) as refused:
        services.la_change_propose(
            agreement_id=agreement.pk,
            actor=world.student1,
            removed=[{"position": 0}],
            added=[{"table": "A", "title": "New", "ects": "6", "term": "spring"}],
        )
    assert set(refused.value.error_dict) == {"components.0.reason_code", "components.5.reason_code"}


def test_whoever_has_not_signed_is_reminded_once_a_day(world, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from notifications.models import Notification

    agreement = started_agreement(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.la_sign(
            agreement_id=agreement.pk, actor=world.student1, party="student", sha256=agreement.current_version.sha256
        )
    later = timezone.now() + timedelta(days=4)
    # nothing is due yet
    assert services.signature_reminders_send() == 0
    # four days later: the sending coordinators in the app and by email; the receiving coordinator a fresh link
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.signature_reminders_send(now=later) == 2
    reminders = Notification.objects.filter(kind="la_signature_reminder")
    assert {n.recipient.username for n in reminders} == {"coordinator_ce"}
    assert emailed_token()[0] == agreement.pk
    # the same day again: nothing more
    with django_capture_on_commit_callbacks(execute=True):
        assert services.signature_reminders_send(now=later) == 0
    assert reminders.count() == 2  # in the app and by email, once
    assert LAEvent.objects.filter(agreement=agreement, action="reminded").count() == 2
