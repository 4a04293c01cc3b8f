"""Wagtail hooks of workspace: Tessera's menus, not a CMS's, the records search with its
type-ahead, and the questions asked before suspending a user or undoing an import
(any form marked `data-tessera-confirm`).

Records already takes the page explorer, images, documents and reports out of the main
menu; here go Wagtail's help menu, the Settings items of the CMS (workflows, workflow
tasks, groups, collections, Wagtail's own users: Tessera's are Settings → Users), Wagtail's
version under the Settings menu, and its page, image, document and user searches: the
sidebar's search box searches records (`/search/`).
"""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html, json_script
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import SubmenuMenuItem
from wagtail.admin.search import SearchArea
from wagtail.admin.ui.sidebar import SubMenuItem as SubMenuItemComponent

from modules.workspace.screens import search

#: Wagtail's main menu items a CRM has no use for (records removes the CMS's own).
HIDDEN_MAIN_ITEMS = {"help"}
#: Wagtail's Settings items a CRM has no use for.
HIDDEN_SETTINGS_ITEMS = {"workflows", "workflow-tasks", "groups", "collections", "users"}


class TesseraSettingsMenuItem(SubmenuMenuItem):
    """Wagtail's Settings menu without "Wagtail v…" under it."""

    def render_component(self, request):
        return SubMenuItemComponent(
            self.name,
            self.label,
            self.menu.render_component(request),
            icon_name=self.icon_name,
            classname=self.classname,
            footer_text="Tessera",
        )


@hooks.register("construct_main_menu")
def tessera_main_menu(request, menu_items):
    """No help menu; the Settings menu says Tessera."""
    kept = []
    for item in menu_items:
        if item.name in HIDDEN_MAIN_ITEMS:
            continue
        if item.name == "settings" and isinstance(item, SubmenuMenuItem):
            item = TesseraSettingsMenuItem(
                item.label,
                item.menu,
                name=item.name,
                icon_name=item.icon_name,
                classname=item.classname,
                order=item.order,
            )
        kept.append(item)
    menu_items[:] = kept


@hooks.register("construct_settings_menu")
def tessera_settings_menu(request, menu_items):
    """Settings without the CMS's workflows, groups, collections and second Users."""
    menu_items[:] = [item for item in menu_items if item.name not in HIDDEN_SETTINGS_ITEMS]


class RecordsSearchArea(SearchArea):
    """The sidebar's search box: records of every entity type."""

    def __init__(self):
        super().__init__(
            _("Records"),
            reverse("workspace_search"),
            name="records",
            icon_name="search",
            order=-1000,
        )


@hooks.register("register_admin_search_area")
def register_records_search():
    """First of the search areas: the sidebar's search box uses the first one."""
    return RecordsSearchArea()


@hooks.register("construct_search")
def search_records_only(request, search_areas):
    """Wagtail's page, image, document and user searches find nothing a CRM keeps."""
    search_areas[:] = [area for area in search_areas if isinstance(area, RecordsSearchArea)]


@hooks.register("register_admin_urls")
def register_search_page():
    """`/search/?q=`: every entity type's records, grouped by type."""
    return [path("search/", search.SearchView.as_view(), name="workspace_search")]


@hooks.register("insert_global_admin_css")
def workspace_css():
    """Record titles that wrap between words; the type-ahead's look."""
    return format_html('<link rel="stylesheet" href="{}">', static("workspace/workspace.css"))


@hooks.register("insert_global_admin_js")
def typeahead_js():
    """The sidebar search box's type-ahead, with its texts in the user's language."""
    config = {
        "search": reverse("workspace_search"),
        "label": gettext("Records found"),
        "empty": gettext("Nothing found."),
        "more": gettext("More in %s"),
        "all": gettext("All results for “%s”"),
    }
    return json_script(config, "tessera-typeahead-config") + format_html(
        '<script src="{}" defer></script>', static("workspace/typeahead.js")
    )


@hooks.register("insert_global_admin_js")
def confirm_js():
    """Questions asked before a form marked `data-tessera-confirm="<kind>"` is sent."""
    texts = {
        "suspend": gettext(
            "Suspend %(name)s? They are signed out at once and cannot sign in until unsuspended."
        ),
        "anonymise": gettext(
            "Anonymise %(name)s? Their name and e-mail address are replaced for good; "
            "this cannot be undone."
        ),
        "undo_import": gettext(
            "Undo the import of %(name)s? Records it added go to the trash and records it "
            "changed get their earlier values back, unless changed since."
        ),
    }
    return json_script(texts, "tessera-confirm-texts") + format_html(
        '<script src="{}" defer></script>', static("workspace/confirm.js")
    )
