"""Wagtail hooks of the records module: the Records menu, the runtime permission policy and
the hand-over page of Settings > Users."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import SubmenuMenuItem
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.permissions import register_permission_policy

from modules.metamodel.runtime.base import EntityRecord
from modules.metamodel.screens.registry import SETTINGS_AREA_ROUTES_HOOK
from modules.records.screens.handover import HandOverView
from modules.records.screens.menu import EntityMenu
from modules.records.screens.permissions import RecordPermissionPolicy

register_permission_policy(EntityRecord, RecordPermissionPolicy(EntityRecord))

#: Wagtail's CMS menu items, which a CRM has no use for.
CMS_MENU_ITEMS = {"explorer", "images", "documents", "reports"}
#: The URL namespace of Settings > Users (accounts), which the hand-over page joins.
USERS_AREA = "users_settings"


@hooks.register("register_admin_menu_item")
def register_records_menu():
    """One menu group with an item per entity type (made per request)."""
    return SubmenuMenuItem(
        _("Records"), EntityMenu(), icon_name="folder-open-inverse", name="records", order=100
    )


@hooks.register(SETTINGS_AREA_ROUTES_HOOK)
def register_hand_over_route():
    """Settings > Users > a user > Hand over: every record the user holds moves on."""
    return USERS_AREA, [("<int:pk>/hand-over/", HandOverView, "hand_over")]


@hooks.register("construct_homepage_summary_items")
def hide_page_summary(request, items):
    """Tessera has no page tree: the dashboard does not count pages."""
    items[:] = [item for item in items if not isinstance(item, PagesSummaryItem)]


@hooks.register("construct_main_menu")
def hide_page_explorer(request, menu_items):
    """Tessera has no page tree, image or document library, nor Wagtail's page reports."""
    menu_items[:] = [item for item in menu_items if item.name not in CMS_MENU_ITEMS]
