"""Wagtail hooks of webhooks: Settings > Webhooks, for administrators."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.metamodel.screens.registry import SettingsAreaViewSet
from modules.webhooks.screens import views


class WebhooksArea(SettingsAreaViewSet):
    """Settings > Webhooks: where changes are sent, and how each sending went."""

    name = views.NS
    url_prefix = "settings/webhooks"
    menu_label = _("Webhooks")
    icon = "resubmit"
    menu_name = "webhooks"
    menu_order = 80
    order = 300
    description = _("Send changes to records to other systems as they happen, signed.")
    denied_message = _("Only administrators may manage webhooks.")
    routes = [
        ("", views.WebhookIndexView, "index"),
        ("new/", views.WebhookFormView, "create"),
        ("<int:pk>/", views.WebhookFormView, "edit"),
        ("<int:pk>/rotate/", views.WebhookRotateView, "rotate"),
        ("<int:pk>/delete/", views.WebhookDeleteView, "delete"),
        ("<int:pk>/deliveries/", views.DeliveryLogView, "deliveries"),
        ("<int:pk>/deliveries/<uuid:delivery>/redeliver/", views.RedeliverView, "redeliver"),
    ]


@hooks.register("register_admin_viewset")
def register_webhooks_area():
    """Settings > Webhooks, under `settings/webhooks/`."""
    return WebhooksArea()
