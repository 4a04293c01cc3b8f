"""Wagtail hooks of the records module: the Records menu and the runtime permission policy."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import SubmenuMenuItem
from wagtail.permissions import register_permission_policy

from modules.metamodel.runtime.base import EntityRecord
from modules.records.screens.menu import EntityMenu
from modules.records.screens.permissions import RecordPermissionPolicy

register_permission_policy(EntityRecord, RecordPermissionPolicy(EntityRecord))


@hooks.register("register_admin_menu_item")
def register_records_menu():
    """One menu group with an item per entity type (made per request)."""
    return SubmenuMenuItem(
        _("Records"), EntityMenu(), icon_name="folder-open-inverse", name="records", order=100
    )
