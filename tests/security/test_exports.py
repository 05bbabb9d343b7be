"""Spreadsheet formula injection: what the exports write is shown by a spreadsheet program, never run."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from agreements import services
from core.exports import csv_response, safe_cell
from tests.support.agreements import iia_terms
from tests.support.factories import PartnerFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil","x")'


def export_rows(client) -> list[list[str]]:
    response = client.get(reverse("agreements:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="agreements-')
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_agreement_export_writes_formulas_as_text_and_ordinary_cells_unchanged(client, world):
    # given a title and partner names that a spreadsheet would run as formulas, and an ordinary one
    evil_names = ["@SUM(1+1)*cmd|' /C calc'!A0", "+1+cmd", "-2+3", "\t=1+1", "\r=1+1"]
    evil = {}
    for name in evil_names:
        agreement = services.agreement_create_draft(
            actor=world.coordinator_ce,
            department=world.departments["ce"],
            **iia_terms(PartnerFactory(name=name), title=FORMULA),
        )
        evil[str(agreement.pk)] = name
    ordinary = services.agreement_create_draft(
        actor=world.coordinator_ce,
        department=world.departments["ce"],
        **iia_terms(world.partners[0], title="Erasmus+ IIA - TU Berlin (2026–2028)"),
    )

    # when the coordinator exports the list
    client.force_login(world.coordinator_ce)
    header, *rows = export_rows(client)

    # then every dangerous cell starts with a single quote and keeps its text; the rest is as it was
    assert header[:3] == ["ID", "Number", "Title"] and header[5] == "Partner"
    by_id = {row[0]: row for row in rows}
    assert set(by_id) == set(evil) | {str(ordinary.pk)}
    for pk, name in evil.items():
        assert by_id[pk][2] == "'" + FORMULA
        assert by_id[pk][5] == "'" + name
    row = by_id[str(ordinary.pk)]
    assert row[2] == "Erasmus+ IIA - TU Berlin (2026–2028)"
    assert row[5] == world.partners[0].name
    assert row[12] == "1" and row[13] == ordinary.current_version.sha256


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_safe_cell_quotes_text_starting_like_a_formula(prefix):
    assert safe_cell(prefix + "1+1") == "'" + prefix + "1+1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-5, -5),
        (Decimal("-12.50"), Decimal("-12.50")),
        (-0.5, -0.5),
        (None, ""),
        ("", ""),
        ("Universität Wien", "Universität Wien"),
        ("a=b", "a=b"),
        (" =1", " =1"),
    ],
)
def test_safe_cell_leaves_numbers_and_ordinary_text_alone(value, expected):
    assert safe_cell(value) == expected


def test_csv_response_quotes_header_and_lazy_text_too():
    from django.utils.functional import lazy

    lazy_formula = lazy(lambda: "=1+1", str)()
    response = csv_response("x y.csv", ["-header", lazy_formula], [[-3, "-3", Decimal("1.5")]])
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows == [["'-header", "'=1+1"], ["-3", "'-3", "1.5"]]
    assert response["Content-Disposition"] == 'attachment; filename="x y.csv"'
