"""The inbox row of a review step says who had decided another review step of its case when the step began
(`InboxEntry.decided`): the inbox keeps a case from them with a look at the row itself, where it asked the task table
once per row (at 1.3 million cases, a thousand index probes for the prorector's capped count). Open rows written
before get the column from the done review tasks of their cases."""

from django.db import migrations, models

BATCH = 2000


def decided_of_open_rows(apps, schema_editor):
    # The column as the kernel writes it (workflows.inbox.inbox_decided_text), from who decided each case's review
    # steps (workflows.permissions.review_deciders_by_step: viewflow's task table, which no migration of ours alters).
    from workflows.inbox import inbox_decided_text
    from workflows.kinds import case_kinds
    from workflows.permissions import review_deciders_by_step

    InboxEntry = apps.get_model("workflows", "InboxEntry")
    for kind in case_kinds():
        for step in kind.review_steps:
            rows = InboxEntry.objects.filter(kind=kind.key, step=step).order_by("pk")
            last = 0
            while batch := list(rows.filter(pk__gt=last).values_list("pk", "process_id")[:BATCH]):
                decided = review_deciders_by_step(process_ids={process for _pk, process in batch})
                texts = {
                    pk: inbox_decided_text(kind=kind, step=step, decided=decided.get(process, {}))
                    for pk, process in batch
                }
                InboxEntry.objects.bulk_update(
                    [InboxEntry(pk=pk, decided=text) for pk, text in texts.items() if text], ["decided"]
                )
                last = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0007_task_write_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="inboxentry",
            name="decided",
            field=models.TextField(blank=True, default="", verbose_name="decided another step"),
        ),
        migrations.RunPython(decided_of_open_rows, migrations.RunPython.noop),
    ]
