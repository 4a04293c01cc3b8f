from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "modules.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        # The API, the services and the screens import loaded models.
        from modules.records import hooks
        from modules.records.screens import extensions
        from modules.sales import schemafile
        from modules.sales.api import urls as api_urls
        from modules.sales.guard import process_guard, start_process
        from modules.sales.screens import home, panel
        from modules.sales.screens import urls as screen_urls

        schemafile.register()
        # Runs after segmentation's scorer (INSTALLED_APPS order): a new record's segment
        # picks its pipeline.
        hooks.register_preparer(start_process)
        hooks.register_write_check(process_guard)
        extensions.register_profile_panel("sales", panel.process_panel)
        extensions.register_record_urls(screen_urls.record_urlpatterns)
        extensions.register_home_panel(
            extensions.HomePanel("deals", _("My open deals"), 20, home.deals_panel)
        )
        api_urls.register()
