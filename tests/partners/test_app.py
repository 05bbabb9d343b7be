"""The partner registry is its own app at the bottom of the domain: it imports only accounts and core,
owns its models (on the tables they always had) and its permissions, and the apps above it use it."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from partners.models import OrganisationalUnit, PartnerContact, PartnerInstitution

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = {path.parent.name for path in ROOT.glob("*/__init__.py")}
# What partners may import of the project: itself and the layers below it.
ALLOWED = {"partners", "accounts", "core"}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_partners_imports_nothing_of_the_apps_above_it():
    # given every Python file of the partners package, migrations included
    files = sorted((ROOT / "partners").rglob("*.py"))
    assert files, "the partners package exists"
    # when we list the project packages they import
    offending = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in files
        for module in imported_modules(path)
        if module.split(".")[0] in PROJECT_PACKAGES - ALLOWED
    }
    # then there are none: no agreements, applications, workflows, notifications, documents, config
    assert not offending, sorted(offending)


def test_the_registry_belongs_to_partners_on_the_tables_it_always_had():
    with translation.override("en"):
        assert str(apps.get_app_config("partners").verbose_name) == "Partner institutions"
    assert {model._meta.app_label for model in (PartnerInstitution, OrganisationalUnit, PartnerContact)} == {"partners"}
    assert [model._meta.db_table for model in (PartnerInstitution, OrganisationalUnit, PartnerContact)] == [
        "agreements_partnerinstitution",
        "agreements_organisationalunit",
        "agreements_partnercontact",
    ]
    # The apps above point at the registry.
    assert apps.get_model("agreements", "Agreement")._meta.get_field("partner").related_model is PartnerInstitution
    assert apps.get_model("agreements", "Agreement")._meta.get_field("partner_unit").related_model is OrganisationalUnit
    assert apps.get_model("applications", "CallPlace")._meta.get_field("partner").related_model is PartnerInstitution


@pytest.mark.django_db
def test_roles_get_the_registry_permissions_under_the_partners_label(world):
    # given the role groups as setup_roles makes them (the world fixture runs it)
    content_type = ContentType.objects.get_for_model(PartnerInstitution)
    assert (content_type.app_label, content_type.model) == ("partners", "partnerinstitution")
    # then coordinators and admins manage partners, the other staff roles see them, students neither
    assert world.coordinator_ce.has_perm("partners.change_partnerinstitution")
    assert world.admin.has_perm("partners.add_partnerinstitution")
    assert world.auditor.has_perm("partners.view_partnerinstitution")
    assert not world.auditor.has_perm("partners.change_partnerinstitution")
    assert not world.student1.has_perm("partners.view_partnerinstitution")
