"""Wagtail hooks of accounts: Settings > Users and Settings > Teams, for administrators;
the user and team lookups.

The screens live under `settings/users/` and `settings/teams/` (`register_admin_urls`),
appear on the settings index (`register_tessera_settings_section`) and in Wagtail's
Settings menu.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.accounts.screens import urls as team_urls
from modules.accounts.screens import user_urls
from modules.accounts.screens.lookup import TEAMS_URL_NAME, URL_NAME, team_lookup, user_lookup
from modules.metamodel.screens.registry import (
    SETTINGS_SECTION_HOOK,
    AdministratorMenuItem,
    SettingsSection,
)


@hooks.register("register_admin_urls")
def register_team_urls():
    """The teams screens' URLs, under `settings/teams/`."""
    return [
        path("settings/teams/", include(team_urls, namespace=team_urls.app_name)),
        path("settings/users/", include(user_urls, namespace=user_urls.app_name)),
    ]


@hooks.register("register_admin_urls")
def register_lookup_urls():
    """The type-ahead lookups of users (owner, participants, user fields) and teams."""
    return [
        path("lookup/users/", user_lookup, name=URL_NAME),
        path("lookup/teams/", team_lookup, name=TEAMS_URL_NAME),
    ]


@hooks.register("register_settings_menu_item")
def register_teams_menu_item():
    """ "Teams" in Wagtail's Settings menu, for administrators."""
    return AdministratorMenuItem(
        _("Teams"),
        reverse("teams_settings:index"),
        name="teams",
        icon_name="group",
        order=60,
    )


@hooks.register(SETTINGS_SECTION_HOOK)
def register_teams_settings():
    """The teams section of the settings index page."""
    return SettingsSection(
        _("Teams"),
        "teams_settings:index",
        "group",
        200,
        _("Teams and sub-teams, and who holds which role in them."),
    )


@hooks.register("register_settings_menu_item")
def register_users_menu_item():
    """ "Users" in Wagtail's Settings menu, for administrators."""
    return AdministratorMenuItem(
        _("Users"),
        reverse("users_settings:index"),
        name="tessera-users",
        icon_name="user",
        order=55,
    )


@hooks.register(SETTINGS_SECTION_HOOK)
def register_users_settings():
    """The users section of the settings index page."""
    return SettingsSection(
        _("Users"),
        "users_settings:index",
        "user",
        190,
        _("Seats, adding and inviting users, suspending, deleting and handing over."),
    )
