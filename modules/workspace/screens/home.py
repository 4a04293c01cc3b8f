"""The home page (`/`): every registered home panel, in order, for the signed-in user.

Boxes come from `records.screens.extensions.home_panels()`: workspace's own (`home.py`) and
those other modules register from their `ready()` (sales' open deals, tasks' own tasks).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from modules.records.screens import extensions


class HomeView(WagtailAdminTemplateMixin, TemplateView):
    """The boxes of the home page; a box that has nothing for this user is left out."""

    template_name = "workspace/home.html"
    page_title = _("Home")
    header_icon = "home"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        boxes = []
        for panel in extensions.home_panels():
            html = panel.render(self.request)
            if html is not None:
                boxes.append({"name": panel.name, "title": panel.title, "html": html})
        context["boxes"] = boxes
        return context

    def get_breadcrumbs_items(self):
        return []


home = require_admin_access(HomeView.as_view())
