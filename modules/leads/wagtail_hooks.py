"""Wagtail hooks of leads: Settings > Lead distribution (administrators) and the likely
duplicates screen (everyone, each seeing only records they may open)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from modules.leads.screens import duplicates, rules
from modules.metamodel.screens.registry import SettingsAreaViewSet


class DistributionArea(SettingsAreaViewSet):
    """Settings > Lead distribution: ordered rules that assign new leads."""

    name = rules.NS
    url_prefix = "settings/lead-distribution"
    menu_label = _("Lead distribution")
    icon = "group"
    menu_name = "lead-distribution"
    menu_order = 57
    order = 170
    description = _("Assign new leads to users and teams by conditions and shares.")
    denied_message = _("Only administrators may change distribution rules.")
    routes = [
        ("", rules.RuleIndexView, "index"),
        ("new/", rules.RuleFormView, "create"),
        ("<int:rule_id>/", rules.RuleFormView, "edit"),
        ("<int:rule_id>/delete/", rules.RuleDeleteView, "delete"),
        ("<int:rule_id>/preview/", rules.RulePreviewView, "preview"),
    ]


@hooks.register("register_admin_viewset")
def register_distribution_area():
    """Settings > Lead distribution, under `settings/lead-distribution/`."""
    return DistributionArea()


@hooks.register("register_admin_urls")
def register_duplicates_urls():
    """The likely duplicates screen, under `duplicates/`."""
    return [
        path("duplicates/", duplicates.DuplicatesView.as_view(), name="lead_duplicates_index"),
        path(
            "duplicates/<slug:slug>/",
            duplicates.DuplicatesView.as_view(),
            name="lead_duplicates",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_duplicates_menu_item():
    """Likely duplicates, in the main menu."""
    return MenuItem(
        _("Duplicates"), reverse("lead_duplicates_index"), icon_name="duplicate", order=250
    )
