from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetamodelConfig(AppConfig):
    name = "modules.metamodel"
    label = "metamodel"
    verbose_name = _("Data model")

    def ready(self) -> None:
        # The field types and the runtime import models, loaded only once apps are ready.
        from modules.metamodel.api import urls as api_urls
        from modules.metamodel.field_types.builtin import register_builtin_types
        from modules.metamodel.runtime import celery as runtime_celery
        from modules.metamodel.schemafiles import list_columns

        register_builtin_types()
        runtime_celery.connect_signals()
        api_urls.register()
        list_columns.register()
