"""Tasks, task templates and sets, my work, and each user's calendar feed."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    """Plugs tasks into the record screens, the API and the change log."""

    name = "modules.tasks"
    label = "tasks"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        # The API, the screens and the services import loaded models.
        from modules.records.screens import extensions
        from modules.tasks import timeline
        from modules.tasks.api import urls as api_urls
        from modules.tasks.screens import profile

        api_urls.register()
        timeline.register()
        extensions.register_profile_panel("tasks", profile.tasks_panel)
        extensions.register_record_urls(profile.record_urlpatterns)
