"""Wagtail hooks of accounts: Settings > Users and Settings > Teams, for administrators;
the user and team lookups.

The screens live under `settings/users/` and `settings/teams/` (`register_admin_urls`),
appear on the settings index (`register_tessera_settings_section`) and in Wagtail's
Settings menu.
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.accounts.screens import urls as team_urls
from modules.accounts.screens import user_urls
from modules.accounts.screens.lookup import TEAMS_URL_NAME, URL_NAME, team_lookup, user_lookup
from modules.metamodel.screens.registry import register_settings_area


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


register_settings_area(
    _("Teams"),
    "teams_settings:index",
    icon="group",
    menu_name="teams",
    menu_order=60,
    order=200,
    description=_("Teams and sub-teams, and who holds which role in them."),
)


register_settings_area(
    _("Users"),
    "users_settings:index",
    icon="user",
    menu_name="tessera-users",
    menu_order=55,
    order=190,
    description=_("Seats, adding and inviting users, suspending, deleting and handing over."),
)
