"""Wagtail hooks of the change log: Settings > Change log, for administrators."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.changelog.screens import views
from modules.metamodel.screens.registry import SettingsAreaViewSet


class ChangeLogArea(SettingsAreaViewSet):
    """Settings > Change log: every record change, filtered, exported to Excel."""

    name = "history_settings"
    url_prefix = "settings/change-log"
    index_url_name = "change_log"
    menu_label = _("Change log")
    icon = "history"
    menu_name = "change-log"
    menu_order = 58
    order = 170
    description = _(
        "Every change to every record: who, when, what. Filter it and export it to Excel."
    )
    denied_message = _("Only administrators may read the change log.")
    routes = [("", views.ChangeLogView, "change_log")]


@hooks.register("register_admin_viewset")
def register_change_log_area():
    """The change log, under `settings/change-log/`."""
    return ChangeLogArea()
