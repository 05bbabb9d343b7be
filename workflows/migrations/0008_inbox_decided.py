"""The inbox row of a review step says who had decided another review step of its case when the step began
(`InboxEntry.decided`): the inbox keeps a case from them with a look at the row itself, where it asked the task table
once per row (at 1.3 million cases, a thousand index probes for the prorector's capped count). Open rows written
before get the column from the done review tasks of their cases."""

from django.db import migrations, models

BATCH = 2000


def decided_of_open_rows(apps, schema_editor):
    from viewflow.workflow.models import Task as CurrentTask

    from workflows.kinds import case_kinds

    InboxEntry = apps.get_model("workflows", "InboxEntry")
    Task = apps.get_model("viewflow", "Task")
    prep = CurrentTask._meta.get_field("flow_task").get_prep_value
    # (kind, review step) -> its node's stored name; every review node's stored name -> (kind, review step).
    review = {(kind.key, name): prep(getattr(kind.flow, name)) for kind in case_kinds() for name in kind.review_steps}
    step_of = {node: key for key, node in review.items()}
    for kind_key, step in review:
        rows = InboxEntry.objects.filter(kind=kind_key, step=step).order_by("pk")
        last = 0
        while batch := list(rows.filter(pk__gt=last).values_list("pk", "process_id")[:BATCH]):
            decided: dict[int, set[int]] = {}
            done = Task.objects.filter(
                process_id__in={process for _pk, process in batch},
                status="DONE",
                flow_task__in=list(step_of),
                owner_id__isnull=False,
            ).values_list("process_id", "flow_task", "owner_id")
            for process, node, owner in done:  # the field gives the node back; its stored name is the key
                if step_of[prep(node)] != (kind_key, step):
                    decided.setdefault(process, set()).add(owner)
            InboxEntry.objects.bulk_update(
                [
                    InboxEntry(pk=pk, decided=f",{','.join(str(owner) for owner in sorted(decided[process]))},")
                    for pk, process in batch
                    if decided.get(process)
                ],
                ["decided"],
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
