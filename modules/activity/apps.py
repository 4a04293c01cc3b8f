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
        from modules.activity.screens import views
        from modules.activity.services import move_entries
        from modules.history import hooks as history_hooks
        from modules.records import hooks
        from modules.records.screens import extensions

        kinds.register()
        api_urls.register()
        # The profile's timeline panel, the whole timeline and the notes' pages.
        extensions.register_profile_panel("activity", views.activity_panel)
        extensions.register_record_urls(views.record_urlpatterns)
        history_hooks.register_narrowing("notes", access.history_q)
        # A merged record's timeline moves to the record it was merged into.
        hooks.register_merge_mover(move_entries)
