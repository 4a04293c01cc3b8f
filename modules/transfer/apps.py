"""Import and export of records: uploaded files, mapping, dry run, batches, undo."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "modules.transfer"
    label = "transfer"
    verbose_name = _("Import and export")

    def ready(self):
        # Registers the tasks in every process, so `ImportService.run` finds `run_import`
        # by name (and runs it in place when tasks are eager).
        from modules.transfer import tasks  # noqa: F401
        from modules.transfer.api import urls as api_urls

        api_urls.register()
