# The case list's keyset pages: every case newest first, and a department's cases by status newest first.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0012_caseevent_nominated"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["-created_at", "-id"], name="application_newest"),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["department", "status", "-created_at", "-id"], name="application_dept_status_new"
            ),
        ),
    ]
