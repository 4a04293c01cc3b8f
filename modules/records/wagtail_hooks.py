"""Wagtail hooks of the records module: the Records menu, the runtime permission policy and
the hand-over page of Settings > Users."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import SubmenuMenuItem
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.permissions import register_permission_policy

from modules.metamodel.runtime.base import EntityRecord
from modules.records.screens.handover import URL_NAME as HAND_OVER_URL_NAME
from modules.records.screens.handover import HandOverView
from modules.records.screens.menu import EntityMenu
from modules.records.screens.permissions import RecordPermissionPolicy

register_permission_policy(EntityRecord, RecordPermissionPolicy(EntityRecord))

#: Wagtail's CMS menu items, which a CRM has no use for.
CMS_MENU_ITEMS = {"explorer", "images", "documents", "reports"}


@hooks.register("register_admin_menu_item")
def register_records_menu():
    """One menu group with an item per entity type (made per request)."""
    return SubmenuMenuItem(
        _("Records"), EntityMenu(), icon_name="folder-open-inverse", name="records", order=100
    )


# Before accounts' `settings/users/<pk>/<action>/`, which would take this path for an action.
@hooks.register("register_admin_urls", order=-1)
def register_hand_over_url():
    """Settings > Users > a user > Hand over: every record the user holds moves on."""
    return [
        path(
            "settings/users/<int:pk>/hand-over/",
            HandOverView.as_view(),
            name=HAND_OVER_URL_NAME,
        )
    ]


@hooks.register("construct_homepage_summary_items")
def hide_page_summary(request, items):
    """Tessera has no page tree: the dashboard does not count pages."""
    items[:] = [item for item in items if not isinstance(item, PagesSummaryItem)]


@hooks.register("construct_main_menu")
def hide_page_explorer(request, menu_items):
    """Tessera has no page tree, image or document library, nor Wagtail's page reports."""
    menu_items[:] = [item for item in menu_items if item.name not in CMS_MENU_ITEMS]
