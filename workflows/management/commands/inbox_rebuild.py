"""Write the inbox table's row of every open human task that has none (after rows were loaded around the flows)."""

from django.core.management.base import BaseCommand

from workflows.inbox import inbox_entries_rebuild


class Command(BaseCommand):
    help = "Write the inbox table's row of every open human task that has none."

    def handle(self, *args, **options):
        written = inbox_entries_rebuild()
        self.stdout.write(f"{written} inbox rows written")
