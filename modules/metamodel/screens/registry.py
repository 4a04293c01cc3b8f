"""Settings areas: one Wagtail ViewSet base, and the settings index that lists them.

An area declares its pages and its place in the admin; the base gives it its URLs (under
`/admin/<url_prefix>/`, namespace `name`), its item in Wagtail's Settings menu, its card
on the settings index page and its check (administrators only, the menu item too):

    # some_module/wagtail_hooks.py
    class TeamsArea(SettingsAreaViewSet):
        name = "teams_settings"
        url_prefix = "settings/teams"
        menu_label = _("Teams")
        icon = "group"
        menu_name = "teams"
        menu_order = 60
        order = 200
        description = _("Teams and sub-teams, and who holds which role in them.")
        denied_message = _("Only administrators may manage teams.")
        routes = [("", views.TeamListView, "index"), ("new/", views.TeamCreateView, "add")]

    @hooks.register("register_admin_viewset")
    def register_teams_area():
        return TeamsArea()

The area's pages subclass `modules.metamodel.screens.base.SettingsAreaView`, which takes the
icon, the refusal text and the breadcrumb from the area. A module above the area's own adds
a page to it through `SETTINGS_AREA_ROUTES_HOOK` (records adds the hand-over to the users):

    @hooks.register(SETTINGS_AREA_ROUTES_HOOK)
    def register_hand_over_route():
        return "users_settings", [("<int:pk>/hand-over/", HandOverView, "hand_over")]

A module may also add a plain card to the settings index through `SETTINGS_SECTION_HOOK`,
returning a `SettingsSection`, a `(label, url name, icon, order)` tuple or a list of them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.urls import NoReverseMatch, path, reverse
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

SETTINGS_SECTION_HOOK = "register_tessera_settings_section"
#: A higher module adds pages to an area through this hook: return `(area name, routes)`.
SETTINGS_AREA_ROUTES_HOOK = "register_tessera_settings_area_routes"


def is_administrator(user) -> bool:
    """Whether `user` may see and use the settings areas."""
    return bool(getattr(user, "is_administrator", False))


class AdministratorMenuItem(MenuItem):
    """A Settings menu item shown to administrators only."""

    def is_shown(self, request):
        return is_administrator(request.user)


class SettingsSection(NamedTuple):
    """One entry of the settings index page."""

    label: Any
    url_name: str
    icon: str = "cog"
    order: int = 1000
    description: Any = ""

    @property
    def url(self) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


class SettingsAreaViewSet(ViewSet):
    """One settings area: routes, Settings menu item, settings index card, administrators only.

    `routes` lists `(route, view class, url name)`; each view is built with `area=self`
    when it has an `area` attribute. `index_url_name` is the page the menu and the card open.
    An area whose pages another area routes (the same URL namespace) leaves `routes` empty.
    """

    menu_item_class = AdministratorMenuItem
    add_to_settings_menu = True
    #: The page the menu item and the index card open, a url name of this area.
    index_url_name = "index"
    #: Place of the card on the settings index page (the menu has `menu_order`).
    order = 1000
    description = ""
    denied_message = ""
    routes: tuple | list = ()

    @cached_property
    def menu_url(self) -> str:
        return reverse(self.index_url)

    @property
    def index_url(self) -> str:
        """The namespaced url name of the area's first page."""
        return self.get_url_name(self.index_url_name)

    def allows(self, user) -> bool:
        """Whether `user` may open the area's pages."""
        return is_administrator(user)

    def added_routes(self) -> list:
        """The routes other modules add to this area through `SETTINGS_AREA_ROUTES_HOOK`."""
        added = []
        for fn in hooks.get_hooks(SETTINGS_AREA_ROUTES_HOOK):
            name, routes = fn()
            if name == self.name:
                added.extend(routes)
        return added

    def get_urlpatterns(self):
        # Added routes first: their fixed paths win over the area's own patterns.
        return [
            path(route, self.construct_view(view_class, area=self), name=name)
            for route, view_class, name in [*self.added_routes(), *self.routes]
        ]

    def section(self) -> SettingsSection:
        """The area's card on the settings index page."""
        return SettingsSection(
            self.menu_label, self.index_url, self.icon, self.order, self.description
        )

    def on_register(self):
        super().on_register()
        hooks.register(SETTINGS_SECTION_HOOK, self.section)


def settings_sections() -> list[SettingsSection]:
    """Every registered section, sorted by order then label."""
    sections: list[SettingsSection] = []
    for fn in hooks.get_hooks(SETTINGS_SECTION_HOOK):
        result = fn()
        if result is None:
            continue
        items = result if isinstance(result, list) else [result]
        sections.extend(
            item if isinstance(item, SettingsSection) else SettingsSection(*item) for item in items
        )
    return sorted(sections, key=lambda s: (s.order, str(s.label)))
