# The timeline actions of the competitive selection (the selection app): the published result, the applicant's
# answer, the reserve list and appeals.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0009_calls_in_pages_staff_mobility"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caseevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("updated", "Updated"),
                    ("document_uploaded", "Document uploaded"),
                    ("submitted", "Submitted"),
                    ("resubmitted", "Resubmitted"),
                    ("approved", "Approved"),
                    ("changes_requested", "Changes requested"),
                    ("rejected", "Rejected"),
                    ("place_assigned", "Place assigned"),
                    ("selected", "Selected"),
                    ("reserve_listed", "Put on the reserve list"),
                    ("not_selected", "Not selected"),
                    ("promoted", "Offered a place from the reserve list"),
                    ("place_accepted", "Place accepted"),
                    ("place_declined", "Place declined"),
                    ("offer_expired", "Offer not answered in time"),
                    ("appealed", "Appeal submitted"),
                    ("appeal_upheld", "Appeal upheld"),
                    ("appeal_dismissed", "Appeal dismissed"),
                ],
                max_length=30,
                verbose_name="action",
            ),
        ),
    ]
