"""The agreement and partner pages, and the inbox and task page for agreement tasks, driven through the
Django test client: the whole lifecycle, send-backs and version binding, access rules, the CSV export
and constant query counts."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import services
from agreements.models import Agreement, AgreementStatus
from partners import services as partner_services
from partners.models import PartnerInstitution
from tests.support.agreements import iia_terms, make_active
from tests.support.drivers import approve_all, make_submitted_application
from tests.support.factories import PartnerFactory
from tests.support.files import pdf_upload
from tests.support.pages import count_queries, task_url, text
from workflows.selectors import open_task_for_agreement
from workflows.services import case_document_attach, case_submit

pytestmark = pytest.mark.django_db


EMPTY_CONDITION = {
    "direction": "",
    "category": "",
    "first_academic_year": "",
    "last_academic_year": "",
    "mobilities_per_year": "",
    "total_months_per_year": "",
    "total_days_per_year": "",
    "subject_areas": "",
    "eqf_levels": "",
    "languages": "",
}


def agreement_form_data(world, partner, conditions=None, *, initial=0, **overrides) -> dict:
    """The new/edit agreement form as a browser posts it: terms, general information, conditions rows."""
    conditions = (
        conditions
        if conditions is not None
        else [
            {
                "direction": "outgoing",
                "category": "student_studies",
                "first_academic_year": "2026/27",
                "last_academic_year": "2027/28",
                "mobilities_per_year": "2",
                "total_months_per_year": "10",
                "subject_areas": "0613",
                "eqf_levels": "6, 7",
                "languages": "en:B2",
            },
            {
                "direction": "incoming",
                "category": "staff_teaching",
                "first_academic_year": "2026/27",
                "last_academic_year": "2027/28",
                "mobilities_per_year": "1",
                "total_days_per_year": "5",
            },
        ]
    )
    data = {
        "department": str(world.departments["ce"].pk),
        "title": f"Erasmus+ IIA with {partner.name}",
        "type": "erasmus_iia",
        "partner": str(partner.pk),
        "partner_unit": "",
        "start_date": "2026-09-01",
        "end_date": "2028-08-31",
        "text": "Both parties agree to exchange students and staff.",
        "number": "",
        "our_signatory_name": "Prof. Aliyev",
        "our_signatory_position": "Rector",
        "partner_signatory_name": "",
        "partner_signatory_position": "",
        "partner_signatory_email": "",
        "conditions-TOTAL_FORMS": str(len(conditions) + 1),
        "conditions-INITIAL_FORMS": str(initial),
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "1000",
    }
    for index, condition in enumerate([*conditions, {}]):
        for key, value in {**EMPTY_CONDITION, **condition}.items():
            data[f"conditions-{index}-{key}"] = value
    data.update(overrides)
    return data


def create_through_pages(client, world, partner, **overrides) -> Agreement:
    response = client.post(reverse("agreements:create"), agreement_form_data(world, partner, **overrides))
    assert response.status_code == 302, text(response)[:3000]
    return Agreement.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


def act_through_pages(client, user, agreement, action, **data):
    """Open the inbox, follow the agreement's link to its task page and post one of its forms."""
    client.force_login(user)
    url = task_url(agreement)
    assert f'href="{url}"' in text(client.get(reverse("workflows:inbox")))
    assert client.get(url).status_code == 200
    task_id = open_task_for_agreement(agreement=agreement).pk
    return client.post(url, {"action": action, "task_id": task_id, **data}, follow=True)


# --- the lifecycle ---------------------------------------------------------------------------------


