"""Calls' partners are partners.PartnerInstitution now (the same table; see partners 0001)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_append_only_triggers"),
        ("partners", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="call",
            name="partners",
            field=models.ManyToManyField(
                related_name="calls",
                through="applications.CallPlace",
                to="partners.partnerinstitution",
                verbose_name="partners",
            ),
        ),
        migrations.AlterField(
            model_name="callplace",
            name="partner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="call_places",
                to="partners.partnerinstitution",
                verbose_name="partner",
            ),
        ),
    ]
