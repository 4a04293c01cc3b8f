"""Drop the columns of fields that have been in the trash longer than the grace period."""

from django.core.management.base import BaseCommand

from modules.metamodel.tasks import purge_trashed_fields


class Command(BaseCommand):
    help = "Purge trashed fields older than TRASH_GRACE_DAYS (or --days)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Grace period in days (default: TRASH_GRACE_DAYS).",
        )

    def handle(self, *args, **options):
        purged = purge_trashed_fields(days=options["days"])
        self.stdout.write(f"purged {purged} field(s)")
