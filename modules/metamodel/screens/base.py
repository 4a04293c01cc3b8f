"""The base views of the settings pages: administrators only, in Wagtail's admin layout.

    class TeamListView(SettingsAreaView):      # routed by its area (see registry.py)
        template_name = "accounts/team_list.html"
        page_title = gettext_lazy("Teams")

Others get 403 (not Wagtail's redirect to the dashboard); anonymous users are sent to log in.
`SettingsView` is a page of the settings root (the index, the configuration changes);
`SettingsAreaView` a page of one area, which gives it its icon, refusal text and breadcrumb.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from modules.metamodel.screens.registry import is_administrator

#: The settings index page, the first breadcrumb of every settings page.
SETTINGS_INDEX = "tessera_settings:index"


class AdministratorRequiredMixin:
    """Administrators only: others get 403 (not Wagtail's redirect to the dashboard)."""

    denied_message = gettext_lazy("Only administrators may change the data model.")

    def is_allowed(self, user) -> bool:
        """Whether `user` may open this page."""
        return is_administrator(user)

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not self.is_allowed(user):
            return defaults.permission_denied(request, DjangoPermissionDenied(self.denied_message))
        return super().dispatch(request, *args, **kwargs)


class SettingsView(AdministratorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """A page of the settings area: administrators only, Wagtail's admin layout."""

    header_icon = "cogs"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(SETTINGS_INDEX), "label": _("Settings")},
        ]


class SettingsAreaView(SettingsView):
    """A page of one settings area; the area's viewset builds it with `area=` itself."""

    #: The `SettingsAreaViewSet` that routes this page.
    area = None
    header_icon = ""

    @property
    def denied_message(self):
        return self.area.denied_message

    def is_allowed(self, user) -> bool:
        return self.area.allows(user)

    def get_header_icon(self):
        return self.header_icon or self.area.icon

    def get_breadcrumbs_items(self):
        index = reverse(self.area.index_url)
        here = "" if self.request.path == index else index
        return [*super().get_breadcrumbs_items(), {"url": here, "label": self.area.menu_label}]
