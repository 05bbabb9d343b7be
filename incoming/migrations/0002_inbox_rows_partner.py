"""Incoming cases' open inbox rows written before their kind named its partner (`inbox_entry`, session 6) get it:
the inbox's partner filter finds them and a partner's rename reaches them, as for rows written since."""

from django.db import migrations

BATCH = 2000


def partner_of_open_rows(apps, schema_editor):
    InboxEntry = apps.get_model("workflows", "InboxEntry")
    IncomingApplication = apps.get_model("incoming", "IncomingApplication")
    rows = InboxEntry.objects.filter(kind="incoming", partner_id__isnull=True).order_by("pk")
    last = 0
    while batch := list(rows.filter(pk__gt=last).values_list("pk", "case_id")[:BATCH]):
        partners = dict(
            IncomingApplication.objects.filter(pk__in={case_id for _pk, case_id in batch}).values_list(
                "pk", "nomination__agreement__partner_id"
            )
        )
        InboxEntry.objects.bulk_update(
            [InboxEntry(pk=pk, partner_id=partners[case_id]) for pk, case_id in batch if case_id in partners],
            ["partner_id"],
        )
        last = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("incoming", "0001_initial"),
        ("workflows", "0007_task_write_indexes"),
    ]

    operations = [migrations.RunPython(partner_of_open_rows, migrations.RunPython.noop)]
