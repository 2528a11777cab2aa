from django.core.management.base import BaseCommand

from search.indexing import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the events, lessons, people, organizations and stops. "
        "Saving content keeps it up to date; run this after writing content in bulk "
        "(loaddata, QuerySet.update, bulk_create)."
    )

    def handle(self, *args, **options):
        counts = rebuild()
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count}")
