"""The default checklist (migration/defaults.py): an example the office adjusts in its pages."""

from django.db import migrations


def seed(apps, schema_editor):
    from migration.defaults import DEFAULT_TEMPLATES

    StepTemplate = apps.get_model("migration", "StepTemplate")
    for order, fields in enumerate(DEFAULT_TEMPLATES, start=1):
        StepTemplate.objects.get_or_create(code=fields["code"], defaults={**fields, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("migration", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