def test_full_lifecycle_through_the_pages(client, world):
    # the coordinator registers a new partner with a unit and a contact
    client.force_login(world.coordinator_ce)
    response = client.post(
        reverse("agreements:partner_create"),
        {
            "name": "Technische Universität Wien",
            "name_az": "Vyana Texniki Universiteti",
            "country": "at",
            "city": "Vienna",
            "erasmus_code": "A  WIEN02",
            "schac_code": "tuwien.ac.at",
            "website": "https://www.tuwien.at",
            "units": "Faculty of Informatics\nFaculty of Physics",
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0",
            "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "1000",
            "contacts-0-name": "Dr. Anna Huber",
            "contacts-0-role": "International office",
            "contacts-0-email": "anna.huber@tuwien.ac.at",
            "contacts-0-phone": "+43 1 58801",
        },
        follow=True,
    )
    assert response.status_code == 200, text(response)[:3000]
    partner = PartnerInstitution.objects.get(erasmus_code="A  WIEN02")
    assert partner.country == "AT"
    page = text(response)
    for expected in ("Technische Universität Wien", "Faculty of Informatics", "Dr. Anna Huber", "tuwien.ac.at"):
        assert expected in page
    unit = partner.units.get(name="Faculty of Informatics")

    # drafts an agreement with it on the new-agreement page and adds a draft text
    agreement = create_through_pages(client, world, partner, partner_unit=str(unit.pk))
    page = text(client.get(agreement.get_absolute_url()))
    assert "Draft" in page and "Faculty of Informatics" in page
    assert "Student mobility for studies" in page and "2026/27 – 2027/28" in page and "en B2" in page
    assert "Submit for approval" in page
    response = client.post(
        reverse("agreements:upload", args=[agreement.pk]), {"kind": "agreement_draft", "file": pdf_upload("draft.pdf")}
    )
    assert response.status_code == 302
    page = text(client.get(agreement.get_absolute_url()))
    assert "draft.pdf" in page

    # submits it
    response = client.post(reverse("agreements:submit", args=[agreement.pk]), follow=True)
    assert "The draft is submitted" in text(response)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_APPROVAL

    # the head and the prorector find it in their inbox, read the terms on the task page and approve
    for user in (world.head_ce, world.prorector):
        client.force_login(user)
        inbox = text(client.get(reverse("workflows:inbox")))
        assert f"Agreement #{agreement.pk}" in inbox and partner.name in inbox
        task_page = text(client.get(task_url(agreement)))
        assert "Record decision" in task_page and "Student mobility for studies" in task_page
        assert "draft.pdf" in task_page
        response = act_through_pages(client, user, agreement, "decide", decision="approve", comment=f"OK {user}")
        assert "Decision recorded: Approve" in text(response)
        assert response.redirect_chain[-1][0] == reverse("workflows:inbox")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.AWAITING_SIGNATURE

    # the coordinator marks it sent, then uploads the copy signed by both sides
    client.force_login(world.coordinator_ce)
    inbox = text(client.get(reverse("workflows:inbox")))
    assert "Send to the partner" in inbox
    assert "Mark as sent" in text(client.get(task_url(agreement)))
    response = act_through_pages(client, world.coordinator_ce, agreement, "mark_sent", comment="By courier")
    assert "Recorded as sent to the partner" in text(response)
    assert "Upload the signed copy" in text(client.get(reverse("workflows:inbox")))
    response = act_through_pages(
        client,
        world.coordinator_ce,
        agreement,
        "record_signed",
        our_signed_on=timezone.localdate().isoformat(),
        partner_signed_on=timezone.localdate().isoformat(),
        file=pdf_upload("signed-both.pdf"),
    )
    assert "The signed copy is stored and the agreement is active." in text(response)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.quotas.count() == 4

    page = text(client.get(agreement.get_absolute_url()))
    assert "badge-ag-active" in page and "signed-both.pdf" in page
    quotas = page[page.index('id="quotas"') : page.index('id="documents"')]
    assert quotas.count("<tr>") == 5 and "2027/28" in quotas
    timeline = page[page.index('id="timeline"') :]
    for expected in ("Submitted for approval", "Approved", "Sent to the partner", "Signed copy uploaded", "Activated"):
        assert expected in timeline
    assert f"OK {world.head_ce}" in timeline and "By courier" in timeline
    assert timeline.count(f"<code>{agreement.current_version.sha256[:8]}</code>") >= 5


