from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetamodelConfig(AppConfig):
    name = "modules.metamodel"
    label = "metamodel"
    verbose_name = _("Data model")

    def ready(self) -> None:
        from modules.metamodel import field_types
        from modules.metamodel.runtime import celery as runtime_celery

        field_types.load_builtin_types()
        runtime_celery.connect_signals()
