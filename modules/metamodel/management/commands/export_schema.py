"""Write this instance's entity types, fields and layouts as YAML `sync_schemas` can load."""

from pathlib import Path

from django.core.management.base import BaseCommand

from modules.metamodel.schemafiles.export import export_definitions


class Command(BaseCommand):
    help = "Export entity types, fields and layouts to a directory of YAML files."

    def add_arguments(self, parser):
        parser.add_argument("output", help="Directory to write <slug>.yaml files into.")

    def handle(self, *args, **options):
        directory = Path(options["output"])
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in export_definitions().items():
            (directory / name).write_text(text, encoding="utf-8")
            self.stdout.write(str(directory / name))
