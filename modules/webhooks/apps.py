"""Webhooks: changes to records sent to other systems as they happen, and an events feed."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "modules.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from modules.history import hooks
        from modules.webhooks import dispatch
        from modules.webhooks.api import urls

        hooks.register_listener(dispatch.on_recorded)
        urls.register()
