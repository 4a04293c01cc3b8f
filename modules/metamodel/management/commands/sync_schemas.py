"""Apply the built-in entity type definitions in `schemas/` (idempotent, keeps admin changes)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from modules.core.exceptions import TesseraError
from modules.metamodel.schemafiles.definitions import read_definitions
from modules.metamodel.schemafiles.sync import Sync


class Command(BaseCommand):
    help = "Apply schemas/*.yaml through the schema service; never overwrites admin changes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            default=str(Path(settings.BASE_DIR) / "schemas"),
            help="Directory holding the *.yaml definitions.",
        )

    def handle(self, *args, **options):
        try:
            report = Sync().run(read_definitions(Path(options["path"])))
        except TesseraError as error:
            details = "".join(f"\n  {k}: {'; '.join(v)}" for k, v in error.errors.items())
            raise CommandError(f"{error.detail}{details}") from None
        for line in report:
            self.stdout.write(line)