def test_send_back_then_an_edit_of_the_terms_needs_the_head_again(client, world, draft):
    case_submit(case=draft, actor=world.coordinator_ce)
    act_through_pages(client, world.head_ce, draft, "decide", decision="approve", comment="fine")
    response = act_through_pages(
        client, world.prorector, draft, "decide", decision="request_changes", comment="One student a year only."
    )
    assert "Decision recorded: Send back for changes" in text(response)

    client.force_login(world.coordinator_ce)
    page = text(client.get(draft.get_absolute_url()))
    assert "Sent back to the draft" in page and "One student a year only." in page
    assert "Resubmit for approval" in page
    # the revise task lands on the agreement page
    response = client.get(task_url(draft))
    assert response.status_code == 302 and response.url == draft.get_absolute_url()

    # the edit form shows the current terms; halving the places saves version 2
    edit = text(client.get(reverse("agreements:edit", args=[draft.pk])))
    assert 'value="0613"' in edit and 'value="en:B2"' in edit
    data = agreement_form_data(world, world.partners[0], initial=2)
    data["conditions-0-mobilities_per_year"] = "1"
    data["title"] = iia_terms(world.partners[0])["title"]
    response = client.post(reverse("agreements:edit", args=[draft.pk]), data, follow=True)
    assert "Saved as version 2 of the terms." in text(response)
    response = client.post(reverse("agreements:submit", args=[draft.pk]), follow=True)
    assert "resubmitted" in text(response)
    draft.refresh_from_db()
    assert draft.current_version.number == 2
    assert open_task_for_agreement(agreement=draft).flow_task.name == "head_review"
    client.force_login(world.head_ce)
    assert f"Agreement #{draft.pk}" in text(client.get(reverse("workflows:inbox")))

    # the diff between the versions names what changed
    client.force_login(world.coordinator_ce)
    diff = text(client.get(reverse("agreements:versions", args=[draft.pk]) + "?a=1&b=2"))
    assert "Changes from version 1 to version 2" in diff
    assert "Condition: Outgoing · Student mobility for studies" in diff
    assert "2026/27 – 2027/28: 2 per year" in diff and "2026/27 – 2027/28: 1 per year" in diff
    assert "Condition: Incoming" not in diff
    assert client.get(reverse("agreements:versions", args=[draft.pk]) + "?a=7").status_code == 400


def test_unchanged_save_makes_no_version_and_no_event(client, world, draft):
    client.force_login(world.coordinator_ce)
    terms = draft.current_version.terms
    data = agreement_form_data(world, world.partners[0], initial=2, title=terms["title"])
    data["our_signatory_name"] = ""
    data["our_signatory_position"] = ""
    response = client.post(reverse("agreements:edit", args=[draft.pk]), data, follow=True)
    assert "Your changes are saved." in text(response)
    assert draft.versions.count() == 1
    assert list(draft.events.values_list("action", flat=True)) == ["created"]


def test_coordinator_sends_back_from_the_signature_step(client, world, draft):
    case_submit(case=draft, actor=world.coordinator_ce)
    for user in (world.head_ce, world.prorector):
        act_through_pages(client, user, draft, "decide", decision="approve", comment="ok")
    response = act_through_pages(client, world.coordinator_ce, draft, "send_back", comment="")
    assert response.status_code == 400 and "Say what should change before the case comes back." in text(response)
    response = act_through_pages(client, world.coordinator_ce, draft, "send_back", comment="The partner wants 3.")
    assert "back in draft" in text(response)
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT


def test_signed_copy_needs_dates_and_a_file(client, world, draft):
    case_submit(case=draft, actor=world.coordinator_ce)
    for user in (world.head_ce, world.prorector):
        act_through_pages(client, user, draft, "decide", decision="approve", comment="ok")
    act_through_pages(client, world.coordinator_ce, draft, "mark_sent")
    response = act_through_pages(client, world.coordinator_ce, draft, "record_signed", partner_signed_on="2999-01-01")
    assert response.status_code == 400
    page = text(response)
    assert "Give the signing date." in page and "cannot be in the future" in page and "Upload the copy" in page
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.AWAITING_SIGNATURE


def test_double_post_of_a_decision_says_already_decided(client, world, draft):
    case_submit(case=draft, actor=world.coordinator_ce)
    client.force_login(world.head_ce)
    url = task_url(draft)
    data = {"action": "decide", "task_id": open_task_for_agreement(agreement=draft).pk, "decision": "approve"}
    assert client.post(url, data).status_code == 302
    second = client.post(url, data, follow=True)
    assert "This task has already been decided." in text(second)
    assert draft.events.filter(action="approved").count() == 1


