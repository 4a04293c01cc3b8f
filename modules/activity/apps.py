from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "modules.activity"
    label = "activity"
    verbose_name = _("Activity")

    def ready(self) -> None:
        # The kinds, services and screens import loaded models.
        from modules.activity import access, kinds
        from modules.activity.api import urls as api_urls
        from modules.history import hooks as history_hooks

        kinds.register()
        api_urls.register()
        history_hooks.register_narrowing("notes", access.history_q)
