from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "modules.records"
    label = "records"
    verbose_name = _("Records")

    def ready(self):
        from modules.metamodel import rows
        from modules.records.api import urls as api_urls
        from modules.records.services import RecordService

        rows.register_writer(RecordService().store_columns)
        api_urls.register()
