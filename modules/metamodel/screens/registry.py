"""The settings area: a list of sections that any module adds to through a Wagtail hook.

    # some_module/wagtail_hooks.py
    from wagtail import hooks
    from modules.metamodel.screens.registry import SETTINGS_SECTION_HOOK, SettingsSection

    @hooks.register(SETTINGS_SECTION_HOOK)
    def register_teams_settings():
        return SettingsSection(_("Teams"), "teams_settings:index", "group", 200)

    # or, for an area also in Wagtail's Settings menu (administrators only):
    register_settings_area(
        _("Teams"), "teams_settings:index", icon="group", menu_name="teams", menu_order=60,
        order=200, description=_("Teams and sub-teams, ..."),
    )

A hook may return a `SettingsSection`, a plain `(label, url name, icon, order)` tuple,
or a list of them. The settings index page (`settings/`) lists them by `order`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.urls import NoReverseMatch, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

SETTINGS_SECTION_HOOK = "register_tessera_settings_section"


class AdministratorMenuItem(MenuItem):
    """A Settings menu item shown to administrators only."""

    def is_shown(self, request):
        return bool(getattr(request.user, "is_administrator", False))


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


def register_settings_area(
    label, url_name: str, *, icon: str, menu_name: str, menu_order: int, order: int, description
) -> None:
    """An area administrators reach both from Wagtail's Settings menu and from the
    settings index page; call it at import time in a module's `wagtail_hooks.py`."""
    hooks.register(
        "register_settings_menu_item",
        lambda: AdministratorMenuItem(
            label, reverse(url_name), name=menu_name, icon_name=icon, order=menu_order
        ),
    )
    hooks.register(
        SETTINGS_SECTION_HOOK, lambda: SettingsSection(label, url_name, icon, order, description)
    )


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
