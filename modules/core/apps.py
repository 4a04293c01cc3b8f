from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "modules.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from modules.core import folding

        folding.register_lookups()
        connection_created.connect(folding.register_sqlite_function)
