"""Wagtail hooks of accounts: Settings > Users and Settings > Teams, for administrators;
Settings > API tokens, for everyone; the user and team lookups; the date and number
formats panel of the account page.

The screens live under `settings/users/` and `settings/teams/` (namespaces
`users_settings` and `teams_settings`), appear on the settings index and in Wagtail's
Settings menu (`SettingsAreaViewSet`).
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from modules.accounts.screens import tokens, users, views
from modules.accounts.screens.account import RegionalFormatsPanel
from modules.accounts.screens.lookup import TEAMS_URL_NAME, URL_NAME, team_lookup, user_lookup
from modules.metamodel.screens.registry import SettingsAreaViewSet


class TeamsArea(SettingsAreaViewSet):
    """Settings > Teams: the team tree, create, edit and delete."""

    name = views.NS
    url_prefix = "settings/teams"
    menu_label = _("Teams")
    icon = "group"
    menu_name = "teams"
    menu_order = 60
    order = 200
    description = _("Teams and sub-teams, and who holds which role in them.")
    denied_message = _("Only administrators may manage teams.")
    routes = [
        ("", views.TeamListView, "index"),
        ("new/", views.TeamCreateView, "add"),
        ("<int:pk>/", views.TeamEditView, "edit"),
        ("<int:pk>/delete/", views.TeamDeleteView, "delete"),
    ]


class UsersArea(SettingsAreaViewSet):
    """Settings > Users: seats, users and their status, invitations (records adds the hand-over)."""

    name = users.NS
    url_prefix = "settings/users"
    menu_label = _("Users")
    icon = "user"
    menu_name = "tessera-users"
    menu_order = 55
    order = 190
    description = _("Seats, adding and inviting users, suspending, deleting and handing over.")
    denied_message = _("Only administrators may manage users and teams.")
    routes = [
        ("", users.UserListView, "index"),
        ("add/", users.AddUserView, "add"),
        ("invite/", users.InviteView, "invite"),
        ("<int:pk>/delete/", users.DeleteUserView, "delete"),
        ("<int:pk>/<str:action>/", users.StatusView, "status"),
        ("invitations/<int:pk>/<str:action>/", users.InvitationActionView, "invitation"),
    ]


class TokensArea(SettingsAreaViewSet):
    """Settings > API tokens: every user's own tokens (administrators see everyone's)."""

    name = tokens.NS
    url_prefix = "settings/api-tokens"
    menu_label = _("API tokens")
    icon = "key"
    menu_name = "api-tokens"
    menu_order = 65
    order = 210
    description = _("Named tokens for integrations: what each may do, until when; revoke.")
    menu_item_class = MenuItem
    routes = [
        ("", tokens.TokenListView, "index"),
        ("new/", tokens.TokenCreateView, "add"),
        ("<int:pk>/revoke/", tokens.TokenRevokeView, "revoke"),
    ]

    def allows(self, user) -> bool:
        """Every active user manages their own tokens."""
        return bool(user.is_active)


@hooks.register("register_admin_viewset")
def register_account_areas():
    """Settings > Teams, Settings > Users and Settings > API tokens."""
    return [TeamsArea(), UsersArea(), TokensArea()]


@hooks.register("register_admin_urls")
def register_lookup_urls():
    """The type-ahead lookups of users (owner, participants, user fields) and teams."""
    return [
        path("lookup/users/", user_lookup, name=URL_NAME),
        path("lookup/teams/", team_lookup, name=TEAMS_URL_NAME),
    ]


@hooks.register("register_account_settings_panel")
def register_regional_panel(request, user, profile):
    """Account > Profile: the user's date, time and number formats."""
    return RegionalFormatsPanel(request, user, profile)
