"""The partner registry left for the `partners` app (partners 0001): agreements point at partners.* now,
and the three models leave agreements' state only — their tables and rows stay where they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0004_append_only_triggers"),
        ("partners", "0001_initial"),
        # Calls must stop pointing at agreements.PartnerInstitution before it leaves the state.
        ("applications", "0006_partners_app"),
    ]

    operations = [
        migrations.AlterField(
            model_name="agreement",
            name="partner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agreements",
                to="partners.partnerinstitution",
                verbose_name="partner",
            ),
        ),
        migrations.AlterField(
            model_name="agreement",
            name="partner_unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="partners.organisationalunit",
                verbose_name="unit",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="PartnerContact"),
                migrations.DeleteModel(name="OrganisationalUnit"),
                migrations.DeleteModel(name="PartnerInstitution"),
            ],
        ),
    ]
