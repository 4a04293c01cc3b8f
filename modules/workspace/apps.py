"""The workspace: what a user sees first and moves around with.

The home page (`/`) with its boxes, the global search (`/search/`, `GET /api/v1/search/`
and the sidebar's type-ahead), Tessera's own sign-in page, branding and error pages, and
the admin's menus without Wagtail's CMS items.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "modules.workspace"
    label = "workspace"
    verbose_name = _("Workspace")

    def ready(self) -> None:
        # The panels and the API views read loaded models.
        from modules.records.screens import extensions
        from modules.workspace import home
        from modules.workspace.api import urls as api_urls

        for panel in home.PANELS:
            extensions.register_home_panel(panel)
        api_urls.register()
