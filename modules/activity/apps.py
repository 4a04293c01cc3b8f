from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "modules.activity"
    label = "activity"
    verbose_name = _("Activity")

    def ready(self) -> None:
        from modules.activity import timeline

        timeline.register_kind(timeline.EntryKind(type="change", label=_("Change")))
