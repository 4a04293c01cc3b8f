"""Wagtail hooks of sales: Settings > Sales processes, the board in the menu, and the
pipelines and lost reasons in the configuration history."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from modules.access import engine
from modules.metamodel.config_history import CONFIG_HISTORY_HOOK
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.screens.registry import SettingsAreaViewSet
from modules.sales.config_history import sales_kinds
from modules.sales.screens import settings


class SalesArea(SettingsAreaViewSet):
    """Settings > Sales processes: pipelines, their builder and the lost reasons."""

    name = settings.NS
    url_prefix = "settings/sales"
    menu_label = _("Sales processes")
    icon = "list-ul"
    menu_name = "sales_processes"
    menu_order = 57
    order = 165
    description = _("Pipelines with their stages and actions, and the reasons deals are lost.")
    denied_message = _("Only administrators may change sales processes.")
    routes = [
        ("", settings.PipelineIndexView, "index"),
        ("<int:pk>/", settings.PipelineBuilderView, "pipeline"),
    ]


@hooks.register("register_admin_viewset")
def register_sales_area():
    """Settings > Sales processes, under `settings/sales/`."""
    return SalesArea()


class BoardMenuItem(MenuItem):
    """The deals' board, for everyone who may list deals."""

    def is_shown(self, request):
        try:
            return engine.can(request.user, "view", entity="deals")
        except EntityTypeNotFound:
            return False


@hooks.register("register_admin_menu_item")
def register_board_menu_item():
    """ "Sales board" in the main menu."""
    # Lazy: record screens are served by the per-request URLconf (records.screens.urlconf).
    return BoardMenuItem(
        _("Sales board"), reverse_lazy("records_deals:board"), icon_name="table", order=250
    )


@hooks.register(CONFIG_HISTORY_HOOK)
def register_sales_history():
    """Pipelines and lost reasons in the configuration history."""
    return sales_kinds()
