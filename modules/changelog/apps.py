"""The change log: reading, presenting and exporting what `modules.history` recorded."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangelogConfig(AppConfig):
    """Serves the change log's screens and API; it has no models of its own."""

    name = "modules.changelog"
    label = "changelog"
    verbose_name = _("Change log")

    def ready(self) -> None:
        from modules.changelog.api import urls
        from modules.changelog.screens import views
        from modules.records.screens import extensions

        urls.register()
        # Each record's history tab, and its link on the profile.
        extensions.register_record_urls(views.record_urlpatterns)
        extensions.register_record_tab("history_url", views.history_url)