def test_terms_errors_show_on_the_form_and_nothing_is_saved(client, world):
    client.force_login(world.coordinator_ce)
    data = agreement_form_data(world, world.partners[0], end_date="2026-01-01")
    data["conditions-0-subject_areas"] = "61"
    data["conditions-0-languages"] = "English"
    response = client.post(reverse("agreements:create"), data)
    assert response.status_code == 400
    assert "code:level" in text(response)
    data["conditions-0-languages"] = "en:B2"
    data["conditions-1-total_months_per_year"] = "3"
    response = client.post(reverse("agreements:create"), data)
    assert response.status_code == 400
    page = text(response)
    assert "The agreement must end after it starts." in page
    assert "ISCED-F" in page and "counted in days" in page
    assert not Agreement.objects.exists()


# --- access ----------------------------------------------------------------------------------------


def test_students_see_no_agreements_or_partners(client, world, draft):
    client.force_login(world.student1)
    home = text(client.get(reverse("applications:mine")))
    assert reverse("agreements:list") not in home and reverse("agreements:partners") not in home
    for url in (
        reverse("agreements:list"),
        reverse("agreements:export"),
        reverse("agreements:create"),
        reverse("agreements:partners"),
        reverse("agreements:partner_create"),
        reverse("agreements:partner", args=[world.partners[0].pk]),
        reverse("agreements:partner_edit", args=[world.partners[0].pk]),
        draft.get_absolute_url(),
        reverse("agreements:edit", args=[draft.pk]),
        reverse("agreements:versions", args=[draft.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("agreements:submit", args=[draft.pk])).status_code == 404


def test_a_coordinator_of_another_department_gets_404_and_a_head_403_on_editing(client, world, draft):
    case_submit(case=draft, actor=world.coordinator_ce)
    client.force_login(world.coordinator_math)
    for url in (
        draft.get_absolute_url(),
        reverse("agreements:edit", args=[draft.pk]),
        reverse("agreements:versions", args=[draft.pk]),
        task_url(draft),
    ):
        assert client.get(url).status_code == 404, url
    assert f"Erasmus+ IIA with {world.partners[0].name}" not in text(client.get(reverse("agreements:list")))

    client.force_login(world.head_ce)
    page = text(client.get(draft.get_absolute_url()))
    assert "Edit draft" not in page and "Upload a document" not in page
    assert "This agreement is waiting for you" in page
    assert client.get(reverse("agreements:edit", args=[draft.pk])).status_code == 403
    assert client.get(reverse("agreements:create")).status_code == 403
    assert client.post(reverse("agreements:submit", args=[draft.pk])).status_code == 403
    assert client.get(reverse("agreements:partner_create")).status_code == 403
    response = client.post(
        reverse("agreements:upload", args=[draft.pk]), {"kind": "other", "file": pdf_upload("signed.pdf")}, follow=False
    )
    assert response.status_code == 403

    # the prorector sees it but may not decide the head's step
    client.force_login(world.prorector)
    page = text(client.get(task_url(draft)))
    assert "which you may not decide" in page
    data = {"action": "decide", "task_id": open_task_for_agreement(agreement=draft).pk, "decision": "approve"}
    assert client.post(task_url(draft), data).status_code == 403


def test_documents_download_for_those_who_see_the_agreement(client, world, draft):
    document = case_document_attach(
        case=draft, actor=world.coordinator_ce, kind="agreement_draft", file=pdf_upload("text.pdf")
    )
    url = reverse("agreements:document", args=[draft.pk, document.pk])
    assert document.get_absolute_url() == url
    client.force_login(world.head_ce)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    for user in (world.coordinator_math, world.student1):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(world.coordinator_ce)
    response = client.post(
        reverse("agreements:upload", args=[draft.pk]), {"kind": "other", "file": pdf_upload("x.html")}
    )
    assert response.status_code == 400


# --- lists, export, partners ----------------------------------------------------------------------


def test_list_filters_and_csv_export(client, world, draft):
    math_draft = services.agreement_create_draft(
        actor=world.coordinator_math,
        department=world.departments["math"],
        **iia_terms(world.partners[1], type="mou", title="MOU with the math partner"),
    )
    client.force_login(world.prorector)
    page = text(client.get(reverse("agreements:list")))
    assert draft.title in page and math_draft.title in page
    page = text(client.get(reverse("agreements:list") + "?type=mou"))
    assert draft.title not in page and math_draft.title in page
    page = text(client.get(reverse("agreements:list") + f"?department={world.departments['ce'].pk}"))
    assert draft.title in page and math_draft.title not in page
    page = text(client.get(reverse("agreements:list") + "?status=active"))
    assert "No agreements match." in page
    assert "export.csv?status=active" in page

    response = client.get(reverse("agreements:export") + "?type=mou")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["ID", "Number", "Title", "Type", "Status"]
    assert len(rows) == 2
    row = rows[1]
    assert row[0] == str(math_draft.pk) and row[2] == "MOU with the math partner"
    assert row[3] == "Memorandum of understanding" and row[4] == "Draft"
    assert row[5] == world.partners[1].name and row[9] == "Mathematics"
    assert row[12] == "1" and row[13] == math_draft.current_version.sha256

    # a coordinator exports only their department's
    client.force_login(world.coordinator_ce)
    rows = list(csv.reader(io.StringIO(client.get(reverse("agreements:export")).content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [str(draft.pk)]


def test_expiring_within_filter(client, world):
    soon = make_active(
        world,
        services.agreement_create_draft(
            actor=world.coordinator_ce,
            department=world.departments["ce"],
            **iia_terms(world.partners[0], start_date=date(2025, 1, 1), end_date=date(2027, 1, 31)),
        ),
    )
    later = make_active(
        world,
        services.agreement_create_draft(
            actor=world.coordinator_ce, department=world.departments["ce"], **iia_terms(world.partners[1])
        ),
    )
    client.force_login(world.coordinator_ce)
    page = text(client.get(reverse("agreements:list") + "?expiring_within_days=90"))
    assert soon.title in page and later.title not in page


def test_list_page_and_export_run_a_constant_number_of_queries(client, world):
    client.force_login(world.coordinator_ce)
    services.agreement_create_draft(
        actor=world.coordinator_ce, department=world.departments["ce"], **iia_terms(world.partners[0])
    )
    one = count_queries(client, reverse("agreements:list"))
    one_csv = count_queries(client, reverse("agreements:export"))
    for _ in range(4):
        services.agreement_create_draft(
            actor=world.coordinator_ce, department=world.departments["ce"], **iia_terms(PartnerFactory())
        )
    assert text(client.get(reverse("agreements:list"))).count("badge-ag-draft") == 5
    assert count_queries(client, reverse("agreements:list")) == one
    assert count_queries(client, reverse("agreements:export")) == one_csv


def test_partner_list_search_and_partner_page_with_quotas_and_mobilities(client, world):
    agreement = make_active(
        world,
        services.agreement_create_draft(
            actor=world.coordinator_ce, department=world.departments["ce"], **iia_terms(world.partners[0])
        ),
    )
    application = make_submitted_application(world)
    approve_all(world, application)
    other = PartnerFactory(name="Université de Lyon", country="FR", city="Lyon", erasmus_code="F  LYON03")

    client.force_login(world.head_ce)
    page = text(client.get(reverse("agreements:partners") + "?country=fr"))
    assert other.name in page and world.partners[0].name not in page
    page = text(client.get(reverse("agreements:partners") + "?search=lyon"))
    assert other.name in page and world.partners[0].name not in page
    page = text(client.get(reverse("agreements:partners") + "?erasmus_code=LYON"))
    assert other.name in page
    page = text(client.get(reverse("agreements:partners") + "?city=berl"))
    assert other.name not in page and world.partners[0].name in page
    assert "New partner" not in page

    page = text(client.get(world.partners[0].get_absolute_url()))
    assert agreement.title in page and "badge-ag-active" in page
    agreements = page[page.index('id="agreements"') : page.index('id="mobilities"')]
    assert agreements.count("<tr>") == 5
    mobilities = page[page.index('id="mobilities"') :]
    assert f"#{application.pk}" in mobilities and "student1" in mobilities


def test_partner_edit_validates_and_keeps_units_agreements_name(client, world):
    partner = world.partners[0]
    unit = partner_services.partner_update(partner=partner, actor=world.admin, units=["Faculty of Law"]).units.get()
    services.agreement_create_draft(
        actor=world.coordinator_ce,
        department=world.departments["ce"],
        **iia_terms(partner, partner_unit=unit.pk),
    )
    client.force_login(world.coordinator_ce)
    edit = text(client.get(reverse("agreements:partner_edit", args=[partner.pk])))
    assert "Faculty of Law" in edit
    data = {
        "name": partner.name,
        "name_az": "",
        "country": "DE",
        "city": "Berlin",
        "erasmus_code": "BERLIN",
        "schac_code": "",
        "website": "",
        "units": "Faculty of Law",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        **{f"contacts-0-{k}": "" for k in ("name", "role", "email", "phone")},
    }
    response = client.post(reverse("agreements:partner_edit", args=[partner.pk]), data)
    assert response.status_code == 400 and "Erasmus code such as" in text(response)
    data.update(erasmus_code="D  BERLIN77", units="")
    response = client.post(reverse("agreements:partner_edit", args=[partner.pk]), data)
    assert response.status_code == 400 and "cannot be removed" in text(response)
    data.update(units="Faculty of Law\nFaculty of Arts")
    response = client.post(reverse("agreements:partner_edit", args=[partner.pk]), data)
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.erasmus_code == "D  BERLIN77"
    assert sorted(partner.units.values_list("name", flat=True)) == ["Faculty of Arts", "Faculty of Law"]


# --- the inbox with both kinds of case -------------------------------------------------------------


def test_inbox_lists_applications_and_agreements_with_constant_queries(client, world, draft):
    case_submit(case=draft, actor=world.coordinator_ce)
    make_submitted_application(world)
    # the head has the agreement now; the application reaches them after the coordinator
    client.force_login(world.head_ce)
    url = reverse("workflows:inbox")
    page = text(client.get(url))
    assert f"Agreement #{draft.pk}" in page and "Department head review" in page
    assert world.partners[0].name in page and draft.title in page and "Computer Engineering" in page
    one = count_queries(client, url)
    for _ in range(4):
        case_submit(
            case=services.agreement_create_draft(
                actor=world.coordinator_ce, department=world.departments["ce"], **iia_terms(PartnerFactory())
            ),
            actor=world.coordinator_ce,
        )
    assert text(client.get(url)).count('class="btn btn-small"') == 5
    assert count_queries(client, url) == one
    client.force_login(world.coordinator_ce)
    page = text(client.get(url))
    assert "Application #" in page and "Agreement #" not in page


def test_a_renewal_and_its_predecessor_link_to_each_other(client, world):
    old = make_active(
        world,
        services.agreement_create_draft(
            actor=world.coordinator_ce,
            department=world.departments["ce"],
            **iia_terms(world.partners[0], start_date=date(2025, 1, 1), end_date=date(2027, 1, 31)),
        ),
    )
    services.agreements_expiry_sweep(window_days=180)
    renewal = Agreement.objects.get(renewal_of=old)
    client.force_login(world.head_ce)
    page = text(client.get(old.get_absolute_url()))
    assert "badge-ag-expiring" in page and "Renewed by" in page and renewal.get_absolute_url() in page
    page = text(client.get(renewal.get_absolute_url()))
    assert "Renewal of" in page and old.get_absolute_url() in page and "badge-ag-draft" in page


def test_agreement_pages_render_in_azerbaijani(client, world, draft):
    case_submit(case=draft, actor=world.coordinator_ce)
    client.force_login(world.head_ce)
    client.post("/i18n/setlang/", {"language": "az", "next": "/"})
    expected = {
        reverse("agreements:list"): "Sazişlər",
        draft.get_absolute_url(): "Əməkdaşlıq şərtləri",
        reverse("agreements:versions", args=[draft.pk]): "Şərtlərin versiyaları",
        reverse("agreements:partners"): "Tərəfdaş universitetlər",
        world.partners[0].get_absolute_url(): "Sazişlər və kvotalar",
        task_url(draft): "Departament müdirinin baxışı",
        reverse("workflows:inbox"): f"Saziş #{draft.pk}",
    }
    for url, text_az in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text_az in text(response), url
