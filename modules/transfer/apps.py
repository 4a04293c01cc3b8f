"""Import and export of records: uploaded files, mapping, dry run, batches, undo."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "modules.transfer"
    label = "transfer"
    verbose_name = _("Import and export")
