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
        from modules.records import hooks
        from modules.records.screens import extensions
        from modules.sales import signals
        from modules.sales import task_templates as sales_task_templates
        from modules.tasks import sales, timeline
        from modules.tasks.api import urls as api_urls
        from modules.tasks.screens import home, profile
        from modules.tasks.services import TaskService

        api_urls.register()
        timeline.register()
        extensions.register_profile_panel("tasks", profile.tasks_panel)
        extensions.register_record_urls(profile.record_urlpatterns)
        extensions.register_home_panel(home.PANEL)
        # A merged record's tasks follow it to the record kept.
        hooks.register_merge_mover(TaskService().move_links)
        # Sales' "trigger a task" names a template's key; a won deal gets the post-sale sets.
        sales_task_templates.register(sales.template_keys)
        signals.action_completed.connect(sales.action_completed)
        signals.deal_won.connect(sales.deal_won)
