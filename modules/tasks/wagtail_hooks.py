"""Wagtail hooks of tasks: My work in the main menu, its pages, and Settings > Tasks."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from modules.metamodel.screens.registry import SettingsAreaViewSet
from modules.tasks.screens import mywork, settings


@hooks.register("register_admin_urls")
def register_my_work_urls():
    """My work, its calendar and its actions, under the admin's `tasks/`."""
    return mywork.urlpatterns


@hooks.register("register_admin_menu_item")
def register_my_work_menu():
    """My work: everyone signed in has tasks."""
    return MenuItem(
        _("My work"), reverse("tasks_my_work"), icon_name="tasks", name="my-work", order=90
    )


class TasksArea(SettingsAreaViewSet):
    """Settings > Tasks: types, statuses, templates and sets."""

    name = settings.NS
    url_prefix = "settings/tasks"
    menu_label = _("Tasks")
    icon = "tasks"
    menu_name = "tasks"
    menu_order = 58
    order = 170
    description = _("Task types, optional statuses, task templates and post-sale task sets.")
    denied_message = _("Only administrators may change task settings.")
    routes = [("", settings.TaskSettingsView, "index")]


@hooks.register("register_admin_viewset")
def register_tasks_area():
    """Settings > Tasks, under `settings/tasks/`."""
    return TasksArea()
