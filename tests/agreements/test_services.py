"""Agreement drafts, versions bound by hash, the partner registry, quotas and the expiry sweep."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from agreements import services
from agreements.models import Agreement, AgreementEvent, AgreementQuota, AgreementStatus, AgreementVersion
from agreements.terms import clean_terms, terms_diff, terms_sha256
from core.errors import AgreementNotDraft
from notifications.models import Notification
from partners import services as partner_services
from tests.support.agreements import activate, iia_terms

pytestmark = pytest.mark.django_db


def test_a_draft_has_version_one_with_the_hash_of_its_canonical_terms(world, draft):
    version = draft.current_version
    assert version.number == 1
    assert version.sha256 == terms_sha256(version.terms)
    assert len(version.sha256) == 64
    # canonical: key order and condition order do not change the hash
    shuffled = dict(reversed(list(version.terms.items())))
    shuffled["conditions"] = list(reversed(version.terms["conditions"]))
    assert terms_sha256(clean_terms(shuffled)) == version.sha256
    assert draft.status == AgreementStatus.DRAFT
    assert draft.events.get().action == AgreementEvent.Action.CREATED


def test_changing_terms_makes_a_new_immutable_version_and_info_does_not(world, draft):
    services.agreement_update(agreement=draft, actor=world.coordinator_ce, partner_signatory_name="Dr. Müller")
    draft.refresh_from_db()
    assert draft.current_version.number == 1
    services.agreement_update(agreement=draft, actor=world.coordinator_ce, text="Revised text.")
    draft.refresh_from_db()
    assert draft.current_version.number == 2
    v1, v2 = AgreementVersion.objects.filter(agreement=draft).order_by("number")
    assert v1.sha256 != v2.sha256
    assert [c["field"] for c in terms_diff(v1.terms, v2.terms)] == ["text"]
    # the same terms again make no new version
    services.agreement_update(agreement=draft, actor=world.coordinator_ce, text="Revised text.")
    assert draft.versions.count() == 2
    with pytest.raises(TypeError):
        v1.save()
    with pytest.raises(TypeError):
        v1.delete()
    actions = list(draft.events.values_list("action", flat=True))
    assert actions == ["created", "info_changed", "terms_changed"]


def test_terms_are_validated_with_field_errors(world):
    bad = iia_terms(world.partners[0], end_date=date(2026, 1, 1))
    bad["conditions"][0]["subject_areas"] = ["61"]
    bad["conditions"][0]["eqf_levels"] = [3]
    bad["conditions"][1]["total_months_per_year"] = 3
    bad["conditions"].append(dict(bad["conditions"][1], total_months_per_year=None))
    with pytest.raises(ValidationError) as exc:
        services.agreement_create_draft(actor=world.coordinator_ce, department=world.departments["ce"], **bad)
    errors = exc.value.message_dict
    assert "end_date" in errors
    joined = " ".join(errors["conditions"])
    assert "ISCED-F" in joined and "EQF" in joined and "counted in days" in joined and "repeats" in joined
    assert not Agreement.objects.exists()


def test_only_coordinators_of_the_department_draft_and_edit(world, draft):
    for user in (world.coordinator_math, world.head_ce, world.student1, world.prorector):
        with pytest.raises(PermissionDenied):
            services.agreement_create_draft(
                actor=user, department=world.departments["ce"], **iia_terms(world.partners[1])
            )
        with pytest.raises(PermissionDenied):
            services.agreement_update(agreement=draft, actor=user, text="mine")
    Agreement.objects.filter(pk=draft.pk).update(status=AgreementStatus.IN_APPROVAL)
    with pytest.raises(AgreementNotDraft):
        services.agreement_update(agreement=draft, actor=world.coordinator_ce, text="too late")
    # general information still changes in approval, without a new version
    services.agreement_update(agreement=draft, actor=world.coordinator_ce, our_signatory_name="Rector")
    draft.refresh_from_db()
    assert draft.our_signatory_name == "Rector" and draft.current_version.number == 1


def test_partner_registry_validates_codes_and_keeps_them_unique(world):
    partner = partner_services.partner_create(
        actor=world.coordinator_ce,
        name="Universität Wien",
        name_az="Vyana Universiteti",
        country="AT",
        city="Wien",
        erasmus_code="A  WIEN01",
        schac_code="univie.ac.at",
        units=["Faculty of Computer Science"],
        contacts=[{"name": "Anna Berger", "role": "Erasmus coordinator", "email": "anna@univie.ac.at"}],
    )
    assert partner.units.count() == 1 and partner.contacts.get().email == "anna@univie.ac.at"
    for bad in ({"erasmus_code": "wien"}, {"schac_code": "Not A Domain"}, {"country": "Austria"}):
        with pytest.raises(ValidationError) as exc:
            partner_services.partner_create(actor=world.admin, **({"name": "X", "country": "AT", "city": "Graz"} | bad))
        assert set(bad) <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        partner_services.partner_create(
            actor=world.admin, name="Dup", country="AT", city="Wien", schac_code="univie.ac.at"
        )
    assert "schac_code" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        partner_services.partner_create(actor=world.student1, name="Y", country="AT", city="Linz")


def test_activation_materialises_quotas_per_year_and_the_constraint_holds(world, draft):
    agreement = activate(draft)
    rows = list(agreement.quotas.values_list("academic_year", "direction", "category", "places"))
    assert rows == [
        ("2026/27", "incoming", "staff_teaching", 1),
        ("2026/27", "outgoing", "student_studies", 2),
        ("2027/28", "incoming", "staff_teaching", 1),
        ("2027/28", "outgoing", "student_studies", 2),
    ]
    quota = agreement.quotas.get(academic_year="2026/27", direction="outgoing")
    assert services.quota_consume_rollback_unsafe(quota_id=quota.pk)
    assert services.quota_consume_rollback_unsafe(quota_id=quota.pk)
    assert not services.quota_consume_rollback_unsafe(quota_id=quota.pk)
    quota.refresh_from_db()
    assert quota.used == 2 and quota.remaining == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementQuota.objects.filter(pk=quota.pk).update(used=3)


def test_expiry_sweep_marks_expiring_starts_one_renewal_and_expires(world, draft):
    agreement = activate(draft)
    today = agreement.end_date - timedelta(days=100)
    first = services.agreements_expiry_sweep(today=today, window_days=180)
    second = services.agreements_expiry_sweep(today=today, window_days=180)
    assert first == {"expiring": 1, "renewals": 1, "expired": 0}
    assert second == {"expiring": 0, "renewals": 0, "expired": 0}
    expiring = Notification.objects.filter(kind="agreement_expiring", channel="in_app")
    assert sorted(expiring.values_list("recipient__username", flat=True)) == ["coordinator_ce", "head_ce"]
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.EXPIRING
    renewal = Agreement.objects.get(renewal_of=agreement)
    assert renewal.status == AgreementStatus.DRAFT
    assert renewal.start_date == agreement.end_date + timedelta(days=1)
    assert renewal.current_version.terms["conditions"][0]["first_academic_year"] == "2028/29"
    assert renewal.partner_id == agreement.partner_id
    # past the end date an unrenewed agreement expires and offers no more places
    counts = services.agreements_expiry_sweep(today=agreement.end_date + timedelta(days=1), window_days=180)
    assert counts["expired"] == 1
    assert Notification.objects.filter(kind="agreement_expired", channel="in_app").count() == 2
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.EXPIRED
    quota = agreement.quotas.filter(direction="outgoing").first()
    assert not services.quota_consume_rollback_unsafe(quota_id=quota.pk)
    assert services.agreements_expiry_sweep(today=agreement.end_date + timedelta(days=1)) == {
        "expiring": 0,
        "renewals": 0,
        "expired": 0,
    }


def test_an_active_renewal_supersedes_its_predecessor(world, draft):
    agreement = activate(draft)
    services.agreements_expiry_sweep(today=agreement.end_date - timedelta(days=10), window_days=180)
    renewal = Agreement.objects.get(renewal_of=agreement)
    activate(renewal)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SUPERSEDED
    assert agreement.events.filter(action="superseded").count() == 1
